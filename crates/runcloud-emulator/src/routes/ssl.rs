//! Basic SSL: one certificate for the whole web app (docs/RUNCLOUD_API.md §4).

use serde_json::{Map, Value};

use crate::body;
use crate::http::{Request, Response};
use crate::issuance::{Attempt, Refusal, Trigger};
use crate::routes::{app_not_found, change_app, respond, with_app, AppKey};
use crate::shared::Shared;
use crate::state::{Certificate, CertificateMethod, CertificateSettings, World};
use crate::validation::{
    optional_boolean, optional_choice, optional_positive_integer, present, required_choice,
    FieldErrors,
};

/// [seen] GET ssl without a certificate. [assumed] status 404: only the message was seen.
pub const NOT_INSTALLED: &str = "SSL not installed!";

/// [assumed] 404 for a certificate id that is not the app's (or domain's) certificate.
pub fn certificate_not_found() -> Response {
    Response::message(404, "SSL certificate not found.")
}

pub fn not_installed() -> Response {
    Response::message(404, NOT_INSTALLED)
}

/// [assumed] RunCloud redeploys only Let's Encrypt certificates [sdk/seen]; a custom one is 422.
pub fn only_letsencrypt() -> Response {
    Response::message(
        422,
        "Only Let's Encrypt certificates can be redeployed. A custom certificate must be replaced by its owner.",
    )
}

/// [assumed] Let's Encrypt cannot issue a certificate without a name to put in it.
pub fn no_domains() -> Response {
    Response::message(
        422,
        "This web application has no domain to issue a certificate for.",
    )
}

/// Let's Encrypt refused the order (docs/RUNCLOUD_API.md §6): 422 and its reason as `message`
/// [assumed status and wording, see `issuance.rs`].
///
/// Handlers answer it as `Ok(..)` from their state change: the attempt was logged, and the
/// state file must show it; nothing else changed.
pub fn issuance_refused(refusal: &Refusal) -> Response {
    Response::message(422, &refusal.message())
}

/// Reads the install settings shared by basic and per-domain SSL.
///
/// [assumed] `provider` is required (`letsencrypt` | `custom`); `enableHttp`/`enableHsts`
/// default to false, `authorizationMethod` to `http-01`, `environment` to `live`,
/// `ssl_protocol_id` to 2; a custom certificate needs `privateKey` and `certificate`.
pub fn parse_install_settings(
    fields: &Map<String, Value>,
    errors: &mut FieldErrors,
) -> Option<CertificateSettings> {
    let provider = required_choice(fields, "provider", &["letsencrypt", "custom"], errors);
    let enable_http = optional_boolean(fields, "enableHttp", errors).unwrap_or(false);
    let enable_hsts = optional_boolean(fields, "enableHsts", errors).unwrap_or(false);
    let authorization_method = optional_choice(
        fields,
        "authorizationMethod",
        &["http-01", "dns-01"],
        errors,
    )
    .unwrap_or_else(|| "http-01".into());
    let environment = optional_choice(fields, "environment", &["live", "staging"], errors)
        .unwrap_or_else(|| "live".into());
    let ssl_protocol_id = optional_positive_integer(fields, "ssl_protocol_id", errors).unwrap_or(2);
    let method = match provider.as_deref() {
        Some("letsencrypt") => CertificateMethod::LetsEncrypt,
        Some(_) => {
            for field in ["privateKey", "certificate"] {
                let given = present(fields, field)
                    .and_then(Value::as_str)
                    .is_some_and(|text| !text.trim().is_empty());
                if !given {
                    errors.add(
                        field,
                        format!("The {field} field is required when provider is custom."),
                    );
                }
            }
            CertificateMethod::Custom
        }
        None => return None,
    };
    Some(CertificateSettings {
        method,
        enable_http,
        enable_hsts,
        authorization_method,
        staging: environment == "staging",
        ssl_protocol_id,
    })
}

/// Applies the settings PATCH may change (`enableHttp`, `enableHsts`, `ssl_protocol_id`).
pub fn parse_update(
    fields: &Map<String, Value>,
    settings: &CertificateSettings,
) -> Result<CertificateSettings, Response> {
    let mut errors = FieldErrors::default();
    let mut updated = settings.clone();
    if let Some(flag) = optional_boolean(fields, "enableHttp", &mut errors) {
        updated.enable_http = flag;
    }
    if let Some(flag) = optional_boolean(fields, "enableHsts", &mut errors) {
        updated.enable_hsts = flag;
    }
    if let Some(id) = optional_positive_integer(fields, "ssl_protocol_id", &mut errors) {
        updated.ssl_protocol_id = id;
    }
    errors.into_result()?;
    Ok(updated)
}

/// `GET .../ssl`: the certificate object, or 404 "SSL not installed!".
pub fn get(shared: &Shared, key: AppKey) -> Response {
    respond(with_app(shared, key, |app| {
        app.basic_certificate
            .as_ref()
            .map(|certificate| Response::json(200, &certificate.to_json()))
            .ok_or_else(not_installed)
    }))
}

/// `POST .../ssl`: installs the web app's certificate; 200 and its object [assumed].
///
/// [assumed] A second install is 422 (use PUT to redeploy), and so is an install while the app
/// is in advanced (per-domain) mode. A Let's Encrypt certificate covers every domain of the app
/// and goes through the issuance model (`issuance.rs`); a custom one is uploaded, not issued.
pub fn install(shared: &Shared, request: &Request, key: AppKey) -> Response {
    let fields = body::fields(request);
    respond(change_app(shared, key, |world| {
        let mut errors = FieldErrors::default();
        let settings = parse_install_settings(&fields, &mut errors);
        errors.into_result()?;
        let Some(settings) = settings else {
            return Err(FieldErrors::default().into_response());
        };
        let app = lookup(world, key)?;
        if app.basic_certificate.is_some() {
            return Err(Response::message(
                422,
                "SSL is already installed on this web application.",
            ));
        }
        if app.advanced_ssl {
            return Err(Response::message(
                422,
                "Advanced SSL is enabled on this web application: install certificates per domain.",
            ));
        }
        let coverage = app.basic_coverage();
        let id = if settings.method == CertificateMethod::LetsEncrypt {
            if coverage.domains.is_empty() {
                return Err(no_domains());
            }
            match issue(world, key, None, Trigger::Install, None, &coverage.names) {
                Ok(id) => id,
                Err(refused) => return Ok(refused),
            }
        } else {
            world.allocate_certificate_id()
        };
        let certificate = Certificate::issue(id, settings, coverage, world.now());
        let body = certificate.to_json();
        lookup(world, key)?.basic_certificate = Some(certificate);
        Ok(Response::json(200, &body))
    }))
}

/// `PUT .../ssl/{id}`: redeploy, re-issuing the certificate for every domain now on the app
/// [sdk/seen]; 200 and the certificate object [assumed]. Refused by Let's Encrypt: 422, and
/// the certificate stays exactly as it was.
pub fn redeploy(shared: &Shared, key: AppKey, certificate_id: u64) -> Response {
    respond(change_app(shared, key, |world| {
        let app = lookup(world, key)?;
        let coverage = app.basic_coverage();
        let certificate = app
            .basic_certificate
            .as_ref()
            .filter(|certificate| certificate.id == certificate_id)
            .ok_or_else(certificate_not_found)?;
        if certificate.settings.method != CertificateMethod::LetsEncrypt {
            return Err(only_letsencrypt());
        }
        if coverage.domains.is_empty() {
            return Err(no_domains());
        }
        let names = &coverage.names;
        if let Err(refused) = issue(
            world,
            key,
            None,
            Trigger::Redeploy,
            Some(certificate_id),
            names,
        ) {
            return Ok(refused);
        }
        let now = world.now();
        let certificate = lookup(world, key)?
            .basic_certificate
            .as_mut()
            .ok_or_else(certificate_not_found)?;
        certificate.redeploy(coverage, now);
        Ok(Response::json(200, &certificate.to_json()))
    }))
}

/// Asks Let's Encrypt for a certificate of this web app (`domain_id` `None` for the basic one)
/// through the issuance model; the certificate id, or the 422 to answer when refused (the
/// attempt is logged either way: answer the refusal as `Ok`, see [`issuance_refused`]).
pub fn issue(
    world: &mut World,
    key: AppKey,
    domain_id: Option<u64>,
    trigger: Trigger,
    certificate_id: Option<u64>,
    names: &[String],
) -> Result<u64, Response> {
    let attempt = Attempt {
        server_id: key.server_id,
        app_id: key.app_id,
        domain_id,
        trigger,
        certificate_id,
        names: names.to_vec(),
    };
    world
        .attempt_issuance(attempt)
        .map_err(|refusal| issuance_refused(&refusal))
}

/// `PATCH .../ssl/{id}`: updates settings [sdk]; 200 and the certificate object [assumed].
pub fn update(shared: &Shared, request: &Request, key: AppKey, certificate_id: u64) -> Response {
    let fields = body::fields(request);
    respond(change_app(shared, key, |world| {
        let certificate = lookup(world, key)?
            .basic_certificate
            .as_mut()
            .filter(|certificate| certificate.id == certificate_id)
            .ok_or_else(certificate_not_found)?;
        certificate.settings = parse_update(&fields, &certificate.settings)?;
        Ok(Response::json(200, &certificate.to_json()))
    }))
}

/// `DELETE .../ssl/{id}` [sdk]: 200 and the removed certificate object [assumed].
pub fn remove(shared: &Shared, key: AppKey, certificate_id: u64) -> Response {
    respond(change_app(shared, key, |world| {
        let app = lookup(world, key)?;
        if app
            .basic_certificate
            .as_ref()
            .is_none_or(|certificate| certificate.id != certificate_id)
        {
            return Err(certificate_not_found());
        }
        let removed = app
            .basic_certificate
            .take()
            .ok_or_else(certificate_not_found)?;
        Ok(Response::json(200, &removed.to_json()))
    }))
}

fn lookup(world: &mut World, key: AppKey) -> Result<&mut crate::state::WebApp, Response> {
    world
        .lookup_mut(key.server_id, key.app_id)
        .map_err(app_not_found)
}
