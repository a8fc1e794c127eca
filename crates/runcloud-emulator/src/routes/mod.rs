//! API routes below `/api/v2` and `/api/v3` (both versions share paths [doc]).

mod advanced_ssl;
mod domains;
mod ping;
mod ssl;
mod webapps;

use crate::http::{Request, Response};
use crate::shared::Shared;
use crate::state::{AppLookupError, WebApp, World};

/// Which web app a request is about.
#[derive(Debug, Clone, Copy)]
pub struct AppKey {
    pub server_id: u64,
    pub app_id: u64,
}

/// The methods a path shape (the path after `/api/vN/`) accepts; `None` for unknown paths.
fn allowed_methods(segments: &[&str]) -> Option<&'static [&'static str]> {
    Some(match segments {
        ["ping"] => &["GET"],
        ["servers", _, "webapps", _, rest @ ..] => match rest {
            [] => &["GET"],
            ["domains"] => &["GET", "POST"],
            ["domains", _] => &["GET", "DELETE"],
            ["domains", _, "meta"] => &["PATCH"],
            ["domains", _, "ssl"] => &["GET", "POST"],
            ["domains", _, "ssl", _] => &["PUT", "PATCH", "DELETE"],
            ["ssl"] => &["GET", "POST"],
            ["ssl", "advanced"] => &["GET", "POST"],
            ["ssl", _] => &["PUT", "PATCH", "DELETE"],
            _ => return None,
        },
        _ => return None,
    })
}

/// Matches path shape and method, as Laravel's router does before any middleware runs:
/// an unknown path is 404 and a known path with another method 405, even without
/// credentials. `None` when the route exists.
pub fn unmatched_route(method: &str, segments: &[&str]) -> Option<Response> {
    match allowed_methods(segments) {
        None => Some(not_found()),
        Some(allowed) if !allowed.contains(&method) => Some(method_not_allowed(method, allowed)),
        Some(_) => None,
    }
}

/// Runs a matched route (see [`unmatched_route`]); ids are checked here, after
/// authentication: anything but a positive integer, or an id that does not exist, is a 404.
pub fn route(shared: &Shared, request: &Request, segments: &[&str]) -> Response {
    if let Some(unmatched) = unmatched_route(&request.method, segments) {
        return unmatched;
    }
    match segments {
        ["servers", server, "webapps", app, rest @ ..] => {
            route_web_app(shared, request, server, app, rest)
        }
        _ => ping::get(),
    }
}

fn route_web_app(
    shared: &Shared,
    request: &Request,
    server: &str,
    app: &str,
    rest: &[&str],
) -> Response {
    let method = request.method.as_str();
    let (Some(server_id), Some(app_id)) = (parse_id(server), parse_id(app)) else {
        return not_found();
    };
    let key = AppKey { server_id, app_id };
    if let Err(error) = shared.read_world(|world| world.lookup(server_id, app_id).map(|_| ())) {
        return app_not_found(error);
    }

    match (method, rest) {
        ("GET", []) => webapps::get(shared, key),
        ("GET", ["domains"]) => domains::list(shared, request, key),
        ("POST", ["domains"]) => domains::add(shared, request, key),
        (_, ["domains", domain, ..]) => match parse_id(domain) {
            None => domain_not_found(),
            Some(domain_id) => route_domain(shared, request, key, domain_id, &rest[2..]),
        },
        ("GET", ["ssl"]) => ssl::get(shared, key),
        ("POST", ["ssl"]) => ssl::install(shared, request, key),
        ("GET", ["ssl", "advanced"]) => advanced_ssl::get_mode(shared, key),
        ("POST", ["ssl", "advanced"]) => advanced_ssl::set_mode(shared, request, key),
        (_, ["ssl", certificate]) => match parse_id(certificate) {
            None => ssl::certificate_not_found(),
            Some(certificate_id) => match method {
                "PUT" => ssl::redeploy(shared, key, certificate_id),
                "PATCH" => ssl::update(shared, request, key, certificate_id),
                _ => ssl::remove(shared, key, certificate_id),
            },
        },
        _ => not_found(),
    }
}

fn route_domain(
    shared: &Shared,
    request: &Request,
    key: AppKey,
    domain_id: u64,
    rest: &[&str],
) -> Response {
    let method = request.method.as_str();
    match (method, rest) {
        ("GET", []) => domains::get(shared, key, domain_id),
        ("DELETE", []) => domains::delete(shared, key, domain_id),
        ("PATCH", ["meta"]) => domains::update_meta(shared, request, key, domain_id),
        ("GET", ["ssl"]) => advanced_ssl::get_domain_certificate(shared, key, domain_id),
        ("POST", ["ssl"]) => advanced_ssl::install(shared, request, key, domain_id),
        (_, ["ssl", certificate]) => match parse_id(certificate) {
            None => ssl::certificate_not_found(),
            Some(certificate_id) => match method {
                "PUT" => advanced_ssl::redeploy(shared, key, domain_id, certificate_id),
                "PATCH" => advanced_ssl::update(shared, request, key, domain_id, certificate_id),
                _ => advanced_ssl::remove(shared, key, domain_id, certificate_id),
            },
        },
        _ => not_found(),
    }
}

/// A path id: a positive integer in decimal digits (as a database key would be looked up).
pub fn parse_id(segment: &str) -> Option<u64> {
    if segment.is_empty() || !segment.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    segment.parse::<u64>().ok().filter(|&id| id > 0)
}

/// Looks the app up and runs `read` on it (the app was checked to exist by the router, but a
/// concurrent reset may have removed an app that only a seed had created).
pub fn with_app<R>(
    shared: &Shared,
    key: AppKey,
    read: impl FnOnce(&WebApp) -> Result<R, Response>,
) -> Result<R, Response> {
    shared.read_world(|world| {
        let app = world
            .lookup(key.server_id, key.app_id)
            .map_err(app_not_found)?;
        read(app)
    })
}

/// Same for changes: the state file is written when `change` succeeds.
pub fn change_app<R>(
    shared: &Shared,
    key: AppKey,
    change: impl FnOnce(&mut World) -> Result<R, Response>,
) -> Result<R, Response> {
    shared.change_world(|world| {
        world
            .lookup(key.server_id, key.app_id)
            .map_err(app_not_found)?;
        change(world)
    })
}

/// Unwraps a handler's result into the response.
pub fn respond(result: Result<Response, Response>) -> Response {
    result.unwrap_or_else(|error| error)
}

// [assumed] RunCloud's 404 messages are not documented; these name what was not found.
pub fn not_found() -> Response {
    Response::message(404, "Not Found.")
}

pub fn app_not_found(error: AppLookupError) -> Response {
    match error {
        AppLookupError::UnknownServer => Response::message(404, "Server not found."),
        AppLookupError::UnknownWebApp => Response::message(404, "Web application not found."),
    }
}

pub fn domain_not_found() -> Response {
    Response::message(404, "Domain not found.")
}

/// [assumed] Laravel answers a known path with another method 405 and an `Allow` header.
fn method_not_allowed(method: &str, allowed: &[&str]) -> Response {
    let allowed = allowed.join(", ");
    Response::message(
        405,
        &format!(
            "The {method} method is not supported for this route. Supported methods: {allowed}."
        ),
    )
    .with_header("Allow", &allowed)
}
