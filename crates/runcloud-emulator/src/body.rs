//! Request bodies as a JSON object, from `application/json` or form-encoded input.

use serde_json::{Map, Value};

use crate::form;
use crate::http::{Request, Response};

/// The fields of a request body. Form values become JSON strings.
///
/// No body is an empty object. A body whose `Content-Type` is neither JSON nor form-encoded is
/// 415, and a JSON body that is not an object is 400 [assumed: RunCloud documents neither; a
/// clear error beats Laravel's silent "field is required". Real clients send JSON or, like
/// WP Ultimo and Ultimate Multisite 2.4 through WordPress's HTTP API, form-encoded bodies
/// (docs/RUNCLOUD_API.md §4): both are read].
pub fn fields(request: &Request) -> Result<Map<String, Value>, Response> {
    if request.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    let media_type = request
        .header("content-type")
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    // Laravel reads any `.../json` or `...+json` type as JSON [assumed: RunCloud runs Laravel].
    let is_json = media_type.ends_with("/json") || media_type.ends_with("+json");
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
        "application/x-www-form-urlencoded" => {
            let text = String::from_utf8_lossy(&request.body);
            Ok(form::parse_pairs(&text)
                .into_iter()
                .map(|(name, value)| (name, Value::String(value)))
                .collect())
        }
        _ => Err(Response::message(
            415,
            "Unsupported Content-Type: send application/json or application/x-www-form-urlencoded.",
        )),
    }
}
