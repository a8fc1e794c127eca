//! Turning an HTTP answer into a typed value (wire.rs) or a typed error.
//!
//! - 2xx: JSON read into the caller's wire type (an empty body is `null`); a body that is not
//!   JSON is `Error::Transport` naming the endpoint.
//! - 3xx: never followed (credentials must not go elsewhere): `Error::Transport`.
//! - 4xx/5xx with a JSON body: `Error::Api` with `"<METHOD> <path>: <status> <message>"` and
//!   the field errors of `{"errors": {"field": ["..."]}}` [assumed, Laravel convention].
//! - 4xx/5xx with another body (an HTML page from a proxy, an empty body): `Error::Transport`
//!   with the status kept [assumed].

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::{transport, Method, Reply};
use crate::error::{Error, Result};
use crate::wire;

pub(crate) fn decode<'a, T: Deserialize<'a>>(reply: &'a Reply) -> Result<T> {
    if reply.is_success() {
        return wire::parse(&reply.body).map_err(|_| {
            transport(
                reply.method,
                &reply.path,
                Some(reply.status),
                format!("{} with a body that is not JSON", reply.status),
            )
        });
    }
    if (300..400).contains(&reply.status) {
        let target = reply
            .location
            .as_deref()
            .and_then(|l| url::Url::parse(l).ok())
            .and_then(|u| u.host_str().map(str::to_string))
            .map(|h| format!(" to {h}"))
            .unwrap_or_default();
        return Err(transport(
            reply.method,
            &reply.path,
            Some(reply.status),
            format!(
                "{} redirect{target} not followed (credentials are never sent elsewhere; check WU_RUNCLOUD_API_URL)",
                reply.status
            ),
        ));
    }
    Err(api_error(reply))
}

/// The error for a non-success answer.
pub(crate) fn api_error(reply: &Reply) -> Error {
    let parsed: Option<Value> = serde_json::from_slice(&reply.body).ok();
    match parsed {
        Some(Value::Object(obj)) => {
            let text = obj
                .get("message")
                .and_then(Value::as_str)
                .map(clean)
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| reason(reply.status).to_string());
            Error::Api {
                status: reply.status,
                method: reply.method.as_str().to_string(),
                path: reply.path.clone(),
                message: format!(
                    "{} {}: {} {}",
                    reply.method.as_str(),
                    reply.path,
                    reply.status,
                    text
                ),
                errors: field_errors(obj.get("errors")),
            }
        }
        _ => transport(
            reply.method,
            &reply.path,
            Some(reply.status),
            format!(
                "{} {} with a body that is not JSON (an error page in front of the API?)",
                reply.status,
                reason(reply.status)
            ),
        ),
    }
}

/// RunCloud's own `message` of an error answer (empty when the JSON object has none); `None`
/// when the body is not a JSON object (an error page in front of the API).
pub(crate) fn runcloud_message(reply: &Reply) -> Option<String> {
    match serde_json::from_slice::<Value>(&reply.body).ok()? {
        Value::Object(obj) => Some(
            obj.get("message")
                .and_then(Value::as_str)
                .map(clean)
                .unwrap_or_default(),
        ),
        _ => None,
    }
}

/// A 2xx answer whose JSON has the wrong shape.
pub(crate) fn shape_error(method: Method, path: &str, expected: &str) -> Error {
    transport(
        method,
        path,
        None,
        format!("unexpected answer from RunCloud: expected {expected}"),
    )
}

fn field_errors(v: Option<&Value>) -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    if let Some(Value::Object(map)) = v {
        for (field, msgs) in map {
            let list: Vec<String> = match msgs {
                Value::Array(items) => items.iter().filter_map(Value::as_str).map(clean).collect(),
                Value::String(s) => vec![clean(s)],
                _ => Vec::new(),
            };
            if !list.is_empty() {
                out.insert(clean(field), list);
            }
        }
    }
    out
}

/// RunCloud's text without control characters. Not cut here: the client cuts it to a sane
/// length after scrubbing the credentials (`Client::scrubbed`), so a secret echoed near the
/// cut cannot survive in part.
fn clean(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    out.truncate(out.trim_end().len());
    out
}

fn reason(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, body: &str) -> Reply {
        Reply {
            method: Method::Post,
            path: "/servers/1/webapps/2/domains".into(),
            status,
            body: body.as_bytes().to_vec(),
            location: None,
            attempts: 1,
            earlier_maybe_processed: false,
            gave_up: None,
        }
    }

    #[test]
    fn success() {
        assert_eq!(decode::<Value>(&reply(200, r#"{"a":1}"#)).unwrap()["a"], 1);
        assert_eq!(decode::<Value>(&reply(200, "")).unwrap(), Value::Null);
        let e = decode::<Value>(&reply(200, "{not json")).unwrap_err();
        assert!(matches!(e, Error::Transport { .. }));
        assert!(e
            .to_string()
            .starts_with("POST /servers/1/webapps/2/domains: "));
    }

    #[test]
    fn api_error_with_fields() {
        let e = decode::<Value>(&reply(
            422,
            r#"{"message":"The given data was invalid.","errors":{"name":["The name has already been taken."]}}"#,
        ))
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "POST /servers/1/webapps/2/domains: 422 The given data was invalid."
        );
        assert_eq!(e.status(), Some(422));
        assert_eq!(
            e.field_errors()["name"],
            vec!["The name has already been taken.".to_string()]
        );
    }

    #[test]
    fn html_error_page_is_transport_with_status() {
        let e = decode::<Value>(&reply(502, "<html><body>Bad gateway</body></html>")).unwrap_err();
        assert!(matches!(
            e,
            Error::Transport {
                status: Some(502),
                ..
            }
        ));
        assert_eq!(e.status(), Some(502));
        let e = decode::<Value>(&reply(500, "")).unwrap_err();
        assert!(matches!(
            e,
            Error::Transport {
                status: Some(500),
                ..
            }
        ));
    }

    #[test]
    fn json_without_message_uses_reason() {
        let e = decode::<Value>(&reply(404, "{}")).unwrap_err();
        assert_eq!(
            e.to_string(),
            "POST /servers/1/webapps/2/domains: 404 Not Found"
        );
    }

    #[test]
    fn redirect_is_transport() {
        let mut r = reply(302, "");
        r.location = Some("https://evil.example/x?token=1".into());
        let e = decode::<Value>(&r).unwrap_err();
        assert!(matches!(
            e,
            Error::Transport {
                status: Some(302),
                ..
            }
        ));
        assert!(e.to_string().contains("evil.example"));
        assert!(!e.to_string().contains("token"));
    }
}
