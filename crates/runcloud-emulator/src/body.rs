//! Request bodies as a JSON object, from `application/json` or form-encoded input.

use serde_json::{Map, Value};

use crate::form;
use crate::http::Request;

/// The input of a request, as Laravel's `$request->input()` sees it [assumed: RunCloud runs
/// Laravel; the emulator must never be stricter than it]: the body's fields over the query
/// string's (the body wins), every string trimmed (the `TrimStrings` middleware). Form values
/// become JSON strings.
///
/// Bodies read: JSON (any `.../json` or `...+json` type; an object gives fields), form-encoded,
/// and `multipart/form-data` (what PHP cURL sends for an array `CURLOPT_POSTFIELDS`; file parts
/// are not input). A body Laravel cannot read (another type, JSON that is invalid or not an
/// object, a byte-order mark, a malformed multipart) gives no fields, as in Laravel: the route
/// then answers what it answers without them (422 "The name field is required.", or the query
/// string's fields serve). Never refused by itself (no 415 or 400): stricter than Laravel would
/// reject requests RunCloud accepts.
pub fn fields(request: &Request) -> Map<String, Value> {
    let mut input: Map<String, Value> = strings(form::parse_pairs(&request.query));
    for (name, value) in body_fields(request) {
        input.insert(name, value);
    }
    input.values_mut().for_each(trim_strings);
    input
}

fn strings(pairs: Vec<(String, String)>) -> Map<String, Value> {
    pairs
        .into_iter()
        .map(|(name, value)| (name, Value::String(value)))
        .collect()
}

/// Laravel's `TrimStrings`: every string, in arrays and objects too.
fn trim_strings(value: &mut Value) {
    match value {
        Value::String(text) => {
            let trimmed = text.trim();
            if trimmed.len() != text.len() {
                *text = trimmed.to_string();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(trim_strings),
        Value::Object(object) => object.values_mut().for_each(trim_strings),
        _ => {}
    }
}

fn body_fields(request: &Request) -> Map<String, Value> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Map::new();
    }
    let content_type = request.header("content-type").unwrap_or("");
    let media_type = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    // Laravel reads any `.../json` or `...+json` type as JSON [assumed: RunCloud runs Laravel].
    let is_json = media_type.ends_with("/json") || media_type.ends_with("+json");
    match media_type.as_str() {
        _ if is_json => match serde_json::from_slice::<Value>(&request.body) {
            Ok(Value::Object(object)) => object,
            _ => Map::new(),
        },
        "application/x-www-form-urlencoded" => {
            strings(form::parse_pairs(&String::from_utf8_lossy(&request.body)))
        }
        "multipart/form-data" => form::parse_multipart(&request.body, content_type)
            .map(strings)
            .unwrap_or_default(),
        _ => Map::new(),
    }
}
