//! What an operator should check after a 401, 403 or 404, appended to RunCloud's own message.
//!
//! The texts name the credential kind in use and where it came from (constant or option),
//! where each kind is created in RunCloud [doc: docs/RUNCLOUD_API.md §1], and the ids of the
//! path. Never a value: only names, ids and RunCloud's menu paths.
//!
//! - 401: which credential was refused, and where a v3 token and a v2 key + secret are made.
//! - 403: the server id and what RunCloud requires: the v3 API needs a Business or Enterprise
//!   plan with the "RunCloud API" toggle on [doc]; a server outside the token's workspace may
//!   answer 403 rather than 404 [seen: a community CLI's 403 handler says "check the server id"].
//! - 404 on the web app or one of its lists: the server or web app id, which one when
//!   RunCloud's message says so; a 404 for a domain or certificate id gets no guidance (those
//!   are answers the callers handle).

use crate::config::ApiVersion;

/// The credential of a call, for messages (never its value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Credential {
    pub version: ApiVersion,
    /// From the call's options rather than the WU_RUNCLOUD_* constants.
    pub from_options: bool,
}

const V3_WHERE: &str = "Workspace > Settings > API Management, with the \"RunCloud API\" toggle on";
const V2_WHERE: &str = "the profile menu > Settings > API Key";

/// Which part of the path a 404 is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Missing {
    Server,
    WebApp,
    ServerOrWebApp,
}

/// Server and web app ids of a path `/servers/{S}/webapps/{W}/...`, and whether the rest
/// names a resource of the app (a domain or certificate id) rather than the app itself.
fn path_ids(path: &str) -> (Option<&str>, Option<&str>, bool) {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    match segments.as_slice() {
        ["servers", server, "webapps", app, rest @ ..] => {
            let own_resource = match rest {
                ["domains", _, ..] => true,
                ["ssl", id, ..] => *id != "advanced",
                _ => false,
            };
            (Some(server), Some(app), own_resource)
        }
        ["servers", server, ..] => (Some(server), None, false),
        _ => (None, None, false),
    }
}

fn says_app(lower: &str) -> bool {
    ["web app", "webapp", "application"]
        .iter()
        .any(|w| lower.contains(w))
}

/// Whether RunCloud's message blames the server or the web app rather than a certificate
/// (a 404 from `GET ssl` means "no certificate" only when it does not).
pub(crate) fn blames_server_or_app(message: &str) -> bool {
    let lower = message.to_ascii_lowercase();
    (lower.contains("server") || says_app(&lower))
        && !lower.contains("ssl")
        && !lower.contains("certificate")
}

/// What a 404 is about, when the path or RunCloud's message tells.
pub(crate) fn missing(path: &str, message: &str) -> Option<Missing> {
    let (server, app, own_resource) = path_ids(path);
    let lower = message.to_ascii_lowercase();
    let says_app = says_app(&lower);
    let says_server = lower.contains("server");
    match (server, app) {
        (Some(_), Some(_)) if says_app => Some(Missing::WebApp),
        (Some(_), _) if says_server => Some(Missing::Server),
        (Some(_), Some(_)) if !own_resource => Some(Missing::ServerOrWebApp),
        (Some(_), None) => Some(Missing::Server),
        _ => None,
    }
}

/// The guidance for an error status, with a leading space; `None` when there is none.
pub(crate) fn guidance(status: u16, path: &str, message: &str, c: Credential) -> Option<String> {
    let (server, app, _) = path_ids(path);
    let text = match status {
        401 => unauthorized(c),
        403 => forbidden(c, server),
        404 => {
            let server = server.unwrap_or("?");
            let app = app.unwrap_or("?");
            match missing(path, message)? {
                Missing::Server => format!(
                    "server {server} was not found with these credentials: check the server id (WU_RUNCLOUD_SERVER_ID or the server_id option)."
                ),
                Missing::WebApp => format!(
                    "web app {app} was not found on server {server}: check the web app id (WU_RUNCLOUD_APP_ID or the app_id option)."
                ),
                Missing::ServerOrWebApp => format!(
                    "server {server} or its web app {app} was not found with these credentials: check the server id and the web app id (WU_RUNCLOUD_SERVER_ID, WU_RUNCLOUD_APP_ID or the server_id/app_id options)."
                ),
            }
        }
        _ => return None,
    };
    Some(format!(" ({text})"))
}

fn unauthorized(c: Credential) -> String {
    match (c.version, c.from_options) {
        (ApiVersion::V3, from_options) => format!(
            "RunCloud rejected the v3 API token ({}). A v3 token is created in RunCloud under {V3_WHERE}; a v2 API key and secret are under {V2_WHERE}.",
            if from_options { "option api_token" } else { "WU_RUNCLOUD_API_TOKEN" }
        ),
        (ApiVersion::V2, from_options) => format!(
            "RunCloud rejected the v2 API key and secret ({}). They are under {V2_WHERE} in RunCloud; a v3 API token is created under {V3_WHERE}.",
            if from_options {
                "options api_key and api_secret"
            } else {
                "WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET"
            }
        ),
    }
}

fn forbidden(c: Credential, server: Option<&str>) -> String {
    let to = server
        .map(|s| format!(" access to server {s}"))
        .unwrap_or_default();
    let check = server
        .map(|s| format!(" check that server id {s} is right."))
        .unwrap_or_default();
    match c.version {
        ApiVersion::V3 => format!(
            "RunCloud refused the v3 API token{to}: the v3 API needs a Business or Enterprise plan with the \"RunCloud API\" toggle on (Workspace > Settings > API Management){}",
            if server.is_some() {
                format!(", and a server outside the token's workspace is refused too:{check}")
            } else {
                ".".to_string()
            }
        ),
        ApiVersion::V2 => format!(
            "RunCloud refused the v2 API key{to}: the account needs API access ({V2_WHERE}){}",
            if server.is_some() {
                format!(", and a server of another account is refused too:{check}")
            } else {
                ".".to_string()
            }
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const V3: Credential = Credential {
        version: ApiVersion::V3,
        from_options: false,
    };
    const V2_OPTIONS: Credential = Credential {
        version: ApiVersion::V2,
        from_options: true,
    };

    #[test]
    fn unauthorized_names_the_credential_and_where_both_are_made() {
        let g = guidance(401, "/ping", "Unauthenticated.", V3).unwrap();
        assert!(g.contains("v3 API token (WU_RUNCLOUD_API_TOKEN)"), "{g}");
        assert!(g.contains("Workspace > Settings > API Management"), "{g}");
        assert!(g.contains("toggle on"), "{g}");
        assert!(g.contains("profile menu > Settings > API Key"), "{g}");
        let g = guidance(401, "/servers/1/webapps/2", "", V2_OPTIONS).unwrap();
        assert!(
            g.contains("v2 API key and secret (options api_key and api_secret)"),
            "{g}"
        );
    }

    #[test]
    fn forbidden_names_the_server_and_the_plan() {
        let g = guidance(403, "/servers/5/webapps/9/domains", "Forbidden", V3).unwrap();
        assert!(g.contains("server 5"), "{g}");
        assert!(g.contains("Business or Enterprise"), "{g}");
        assert!(g.contains("outside the token's workspace"), "{g}");
        let g = guidance(403, "/ping", "", V3).unwrap();
        assert!(!g.contains("server"), "{g}");
        let g = guidance(403, "/servers/5/webapps/9", "", V2_OPTIONS).unwrap();
        assert!(g.contains("v2 API key access to server 5"), "{g}");
    }

    #[test]
    fn not_found_names_the_id_the_path_or_message_points_at() {
        let g = |path: &str, msg: &str| guidance(404, path, msg, V3);
        assert!(g("/servers/5/webapps/9", "Server not found.")
            .unwrap()
            .contains("server 5 was not found"));
        assert!(
            g("/servers/5/webapps/9/domains", "Web application not found.")
                .unwrap()
                .contains("web app 9 was not found on server 5")
        );
        assert!(g("/servers/5/webapps/9/ssl/advanced", "Not Found")
            .unwrap()
            .contains("server 5 or its web app 9"));
        // A domain or certificate id: the caller's business, no guidance.
        assert_eq!(
            g("/servers/5/webapps/9/domains/77", "Domain not found."),
            None
        );
        assert_eq!(
            g("/servers/5/webapps/9/ssl/3", "SSL certificate not found."),
            None
        );
        assert!(g(
            "/servers/5/webapps/9/domains/77",
            "Web application not found."
        )
        .unwrap()
        .contains("web app 9"));
        assert_eq!(guidance(422, "/ping", "", V3), None);
        assert!(blames_server_or_app("Web application not found."));
        assert!(blames_server_or_app("Server not found."));
        assert!(!blames_server_or_app("SSL not installed!"));
        assert!(!blames_server_or_app("Not Found"));
        assert!(!blames_server_or_app(
            "No SSL certificate on this web application."
        ));
    }
}
