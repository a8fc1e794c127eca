//! Programmed faults: the next N `/api` requests matching a method and path pattern misbehave.
//!
//! Rule JSON (`POST /__emulator/faults`, [`crate::Emulator::add_fault`]):
//! `{"method":"GET"?, "path":"/api/v3/servers/*/webapps/*/domains", "times":1?, ...kind}` where
//! `*` matches exactly one path segment and the kind is one of:
//! - `"status": 503` (+ `"body": "..."`, + `"headers": {"Name": "value"}`): answered by the
//!   "proxy" without reaching the API; the body defaults to `{"message":"<reason phrase>"}`.
//! - `"html": true` (+ `"status"`, default 502): an HTML error page, `Content-Type: text/html`.
//! - `"redirect_to": "http://other.test:8080"` (+ `"status"` 301/302/303/307/308, default 302):
//!   `Location` is that URL followed by the original path and query, as a proxy that moved the
//!   API to another host would answer.
//! - `"drop": true`: the connection is closed without any response.
//! - `"truncate": true`: headers announce the whole body, half of it is sent, then the
//!   connection is closed.
//! - `"malformed_json": true`: the real status and headers with a body that is not JSON.
//! - `"delay_ms": N` alone: the request is answered normally after N ms.
//!
//! `delay_ms` may also accompany any other kind (the delay comes first). For `drop`, `truncate`
//! and `malformed_json` the request reaches the API first and takes effect (a POST adds its
//! domain), since a response lost after the work was done is the case a retrying client must
//! handle; `"process": false` skips the API (then `truncate`/`malformed_json` mangle a generic
//! 200 body). Rules are tried in the order added; the first match is used and its `times`
//! (default 1) goes down by one; at zero it is gone.

use serde_json::{json, Map, Value};

use crate::http::{reason_phrase, Response};

/// What a matching rule does.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    Status {
        status: u16,
        body: Option<String>,
        headers: Vec<(String, String)>,
    },
    Html {
        status: u16,
    },
    Redirect {
        status: u16,
        target: String,
    },
    Drop,
    Truncate,
    MalformedJson,
    DelayOnly,
}

/// One programmed fault.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    pub method: Option<String>,
    pub path_pattern: String,
    pub remaining: u64,
    pub delay_ms: u64,
    /// Whether the API handles the request before `drop`/`truncate`/`malformed_json`.
    pub process: bool,
    pub kind: FaultKind,
    /// The rule as it was given, for `GET /__emulator/faults`.
    source: Value,
}

impl FaultRule {
    /// Validates a rule; the error names what is wrong.
    pub fn from_json(rule: &Value) -> Result<FaultRule, String> {
        let object = rule
            .as_object()
            .ok_or("a fault rule must be a JSON object")?;
        const KNOWN: &[&str] = &[
            "method",
            "path",
            "times",
            "status",
            "body",
            "headers",
            "html",
            "delay_ms",
            "drop",
            "truncate",
            "malformed_json",
            "redirect_to",
            "process",
        ];
        if let Some(unknown) = object.keys().find(|key| !KNOWN.contains(&key.as_str())) {
            return Err(format!("unknown fault field {unknown:?}"));
        }

        let method = match object.get("method") {
            None | Some(Value::Null) => None,
            Some(Value::String(method)) if !method.is_empty() => Some(method.to_ascii_uppercase()),
            Some(_) => return Err("\"method\" must be a non-empty string".into()),
        };
        let path_pattern = match object.get("path") {
            Some(Value::String(path)) if path.starts_with('/') => path.clone(),
            _ => {
                return Err(
                    "\"path\" is required: a path starting with '/', '*' for one segment".into(),
                )
            }
        };
        let remaining = match object.get("times") {
            None => 1,
            Some(value) => match value.as_u64() {
                Some(times) if times > 0 => times,
                _ => return Err("\"times\" must be a positive integer".into()),
            },
        };
        let delay_ms = match object.get("delay_ms") {
            None => 0,
            Some(value) => value
                .as_u64()
                .ok_or("\"delay_ms\" must be a non-negative integer")?,
        };
        let process = match object.get("process") {
            None => true,
            Some(Value::Bool(flag)) => *flag,
            Some(_) => return Err("\"process\" must be true or false".into()),
        };
        let kind = parse_kind(object, object.contains_key("delay_ms"))?;
        Ok(FaultRule {
            method,
            path_pattern,
            remaining,
            delay_ms,
            process,
            kind,
            source: rule.clone(),
        })
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        if self
            .method
            .as_deref()
            .is_some_and(|wanted| !wanted.eq_ignore_ascii_case(method))
        {
            return false;
        }
        path_matches(&self.path_pattern, path)
    }

    /// The response of a `status`, `html` or `redirect_to` rule (`None` for other kinds).
    pub fn canned_response(&self, path: &str, query: &str) -> Option<Response> {
        match &self.kind {
            FaultKind::Status {
                status,
                body,
                headers,
            } => {
                let mut response = match body {
                    Some(body) => Response {
                        status: *status,
                        headers: vec![("Content-Type".into(), "application/json".into())],
                        body: body.clone().into_bytes(),
                    },
                    None => Response::message(*status, reason_phrase(*status)),
                };
                for (name, value) in headers {
                    response.set_header(name, value);
                }
                Some(response)
            }
            FaultKind::Html { status } => Some(html_error_page(*status)),
            FaultKind::Redirect { status, target } => {
                let mut location = format!("{}{path}", target.trim_end_matches('/'));
                if !query.is_empty() {
                    location.push('?');
                    location.push_str(query);
                }
                Some(
                    Response {
                        status: *status,
                        headers: Vec::new(),
                        body: Vec::new(),
                    }
                    .with_header("Location", &location),
                )
            }
            _ => None,
        }
    }
}

fn parse_kind(object: &Map<String, Value>, has_delay: bool) -> Result<FaultKind, String> {
    let flag = |name: &str| -> Result<bool, String> {
        match object.get(name) {
            None | Some(Value::Bool(false)) => Ok(false),
            Some(Value::Bool(true)) => Ok(true),
            Some(_) => Err(format!("\"{name}\" must be true or false")),
        }
    };
    let status = match object.get("status") {
        None => None,
        Some(value) => match value.as_u64().and_then(|code| u16::try_from(code).ok()) {
            Some(code) if (100..=599).contains(&code) => Some(code),
            _ => return Err("\"status\" must be an HTTP status code (100-599)".into()),
        },
    };
    let html = flag("html")?;
    let drop = flag("drop")?;
    let truncate = flag("truncate")?;
    let malformed_json = flag("malformed_json")?;
    let redirect_to = match object.get("redirect_to") {
        None => None,
        Some(Value::String(url)) if url.starts_with("http://") || url.starts_with("https://") => {
            Some(url.clone())
        }
        Some(_) => return Err("\"redirect_to\" must be an http:// or https:// URL".into()),
    };

    let chosen = [html, drop, truncate, malformed_json, redirect_to.is_some()]
        .iter()
        .filter(|&&chosen| chosen)
        .count();
    if chosen > 1 {
        return Err(
            "give one of html, drop, truncate, malformed_json, redirect_to (status goes with html or redirect_to)"
                .into(),
        );
    }
    let has_body_or_headers = object.contains_key("body") || object.contains_key("headers");
    if has_body_or_headers && (chosen > 0 || status.is_none()) {
        return Err("\"body\" and \"headers\" go with \"status\" alone".into());
    }
    if status.is_some() && (drop || truncate || malformed_json) {
        return Err("\"status\" does not go with drop, truncate or malformed_json".into());
    }

    if html {
        return Ok(FaultKind::Html {
            status: status.unwrap_or(502),
        });
    }
    if let Some(target) = redirect_to {
        let status = status.unwrap_or(302);
        if ![301, 302, 303, 307, 308].contains(&status) {
            return Err("a redirect status must be 301, 302, 303, 307 or 308".into());
        }
        return Ok(FaultKind::Redirect { status, target });
    }
    if drop {
        return Ok(FaultKind::Drop);
    }
    if truncate {
        return Ok(FaultKind::Truncate);
    }
    if malformed_json {
        return Ok(FaultKind::MalformedJson);
    }
    if let Some(status) = status {
        let body = match object.get("body") {
            None | Some(Value::Null) => None,
            Some(Value::String(body)) => Some(body.clone()),
            // A JSON value given directly is sent as its JSON text.
            Some(other) => Some(other.to_string()),
        };
        let headers = match object.get("headers") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(headers)) => headers
                .iter()
                .map(|(name, value)| match value {
                    Value::String(text) => Ok((name.clone(), text.clone())),
                    Value::Number(number) => Ok((name.clone(), number.to_string())),
                    _ => Err(format!("header {name:?} must be a string")),
                })
                .collect::<Result<Vec<_>, String>>()?,
            Some(_) => return Err("\"headers\" must be an object of strings".into()),
        };
        if headers
            .iter()
            .any(|(name, value)| !is_header_token(name) || value.contains(['\r', '\n']))
        {
            return Err("header names must be tokens and values single-line".into());
        }
        return Ok(FaultKind::Status {
            status,
            body,
            headers,
        });
    }
    if has_delay {
        return Ok(FaultKind::DelayOnly);
    }
    Err(
        "a fault needs one of status, html, delay_ms, drop, truncate, malformed_json, redirect_to"
            .into(),
    )
}

fn is_header_token(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte))
}

/// `*` matches exactly one (non-empty) segment; everything else must be equal.
fn path_matches(pattern: &str, path: &str) -> bool {
    let pattern_segments: Vec<&str> = pattern.split('/').collect();
    let path_segments: Vec<&str> = path.split('/').collect();
    pattern_segments.len() == path_segments.len()
        && pattern_segments
            .iter()
            .zip(&path_segments)
            .all(|(wanted, actual)| (*wanted == "*" && !actual.is_empty()) || wanted == actual)
}

/// An HTML error page like the ones a proxy in front of the API serves ([assumed]
/// docs/RUNCLOUD_API.md §2: clients must treat it as a transport failure, status kept).
pub fn html_error_page(status: u16) -> Response {
    let title = format!("{status} {}", reason_phrase(status));
    let page = format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head>\n<body><center><h1>{title}</h1></center><hr><center>nginx</center></body></html>\n"
    );
    Response {
        status,
        headers: vec![("Content-Type".into(), "text/html; charset=UTF-8".into())],
        body: page.into_bytes(),
    }
}

/// A body that starts like the API's JSON and then breaks off, with a correct length.
pub const MALFORMED_JSON_BODY: &str = "{\"data\":[{\"id\":1,\"name\":\"broken";

/// The programmed rules, in order.
#[derive(Debug, Default)]
pub struct FaultRules {
    rules: Vec<FaultRule>,
}

impl FaultRules {
    pub fn add(&mut self, rule: FaultRule) {
        self.rules.push(rule);
    }

    pub fn clear(&mut self) {
        self.rules.clear();
    }

    /// The first rule matching the request, with one use consumed.
    pub fn take_match(&mut self, method: &str, path: &str) -> Option<FaultRule> {
        let position = self
            .rules
            .iter()
            .position(|rule| rule.matches(method, path))?;
        let rule = self.rules.get_mut(position)?;
        rule.remaining -= 1;
        let taken = rule.clone();
        if rule.remaining == 0 {
            self.rules.remove(position);
        }
        Some(taken)
    }

    /// Pending rules with their remaining uses.
    pub fn to_json(&self) -> Value {
        let rules: Vec<Value> = self
            .rules
            .iter()
            .map(|rule| {
                let mut source = rule.source.clone();
                source["remaining"] = json!(rule.remaining);
                source
            })
            .collect();
        json!({ "faults": rules })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(value: Value) -> FaultRule {
        FaultRule::from_json(&value).expect("valid rule")
    }

    #[test]
    fn matches_one_segment_per_star_and_counts_down() {
        let mut rules = FaultRules::default();
        rules.add(rule(json!({"method":"get","path":"/api/v3/servers/*/webapps/*/domains","times":2,"status":503})));
        assert!(rules
            .take_match("POST", "/api/v3/servers/1/webapps/1/domains")
            .is_none());
        assert!(rules
            .take_match("GET", "/api/v3/servers/1/webapps/1/domains/5")
            .is_none());
        assert!(rules
            .take_match("GET", "/api/v3/servers//webapps/1/domains")
            .is_none());
        assert!(rules
            .take_match("GET", "/api/v3/servers/1/webapps/1/domains")
            .is_some());
        assert!(rules
            .take_match("GET", "/api/v3/servers/2/webapps/9/domains")
            .is_some());
        assert!(rules
            .take_match("GET", "/api/v3/servers/1/webapps/1/domains")
            .is_none());
    }

    #[test]
    fn first_matching_rule_wins() {
        let mut rules = FaultRules::default();
        rules.add(rule(json!({"path":"/api/v3/ping","drop":true})));
        rules.add(rule(json!({"path":"/api/v3/ping","status":500})));
        assert_eq!(
            rules.take_match("GET", "/api/v3/ping").map(|r| r.kind),
            Some(FaultKind::Drop)
        );
        assert!(matches!(
            rules.take_match("GET", "/api/v3/ping").map(|r| r.kind),
            Some(FaultKind::Status { status: 500, .. })
        ));
    }

    #[test]
    fn rejects_bad_rules() {
        for bad in [
            json!([]),
            json!({"status":500}),
            json!({"path":"api","status":500}),
            json!({"path":"/a"}),
            json!({"path":"/a","status":999}),
            json!({"path":"/a","drop":true,"truncate":true}),
            json!({"path":"/a","drop":true,"status":500}),
            json!({"path":"/a","body":"x"}),
            json!({"path":"/a","status":500,"times":0}),
            json!({"path":"/a","redirect_to":"ftp://x"}),
            json!({"path":"/a","redirect_to":"http://x","status":200}),
            json!({"path":"/a","status":500,"headers":{"Bad Name":"x"}}),
            json!({"path":"/a","status":500,"bogus":1}),
        ] {
            assert!(FaultRule::from_json(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn builds_canned_responses() {
        let redirect = rule(json!({"path":"/a","redirect_to":"http://other.test:81/"}));
        let response = redirect
            .canned_response("/api/v3/ping", "x=1")
            .expect("response");
        assert_eq!(response.status, 302);
        assert!(response.headers.contains(&(
            "Location".to_string(),
            "http://other.test:81/api/v3/ping?x=1".to_string()
        )));
        let html = rule(json!({"path":"/a","html":true,"status":503}));
        let response = html.canned_response("/a", "").expect("response");
        assert_eq!(response.status, 503);
        assert!(String::from_utf8_lossy(&response.body).contains("503 Service Unavailable"));
        let custom =
            rule(json!({"path":"/a","status":429,"body":"{}","headers":{"Retry-After":"3"}}));
        let response = custom.canned_response("/a", "").expect("response");
        assert_eq!(response.body, b"{}");
        assert!(response
            .headers
            .contains(&("Retry-After".to_string(), "3".to_string())));
    }
}
