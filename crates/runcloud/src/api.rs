//! The facade: one function per `wu_runcloud_*` PHP function. Results are plain structs shaped
//! as the arrays of stubs/wu_runcloud.stubs.php; the shell converts each type field by field
//! (src/to_php.rs), and their `Serialize` form is the same shape as JSON.
//!
//! Order of checks in every function: option keys and values, then the domain name, then
//! missing configuration; only then a request. Invalid input sends nothing.

use std::ops::ControlFlow;

use serde::de::IgnoredAny;
use serde::Serialize;

use crate::config::{self, Resolved, Settings, Target, TimeoutValue};
use crate::domain_name::{canonical_stored, normalize, same_name, Wildcard};
use crate::error::{Error, Result};
use crate::http::{retry, shape_error, Client, Method, Retry};
use crate::models::{AddResult, Domain, RemoveResult, SslOutcome, WebApp};
use crate::options::{self, Func};
use crate::pagination::scan_domains;
use crate::ssl::{self, app_path};
use crate::url::DEFAULT_API_ROOT;
use crate::wire::{DomainRecord, WebAppRecord};
use crate::CallInput;

/// `wu_runcloud_version()`.
pub fn version() -> &'static str {
    crate::VERSION
}

/// `wu_runcloud_config()`: the resolved configuration, no secrets.
///
/// Without usable credentials `api_version` and `auth` are `null` and `base_url` is the API
/// root without a version (`https://manage.runcloud.io/api`): which version applies is not
/// known until there is a token or a key + secret.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigReport {
    pub api_version: Option<&'static str>,
    pub base_url: String,
    pub auth: Option<&'static str>,
    pub targets: Vec<Target>,
    pub timeout: TimeoutValue,
    pub missing: Vec<String>,
}

/// `wu_runcloud_test_connection()`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConnectionReport {
    pub ok: bool,
    pub api_version: &'static str,
    pub targets: Vec<TargetReport>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetReport {
    pub server_id: u64,
    pub app_id: u64,
    pub webapp: WebApp,
}

/// The `phpinfo()` section. Never a secret, never an error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InfoReport {
    pub version: &'static str,
    pub api_version: Option<&'static str>,
    pub api_root: String,
    pub targets: usize,
    /// `system`, or `system + /path/to/ca.pem`.
    pub tls_roots: String,
    pub configured: bool,
    /// Why the configuration is unusable (names only, no values), when it is.
    pub problem: Option<String>,
}

fn report(r: &Resolved) -> ConfigReport {
    let version = r.auth.as_ref().map(|a| a.version().as_str());
    ConfigReport {
        api_version: version,
        base_url: match version {
            Some(v) => format!("{}/{v}", r.api_root),
            None => r.api_root.clone(),
        },
        auth: r.auth.as_ref().map(|a| a.kind()),
        targets: r.targets(),
        timeout: r.timeout,
        missing: r.missing.clone(),
    }
}

pub fn config(input: &CallInput) -> Result<ConfigReport> {
    let r = config::resolve(Func::Config, input)?;
    if let Some(ca) = &r.ca_file {
        // An unreadable CA file is invalid configuration; loading it also warms the agent.
        crate::http::check_ca_file(ca)?;
    }
    Ok(report(&r))
}

fn connect(func: Func, input: &CallInput) -> Result<(Settings, Client)> {
    let settings = config::resolve(func, input)?.require()?;
    let client = Client::new(&settings)?;
    Ok((settings, client))
}

pub fn test_connection(input: &CallInput) -> Result<ConnectionReport> {
    let (settings, client) = connect(Func::TestConnection, input)?;
    // [doc] 200 {"message":"pong"}: proves reachability and credentials.
    client.json::<IgnoredAny>(Method::Get, "/ping", &[], None, Retry::Idempotent)?;
    let mut targets = Vec::new();
    for t in settings.targets() {
        let path = app_path(t);
        let WebAppRecord(webapp) = client.json(Method::Get, &path, &[], None, Retry::Idempotent)?;
        let webapp =
            webapp.ok_or_else(|| shape_error(Method::Get, &path, "a web app with id and name"))?;
        targets.push(TargetReport {
            server_id: t.server_id,
            app_id: t.app_id,
            webapp,
        });
    }
    Ok(ConnectionReport {
        ok: true,
        api_version: settings.version().as_str(),
        targets,
    })
}

fn domains_path(t: Target) -> String {
    format!("{}/domains", app_path(t))
}

pub fn list_domains(input: &CallInput) -> Result<Vec<Domain>> {
    let (settings, client) = connect(Func::ListDomains, input)?;
    let mut all = Vec::new();
    scan_domains::<()>(&client, &domains_path(settings.target), |d| {
        all.push(d.to_domain());
        ControlFlow::Continue(())
    })?;
    Ok(all)
}

fn find_in(client: &Client, t: Target, name: &str) -> Result<Option<Domain>> {
    scan_domains(client, &domains_path(t), |d| {
        if same_name(d.name, name) {
            ControlFlow::Break(d.to_domain())
        } else {
            ControlFlow::Continue(())
        }
    })
}

pub fn find_domain(input: &CallInput, domain: &[u8]) -> Result<Option<Domain>> {
    let resolved = config::resolve(Func::FindDomain, input)?;
    let name = normalize(domain, Wildcard::Allowed)?;
    let settings = resolved.require()?;
    let client = Client::new(&settings)?;
    find_in(&client, settings.target, &name)
}

/// Whether a refused add is worth a lookup: any 4xx but 429. RunCloud documents no duplicate
/// reply (docs/RUNCLOUD_API.md §2), so after any client error the name is looked up: on the
/// app, the add is idempotent. [assumed] A 429 is left out: it says the request was not
/// processed (Laravel's throttle runs before the controller), and a call out of `max_wait`
/// must end with it at once.
fn worth_a_lookup(status: u16) -> bool {
    (400..500).contains(&status) && status != 429
}

/// The body of `POST domains` [doc: name, www, redirection, type].
#[derive(Serialize)]
struct NewDomain<'a> {
    name: &'a str,
    www: bool,
    redirection: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    /// Sent only for a `*.` name [assumed]: the documented request has no `wildcard` field, so
    /// an ordinary add sends exactly the documented body; for a wildcard name it tells RunCloud
    /// what is meant, should it look at the field (a Laravel app ignores fields it does not read).
    #[serde(skip_serializing_if = "is_false")]
    wildcard: bool,
}

fn is_false(flag: &bool) -> bool {
    !*flag
}

impl NewDomain<'_> {
    fn to_json(&self) -> Vec<u8> {
        // Plain strings and booleans: serialising cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

pub fn add_domain(input: &CallInput, domain: &[u8]) -> Result<AddResult> {
    let resolved = config::resolve(Func::AddDomain, input)?;
    let opts = options::add_options(input)?;
    let wildcard = if opts.wildcard {
        Wildcard::Allowed
    } else {
        Wildcard::Rejected
    };
    let name = normalize(domain, wildcard)?;
    let settings = resolved.require()?;
    let client = Client::new(&settings)?;
    let t = settings.target;
    let path = domains_path(t);
    let body = NewDomain {
        name: &name,
        www: opts.www,
        redirection: &opts.redirection,
        kind: &opts.kind,
        wildcard: opts.wildcard,
    }
    .to_json();

    // The POST is repeated only when it certainly did not take effect (429/503/connect
    // failure: inside `call`), or after a lookup shows the name is still absent.
    let mut used = 0;
    let (record, created) = loop {
        let left = retry::MAX_ATTEMPTS - used;
        let outcome = client.call(
            Method::Post,
            &path,
            &[],
            Some(&body),
            Retry::IfNotProcessed,
            left,
        );
        let (error, retryable, attempts, maybe_processed, out_of_wait) = match outcome {
            Ok(reply) if reply.is_success() => {
                let decoded = client.decode::<DomainRecord>(&reply).map(|r| r.0);
                let (other, decode_error) = match decoded {
                    Ok(Some(d)) if same_name(&d.name, &name) => break (d, true),
                    // A record, but of another name (a proxy's or a bug's answer): believed, it
                    // would give the caller a wrong id for a domain that may not exist.
                    Ok(Some(d)) => (Some(d.name), None),
                    Ok(None) => (None, None),
                    Err(e) => (None, Some(e)),
                };
                // Success with an unreadable or foreign record: the domain was added, or not;
                // read it back rather than trust the answer or make the caller retry into a
                // duplicate.
                match find_in(&client, t, &name)? {
                    Some(d) => break (d, true),
                    None => {
                        let expected = match other {
                            Some(other) => format!(
                                "the new domain record of {name}, not one of {other} (and {name} is not on the web app)"
                            ),
                            None => "the new domain record".to_string(),
                        };
                        return Err(decode_error
                            .unwrap_or_else(|| shape_error(Method::Post, &path, &expected)));
                    }
                }
            }
            Ok(reply) => {
                let e = client
                    .decode::<IgnoredAny>(&reply)
                    .err()
                    .unwrap_or_else(|| {
                        shape_error(Method::Post, &path, "a success or an error status")
                    });
                if worth_a_lookup(reply.status) {
                    // On the app: idempotent, whatever RunCloud said. Not there: RunCloud's
                    // answer stands. The lookup failed: whether it is there is unknown, so the
                    // lookup's error is the answer (transient ones are retried later), naming
                    // the refusal that led to it.
                    match find_in(&client, t, &name) {
                        Ok(Some(existing)) => break (existing, false),
                        Ok(None) if names_taken(&e) => {
                            return Err(e.with_context(&format!(
                                " ({name} is not on web app {}; RunCloud refuses a name another web app on server {} already has)",
                                t.app_id, t.server_id
                            )))
                        }
                        Ok(None) => return Err(e),
                        Err(lookup) => {
                            return Err(lookup.with_context(&format!(
                                " (looking {name} up after RunCloud refused the add failed; the refusal: {e})"
                            )))
                        }
                    }
                }
                (
                    e,
                    retry::retryable_status(reply.status),
                    reply.attempts,
                    !retry::not_processed_status(reply.status),
                    reply.out_of_wait(),
                )
            }
            Err(f) => (
                f.error,
                f.retryable,
                f.attempts,
                f.maybe_processed,
                f.out_of_wait,
            ),
        };
        used += attempts;
        if out_of_wait || !retryable || used >= retry::MAX_ATTEMPTS {
            // Last chance: the failed POST may still have created it.
            if retryable && maybe_processed {
                if let Ok(Some(existing)) = find_in(&client, t, &name) {
                    // [assumed] it was our POST: the name was not there before.
                    break (existing, true);
                }
            }
            return Err(error);
        }
        if maybe_processed {
            if let Some(existing) = find_in(&client, t, &name)? {
                // [assumed] created by the attempt whose answer was lost.
                break (existing, true);
            }
        }
        if !client.backoff(used + 1) {
            return Err(client.out_of_wait(error));
        }
    };

    let ssl = if !created {
        SslOutcome::new(
            "skipped",
            None,
            Some(
                "the domain was already on the web app; use wu_runcloud_redeploy_ssl() to renew"
                    .into(),
            ),
        )
    } else if !opts.ssl {
        SslOutcome::new("skipped", None, Some("ssl => false".into()))
    } else {
        ssl::after_add(&client, t, &record)
    };
    Ok(AddResult {
        domain: record,
        created,
        ssl,
    })
}

/// Whether RunCloud refused an add because the name is taken ("The name has already been
/// taken." [assumed, Laravel's `unique` rule]) while it is not on the web app asked for.
fn names_taken(e: &Error) -> bool {
    e.field_errors()
        .get("name")
        .is_some_and(|list| list.iter().any(|m| m.contains("already been taken")))
}

pub fn remove_domain(input: &CallInput, domain: &[u8]) -> Result<RemoveResult> {
    let resolved = config::resolve(Func::RemoveDomain, input)?;
    let domain_id = options::remove_domain_id(input)?;
    let name = normalize(domain, Wildcard::Allowed)?;
    let settings = resolved.require()?;
    let client = Client::new(&settings)?;
    let t = settings.target;

    // With a known id: one GET to check it still holds this name, instead of a full scan.
    let mut record = None;
    if let Some(id) = domain_id {
        let path = format!("{}/{id}", domains_path(t));
        let reply = client.fetch(Method::Get, &path)?;
        if reply.status != 404 {
            let DomainRecord(d) = client.decode(&reply)?;
            let d = d.ok_or_else(|| shape_error(Method::Get, &path, "a domain record"))?;
            if canonical_stored(&d.name) == name {
                record = Some(d);
            }
        }
    }
    let record = match record {
        Some(d) => d,
        None => match find_in(&client, t, &name)? {
            Some(d) => d,
            None => {
                return Ok(RemoveResult {
                    removed: false,
                    domain: None,
                })
            }
        },
    };

    let path = format!("{}/{}", domains_path(t), record.id);
    let reply = client.fetch(Method::Delete, &path)?;
    if reply.status == 404 {
        // Gone. When an earlier attempt may have been processed (its answer was lost), that
        // attempt removed it [assumed]; otherwise someone else did, between our lookup and our
        // DELETE (a refused attempt, 429 or 503, removed nothing).
        let ours = reply.earlier_maybe_processed;
        return Ok(RemoveResult {
            removed: ours,
            domain: ours.then_some(record),
        });
    }
    let DomainRecord(deleted) = client.decode(&reply)?;
    // [doc] DELETE answers the deleted record; fall back to the one we looked up.
    let deleted = deleted.unwrap_or(record);
    Ok(RemoveResult {
        removed: true,
        domain: Some(deleted),
    })
}

/// `wu_runcloud_redeploy_ssl()`: the basic certificate, or with the option `domain` the SSL
/// step for that one domain already on the app (ssl.rs). RunCloud's errors are thrown.
pub fn redeploy_ssl(input: &CallInput) -> Result<SslOutcome> {
    let resolved = config::resolve(Func::RedeploySsl, input)?;
    let domain = options::redeploy_domain(input)?
        .map(|raw| normalize(&raw, Wildcard::Allowed))
        .transpose()?;
    let settings = resolved.require()?;
    let client = Client::new(&settings)?;
    let t = settings.target;
    let Some(name) = domain else {
        return ssl::redeploy_basic(&client, t);
    };
    let path = domains_path(t);
    let Some(record) = find_in(&client, t, &name)? else {
        return Err(Error::Api {
            status: 404,
            method: Method::Get.as_str().to_string(),
            path: path.clone(),
            message: format!(
                "GET {path}: 404 the domain {name} is not on web app {}:{} (server {}, web app {}); add it first",
                t.server_id, t.app_id, t.server_id, t.app_id
            ),
            errors: Default::default(),
        });
    };
    ssl::redeploy_domain(&client, t, &record)
}

/// `wu_runcloud_registrable_domain()`: eTLD+1 per the Public Suffix List (registrable.rs);
/// `None` for a public suffix itself. Sends nothing.
pub fn registrable_domain(domain: &[u8]) -> Result<Option<String>> {
    crate::registrable::registrable_domain(domain)
}

pub fn info(input: &CallInput) -> InfoReport {
    let constants_only = CallInput {
        constants: input.constants.clone(),
        options: Vec::new(),
    };
    match config::resolve(Func::Config, &constants_only) {
        Ok(r) => {
            let problem =
                (!r.missing.is_empty()).then(|| format!("missing: {}", r.missing.join(", ")));
            InfoReport {
                version: crate::VERSION,
                api_version: r.auth.as_ref().map(|a| a.version().as_str()),
                api_root: r.api_root.clone(),
                targets: r.targets().len(),
                tls_roots: match &r.ca_file {
                    Some(ca) => format!("system + {}", ca.path.display()),
                    None => "system".to_string(),
                },
                configured: r.missing.is_empty(),
                problem,
            }
        }
        Err(e) => InfoReport {
            version: crate::VERSION,
            api_version: None,
            api_root: DEFAULT_API_ROOT.to_string(),
            targets: 0,
            tls_roots: "system".to_string(),
            configured: false,
            problem: Some(e.to_string()),
        },
    }
}
