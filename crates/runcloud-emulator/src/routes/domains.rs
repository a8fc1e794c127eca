//! Domains of a web app: list, add, get, delete, update settings (docs/RUNCLOUD_API.md §4).

use serde_json::{json, Map, Value};

use crate::body;
use crate::clock;
use crate::form;
use crate::http::{Request, Response};
use crate::pagination;
use crate::routes::{change_app, domain_not_found, respond, with_app, AppKey};
use crate::shared::Shared;
use crate::state::{Domain, DOMAIN_TYPES, REDIRECTIONS};
use crate::validation::{
    check_domain_name, optional_boolean, optional_choice, present, required_boolean,
    required_choice, FieldErrors, NameProblem,
};

/// [assumed] Laravel's `unique` message (docs/RUNCLOUD_API.md §2).
pub const NAME_TAKEN: &str = "The name has already been taken.";

/// `GET .../domains?page=&perPage=`: a page of domains, oldest first [assumed order].
///
/// [assumed] `search=` filters names containing the text; RunCloud documents it only for the
/// web-app list, so clients must not depend on it.
pub fn list(shared: &Shared, request: &Request, key: AppKey) -> Response {
    let page_request = pagination::parse_page_request(&request.query);
    let search = form::query_value(&request.query, "search").filter(|text| !text.is_empty());
    let host = request.header("host").unwrap_or(&shared.authority);
    let list_url = format!("{}://{host}{}", shared.scheme, request.path);
    respond(with_app(shared, key, |app| {
        let matching: Vec<&Domain> = app
            .domains
            .iter()
            .filter(|domain| {
                search
                    .as_deref()
                    .is_none_or(|text| domain.name.contains(text))
            })
            .collect();
        let page = pagination::paginate(
            &matching,
            |domain| domain.to_json(),
            page_request,
            &list_url,
        );
        Ok(Response::json(200, &page))
    }))
}

/// `GET .../domains/{D}`.
pub fn get(shared: &Shared, key: AppKey, domain_id: u64) -> Response {
    respond(with_app(shared, key, |app| {
        app.domain(domain_id)
            .map(|domain| Response::json(200, &domain.to_json()))
            .ok_or_else(domain_not_found)
    }))
}

/// `POST .../domains`: one name per request [doc]; 200 and the new domain object [doc].
///
/// Only `name` is required. Real clients that ran in production sent less than the documented
/// request [seen: WP Ultimo 1.x/2.0 only `name`, form-encoded, without `Accept`; Ultimate
/// Multisite 2.4.3 `name`, `www`, `redirection` without `type`; community SDKs only `name`],
/// so RunCloud accepts it: `type` defaults to `alias`, `www` to false, `redirection` to `none`
/// [assumed defaults]. An empty form value counts as not given [assumed: Laravel's stock
/// ConvertEmptyStringsToNull]. `wildcard` is optional (default false); a `*.` name is stored as
/// a wildcard domain with or without it [assumed: the documented request has no `wildcard`
/// field, so RunCloud must recognise the name itself]. The name is stored lower-case without
/// a trailing dot [assumed: host names are case-insensitive; refusing `Shop.Example.com.`
/// would make the emulator stricter than RunCloud for a client we have not seen]; non-ASCII
/// names are refused (punycode is required, see `validation::check_domain_name`).
pub fn add(shared: &Shared, request: &Request, key: AppKey) -> Response {
    let fields = body::fields(request);
    respond(change_app(shared, key, |world| {
        let mut errors = FieldErrors::default();
        let fields = without_empty_strings(fields);
        let name = required_name(&fields, &mut errors);
        let wildcard = optional_boolean(&fields, "wildcard", &mut errors).unwrap_or(false)
            || name.as_deref().is_some_and(|name| name.starts_with("*."));
        let www = optional_boolean(&fields, "www", &mut errors).unwrap_or(false);
        let redirection = optional_choice(&fields, "redirection", REDIRECTIONS, &mut errors)
            .unwrap_or_else(|| "none".to_string());
        let domain_type = optional_choice(&fields, "type", DOMAIN_TYPES, &mut errors)
            .unwrap_or_else(|| "alias".to_string());
        if let Some(name) = &name {
            if world.server_has_domain(key.server_id, name) {
                errors.add("name", NAME_TAKEN);
            }
        }
        let (Some(name), true) = (name, errors.is_empty()) else {
            return Err(errors.into_response());
        };
        let domain = Domain {
            id: 0,
            name,
            domain_type,
            www,
            redirection,
            wildcard,
            created_at: clock::now_timestamp(),
        };
        let domain = world
            .insert_domain(key.server_id, key.app_id, domain)
            .map_err(crate::routes::app_not_found)?;
        Ok(Response::json(200, &domain.to_json()))
    }))
}

/// Fields without the empty strings an HTML form or `http_build_query` sends for "nothing"
/// [assumed: Laravel's stock middleware turns them into null, which counts as not given].
fn without_empty_strings(fields: Map<String, Value>) -> Map<String, Value> {
    fields
        .into_iter()
        .filter(|(_, value)| value.as_str() != Some(""))
        .collect()
}

fn required_name(fields: &Map<String, Value>, errors: &mut FieldErrors) -> Option<String> {
    let name = match present(fields, "name") {
        None => None,
        Some(Value::String(text)) if text.is_empty() => None,
        Some(Value::String(text)) => Some(stored_form(text)),
        Some(_) => {
            errors.add("name", "The name must be a string.");
            return None;
        }
    };
    let Some(name) = name else {
        errors.add("name", "The name field is required.");
        return None;
    };
    // A `*.` name is a wildcard domain whether or not the request says so (see `add`).
    match check_domain_name(&name, true) {
        Ok(()) => Some(name),
        Err(NameProblem::Invalid | NameProblem::WildcardNotRequested) => {
            errors.add("name", "The name format is invalid.");
            None
        }
    }
}

/// Lower-case (ASCII) without one trailing dot: how a name is stored and compared [assumed].
fn stored_form(text: &str) -> String {
    let lower = text.to_ascii_lowercase();
    match lower.strip_suffix('.') {
        Some(stripped) => stripped.to_string(),
        None => lower,
    }
}

/// `DELETE .../domains/{D}`: 200 and the deleted object [doc]. Its own certificate goes too.
pub fn delete(shared: &Shared, key: AppKey, domain_id: u64) -> Response {
    respond(change_app(shared, key, |world| {
        let app = world
            .lookup_mut(key.server_id, key.app_id)
            .map_err(crate::routes::app_not_found)?;
        let position = app
            .domains
            .iter()
            .position(|domain| domain.id == domain_id)
            .ok_or_else(domain_not_found)?;
        let removed = app.domains.remove(position);
        app.domain_certificates.remove(&domain_id);
        Ok(Response::json(200, &removed.to_json()))
    }))
}

/// `PATCH .../domains/{D}/meta` with `type`, `redirection`, `www` [doc].
///
/// [assumed] all three are required, as in the documented request.
pub fn update_meta(shared: &Shared, request: &Request, key: AppKey, domain_id: u64) -> Response {
    let fields = body::fields(request);
    respond(change_app(shared, key, |world| {
        let app = world
            .lookup_mut(key.server_id, key.app_id)
            .map_err(crate::routes::app_not_found)?;
        let domain = app.domain_mut(domain_id).ok_or_else(domain_not_found)?;
        let mut errors = FieldErrors::default();
        let domain_type = required_choice(&fields, "type", DOMAIN_TYPES, &mut errors);
        let redirection = required_choice(&fields, "redirection", REDIRECTIONS, &mut errors);
        let www = required_boolean(&fields, "www", &mut errors);
        let (Some(domain_type), Some(redirection), Some(www)) = (domain_type, redirection, www)
        else {
            return Err(errors.into_response());
        };
        domain.domain_type = domain_type;
        domain.redirection = redirection;
        domain.www = www;
        Ok(Response::json(
            200,
            &json!({ "message": "Domain settings have been successfully updated." }),
        ))
    }))
}
