//! The emulated account: web apps, their domains and certificates, the DNS table, the
//! emulator clock and the issuance log, and their JSON forms (the state JSON is documented in
//! the crate docs, `lib.rs`).

use std::collections::{BTreeMap, HashSet};

use serde_json::{json, Value};

use crate::clock::{self, EmulatorClock};
use crate::config::{EmulatorConfig, SslMode};
use crate::dns::DnsTable;
use crate::issuance::{certificate_names, Attempt, IssuanceLog, Refusal, Trigger};

/// First domain id: far from app and certificate ids so a client mixing them up gets a 404.
const FIRST_DOMAIN_ID: u64 = 100_001;
/// First certificate id, same reason.
const FIRST_CERTIFICATE_ID: u64 = 900_001;
/// Let's Encrypt certificates last 90 days and are renewed 30 days before expiry.
const LETSENCRYPT_VALID_DAYS: u64 = 90;
const LETSENCRYPT_RENEW_AFTER_DAYS: u64 = 60;
/// Validity given to uploaded (custom) certificates.
const CUSTOM_VALID_DAYS: u64 = 365;

/// `type` of a domain.
pub const DOMAIN_TYPES: &[&str] = &["alias", "primary", "redirect"];
/// `redirection` of a domain.
pub const REDIRECTIONS: &[&str] = &["none", "www", "non-www"];

/// One domain record, as the API shows it.
#[derive(Debug, Clone)]
pub struct Domain {
    pub id: u64,
    pub name: String,
    pub domain_type: String,
    pub www: bool,
    pub redirection: String,
    pub wildcard: bool,
    pub created_at: String,
}

impl Domain {
    /// The documented domain object; `www`/`wildcard` are integers 0/1 as RunCloud returns them.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "type": self.domain_type,
            "www": u8::from(self.www),
            "redirection": self.redirection,
            "wildcard": u8::from(self.wildcard),
            // [doc] "none" for a domain added through the API without a DNS integration (the
            // POST, list and DELETE examples; the GET example shows "cloudflare").
            "dns_integration": "none",
            "status": Value::Null,
            "created_at": self.created_at,
        })
    }
}

/// How a certificate was obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CertificateMethod {
    LetsEncrypt,
    Custom,
}

impl CertificateMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            CertificateMethod::LetsEncrypt => "letsencrypt",
            CertificateMethod::Custom => "custom",
        }
    }

    fn humanized(self) -> &'static str {
        match self {
            CertificateMethod::LetsEncrypt => "Let's Encrypt",
            CertificateMethod::Custom => "Custom",
        }
    }
}

/// Settings a certificate is installed with (docs/RUNCLOUD_API.md §4).
#[derive(Debug, Clone)]
pub struct CertificateSettings {
    pub method: CertificateMethod,
    pub enable_http: bool,
    pub enable_hsts: bool,
    pub authorization_method: String,
    pub staging: bool,
    pub ssl_protocol_id: u64,
}

impl CertificateSettings {
    /// What `--ssl letsencrypt|custom|advanced-auto` installs.
    pub fn default_for(method: CertificateMethod) -> Self {
        CertificateSettings {
            method,
            enable_http: false,
            enable_hsts: false,
            authorization_method: "http-01".into(),
            staging: false,
            ssl_protocol_id: 2,
        }
    }
}

/// What a certificate covers: domain records and the names it holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Coverage {
    /// The domain records' names (the state's `covered_domains`).
    pub domains: Vec<String>,
    /// Every name on the certificate, from [`certificate_names`].
    pub names: Vec<String>,
}

impl Coverage {
    pub fn of<'a>(domains: impl IntoIterator<Item = &'a Domain> + Clone) -> Self {
        Coverage {
            domains: domains
                .clone()
                .into_iter()
                .map(|domain| domain.name.clone())
                .collect(),
            names: certificate_names(domains),
        }
    }
}

/// A basic (whole web app) or per-domain certificate.
#[derive(Debug, Clone)]
pub struct Certificate {
    pub id: u64,
    pub settings: CertificateSettings,
    pub valid_until: String,
    pub renewal_date: Option<String>,
    pub created_at: String,
    /// Domain names the certificate was issued for (at install and at each redeploy).
    pub covered_domains: Vec<String>,
    /// Every name the certificate holds, `www.` and wildcard names included
    /// ([`certificate_names`]).
    pub names: Vec<String>,
    pub redeploy_count: u64,
}

impl Certificate {
    /// A certificate issued at `now` (emulator clock).
    pub fn issue(id: u64, settings: CertificateSettings, coverage: Coverage, now: u64) -> Self {
        let (valid_until, renewal_date) = validity(settings.method, now);
        Certificate {
            id,
            settings,
            valid_until,
            renewal_date,
            created_at: clock::format_unix_seconds(now),
            covered_domains: coverage.domains,
            names: coverage.names,
            redeploy_count: 0,
        }
    }

    /// Re-issues a Let's Encrypt certificate at `now`.
    pub fn redeploy(&mut self, coverage: Coverage, now: u64) {
        let (valid_until, renewal_date) = validity(self.settings.method, now);
        self.valid_until = valid_until;
        self.renewal_date = renewal_date;
        self.covered_domains = coverage.domains;
        self.names = coverage.names;
        self.redeploy_count += 1;
    }

    /// The certificate object as GET .../ssl returns it (fields [seen], values [assumed]).
    pub fn to_json(&self) -> Value {
        let settings = &self.settings;
        json!({
            "id": self.id,
            "method": settings.method.as_str(),
            "method_humanize": settings.method.humanized(),
            "enableHttp": settings.enable_http,
            "enableHsts": settings.enable_hsts,
            "authorizationMethod": match settings.method {
                CertificateMethod::LetsEncrypt => Value::from(settings.authorization_method.clone()),
                CertificateMethod::Custom => Value::Null,
            },
            "staging": settings.staging,
            "api_id": Value::Null,
            "ssl_protocol_id": settings.ssl_protocol_id,
            "validUntil": self.valid_until,
            "renewal_date": self.renewal_date,
            "created_at": self.created_at,
        })
    }

    /// The API object plus what tests assert on.
    fn to_state_json(&self) -> Value {
        let mut object = self.to_json();
        object["covered_domains"] = json!(self.covered_domains);
        object["names"] = json!(self.names);
        object["redeploy_count"] = json!(self.redeploy_count);
        object
    }
}

fn validity(method: CertificateMethod, now: u64) -> (String, Option<String>) {
    match method {
        CertificateMethod::LetsEncrypt => (
            clock::timestamp_days_after(now, LETSENCRYPT_VALID_DAYS),
            Some(clock::timestamp_days_after(
                now,
                LETSENCRYPT_RENEW_AFTER_DAYS,
            )),
        ),
        CertificateMethod::Custom => (clock::timestamp_days_after(now, CUSTOM_VALID_DAYS), None),
    }
}

/// One web app with its domains and SSL state.
#[derive(Debug, Clone)]
pub struct WebApp {
    pub server_id: u64,
    pub app_id: u64,
    pub name: String,
    pub created_at: String,
    pub domains: Vec<Domain>,
    pub basic_certificate: Option<Certificate>,
    pub advanced_ssl: bool,
    pub auto_ssl: bool,
    /// Per-domain certificates by domain id.
    pub domain_certificates: BTreeMap<u64, Certificate>,
}

impl WebApp {
    fn new(server_id: u64, app_id: u64) -> Self {
        WebApp {
            server_id,
            app_id,
            name: format!("app-{server_id}-{app_id}"),
            created_at: clock::now_timestamp(),
            domains: Vec::new(),
            basic_certificate: None,
            advanced_ssl: false,
            auto_ssl: false,
            domain_certificates: BTreeMap::new(),
        }
    }

    /// The documented web app object (bare, no `data` wrapper).
    pub fn to_json(&self) -> Value {
        let root = format!("/home/runcloud/webapps/{}", self.name);
        json!({
            "id": self.app_id,
            "server_user_id": self.server_id * 1000 + 1,
            "name": self.name,
            "rootPath": root,
            "publicPath": root,
            "phpVersion": "php83rc",
            "stack": "hybrid",
            "stackMode": "production",
            "type": "wordpress",
            "defaultApp": false,
            "alias": Value::Null,
            "pullKey1": pull_key(self.server_id, self.app_id, 1),
            "pullKey2": pull_key(self.server_id, self.app_id, 2),
            "created_at": self.created_at,
        })
    }

    pub fn domain(&self, domain_id: u64) -> Option<&Domain> {
        self.domains.iter().find(|domain| domain.id == domain_id)
    }

    pub fn domain_mut(&mut self, domain_id: u64) -> Option<&mut Domain> {
        self.domains
            .iter_mut()
            .find(|domain| domain.id == domain_id)
    }

    pub fn domain_names(&self) -> Vec<String> {
        self.domains
            .iter()
            .map(|domain| domain.name.clone())
            .collect()
    }

    /// What a basic certificate issued now would cover: every domain of the app.
    pub fn basic_coverage(&self) -> Coverage {
        Coverage::of(&self.domains)
    }

    /// What the domain's own certificate would cover; `None` for an unknown domain.
    pub fn domain_coverage(&self, domain_id: u64) -> Option<Coverage> {
        self.domain(domain_id)
            .map(std::slice::from_ref)
            .map(Coverage::of)
    }

    /// `{"advancedSSL", "autoSSL"}` as GET ssl/advanced returns it.
    pub fn advanced_mode_json(&self) -> Value {
        json!({ "advancedSSL": self.advanced_ssl, "autoSSL": self.auto_ssl })
    }

    fn to_state_json(&self) -> Value {
        let domain_certificates: serde_json::Map<String, Value> = self
            .domain_certificates
            .iter()
            .filter_map(|(domain_id, certificate)| {
                let domain = self.domain(*domain_id)?;
                let mut object = certificate.to_state_json();
                object["domain_id"] = json!(domain_id);
                Some((domain.name.clone(), object))
            })
            .collect();
        json!({
            "server_id": self.server_id,
            "app_id": self.app_id,
            "name": self.name,
            "domains": self.domains.iter().map(Domain::to_json).collect::<Vec<_>>(),
            "ssl": {
                "basic": self.basic_certificate.as_ref().map(Certificate::to_state_json),
                "advanced": self.advanced_mode_json(),
                "domains": domain_certificates,
            },
        })
    }
}

/// A stable, fake 32-hex-digit deploy key.
fn pull_key(server_id: u64, app_id: u64, which: u64) -> String {
    let mixed = server_id
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(app_id.wrapping_mul(0xC2B2_AE3D_27D4_EB4F))
        .wrapping_add(which);
    format!(
        "{mixed:016x}{:016x}",
        mixed.rotate_left(29) ^ 0x5851_F42D_4C95_7F2D
    )
}

/// Why a web app could not be found.
#[derive(Debug, PartialEq, Eq)]
pub enum AppLookupError {
    UnknownServer,
    UnknownWebApp,
}

/// The whole emulated account, with the DNS table, the emulator clock and the issuance log
/// (all back to their start on reset).
#[derive(Debug, Clone)]
pub struct World {
    apps: BTreeMap<(u64, u64), WebApp>,
    next_domain_id: u64,
    next_certificate_id: u64,
    initial_ssl: SslMode,
    pub dns: DnsTable,
    pub clock: EmulatorClock,
    issuance: IssuanceLog,
}

/// Whether a new domain's autoSSL certificate goes through the issuance model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AutoIssue {
    /// Added through the API: issued like any certificate, or not at all when refused.
    Modelled,
    /// Seeded: part of the initial state, always covered, not an issuance.
    Seeded,
}

impl World {
    /// The initial state for a configuration: its apps, SSL mode and seeded domains.
    pub fn new(config: &EmulatorConfig) -> Self {
        let mut world = World {
            apps: BTreeMap::new(),
            next_domain_id: FIRST_DOMAIN_ID,
            next_certificate_id: FIRST_CERTIFICATE_ID,
            initial_ssl: config.ssl,
            dns: DnsTable::default(),
            clock: EmulatorClock::default(),
            issuance: IssuanceLog::default(),
        };
        for &(server_id, app_id) in &config.apps {
            // A pair given twice (`--app 1:1 --app 1:1`) is one app, seeded once.
            if !world.apps.contains_key(&(server_id, app_id)) {
                world.seed(server_id, app_id, config.seed_domains);
            }
        }
        world
    }

    /// Creates a web app with the initial SSL mode if it does not exist; true when created.
    fn ensure_app(&mut self, server_id: u64, app_id: u64) -> bool {
        if self.apps.contains_key(&(server_id, app_id)) {
            return false;
        }
        let mut app = WebApp::new(server_id, app_id);
        match self.initial_ssl {
            SslMode::None => {}
            SslMode::LetsEncrypt | SslMode::Custom => {
                let method = if self.initial_ssl == SslMode::Custom {
                    CertificateMethod::Custom
                } else {
                    CertificateMethod::LetsEncrypt
                };
                let id = self.allocate_certificate_id();
                app.basic_certificate = Some(Certificate::issue(
                    id,
                    CertificateSettings::default_for(method),
                    Coverage::default(),
                    self.clock.now(),
                ));
            }
            SslMode::Advanced => app.advanced_ssl = true,
            SslMode::AdvancedAuto => {
                app.advanced_ssl = true;
                app.auto_ssl = true;
            }
        }
        self.apps.insert((server_id, app_id), app);
        true
    }

    pub fn allocate_domain_id(&mut self) -> u64 {
        let id = self.next_domain_id;
        self.next_domain_id += 1;
        id
    }

    pub fn allocate_certificate_id(&mut self) -> u64 {
        let id = self.next_certificate_id;
        self.next_certificate_id += 1;
        id
    }

    /// Seconds since the epoch on the emulator clock.
    pub fn now(&self) -> u64 {
        self.clock.now()
    }

    /// Runs Let's Encrypt's checks for `attempt` now and records the outcome. On success returns
    /// the certificate's id (the one redeployed, or a new one); a refusal changes nothing else.
    pub fn attempt_issuance(&mut self, attempt: Attempt) -> Result<u64, Refusal> {
        let now = self.clock.now();
        let next_certificate_id = &mut self.next_certificate_id;
        self.issuance.attempt(attempt, &self.dns, now, || {
            let id = *next_certificate_id;
            *next_certificate_id += 1;
            id
        })
    }

    /// Finds a web app, telling an unknown server from an unknown app on a known server.
    pub fn lookup(&self, server_id: u64, app_id: u64) -> Result<&WebApp, AppLookupError> {
        self.apps
            .get(&(server_id, app_id))
            .ok_or_else(|| self.lookup_error(server_id))
    }

    pub fn lookup_mut(
        &mut self,
        server_id: u64,
        app_id: u64,
    ) -> Result<&mut WebApp, AppLookupError> {
        let error = self.lookup_error(server_id);
        self.apps.get_mut(&(server_id, app_id)).ok_or(error)
    }

    fn lookup_error(&self, server_id: u64) -> AppLookupError {
        if self.apps.keys().any(|&(server, _)| server == server_id) {
            AppLookupError::UnknownWebApp
        } else {
            AppLookupError::UnknownServer
        }
    }

    /// Whether any web app on the server already has this domain name.
    ///
    /// [assumed] RunCloud refuses a name that another web app on the same server already serves
    /// (nginx could not route it); different servers (extra targets behind a load balancer) may
    /// share a name.
    pub fn server_has_domain(&self, server_id: u64, name: &str) -> bool {
        self.apps
            .values()
            .filter(|app| app.server_id == server_id)
            .any(|app| app.domains.iter().any(|domain| domain.name == name))
    }

    /// Adds a domain (already validated) and, under advanced SSL with autoSSL, its certificate.
    ///
    /// [seen] with autoSSL RunCloud issues the new domain's certificate by itself. [assumed] It
    /// goes through the issuance model like any certificate: when Let's Encrypt would refuse it
    /// (e.g. the name does not point here yet) the domain is added without a certificate and
    /// the refusal is logged; the add itself succeeds (RunCloud issues in the background).
    pub fn insert_domain(
        &mut self,
        server_id: u64,
        app_id: u64,
        domain: Domain,
    ) -> Result<Domain, AppLookupError> {
        self.add_domain(server_id, app_id, domain, AutoIssue::Modelled)
    }

    fn add_domain(
        &mut self,
        server_id: u64,
        app_id: u64,
        mut domain: Domain,
        auto_issue: AutoIssue,
    ) -> Result<Domain, AppLookupError> {
        let auto_ssl = {
            let app = self.lookup(server_id, app_id)?;
            app.advanced_ssl && app.auto_ssl
        };
        domain.id = self.allocate_domain_id();
        self.lookup_mut(server_id, app_id)?
            .domains
            .push(domain.clone());
        if auto_ssl {
            match auto_issue {
                AutoIssue::Modelled => {
                    self.issue_auto_certificate(server_id, app_id, domain.id)?;
                }
                AutoIssue::Seeded => {
                    let id = self.allocate_certificate_id();
                    let certificate = Certificate::issue(
                        id,
                        CertificateSettings::default_for(CertificateMethod::LetsEncrypt),
                        Coverage::of(std::slice::from_ref(&domain)),
                        self.clock.now(),
                    );
                    self.lookup_mut(server_id, app_id)?
                        .domain_certificates
                        .insert(domain.id, certificate);
                }
            }
        }
        Ok(domain)
    }

    /// autoSSL: issues a certificate for every domain of the app that has none (each through
    /// the issuance model; a refused one stays without).
    pub fn issue_missing_auto_certificates(
        &mut self,
        server_id: u64,
        app_id: u64,
    ) -> Result<(), AppLookupError> {
        let app = self.lookup(server_id, app_id)?;
        let missing: Vec<u64> = app
            .domains
            .iter()
            .filter(|domain| !app.domain_certificates.contains_key(&domain.id))
            .map(|domain| domain.id)
            .collect();
        for domain_id in missing {
            self.issue_auto_certificate(server_id, app_id, domain_id)?;
        }
        Ok(())
    }

    /// One autoSSL certificate; `Ok(false)` when Let's Encrypt refused it (logged).
    fn issue_auto_certificate(
        &mut self,
        server_id: u64,
        app_id: u64,
        domain_id: u64,
    ) -> Result<bool, AppLookupError> {
        let Some(coverage) = self.lookup(server_id, app_id)?.domain_coverage(domain_id) else {
            return Ok(false);
        };
        let attempt = Attempt {
            server_id,
            app_id,
            domain_id: Some(domain_id),
            trigger: Trigger::Auto,
            certificate_id: None,
            names: coverage.names.clone(),
        };
        let Ok(id) = self.attempt_issuance(attempt) else {
            return Ok(false);
        };
        let certificate = Certificate::issue(
            id,
            CertificateSettings::default_for(CertificateMethod::LetsEncrypt),
            coverage,
            self.clock.now(),
        );
        self.lookup_mut(server_id, app_id)?
            .domain_certificates
            .insert(domain_id, certificate);
        Ok(true)
    }

    /// Adds `count` domains `site-N.example.test` (N from 1, skipping names taken on the server),
    /// creating the web app first when it does not exist.
    pub fn seed(&mut self, server_id: u64, app_id: u64, count: usize) {
        let created = self.ensure_app(server_id, app_id);
        // One pass over the server's names, not one per new domain: seeds can be large.
        let taken: HashSet<String> = self
            .apps
            .values()
            .filter(|app| app.server_id == server_id)
            .flat_map(|app| app.domains.iter().map(|domain| domain.name.clone()))
            .collect();
        let mut number: u64 = 1;
        let mut added = 0;
        while added < count {
            let name = format!("site-{number}.example.test");
            number += 1;
            if taken.contains(&name) {
                continue;
            }
            let domain = Domain {
                id: 0,
                name,
                domain_type: "alias".into(),
                www: false,
                redirection: "none".into(),
                wildcard: false,
                created_at: clock::now_timestamp(),
            };
            if self
                .add_domain(server_id, app_id, domain, AutoIssue::Seeded)
                .is_err()
            {
                return;
            }
            added += 1;
        }
        // The certificate of a new app's initial state (--ssl) covers what it was seeded with.
        if let (true, Ok(app)) = (created, self.lookup_mut(server_id, app_id)) {
            let coverage = app.basic_coverage();
            if let Some(certificate) = app.basic_certificate.as_mut() {
                certificate.covered_domains = coverage.domains;
                certificate.names = coverage.names;
            }
        }
    }

    /// Domain names of one web app (empty when it does not exist).
    pub fn domain_names(&self, server_id: u64, app_id: u64) -> Vec<String> {
        self.lookup(server_id, app_id)
            .map(WebApp::domain_names)
            .unwrap_or_default()
    }

    /// The state JSON documented in `lib.rs`.
    pub fn to_json(&self) -> Value {
        json!({
            "apps": self.apps.values().map(WebApp::to_state_json).collect::<Vec<_>>(),
            "dns": self.dns.to_json(),
            "issuance": self.issuance.to_json(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_and_covers_with_initial_certificate() {
        let config = EmulatorConfig {
            apps: vec![(1, 1), (1, 2)],
            seed_domains: 3,
            ssl: SslMode::LetsEncrypt,
            ..EmulatorConfig::default()
        };
        let world = World::new(&config);
        let state = world.to_json();
        assert_eq!(
            state["apps"][0]["domains"][0]["name"],
            "site-1.example.test"
        );
        assert_eq!(state["apps"][0]["domains"][0]["www"], 0);
        // Same server: the second app's names must not clash with the first's.
        assert_eq!(
            state["apps"][1]["domains"][0]["name"],
            "site-4.example.test"
        );
        assert_eq!(
            state["apps"][0]["ssl"]["basic"]["covered_domains"],
            json!([
                "site-1.example.test",
                "site-2.example.test",
                "site-3.example.test"
            ])
        );
    }

    #[test]
    fn tells_unknown_server_from_unknown_app() {
        let world = World::new(&EmulatorConfig::default());
        assert_eq!(
            world.lookup(2, 1).err(),
            Some(AppLookupError::UnknownServer)
        );
        assert_eq!(
            world.lookup(1, 2).err(),
            Some(AppLookupError::UnknownWebApp)
        );
    }
}
