//! Strict per-function option parsing: every key of `array $options` must be one the PHP
//! function knows, and every value must have the expected PHP type. A mistake is a
//! `Error::Validation` naming the key; nothing is sent.
//!
//! `null` for a key means "not given" (the constant or the default applies): PHP code often
//! builds option arrays from settings that may be unset, and `null` cannot be a wrong value.

use crate::error::{Error, Result};
use crate::value::PhpValue;
use crate::CallInput;

/// The configuration overrides every function accepts (README.md, "The native API").
pub(crate) const CONFIG_KEYS: &[&str] = &[
    "api_token",
    "api_key",
    "api_secret",
    "server_id",
    "app_id",
    "api_url",
    "ca_file",
    "timeout",
    "max_wait",
];

/// The PHP function an input belongs to; decides which option keys are allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Config,
    TestConnection,
    ListDomains,
    FindDomain,
    AddDomain,
    RemoveDomain,
    RedeploySsl,
}

impl Func {
    pub(crate) fn php_name(self) -> &'static str {
        match self {
            Func::Config => "wu_runcloud_config",
            Func::TestConnection => "wu_runcloud_test_connection",
            Func::ListDomains => "wu_runcloud_list_domains",
            Func::FindDomain => "wu_runcloud_find_domain",
            Func::AddDomain => "wu_runcloud_add_domain",
            Func::RemoveDomain => "wu_runcloud_remove_domain",
            Func::RedeploySsl => "wu_runcloud_redeploy_ssl",
        }
    }

    /// Keys this function accepts besides [`CONFIG_KEYS`].
    fn own_keys(self) -> &'static [&'static str] {
        match self {
            Func::AddDomain => &["www", "redirection", "type", "wildcard", "ssl"],
            Func::RemoveDomain => &["domain_id"],
            Func::RedeploySsl => &["domain"],
            _ => &[],
        }
    }
}

/// Rejects any key the function does not know (a typo such as `wwww`, or a key of another
/// function). Called first, before any value is looked at.
pub(crate) fn check_keys(func: Func, input: &CallInput) -> Result<()> {
    for (key, _) in &input.options {
        let known = CONFIG_KEYS.contains(&key.as_str()) || func.own_keys().contains(&key.as_str());
        if !known {
            let allowed: Vec<&str> = CONFIG_KEYS.iter().chain(func.own_keys()).copied().collect();
            return Err(Error::Validation {
                field: key.clone(),
                message: format!(
                    "Unknown option {} for {}(); allowed: {}",
                    quote(key),
                    func.php_name(),
                    allowed.join(", ")
                ),
            });
        }
    }
    Ok(())
}

/// The value of an option key, `None` when absent or `null`.
pub(crate) fn get<'a>(input: &'a CallInput, key: &str) -> Option<&'a PhpValue> {
    input
        .options
        .iter()
        .rev() // the last one wins, as in a PHP array literal
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
        .filter(|v| !matches!(v, PhpValue::Null))
}

/// A wrong-type error for an option.
pub(crate) fn type_error(func: Func, key: &str, expected: &str, given: &PhpValue) -> Error {
    Error::Validation {
        field: key.to_string(),
        message: format!(
            "Option {} for {}() must be of type {}, {} given",
            quote(key),
            func.php_name(),
            expected,
            given.type_name()
        ),
    }
}

fn value_error(func: Func, key: &str, message: &str) -> Error {
    Error::Validation {
        field: key.to_string(),
        message: format!(
            "Option {} for {}() {}",
            quote(key),
            func.php_name(),
            message
        ),
    }
}

/// Quotes a key for a message; escapes control characters so a hostile key cannot forge lines.
pub(crate) fn quote(s: &str) -> String {
    let mut shown: String = s.chars().take(64).collect();
    if shown.len() < s.len() {
        shown.push('…');
    }
    format!("\"{}\"", shown.escape_debug())
}

fn bool_option(func: Func, input: &CallInput, key: &str, default: bool) -> Result<bool> {
    match get(input, key) {
        None => Ok(default),
        Some(PhpValue::Bool(b)) => Ok(*b),
        Some(other) => Err(type_error(func, key, "bool", other)),
    }
}

fn string_option(func: Func, input: &CallInput, key: &str) -> Result<Option<String>> {
    match get(input, key) {
        None => Ok(None),
        Some(PhpValue::Str(bytes)) => match std::str::from_utf8(bytes) {
            Ok(s) => Ok(Some(s.to_string())),
            Err(_) => Err(value_error(func, key, "is not valid UTF-8")),
        },
        Some(other) => Err(type_error(func, key, "string", other)),
    }
}

/// Options of `wu_runcloud_add_domain()`, with their defaults applied (docs/RUNCLOUD_API.md §4,
/// "POST domains: what is sent and accepted").
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AddOptions {
    pub www: bool,
    pub redirection: String,
    pub kind: String,
    pub wildcard: bool,
    pub ssl: bool,
}

pub(crate) fn add_options(input: &CallInput) -> Result<AddOptions> {
    let func = Func::AddDomain;
    let www = bool_option(func, input, "www", false)?;
    let wildcard = bool_option(func, input, "wildcard", false)?;
    let ssl = bool_option(func, input, "ssl", true)?;
    let redirection = match string_option(func, input, "redirection")? {
        None if www => "non-www".to_string(),
        None => "none".to_string(),
        Some(r) if ["none", "www", "non-www"].contains(&r.as_str()) => r,
        Some(_) => {
            return Err(value_error(
                func,
                "redirection",
                "must be one of \"none\", \"www\", \"non-www\"",
            ))
        }
    };
    // [seen] alias | primary | redirect are RunCloud's domain types.
    let kind = match string_option(func, input, "type")? {
        None => "alias".to_string(),
        Some(t) if ["alias", "primary", "redirect"].contains(&t.as_str()) => t,
        Some(_) => {
            return Err(value_error(
                func,
                "type",
                "must be one of \"alias\", \"primary\", \"redirect\"",
            ))
        }
    };
    Ok(AddOptions {
        www,
        redirection,
        kind,
        wildcard,
        ssl,
    })
}

/// `domain` of `wu_runcloud_redeploy_ssl()`: the raw name (normalised by the caller), `None`
/// when not given.
pub(crate) fn redeploy_domain(input: &CallInput) -> Result<Option<Vec<u8>>> {
    match get(input, "domain") {
        None => Ok(None),
        Some(PhpValue::Str(bytes)) => Ok(Some(bytes.clone())),
        Some(other) => Err(type_error(Func::RedeploySsl, "domain", "string", other)),
    }
}

/// `domain_id` of `wu_runcloud_remove_domain()`: a positive integer (int or digit string).
pub(crate) fn remove_domain_id(input: &CallInput) -> Result<Option<u64>> {
    let func = Func::RemoveDomain;
    match get(input, "domain_id") {
        None => Ok(None),
        Some(v @ (PhpValue::Int(_) | PhpValue::Str(_))) => match positive_id(v) {
            Some(id) => Ok(Some(id)),
            None => Err(value_error(
                func,
                "domain_id",
                "must be a positive integer (an int or a string of digits)",
            )),
        },
        Some(other) => Err(type_error(func, "domain_id", "int|string", other)),
    }
}

/// A positive id from an int or a string of ASCII digits; `None` for anything else,
/// including values that do not fit PHP's int (they could not be returned to PHP).
pub(crate) fn positive_id(value: &PhpValue) -> Option<u64> {
    match value {
        PhpValue::Int(i) if *i > 0 => Some(*i as u64),
        PhpValue::Str(bytes) if !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit) => {
            let s = std::str::from_utf8(bytes).ok()?;
            let n: i64 = s.parse().ok()?;
            (n > 0).then_some(n as u64)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(options: Vec<(&str, PhpValue)>) -> CallInput {
        CallInput {
            constants: vec![],
            options: options
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }

    #[test]
    fn unknown_key_is_named_with_allowed_list() {
        let err = check_keys(Func::AddDomain, &input(vec![("wwww", true.into())])).unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, Error::Validation { ref field, .. } if field == "wwww"));
        assert!(msg.contains("Unknown option \"wwww\" for wu_runcloud_add_domain()"));
        assert!(msg.contains("allowed: api_token"));
        assert!(msg.contains("www, redirection, type, wildcard, ssl"));
    }

    #[test]
    fn key_of_another_function_is_rejected() {
        let err = check_keys(Func::ListDomains, &input(vec![("www", true.into())])).unwrap_err();
        assert!(err.to_string().contains("wu_runcloud_list_domains()"));
        let err = check_keys(Func::AddDomain, &input(vec![("domain_id", 3.into())])).unwrap_err();
        assert!(err.to_string().contains("\"domain_id\""));
        assert!(check_keys(Func::RemoveDomain, &input(vec![("domain_id", 3.into())])).is_ok());
        assert!(check_keys(Func::Config, &input(vec![("extra_targets", "1:2".into())])).is_err());
    }

    #[test]
    fn int_key_is_unknown() {
        let err = check_keys(Func::Config, &input(vec![("0", "x".into())])).unwrap_err();
        assert!(err.to_string().contains("Unknown option \"0\""));
    }

    #[test]
    fn config_keys_are_accepted_everywhere() {
        for func in [
            Func::Config,
            Func::TestConnection,
            Func::ListDomains,
            Func::FindDomain,
            Func::AddDomain,
            Func::RemoveDomain,
            Func::RedeploySsl,
        ] {
            let opts = CONFIG_KEYS.iter().map(|k| (*k, PhpValue::Null)).collect();
            assert!(check_keys(func, &input(opts)).is_ok());
        }
    }

    #[test]
    fn add_defaults() {
        let o = add_options(&input(vec![])).unwrap();
        assert_eq!(
            o,
            AddOptions {
                www: false,
                redirection: "none".into(),
                kind: "alias".into(),
                wildcard: false,
                ssl: true
            }
        );
        let o = add_options(&input(vec![("www", true.into())])).unwrap();
        assert_eq!(o.redirection, "non-www");
        let o = add_options(&input(vec![
            ("www", true.into()),
            ("redirection", "www".into()),
        ]))
        .unwrap();
        assert_eq!(o.redirection, "www");
        let o = add_options(&input(vec![("www", PhpValue::Null)])).unwrap();
        assert!(!o.www);
    }

    #[test]
    fn add_wrong_types_name_key_and_types() {
        let err = add_options(&input(vec![("www", 1.into())])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "Option \"www\" for wu_runcloud_add_domain() must be of type bool, int given"
        );
        let err = add_options(&input(vec![("ssl", "yes".into())])).unwrap_err();
        assert!(err.to_string().contains("bool, string given"));
        let err = add_options(&input(vec![("type", PhpValue::Other("array"))])).unwrap_err();
        assert!(err.to_string().contains("string, array given"));
        let err = add_options(&input(vec![("redirection", "both".into())])).unwrap_err();
        assert!(err.to_string().contains("\"redirection\""));
        let err = add_options(&input(vec![("type", "main".into())])).unwrap_err();
        assert!(matches!(err, Error::Validation { ref field, .. } if field == "type"));
    }

    #[test]
    fn domain_id_rules() {
        assert_eq!(remove_domain_id(&input(vec![])).unwrap(), None);
        assert_eq!(
            remove_domain_id(&input(vec![("domain_id", 7.into())])).unwrap(),
            Some(7)
        );
        assert_eq!(
            remove_domain_id(&input(vec![("domain_id", "12".into())])).unwrap(),
            Some(12)
        );
        for bad in [
            PhpValue::Int(0),
            PhpValue::Int(-3),
            "".into(),
            "1.5".into(),
            " 1".into(),
            "-1".into(),
            "99999999999999999999".into(),
        ] {
            assert!(remove_domain_id(&input(vec![("domain_id", bad)])).is_err());
        }
        let err = remove_domain_id(&input(vec![("domain_id", PhpValue::Float(2.0))])).unwrap_err();
        assert!(err.to_string().contains("int|string, float given"));
    }
}
