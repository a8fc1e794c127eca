//! Request bodies as a JSON object, from `application/json` or form-encoded input.

use serde_json::{Map, Value};

use crate::form;
use crate::http::{Request, Response};

/// The input of a request, as Laravel's `$request->input()` sees it [assumed: RunCloud runs
/// Laravel; the emulator must never be stricter than it]: the body's fields over the query
/// string's (the body wins), every string trimmed (the `TrimStrings` middleware). Form values
/// become JSON strings.
///
/// Bodies read: JSON (any `.../json` or `...+json` type), form-encoded, and `multipart/form-data`
/// (what PHP cURL sends for an array `CURLOPT_POSTFIELDS`; file parts are not input). No body
/// is no fields. Another `Content-Type` is 415, and a JSON body that is not an object 400
/// [assumed: RunCloud documents neither; a clear error beats Laravel's silent "field is
/// required". Real clients send JSON or, like WP Ultimo and Ultimate Multisite 2.4 through
/// WordPress's HTTP API, form-encoded bodies (docs/RUNCLOUD_API.md §4)].
pub fn fields(request: &Request) -> Result<Map<String, Value>, Response> {
    let mut input: Map<String, Value> = form::parse_pairs(&request.query)
        .into_iter()
        .map(|(name, value)| (name, Value::String(value)))
        .collect();
    for (name, value) in body_fields(request)? {
        input.insert(name, value);
    }
    input.values_mut().for_each(trim_strings);
    Ok(input)
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

fn body_fields(request: &Request) -> Result<Map<String, Value>, Response> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
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
    let strings = |pairs: Vec<(String, String)>| -> Map<String, Value> {
        pairs
            .into_iter()
            .map(|(name, value)| (name, Value::String(value)))
            .collect()
    };
    match media_type.as_str() {
        _ if is_json => match serde_json::from_slice::<Value>(&request.body) {
            Ok(Value::Object(object)) => Ok(object),
            Ok(_) => Err(Response::message(
                400,
                "The request body must be a JSON object.",
            )),
            Err(_) => Err(Response::message(
                400,
                "The request body is not valid JSON.",
            )),
        },
        "application/x-www-form-urlencoded" => Ok(strings(form::parse_pairs(
            &String::from_utf8_lossy(&request.body),
        ))),
        "multipart/form-data" => form::parse_multipart(&request.body, content_type)
            .map(strings)
            .ok_or_else(|| {
                Response::message(
                    400,
                    "The multipart/form-data body could not be read (boundary missing or parts malformed).",
                )
            }),
        _ => Err(Response::message(
            415,
            "Unsupported Content-Type: send application/json, application/x-www-form-urlencoded or multipart/form-data.",
        )),
    }
}
