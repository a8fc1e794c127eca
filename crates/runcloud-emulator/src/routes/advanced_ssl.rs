//! Advanced (per-domain) SSL: the mode switch and one certificate per domain
//! (docs/RUNCLOUD_API.md §4, Business/Enterprise plans).

use serde_json::json;

use crate::body;
use crate::http::{Request, Response};
use crate::issuance::Trigger;
use crate::routes::ssl::{
    certificate_not_found, issue, not_installed, only_letsencrypt, parse_install_settings,
    parse_update,
};
use crate::routes::{app_not_found, change_app, domain_not_found, respond, with_app, AppKey};
use crate::shared::Shared;
use crate::state::{Certificate, CertificateMethod, WebApp, World};
use crate::validation::{optional_boolean, required_boolean, FieldErrors};

/// The per-domain endpoints answer `{}` [doc].
fn empty_object() -> Response {
    Response::json(200, &json!({}))
}

/// `GET .../ssl/advanced`: `{"advancedSSL": bool, "autoSSL": bool}` [sdk/seen].
pub fn get_mode(shared: &Shared, key: AppKey) -> Response {
    respond(with_app(shared, key, |app| {
        Ok(Response::json(200, &app.advanced_mode_json()))
    }))
}

/// `POST .../ssl/advanced` `{"advancedSSL", "autoSSL"}` switches the mode [sdk/seen];
/// answers the new mode [assumed].
///
/// [assumed] `advancedSSL` is required, `autoSSL` defaults to false and needs `advancedSSL`.
/// Switching on while a basic certificate is installed, or off while domains still have
/// their own certificates, is 422: RunCloud serves one kind or the other. Switching autoSSL on
/// issues certificates for the domains that have none, as it would for new domains [seen]
/// (each through the issuance model: a domain whose certificate Let's Encrypt refuses stays
/// without one; the switch still succeeds).
pub fn set_mode(shared: &Shared, request: &Request, key: AppKey) -> Response {
    let fields = body::fields(request);
    respond(change_app(shared, key, |world| {
        let mut errors = FieldErrors::default();
        let advanced_ssl = required_boolean(&fields, "advancedSSL", &mut errors);
        let auto_ssl = optional_boolean(&fields, "autoSSL", &mut errors).unwrap_or(false);
        if auto_ssl && advanced_ssl == Some(false) {
            errors.add(
                "autoSSL",
                "The autoSSL field requires advancedSSL to be true.",
            );
        }
        errors.into_result()?;
        let Some(advanced_ssl) = advanced_ssl else {
            return Err(FieldErrors::default().into_response());
        };
        let app = lookup(world, key)?;
        if advanced_ssl && app.basic_certificate.is_some() {
            return Err(Response::message(
                422,
                "Remove the web application's SSL certificate before enabling advanced SSL.",
            ));
        }
        if !advanced_ssl {
            refuse_leaving_advanced_mode(app)?;
        }
        app.advanced_ssl = advanced_ssl;
        set_auto_ssl(world, key, auto_ssl)?;
        Ok(Response::json(
            200,
            &lookup(world, key)?.advanced_mode_json(),
        ))
    }))
}

/// [assumed] Basic mode cannot start while domains still hold their own certificates.
fn refuse_leaving_advanced_mode(app: &WebApp) -> Result<(), Response> {
    if app.domain_certificates.is_empty() {
        return Ok(());
    }
    Err(Response::message(
        422,
        "Remove the domains' SSL certificates before disabling advanced SSL.",
    ))
}

/// Sets autoSSL; switched on, it issues the certificates the domains lack.
fn set_auto_ssl(world: &mut World, key: AppKey, auto_ssl: bool) -> Result<(), Response> {
    lookup(world, key)?.auto_ssl = auto_ssl;
    if auto_ssl {
        world
            .issue_missing_auto_certificates(key.server_id, key.app_id)
            .map_err(app_not_found)?;
    }
    Ok(())
}

/// `POST .../domains/{D}/ssl`: issues the domain's certificate; `{}` [doc].
///
/// [assumed] The web app must be in advanced mode (422 otherwise, and for `advancedSSL: false`
/// in the body); a domain that already has a certificate is 422 (redeploy it instead). A Let's
/// Encrypt certificate holds the domain and its `www.` name when www is on, and goes through
/// the issuance model (`issuance.rs`): only this domain's names can block it.
pub fn install(shared: &Shared, request: &Request, key: AppKey, domain_id: u64) -> Response {
    let fields = body::fields(request);
    respond(change_app(shared, key, |world| {
        let coverage = lookup(world, key)?
            .domain_coverage(domain_id)
            .ok_or_else(domain_not_found)?;
        let mut errors = FieldErrors::default();
        let settings = parse_install_settings(&fields, &mut errors);
        let advanced_in_body = optional_boolean(&fields, "advancedSSL", &mut errors);
        optional_boolean(&fields, "autoSSL", &mut errors);
        if advanced_in_body == Some(false) {
            errors.add(
                "advancedSSL",
                "Per-domain certificates need advancedSSL to be true.",
            );
        }
        errors.into_result()?;
        let Some(settings) = settings else {
            return Err(FieldErrors::default().into_response());
        };
        let app = lookup(world, key)?;
        if !app.advanced_ssl {
            return Err(Response::message(
                422,
                "Advanced SSL is not enabled on this web application.",
            ));
        }
        if app.domain_certificates.contains_key(&domain_id) {
            return Err(Response::message(
                422,
                "SSL is already installed on this domain.",
            ));
        }
        let id = if settings.method == CertificateMethod::LetsEncrypt {
            let names = &coverage.names;
            match issue(world, key, Some(domain_id), Trigger::Install, None, names) {
                Ok(id) => id,
                Err(refused) => return Ok(refused),
            }
        } else {
            world.allocate_certificate_id()
        };
        let certificate = Certificate::issue(id, settings, coverage, world.now());
        lookup(world, key)?
            .domain_certificates
            .insert(domain_id, certificate);
        Ok(empty_object())
    }))
}

/// `GET .../domains/{D}/ssl` [sdk]: the domain's certificate object, or 404 "SSL not installed!".
pub fn get_domain_certificate(shared: &Shared, key: AppKey, domain_id: u64) -> Response {
    respond(with_app(shared, key, |app| {
        app.domain(domain_id).ok_or_else(domain_not_found)?;
        app.domain_certificates
            .get(&domain_id)
            .map(|certificate| Response::json(200, &certificate.to_json()))
            .ok_or_else(not_installed)
    }))
}

/// `PUT .../domains/{D}/ssl/{id}`: redeploy; `{}` [doc]. Refused by Let's Encrypt: 422, and
/// the certificate stays exactly as it was.
pub fn redeploy(shared: &Shared, key: AppKey, domain_id: u64, certificate_id: u64) -> Response {
    respond(change_app(shared, key, |world| {
        let app = lookup(world, key)?;
        let coverage = app
            .domain_coverage(domain_id)
            .ok_or_else(domain_not_found)?;
        let certificate = domain_certificate(app, domain_id, certificate_id)?;
        if certificate.settings.method != CertificateMethod::LetsEncrypt {
            return Err(only_letsencrypt());
        }
        let (domain, names) = (Some(domain_id), &coverage.names);
        if let Err(refused) = issue(
            world,
            key,
            domain,
            Trigger::Redeploy,
            Some(certificate_id),
            names,
        ) {
            return Ok(refused);
        }
        let now = world.now();
        domain_certificate(lookup(world, key)?, domain_id, certificate_id)?.redeploy(coverage, now);
        Ok(empty_object())
    }))
}

/// `PATCH .../domains/{D}/ssl/{id}` with `{"advancedSSL", "autoSSL"}`: a mode change; `{}` [doc].
///
/// [assumed] What RunCloud changes is undocumented; the flags are taken to be the web app's
/// mode (the one `GET ssl/advanced` reports), both optional: `autoSSL` switches autoSSL
/// (on: the domains without a certificate get one, as with `POST ssl/advanced`);
/// `advancedSSL: true` keeps the mode this certificate already implies; `advancedSSL: false`
/// is refused as by `POST ssl/advanced` while domains hold certificates (this one does).
/// JSON or form bodies, booleans as everywhere (`true`, `1`, `"1"`, `"true"`, ...). The
/// settings this emulator accepted here before (`enableHttp`, `enableHsts`, `ssl_protocol_id`)
/// are still applied, so no client that sent them is refused; other fields are ignored.
pub fn update(
    shared: &Shared,
    request: &Request,
    key: AppKey,
    domain_id: u64,
    certificate_id: u64,
) -> Response {
    let fields = body::fields(request);
    respond(change_app(shared, key, |world| {
        let app = lookup(world, key)?;
        app.domain(domain_id).ok_or_else(domain_not_found)?;
        let certificate = domain_certificate(app, domain_id, certificate_id)?;
        let mut errors = FieldErrors::default();
        let advanced_ssl = optional_boolean(&fields, "advancedSSL", &mut errors);
        let auto_ssl = optional_boolean(&fields, "autoSSL", &mut errors);
        errors.into_result()?;
        let settings = parse_update(&fields, &certificate.settings)?;
        if advanced_ssl == Some(false) {
            refuse_leaving_advanced_mode(app)?;
        }
        domain_certificate(app, domain_id, certificate_id)?.settings = settings;
        if let Some(auto_ssl) = auto_ssl {
            set_auto_ssl(world, key, auto_ssl)?;
        }
        Ok(empty_object())
    }))
}

/// `DELETE .../domains/{D}/ssl/{id}` [sdk]; `{}` [assumed, like the other per-domain calls].
pub fn remove(shared: &Shared, key: AppKey, domain_id: u64, certificate_id: u64) -> Response {
    respond(change_app(shared, key, |world| {
        let app = lookup(world, key)?;
        app.domain(domain_id).ok_or_else(domain_not_found)?;
        domain_certificate(app, domain_id, certificate_id)?;
        app.domain_certificates.remove(&domain_id);
        Ok(empty_object())
    }))
}

fn domain_certificate(
    app: &mut WebApp,
    domain_id: u64,
    certificate_id: u64,
) -> Result<&mut crate::state::Certificate, Response> {
    app.domain_certificates
        .get_mut(&domain_id)
        .filter(|certificate| certificate.id == certificate_id)
        .ok_or_else(certificate_not_found)
}

fn lookup(world: &mut World, key: AppKey) -> Result<&mut WebApp, Response> {
    world
        .lookup_mut(key.server_id, key.app_id)
        .map_err(app_not_found)
}
