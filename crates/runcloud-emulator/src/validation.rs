//! Laravel-style field validation: 422 with `{"message", "errors": {field: [..]}}`.
//!
//! [assumed] RunCloud documents neither the rules nor the messages; the error shape is the
//! Laravel convention its clients parse (docs/RUNCLOUD_API.md §2), the domain-name rules are
//! those of §5, and the messages are Laravel's default wording.

use serde_json::{json, Map, Value};

use crate::http::Response;

const MAX_NAME_LENGTH: usize = 253;
const MAX_LABEL_LENGTH: usize = 63;

/// Collected field errors, in the order they were found.
#[derive(Debug, Default)]
pub struct FieldErrors {
    errors: Vec<(String, Vec<String>)>,
}

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        let message = message.into();
        match self.errors.iter_mut().find(|(name, _)| name == field) {
            Some((_, messages)) => messages.push(message),
            None => self.errors.push((field.to_string(), vec![message])),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok(())` when nothing was found, else the 422 response.
    pub fn into_result(self) -> Result<(), Response> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.into_response())
        }
    }

    /// Laravel's 422: the first message (plus "and N more errors") and every field's list.
    pub fn into_response(self) -> Response {
        let total: usize = self.errors.iter().map(|(_, messages)| messages.len()).sum();
        let first = self
            .errors
            .first()
            .and_then(|(_, messages)| messages.first())
            .cloned()
            .unwrap_or_else(|| "The given data was invalid.".to_string());
        let message = match total {
            0 | 1 => first,
            2 => format!("{first} (and 1 more error)"),
            more => format!("{first} (and {} more errors)", more - 1),
        };
        let errors: Map<String, Value> = self
            .errors
            .into_iter()
            .map(|(field, messages)| (field, json!(messages)))
            .collect();
        Response::json(422, &json!({ "message": message, "errors": errors }))
    }
}

/// A boolean field: `true`/`false`, `1`/`0`, `"1"`/`"0"`, `"true"`/`"false"`.
///
/// [assumed] docs/RUNCLOUD_API.md §4: the legacy form-encoded client sent `"1"`/`"true"`, so
/// those spellings are accepted; anything else (e.g. `"yes"`, `2`) is not a boolean.
pub fn parse_boolean(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => match number.as_u64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(text) => match text.as_str() {
            "1" | "true" => Some(true),
            "0" | "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A field that is absent or `null` counts as missing (Laravel's `required`).
pub fn present<'a>(fields: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    fields.get(name).filter(|value| !value.is_null())
}

/// Reads a required boolean field, recording an error when missing or not a boolean.
pub fn required_boolean(
    fields: &Map<String, Value>,
    name: &str,
    errors: &mut FieldErrors,
) -> Option<bool> {
    match present(fields, name) {
        None => {
            errors.add(name, format!("The {name} field is required."));
            None
        }
        Some(value) => optional_boolean_value(value, name, errors),
    }
}

/// Reads an optional boolean field (`None` when absent).
pub fn optional_boolean(
    fields: &Map<String, Value>,
    name: &str,
    errors: &mut FieldErrors,
) -> Option<bool> {
    present(fields, name).and_then(|value| optional_boolean_value(value, name, errors))
}

fn optional_boolean_value(value: &Value, name: &str, errors: &mut FieldErrors) -> Option<bool> {
    let parsed = parse_boolean(value);
    if parsed.is_none() {
        errors.add(name, format!("The {name} field must be true or false."));
    }
    parsed
}

/// Reads a string field that must be one of `allowed`; `None` (no error) when absent.
pub fn optional_choice(
    fields: &Map<String, Value>,
    name: &str,
    allowed: &[&str],
    errors: &mut FieldErrors,
) -> Option<String> {
    let value = present(fields, name)?;
    match value.as_str() {
        Some(text) if allowed.contains(&text) => Some(text.to_string()),
        _ => {
            errors.add(name, format!("The selected {name} is invalid."));
            None
        }
    }
}

/// Like [`optional_choice`], but absence is an error too.
pub fn required_choice(
    fields: &Map<String, Value>,
    name: &str,
    allowed: &[&str],
    errors: &mut FieldErrors,
) -> Option<String> {
    if present(fields, name).is_none() {
        errors.add(name, format!("The {name} field is required."));
        return None;
    }
    optional_choice(fields, name, allowed, errors)
}

/// An optional positive integer field (number or digit string).
pub fn optional_positive_integer(
    fields: &Map<String, Value>,
    name: &str,
    errors: &mut FieldErrors,
) -> Option<u64> {
    let value = present(fields, name)?;
    let parsed = match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            text.parse().ok()
        }
        _ => None,
    };
    match parsed {
        Some(number) if number > 0 => Some(number),
        _ => {
            errors.add(name, format!("The {name} must be a positive integer."));
            None
        }
    }
}

/// Why a domain name is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum NameProblem {
    /// Not a valid host name (the §5 rules).
    Invalid,
    /// A `*.` name sent without `wildcard: true`.
    WildcardNotRequested,
}

/// Checks a stored-form domain name (lower-case, no trailing dot: see `routes::domains`) against
/// docs/RUNCLOUD_API.md §5; IDN must arrive as punycode A-labels.
///
/// [assumed] RunCloud documents no rules. A leading `*.` label is allowed only with `wildcard`
/// (the POST route passes true: a `*.` name is a wildcard domain there).
pub fn check_domain_name(name: &str, wildcard: bool) -> Result<(), NameProblem> {
    let (is_wildcard_name, host) = match name.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, name),
    };
    if name.len() > MAX_NAME_LENGTH || !is_valid_host(host) {
        return Err(NameProblem::Invalid);
    }
    if is_wildcard_name && !wildcard {
        return Err(NameProblem::WildcardNotRequested);
    }
    Ok(())
}

fn is_valid_host(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 || !labels.iter().all(|label| is_valid_label(label)) {
        return false;
    }
    // An all-digit last label means an IP address, not a domain.
    labels
        .last()
        .is_some_and(|last| !last.bytes().all(|byte| byte.is_ascii_digit()))
}

fn is_valid_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_LABEL_LENGTH {
        return false;
    }
    if !bytes
        .iter()
        .all(|&byte| byte.is_ascii_lowercase() || byte.is_ascii_digit() || byte == b'-')
    {
        return false;
    }
    if bytes.first() == Some(&b'-') || bytes.last() == Some(&b'-') {
        return false;
    }
    match label.strip_prefix("xn--") {
        Some(encoded) => is_valid_punycode_label(encoded),
        None => true,
    }
}

/// An A-label must decode (RFC 3492) to text with at least one non-ASCII character and no
/// control or space characters (a cheap stand-in for the full IDNA 2008 tables).
fn is_valid_punycode_label(encoded: &str) -> bool {
    decode_punycode(encoded).is_some_and(|decoded| {
        let characters: Option<Vec<char>> = decoded.into_iter().map(char::from_u32).collect();
        characters.is_some_and(|characters| {
            characters.iter().any(|c| !c.is_ascii())
                && characters
                    .iter()
                    .all(|c| !c.is_control() && !c.is_whitespace())
        })
    })
}

const PUNYCODE_BASE: u32 = 36;
const PUNYCODE_TMIN: u32 = 1;
const PUNYCODE_TMAX: u32 = 26;
const PUNYCODE_SKEW: u32 = 38;
const PUNYCODE_DAMP: u32 = 700;
const PUNYCODE_INITIAL_BIAS: u32 = 72;
const PUNYCODE_INITIAL_N: u32 = 128;

/// RFC 3492 decoding; `None` for anything malformed or overflowing.
fn decode_punycode(encoded: &str) -> Option<Vec<u32>> {
    let (basic, extended) = match encoded.rfind('-') {
        Some(position) => (&encoded[..position], &encoded[position + 1..]),
        None => ("", encoded),
    };
    let mut output: Vec<u32> = basic.chars().map(u32::from).collect();
    let mut code_point = PUNYCODE_INITIAL_N;
    let mut index: u32 = 0;
    let mut bias = PUNYCODE_INITIAL_BIAS;
    let mut digits = extended.bytes().peekable();
    while digits.peek().is_some() {
        let previous_index = index;
        let mut weight: u32 = 1;
        let mut k = PUNYCODE_BASE;
        loop {
            let digit = punycode_digit(digits.next()?)?;
            index = index.checked_add(digit.checked_mul(weight)?)?;
            let threshold = if k <= bias {
                PUNYCODE_TMIN
            } else if k >= bias + PUNYCODE_TMAX {
                PUNYCODE_TMAX
            } else {
                k - bias
            };
            if digit < threshold {
                break;
            }
            weight = weight.checked_mul(PUNYCODE_BASE - threshold)?;
            k += PUNYCODE_BASE;
        }
        let length = u32::try_from(output.len()).ok()? + 1;
        bias = punycode_adapt(index - previous_index, length, previous_index == 0);
        code_point = code_point.checked_add(index / length)?;
        index %= length;
        if code_point < 0x80 || char::from_u32(code_point).is_none() {
            return None;
        }
        output.insert(usize::try_from(index).ok()?, code_point);
        index += 1;
    }
    Some(output)
}

fn punycode_digit(byte: u8) -> Option<u32> {
    match byte {
        b'a'..=b'z' => Some(u32::from(byte - b'a')),
        b'0'..=b'9' => Some(u32::from(byte - b'0') + 26),
        _ => None,
    }
}

fn punycode_adapt(delta: u32, points: u32, first_time: bool) -> u32 {
    let mut delta = if first_time {
        delta / PUNYCODE_DAMP
    } else {
        delta / 2
    };
    delta += delta / points;
    let mut k = 0;
    while delta > ((PUNYCODE_BASE - PUNYCODE_TMIN) * PUNYCODE_TMAX) / 2 {
        delta /= PUNYCODE_BASE - PUNYCODE_TMIN;
        k += PUNYCODE_BASE;
    }
    k + ((PUNYCODE_BASE - PUNYCODE_TMIN + 1) * delta) / (delta + PUNYCODE_SKEW)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_normalised_names() {
        for name in [
            "shop.example.com",
            "a.b",
            "xn--mnchen-3ya.de",
            "sub-1.example.co.uk",
            "123.example.com",
        ] {
            assert_eq!(check_domain_name(name, false), Ok(()), "{name}");
        }
        assert_eq!(check_domain_name("*.example.com", true), Ok(()));
        assert_eq!(check_domain_name("example.com", true), Ok(()));
    }

    #[test]
    fn refuses_everything_else() {
        let long_label = "a".repeat(64);
        let too_long = format!("{}.com", "abcdefghi.".repeat(25));
        for name in [
            "",
            "localhost",
            "Shop.example.com",
            "example.com.",
            "-a.example.com",
            "a-.example.com",
            "a..example.com",
            "1.2.3.4",
            "http://example.com",
            "example.com:80",
            "example.com/path",
            "user@example.com",
            "exa mple.com",
            "münchen.de",
            "xn--.de",
            "xn--abc.de",
            "xn--zz.de",
            "xn--ab-.de",
            "*.com",
            "a.*.example.com",
            "**.example.com",
            long_label.as_str(),
            too_long.as_str(),
        ] {
            assert_eq!(
                check_domain_name(name, true),
                Err(NameProblem::Invalid),
                "{name:?}"
            );
        }
        assert_eq!(
            check_domain_name("*.example.com", false),
            Err(NameProblem::WildcardNotRequested)
        );
    }

    #[test]
    fn decodes_punycode() {
        let decoded: String = decode_punycode("mnchen-3ya")
            .expect("decodes")
            .into_iter()
            .filter_map(char::from_u32)
            .collect();
        assert_eq!(decoded, "münchen");
    }

    #[test]
    fn parses_booleans() {
        for truthy in [json!(true), json!(1), json!("1"), json!("true")] {
            assert_eq!(parse_boolean(&truthy), Some(true));
        }
        for falsy in [json!(false), json!(0), json!("0"), json!("false")] {
            assert_eq!(parse_boolean(&falsy), Some(false));
        }
        for neither in [
            json!("yes"),
            json!(2),
            json!(null),
            json!([]),
            json!("TRUE"),
        ] {
            assert_eq!(parse_boolean(&neither), None);
        }
    }

    #[test]
    fn reports_errors_laravel_style() {
        let mut errors = FieldErrors::default();
        errors.add("name", "The name field is required.");
        errors.add("www", "The www field is required.");
        errors.add("www", "Another.");
        let response = errors.into_response();
        assert_eq!(response.status, 422);
        let body: Value = serde_json::from_slice(&response.body).expect("json");
        assert_eq!(
            body["message"],
            "The name field is required. (and 2 more errors)"
        );
        assert_eq!(body["errors"]["www"][1], "Another.");
    }
}
