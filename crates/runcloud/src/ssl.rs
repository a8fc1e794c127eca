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

use serde::de::IgnoredAny;
use serde_json::{json, Value};

use crate::config::Target;
use crate::error::Result;
use crate::http::{blames_server_or_app, runcloud_message, shape_error, Client, Method, Retry};
use crate::models::{Domain, SslOutcome};
use crate::wire::{AdvancedMode, BasicCert, CertificateAnswer, ModeAnswer};

pub(crate) fn app_path(t: Target) -> String {
    format!("/servers/{}/webapps/{}", t.server_id, t.app_id)
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
    match ssl_step(client, t, domain, DomainCertificate::New) {
        Ok(outcome) => outcome,
        Err(e) => SslOutcome::new("failed", None, Some(e.to_string())),
    }
}

/// `redeploy_ssl(['domain' => ...])`: the same decision for a domain already on the app;
/// RunCloud's errors are thrown (the caller reads which name blocked the order).
pub(crate) fn redeploy_domain(client: &Client, t: Target, domain: &Domain) -> Result<SslOutcome> {
    ssl_step(client, t, domain, DomainCertificate::MayExist)
}

fn ssl_step(
    client: &Client,
    t: Target,
    domain: &Domain,
    existing: DomainCertificate,
) -> Result<SslOutcome> {
    if let Some(cert) = certificate(client, &format!("{}/ssl", app_path(t)))? {
        return redeploy_or_skip(client, "web app", &format!("{}/ssl", app_path(t)), cert);
    }
    match advanced_mode(client, t)? {
        Some(m) if m.advanced && m.auto => Ok(SslOutcome::new(
            "auto",
            None,
            Some("RunCloud issues the certificate itself (advanced SSL with autoSSL)".into()),
        )),
        Some(m) if m.advanced => {
            let path = format!("{}/domains/{}/ssl", app_path(t), domain.id);
            if existing == DomainCertificate::MayExist {
                if let Some(cert) = certificate(client, &path)? {
                    return redeploy_or_skip(client, "domain", &path, cert);
                }
            }
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
            client.json::<IgnoredAny>(
                Method::Post,
                &path,
                &[],
                Some(&body),
                Retry::IfNotProcessed,
            )?;
            Ok(SslOutcome::new("issued", None, None))
        }
        _ => Ok(no_certificate()),
    }
}

/// The basic (whole web app) certificate: redeploy a Let's Encrypt one.
pub(crate) fn redeploy_basic(client: &Client, t: Target) -> Result<SslOutcome> {
    let path = format!("{}/ssl", app_path(t));
    match certificate(client, &path)? {
        Some(cert) => redeploy_or_skip(client, "web app", &path, cert),
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

/// Redeploys a Let's Encrypt certificate (`PUT {path}/{id}`); any other kind is left to its
/// owner.
fn redeploy_or_skip(
    client: &Client,
    whose: &str,
    path: &str,
    cert: BasicCert,
) -> Result<SslOutcome> {
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
    let put = format!("{path}/{}", cert.id);
    let body = Value::Object(Default::default());
    // Not repeated when it may have taken effect: a second issue counts against Let's Encrypt limits.
    client.json::<IgnoredAny>(Method::Put, &put, &[], Some(&body), Retry::IfNotProcessed)?;
    Ok(SslOutcome::new("redeployed", Some(cert.id), None))
}
