//! The SSL step after adding a domain, and the basic (whole web app) redeploy.
//!
//! 1. `GET ssl` [sdk/seen]: the web app's basic certificate, if any.
//!    - a Let's Encrypt certificate: `PUT ssl/{id}` redeploys it for every domain of the app
//!      [sdk/seen] -> `redeployed` with its id.
//!    - a custom certificate (only its owner can renew it): `skipped`.
//!    - "SSL not installed!" or 404 [seen/assumed]: go on with 2.
//! 2. `GET ssl/advanced` [sdk/seen]: per-domain ("advanced") mode?
//!    - advanced + autoSSL: RunCloud issues the certificate itself -> `auto`.
//!    - advanced: `POST domains/{id}/ssl` [doc] -> `issued`.
//!    - otherwise, or 403/404 there (no advanced SSL on the plan or API [assumed]): `none`.
//!
//! Basic first: with a basic certificate the app is not in advanced mode [assumed: RunCloud
//! keeps one or the other], so the common case costs one request fewer (3 per add, not 4).

use serde_json::{json, Value};

use crate::config::Target;
use crate::error::{Error, Result};
use crate::http::{shape_error, Client, Method, Retry};
use crate::models::{AdvancedMode, BasicCert, Domain, SslOutcome};

pub(crate) fn app_path(t: Target) -> String {
    format!("/servers/{}/webapps/{}", t.server_id, t.app_id)
}

/// The SSL step of `add_domain()`: never an error; a failure is `action => failed`.
pub(crate) fn after_add(client: &Client, t: Target, domain: &Domain) -> SslOutcome {
    match try_after_add(client, t, domain) {
        Ok(outcome) => outcome,
        Err(e) => SslOutcome::new("failed", None, Some(e.to_string())),
    }
}

fn try_after_add(client: &Client, t: Target, domain: &Domain) -> Result<SslOutcome> {
    if let Some(cert) = basic_certificate(client, t)? {
        return redeploy_or_skip(client, t, cert);
    }
    match advanced_mode(client, t)? {
        Some(m) if m.advanced && m.auto => Ok(SslOutcome::new(
            "auto",
            None,
            Some("RunCloud issues the certificate itself (advanced SSL with autoSSL)".into()),
        )),
        Some(m) if m.advanced => {
            let path = format!("{}/domains/{}/ssl", app_path(t), domain.id);
            // [doc] body of the per-domain install.
            let body = json!({
                "advancedSSL": true,
                "autoSSL": false,
                "provider": "letsencrypt",
                "enableHttp": false,
                "enableHsts": false,
                "authorizationMethod": "http-01",
                "environment": "live",
            });
            client.json(Method::Post, &path, &[], Some(&body), Retry::IfNotProcessed)?;
            Ok(SslOutcome::new("issued", None, None))
        }
        _ => Ok(no_certificate()),
    }
}

/// The basic (whole web app) certificate: redeploy a Let's Encrypt one.
pub(crate) fn redeploy_basic(client: &Client, t: Target) -> Result<SslOutcome> {
    match basic_certificate(client, t)? {
        Some(cert) => redeploy_or_skip(client, t, cert),
        None => Ok(no_certificate()),
    }
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
    let v = client.decode(&reply)?;
    AdvancedMode::from_wire(&v)
        .map(Some)
        .ok_or_else(|| shape_error(Method::Get, &path, "advancedSSL/autoSSL flags"))
}

/// `GET ssl`: the web app's certificate, None when there is none.
fn basic_certificate(client: &Client, t: Target) -> Result<Option<BasicCert>> {
    let path = format!("{}/ssl", app_path(t));
    let reply = client.fetch(Method::Get, &path)?;
    match client.decode(&reply) {
        Ok(v) => BasicCert::from_wire(&v)
            .ok_or_else(|| shape_error(Method::Get, &path, "a certificate object")),
        // [seen] "SSL not installed!" (status undocumented) or a 404: no certificate.
        Err(Error::Api {
            status, message, ..
        }) if status == 404 || message.to_ascii_lowercase().contains("not installed") => Ok(None),
        Err(e) => Err(e),
    }
}

/// Redeploys a Let's Encrypt certificate; any other kind is left to its owner.
fn redeploy_or_skip(client: &Client, t: Target, cert: BasicCert) -> Result<SslOutcome> {
    if cert.method != "letsencrypt" {
        return Ok(SslOutcome::new(
            "skipped",
            Some(cert.id),
            Some(format!(
                "the web app has a {} certificate; only its owner can renew it",
                if cert.method.is_empty() {
                    "custom"
                } else {
                    cert.method.as_str()
                }
            )),
        ));
    }
    let put = format!("{}/ssl/{}", app_path(t), cert.id);
    let body = Value::Object(Default::default());
    // Not repeated when it may have taken effect: a second issue counts against Let's Encrypt limits.
    client.json(Method::Put, &put, &[], Some(&body), Retry::IfNotProcessed)?;
    Ok(SslOutcome::new("redeployed", Some(cert.id), None))
}
