//! The SSL step after adding a domain, the basic (whole web app) redeploy, and the redeploy
//! for one domain (`redeploy_ssl(['domain' => ...])`).
//!
//! 1. `GET ssl` [sdk/seen]: the web app's basic certificate, if any.
//!    - a Let's Encrypt certificate: `PUT ssl/{id}` redeploys it for every domain of the app
//!      [sdk/seen] -> `redeployed` with its id.
//!    - a custom certificate (only its owner can renew it): `skipped`.
//!    - none (a 404, a message "SSL not installed!", or a 2xx object without `id` [seen]):
//!      go on with 2. Any other shape is an error naming the endpoint.
//! 2. `GET ssl/advanced` [sdk/seen]: per-domain ("advanced") mode?
//!    - advanced + autoSSL: RunCloud issues the certificate itself -> `auto`.
//!    - advanced: `POST domains/{id}/ssl` [doc] -> `issued`. For a domain already on the app
//!      (the redeploy of one domain), `GET domains/{id}/ssl` [sdk] first: a Let's Encrypt
//!      certificate of its own is redeployed (`PUT domains/{id}/ssl/{sslId}` [doc]) ->
//!      `redeployed`, a custom one `skipped`. That GET costs one request but is worth it:
//!      issuing over an existing certificate is undocumented (the emulator refuses it with
//!      422 [assumed]) and a retry path must not fail on a domain that was covered before.
//!      A brand-new domain has no certificate, so `add_domain` skips that GET.
//!    - otherwise, or 403/404 there (no advanced SSL on the plan or API [assumed]): `none`.
//!
//! Basic first: with a basic certificate the app is not in advanced mode [assumed: RunCloud
//! keeps one or the other], so the common case costs one request fewer (3 per add, not 4).
//!
//! An add skips the lookups when the process already knows the app (ssl_memory.rs): a known
//! Let's Encrypt certificate is redeployed at once (`PUT ssl/{id}`: 2 requests per add), a
//! known advanced mode issues at once (`POST domains/{id}/ssl`), or with autoSSL only checks
//! the mode. When that answer shows the knowledge stale (404/422 to the PUT, 403/404/422 to
//! the per-domain call), it is forgotten and the state looked up once, in the same call: a
//! different certificate is redeployed, a custom one skipped; the same certificate, or the
//! same mode, means RunCloud refused this request (a Let's Encrypt refusal is a 422 too), so
//! its error stands and nothing is sent twice. `redeploy_ssl()` always looks up (it is the
//! explicit check), and learns.

use serde::de::IgnoredAny;

use crate::config::Target;
use crate::error::{Error, Result};
use crate::http::{blames_server_or_app, runcloud_message, shape_error, Client, Method, Retry};
use crate::models::{Domain, SslOutcome};
use crate::ssl_memory::{self, AppKey, Known};
use crate::wire::{AdvancedMode, BasicCert, CertificateAnswer, ModeAnswer};

pub(crate) fn app_path(t: Target) -> String {
    format!("/servers/{}/webapps/{}", t.server_id, t.app_id)
}

/// [doc] The body of the per-domain install (`POST domains/{id}/ssl`).
const DOMAIN_INSTALL: &[u8] = br#"{"advancedSSL":true,"autoSSL":false,"provider":"letsencrypt","enableHttp":false,"enableHsts":false,"authorizationMethod":"http-01","environment":"live"}"#;

/// What this call already knows of the basic certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Basic {
    /// Not looked up yet.
    Unknown,
    /// `GET ssl` just said there is none.
    None,
}

/// Whether the domain may already have a certificate of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DomainCertificate {
    /// Just added: it has none (no lookup).
    New,
    /// Already on the app: look before issuing.
    MayExist,
}

/// The SSL step of `add_domain()`: never an error; a failure is `action => failed`.
pub(crate) fn after_add(client: &Client, t: Target, domain: &Domain) -> SslOutcome {
    let step = Step {
        client,
        t,
        key: client.app_key(t),
    };
    match step.after_add(domain) {
        Ok(outcome) => outcome,
        Err(e) => SslOutcome::new("failed", None, Some(e.to_string())),
    }
}

/// `redeploy_ssl(['domain' => ...])`: the same decision for a domain already on the app;
/// RunCloud's errors are thrown (the caller reads which name blocked the order).
pub(crate) fn redeploy_domain(client: &Client, t: Target, domain: &Domain) -> Result<SslOutcome> {
    let step = Step {
        client,
        t,
        key: client.app_key(t),
    };
    step.look_up(domain, DomainCertificate::MayExist, Basic::Unknown, None)
}

/// The basic (whole web app) certificate: redeploy a Let's Encrypt one.
pub(crate) fn redeploy_basic(client: &Client, t: Target) -> Result<SslOutcome> {
    let step = Step {
        client,
        t,
        key: client.app_key(t),
    };
    match step.basic_certificate()? {
        Some(cert) => step.redeploy_or_skip("web app", &step.basic_path(), cert),
        None => Ok(no_certificate()),
    }
}

/// Whether an answer says that what was remembered no longer holds.
fn stale(e: &Error, statuses: &[u16]) -> bool {
    e.status().is_some_and(|status| statuses.contains(&status))
}

/// One SSL step of one call, for one web app.
struct Step<'a> {
    client: &'a Client,
    t: Target,
    key: AppKey,
}

impl Step<'_> {
    fn basic_path(&self) -> String {
        format!("{}/ssl", app_path(self.t))
    }

    fn learn(&self, known: Option<Known>) {
        ssl_memory::remember(&self.key, known);
    }

    /// The add's step: from what the process knows of the app, else from a lookup.
    fn after_add(&self, domain: &Domain) -> Result<SslOutcome> {
        match ssl_memory::recall(&self.key) {
            Some(Known::LetsEncrypt(id)) => self.redeploy_known(domain, id),
            Some(Known::Advanced) => {
                let issued = self.issue(domain);
                match issued {
                    Err(e) if stale(&e, &[403, 404, 422]) => {
                        self.learn(None);
                        // Still advanced: RunCloud refused this domain; not issued twice.
                        match self.advanced_mode()? {
                            Some(m) if m.advanced && !m.auto => Err(e),
                            mode => self.look_up(
                                domain,
                                DomainCertificate::New,
                                Basic::Unknown,
                                Some(mode),
                            ),
                        }
                    }
                    other => other,
                }
            }
            Some(Known::AdvancedAuto) => {
                // Checked on every add: nothing else would show autoSSL switched off.
                let mode = self.advanced_mode()?;
                self.look_up(domain, DomainCertificate::New, Basic::Unknown, Some(mode))
            }
            None => self.look_up(domain, DomainCertificate::New, Basic::Unknown, None),
        }
    }

    /// `PUT ssl/{id}` of the remembered certificate; when the answer shows it gone or
    /// replaced, one lookup decides.
    fn redeploy_known(&self, domain: &Domain, id: u64) -> Result<SslOutcome> {
        let error = match self.put(&self.basic_path(), id) {
            Ok(()) => return Ok(redeployed(id)),
            Err(e) if stale(&e, &[404, 422]) => e,
            Err(e) => return Err(e),
        };
        self.learn(None);
        match self.basic_certificate()? {
            // The same Let's Encrypt certificate: RunCloud refused this redeploy; its answer
            // stands (not sent twice). Anything else is decided afresh (a custom one: skipped).
            Some(cert) if cert.id == id && cert.method == "letsencrypt" => Err(error),
            Some(cert) => self.redeploy_or_skip("web app", &self.basic_path(), cert),
            None => self.look_up(domain, DomainCertificate::New, Basic::None, None),
        }
    }

    /// The full decision (see the module docs). `basic`: whether `GET ssl` just said "none";
    /// `mode`: the advanced mode when it was just read (an advanced app has no basic
    /// certificate to look for).
    fn look_up(
        &self,
        domain: &Domain,
        existing: DomainCertificate,
        basic: Basic,
        mode: Option<Option<AdvancedMode>>,
    ) -> Result<SslOutcome> {
        let advanced_now = matches!(mode, Some(Some(m)) if m.advanced);
        if basic == Basic::Unknown && !advanced_now {
            if let Some(cert) = self.basic_certificate()? {
                return self.redeploy_or_skip("web app", &self.basic_path(), cert);
            }
        }
        let mode = match mode {
            Some(mode) => mode,
            None => self.advanced_mode()?,
        };
        match mode {
            Some(m) if m.advanced && m.auto => Ok(SslOutcome::new(
                "auto",
                None,
                Some("RunCloud issues the certificate itself (advanced SSL with autoSSL)".into()),
            )),
            Some(m) if m.advanced => {
                if existing == DomainCertificate::MayExist {
                    let path = domain_ssl_path(self.t, domain);
                    if let Some(cert) = certificate(self.client, &path)? {
                        return self.redeploy_or_skip("domain", &path, cert);
                    }
                }
                self.issue(domain)
            }
            _ => Ok(no_certificate()),
        }
    }

    /// `GET ssl`, learning what it shows.
    fn basic_certificate(&self) -> Result<Option<BasicCert>> {
        let cert = certificate(self.client, &self.basic_path())?;
        match &cert {
            Some(c) if c.method == "letsencrypt" => self.learn(Some(Known::LetsEncrypt(c.id))),
            // Custom, or none (then the mode lookup that follows decides what to remember).
            _ => self.learn(None),
        }
        Ok(cert)
    }

    /// `GET ssl/advanced`, learning what it shows. None when the plan or API has none.
    fn advanced_mode(&self) -> Result<Option<AdvancedMode>> {
        let mode = advanced_mode(self.client, self.t)?;
        self.learn(match mode {
            Some(m) if m.advanced && m.auto => Some(Known::AdvancedAuto),
            Some(m) if m.advanced => Some(Known::Advanced),
            _ => None,
        });
        Ok(mode)
    }

    /// `POST domains/{id}/ssl`: a Let's Encrypt certificate for the domain alone.
    fn issue(&self, domain: &Domain) -> Result<SslOutcome> {
        self.client.json::<IgnoredAny>(
            Method::Post,
            &domain_ssl_path(self.t, domain),
            &[],
            Some(DOMAIN_INSTALL),
            Retry::IfNotProcessed,
        )?;
        Ok(SslOutcome::new("issued", None, None))
    }

    /// Redeploys a Let's Encrypt certificate (`PUT {path}/{id}`); any other kind is left to
    /// its owner.
    fn redeploy_or_skip(&self, whose: &str, path: &str, cert: BasicCert) -> Result<SslOutcome> {
        if cert.method != "letsencrypt" {
            return Ok(SslOutcome::new(
                "skipped",
                Some(cert.id),
                Some(format!(
                    "the {whose} has a {} certificate; only its owner can renew it",
                    if cert.method.is_empty() {
                        "custom"
                    } else {
                        cert.method.as_str()
                    }
                )),
            ));
        }
        self.put(path, cert.id)?;
        Ok(redeployed(cert.id))
    }

    /// `PUT {path}/{id}`. Not repeated when it may have taken effect: a second issue counts
    /// against Let's Encrypt's limits.
    fn put(&self, path: &str, id: u64) -> Result<()> {
        self.client.json::<IgnoredAny>(
            Method::Put,
            &format!("{path}/{id}"),
            &[],
            Some(b"{}"),
            Retry::IfNotProcessed,
        )?;
        Ok(())
    }
}

fn domain_ssl_path(t: Target, domain: &Domain) -> String {
    format!("{}/domains/{}/ssl", app_path(t), domain.id)
}

fn redeployed(id: u64) -> SslOutcome {
    SslOutcome::new("redeployed", Some(id), None)
}

fn no_certificate() -> SslOutcome {
    SslOutcome::new(
        "none",
        None,
        Some("no SSL certificate is installed on the web app".into()),
    )
}

/// The per-domain SSL mode; None when the plan or API has none.
fn advanced_mode(client: &Client, t: Target) -> Result<Option<AdvancedMode>> {
    let path = format!("{}/ssl/advanced", app_path(t));
    let reply = client.fetch(Method::Get, &path)?;
    if matches!(reply.status, 403 | 404) {
        // [assumed] no advanced SSL on this plan/API: basic mode.
        return Ok(None);
    }
    let ModeAnswer(mode) = client.decode(&reply)?;
    mode.map(Some)
        .ok_or_else(|| shape_error(Method::Get, &path, "advancedSSL/autoSSL flags"))
}

/// `GET ssl` or `GET domains/{id}/ssl`: the certificate, None when there is none.
fn certificate(client: &Client, path: &str) -> Result<Option<BasicCert>> {
    let reply = client.fetch(Method::Get, path)?;
    if !reply.is_success() {
        // [seen] "SSL not installed!" (status undocumented), or a 404 that does not blame the
        // server or web app: no certificate. A body that is not JSON stays an error.
        if let Some(text) = runcloud_message(&reply) {
            let not_installed = text.to_ascii_lowercase().contains("not installed");
            if not_installed || (reply.status == 404 && !blames_server_or_app(&text)) {
                return Ok(None);
            }
        }
    }
    let CertificateAnswer(answer) = client.decode(&reply)?;
    answer.ok_or_else(|| {
        shape_error(
            Method::Get,
            path,
            "a certificate object, or an object without id when there is none",
        )
    })
}
