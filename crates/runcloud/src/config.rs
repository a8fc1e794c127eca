//! Resolution and validation of the configuration of one call: WU_RUNCLOUD_* constants,
//! overridden by the per-call options (README.md, "Configuration" and "The native API").
//!
//! Rules, in short:
//! - An option that is present (not `null`) wins over the constant. A constant that is
//!   defined as `''` counts as not defined.
//! - Credentials are one group: when the options carry any of `api_token`, `api_key`,
//!   `api_secret`, the credentials come from the options only, so a caller passing a v2
//!   key + secret is not silently overruled by a token constant.
//! - Token -> v3 (Bearer); else key + secret -> v2 (Basic); a token wins when both are given.
//! - Wrong PHP type in an option -> `Error::Validation` (the stubs: "An unknown option key or
//!   a value of the wrong type" is a ValidationException); an invalid value (empty credential,
//!   bad id, bad URL, bad timeout) or anything wrong in a constant -> `Error::Config` naming
//!   the key/constant.
//! - Values are never echoed in messages (they may be secrets); only names and types are.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::options::{self, quote, Func};
use crate::secret::Secret;
use crate::url::{validate_api_root, DEFAULT_API_ROOT};
use crate::value::PhpValue;
use crate::CallInput;

pub(crate) const C_TOKEN: &str = "WU_RUNCLOUD_API_TOKEN";
pub(crate) const C_KEY: &str = "WU_RUNCLOUD_API_KEY";
pub(crate) const C_SECRET: &str = "WU_RUNCLOUD_API_SECRET";
pub(crate) const C_SERVER: &str = "WU_RUNCLOUD_SERVER_ID";
pub(crate) const C_APP: &str = "WU_RUNCLOUD_APP_ID";
pub(crate) const C_EXTRA: &str = "WU_RUNCLOUD_EXTRA_TARGETS";
pub(crate) const C_URL: &str = "WU_RUNCLOUD_API_URL";
pub(crate) const C_CA: &str = "WU_RUNCLOUD_CA_FILE";
pub(crate) const C_TIMEOUT: &str = "WU_RUNCLOUD_TIMEOUT";

/// Default seconds for one request (README.md, `WU_RUNCLOUD_TIMEOUT`).
pub(crate) const DEFAULT_TIMEOUT_SECS: i64 = 30;
/// Connect timeout: 10 s, or the request timeout when that is shorter.
pub(crate) const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Upper bound for the timeout: anything longer is a misconfiguration, and it keeps
/// `Duration` arithmetic far from overflow.
const MAX_TIMEOUT_SECS: f64 = 3600.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ApiVersion {
    V3,
    V2,
}

impl ApiVersion {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            ApiVersion::V3 => "v3",
            ApiVersion::V2 => "v2",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) enum Auth {
    Token(Secret),
    KeySecret { key: Secret, secret: Secret },
}

impl Auth {
    pub(crate) fn version(&self) -> ApiVersion {
        match self {
            Auth::Token(_) => ApiVersion::V3,
            Auth::KeySecret { .. } => ApiVersion::V2,
        }
    }

    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Auth::Token(_) => "token",
            Auth::KeySecret { .. } => "key_secret",
        }
    }
}

/// One web app: the unit every call acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Target {
    pub server_id: u64,
    pub app_id: u64,
}

/// The timeout as the user gave it, so that `wu_runcloud_config()` shows `30` or `2.5`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(untagged)]
pub enum TimeoutValue {
    Int(i64),
    Float(f64),
}

impl TimeoutValue {
    pub(crate) fn duration(self) -> Duration {
        match self {
            TimeoutValue::Int(i) => Duration::from_secs(i.max(0) as u64),
            TimeoutValue::Float(f) => Duration::from_secs_f64(f),
        }
    }
}

/// The CA bundle and the name (constant or option key) to blame when it is unusable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CaFile {
    pub path: PathBuf,
    pub name: &'static str,
}

/// Everything resolved, possibly incomplete (`missing`).
#[derive(Debug, Clone)]
pub(crate) struct Resolved {
    pub auth: Option<Auth>,
    pub api_root: String,
    pub primary: Option<Target>,
    pub extra: Vec<Target>,
    pub ca_file: Option<CaFile>,
    pub timeout: TimeoutValue,
    /// The most one call may sleep in all (option `max_wait`, see http/wait.rs).
    pub max_wait: Duration,
    /// Whether the credentials came from the call's options (else from the constants).
    pub credentials_from_options: bool,
    /// Names of what is missing: constant names, or option keys when the credentials came
    /// from the options.
    pub missing: Vec<String>,
}

/// A complete configuration for one call on one web app.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub auth: Auth,
    pub api_root: String,
    pub target: Target,
    pub extra: Vec<Target>,
    pub ca_file: Option<CaFile>,
    pub timeout: Duration,
    pub max_wait: Duration,
    pub credentials_from_options: bool,
}

impl Settings {
    pub(crate) fn version(&self) -> ApiVersion {
        self.auth.version()
    }

    /// `<root>/v3` or `<root>/v2`.
    pub(crate) fn base_url(&self) -> String {
        format!("{}/{}", self.api_root, self.version().as_str())
    }

    /// The primary target, then the extra ones.
    pub(crate) fn targets(&self) -> Vec<Target> {
        std::iter::once(self.target)
            .chain(self.extra.iter().copied())
            .collect()
    }
}

impl Resolved {
    pub(crate) fn targets(&self) -> Vec<Target> {
        self.primary
            .iter()
            .copied()
            .chain(self.extra.iter().copied())
            .collect()
    }

    /// The configuration of a call that talks to RunCloud: every missing value is an error.
    pub(crate) fn require(self) -> Result<Settings> {
        if let Some(first) = self.missing.first() {
            let described: Vec<String> = self.missing.iter().map(|m| describe_missing(m)).collect();
            return Err(Error::Config {
                name: first.clone(),
                message: format!(
                    "Missing RunCloud configuration: {} (define the constants in wp-config.php or pass the options)",
                    described.join(", ")
                ),
            });
        }
        match (self.auth, self.primary) {
            (Some(auth), Some(target)) => Ok(Settings {
                auth,
                api_root: self.api_root,
                target,
                extra: self.extra,
                ca_file: self.ca_file,
                timeout: self.timeout.duration(),
                max_wait: self.max_wait,
                credentials_from_options: self.credentials_from_options,
            }),
            // Unreachable when `missing` is empty; still an error, never a panic.
            _ => Err(Error::Config {
                name: C_TOKEN.to_string(),
                message: "Incomplete RunCloud configuration".to_string(),
            }),
        }
    }
}

fn describe_missing(name: &str) -> String {
    match name {
        C_TOKEN => format!("{C_TOKEN} (or {C_KEY} and {C_SECRET} for API v2)"),
        "api_token" => "api_token (or api_key and api_secret for API v2)".to_string(),
        C_SECRET => format!("{C_SECRET} ({C_KEY} is set; API v2 needs both)"),
        C_KEY => format!("{C_KEY} ({C_SECRET} is set; API v2 needs both)"),
        "api_secret" => "api_secret (api_key is set; API v2 needs both)".to_string(),
        "api_key" => "api_key (api_secret is set; API v2 needs both)".to_string(),
        other => other.to_string(),
    }
}

/// Where a value came from: decides the name in messages and the error kind for wrong types.
#[derive(Clone, Copy)]
enum Src<'a> {
    Option(&'static str, &'a PhpValue),
    Constant(&'static str, &'a PhpValue),
}

impl<'a> Src<'a> {
    fn name(self) -> &'static str {
        match self {
            Src::Option(k, _) | Src::Constant(k, _) => k,
        }
    }

    fn value(self) -> &'a PhpValue {
        match self {
            Src::Option(_, v) | Src::Constant(_, v) => v,
        }
    }

    /// "Option \"server_id\"" or "WU_RUNCLOUD_SERVER_ID".
    fn label(self) -> String {
        match self {
            Src::Option(k, _) => format!("Option {}", quote(k)),
            Src::Constant(c, _) => c.to_string(),
        }
    }

    fn invalid(self, why: &str) -> Error {
        Error::Config {
            name: self.name().to_string(),
            message: format!("{} {}", self.label(), why),
        }
    }

    fn wrong_type(self, func: Func, expected: &str) -> Error {
        match self {
            Src::Option(k, v) => options::type_error(func, k, expected, v),
            Src::Constant(c, v) => Error::Config {
                name: c.to_string(),
                message: format!("{c} must be of type {expected}, {} given", v.type_name()),
            },
        }
    }
}

fn constant<'a>(input: &'a CallInput, name: &'static str) -> Option<Src<'a>> {
    input
        .constants
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
        .filter(|v| !matches!(v, PhpValue::Null) && **v != PhpValue::Str(Vec::new()))
        .map(|v| Src::Constant(name, v))
}

fn option<'a>(input: &'a CallInput, key: &'static str) -> Option<Src<'a>> {
    options::get(input, key).map(|v| Src::Option(key, v))
}

fn lookup<'a>(input: &'a CallInput, key: &'static str, name: &'static str) -> Option<Src<'a>> {
    option(input, key).or_else(|| constant(input, name))
}

fn credential(func: Func, src: Src<'_>) -> Result<Secret> {
    match src.value() {
        PhpValue::Str(bytes) => {
            if bytes.is_empty() {
                return Err(src.invalid("is empty"));
            }
            // A header value must be visible ASCII; a pasted newline or space is the usual mistake.
            if !bytes.iter().all(|b| (0x21..=0x7e).contains(b)) {
                return Err(src.invalid(
                    "contains spaces, control or non-ASCII characters (check for a pasted newline)",
                ));
            }
            // All bytes are ASCII, so this cannot fail; no panic either way.
            Ok(Secret::new(String::from_utf8_lossy(bytes).into_owned()))
        }
        _ => Err(src.wrong_type(func, "string")),
    }
}

/// Ids: a positive int or a string of digits; anything else (a float such as 1.5, a bool, an
/// array) is an invalid id, a Config error naming the key or constant (unlike other options,
/// whose wrong types are Validation errors).
fn id(src: Src<'_>) -> Result<u64> {
    options::positive_id(src.value()).ok_or_else(|| {
        src.invalid(&format!(
            "must be a positive integer (an int or a string of digits), {} given",
            describe_id_value(src.value())
        ))
    })
}

/// What was given, without echoing a possibly long or odd string.
fn describe_id_value(v: &PhpValue) -> String {
    match v {
        PhpValue::Int(i) => i.to_string(),
        PhpValue::Str(b) if b.is_empty() => "an empty string".to_string(),
        PhpValue::Str(_) => "a string that is not a positive integer".to_string(),
        other => other.type_name().to_string(),
    }
}

fn utf8_string(func: Func, src: Src<'_>) -> Result<String> {
    match src.value() {
        PhpValue::Str(bytes) if bytes.is_empty() => Err(src.invalid("is empty")),
        PhpValue::Str(bytes) => std::str::from_utf8(bytes)
            .map(str::to_string)
            .map_err(|_| src.invalid("is not valid UTF-8")),
        _ => Err(src.wrong_type(func, "string")),
    }
}

fn timeout(func: Func, src: Src<'_>) -> Result<TimeoutValue> {
    let bad = || src.invalid("must be a positive number of seconds (at most 3600)");
    let value = match src.value() {
        PhpValue::Int(i) => TimeoutValue::Int(*i),
        PhpValue::Float(f) => TimeoutValue::Float(*f),
        PhpValue::Str(bytes) => {
            let s = std::str::from_utf8(bytes).map_err(|_| bad())?;
            let s = s.trim();
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return Err(bad());
            }
            if s.bytes().all(|b| b.is_ascii_digit()) {
                TimeoutValue::Int(s.parse().map_err(|_| bad())?)
            } else {
                TimeoutValue::Float(s.parse().map_err(|_| bad())?)
            }
        }
        _ => return Err(src.wrong_type(func, "int|float|string")),
    };
    let secs = match value {
        TimeoutValue::Int(i) => i as f64,
        TimeoutValue::Float(f) => f,
    };
    if !secs.is_finite() || secs <= 0.0 || secs > MAX_TIMEOUT_SECS {
        return Err(bad());
    }
    Ok(value)
}

/// `max_wait`: seconds from 0 to 3600 as an int, a float or a numeric string (as `timeout`
/// takes: a value read from a form or a setting is a string); an option only, no constant.
/// Anything else is a Validation error naming the key.
fn max_wait(func: Func, input: &CallInput) -> Result<Duration> {
    let invalid = || Error::Validation {
        field: "max_wait".to_string(),
        message: format!(
            "Option {} for {}() must be a number of seconds from 0 to 3600",
            quote("max_wait"),
            func.php_name()
        ),
    };
    let seconds = match options::get(input, "max_wait") {
        None => return Ok(crate::http::DEFAULT_MAX_WAIT),
        Some(PhpValue::Int(i)) => *i as f64,
        Some(PhpValue::Float(f)) => *f,
        Some(PhpValue::Str(bytes)) => {
            let text = std::str::from_utf8(bytes).map_err(|_| invalid())?.trim();
            if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
                return Err(invalid());
            }
            text.parse::<f64>().map_err(|_| invalid())?
        }
        Some(other) => {
            return Err(options::type_error(
                func,
                "max_wait",
                "int|float|string",
                other,
            ))
        }
    };
    if !seconds.is_finite() || !(0.0..=crate::http::MAX_MAX_WAIT_SECS).contains(&seconds) {
        return Err(invalid());
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// Parses "SERVER:APP,SERVER:APP" strictly (spaces around items allowed; empty items,
/// signs, zero and anything else rejected).
pub(crate) fn parse_extra_targets(text: &str) -> std::result::Result<Vec<Target>, String> {
    let mut out = Vec::new();
    for (index, item) in text.split(',').enumerate() {
        let item = item.trim();
        let parse = |s: &str| -> Option<u64> {
            let s = s.trim();
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            s.parse::<i64>().ok().filter(|n| *n > 0).map(|n| n as u64)
        };
        let target = item
            .split_once(':')
            .and_then(|(s, a)| Some((parse(s)?, parse(a)?)))
            .map(|(server_id, app_id)| Target { server_id, app_id })
            .ok_or_else(|| {
                format!(
                    "item {} is not SERVER_ID:APP_ID with positive integers (expected \"SERVER:APP,SERVER:APP\")",
                    index + 1
                )
            })?;
        if !out.contains(&target) {
            out.push(target);
        }
    }
    Ok(out)
}

/// Resolves the configuration of one call. Errors for invalid values and unknown option keys;
/// missing values are listed in `missing` (see [`Resolved::require`]).
pub(crate) fn resolve(func: Func, input: &CallInput) -> Result<Resolved> {
    options::check_keys(func, input)?;
    let mut missing: Vec<String> = Vec::new();

    // Credentials: from the options as a group, else from the constants.
    let from_options = ["api_token", "api_key", "api_secret"]
        .iter()
        .any(|k| options::get(input, k).is_some());
    let (token, key, secret, names) = if from_options {
        (
            option(input, "api_token"),
            option(input, "api_key"),
            option(input, "api_secret"),
            ["api_token", "api_key", "api_secret"],
        )
    } else {
        (
            constant(input, C_TOKEN),
            constant(input, C_KEY),
            constant(input, C_SECRET),
            [C_TOKEN, C_KEY, C_SECRET],
        )
    };
    let auth = match (token, key, secret) {
        (Some(t), k, s) => {
            // Validate the unused ones too: a broken value should not hide behind the token.
            if let Some(k) = k {
                credential(func, k)?;
            }
            if let Some(s) = s {
                credential(func, s)?;
            }
            Some(Auth::Token(credential(func, t)?))
        }
        (None, Some(k), Some(s)) => Some(Auth::KeySecret {
            key: credential(func, k)?,
            secret: credential(func, s)?,
        }),
        (None, Some(k), None) => {
            credential(func, k)?;
            missing.push(names[2].to_string());
            None
        }
        (None, None, Some(s)) => {
            credential(func, s)?;
            missing.push(names[1].to_string());
            None
        }
        (None, None, None) => {
            missing.push(names[0].to_string());
            None
        }
    };

    let server = lookup(input, "server_id", C_SERVER).map(id).transpose()?;
    let app = lookup(input, "app_id", C_APP).map(id).transpose()?;
    if server.is_none() {
        missing.push(C_SERVER.to_string());
    }
    if app.is_none() {
        missing.push(C_APP.to_string());
    }
    let primary = match (server, app) {
        (Some(server_id), Some(app_id)) => Some(Target { server_id, app_id }),
        _ => None,
    };

    // Extra targets: constant only (README.md lists eight option overrides; this is not one).
    let mut extra = match constant(input, C_EXTRA) {
        None => Vec::new(),
        Some(src) => {
            let text = utf8_string(func, src)?;
            parse_extra_targets(&text).map_err(|why| src.invalid(&why))?
        }
    };
    if let Some(p) = primary {
        extra.retain(|t| *t != p);
    }

    let api_root = match lookup(input, "api_url", C_URL) {
        None => DEFAULT_API_ROOT.to_string(),
        Some(src) => {
            let raw = utf8_string(func, src)?;
            validate_api_root(&raw).map_err(|why| src.invalid(why))?
        }
    };

    let ca_file = match lookup(input, "ca_file", C_CA) {
        None => None,
        Some(src) => Some(CaFile {
            path: PathBuf::from(utf8_string(func, src)?),
            name: src.name(),
        }),
    };

    let timeout = match lookup(input, "timeout", C_TIMEOUT) {
        None => TimeoutValue::Int(DEFAULT_TIMEOUT_SECS),
        Some(src) => timeout(func, src)?,
    };

    let max_wait = max_wait(func, input)?;

    Ok(Resolved {
        auth,
        api_root,
        primary,
        extra,
        ca_file,
        timeout,
        max_wait,
        credentials_from_options: from_options,
        missing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(constants: Vec<(&str, PhpValue)>, options: Vec<(&str, PhpValue)>) -> CallInput {
        CallInput {
            constants: constants
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            options: options
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        }
    }

    fn full_v3() -> Vec<(&'static str, PhpValue)> {
        vec![
            (C_TOKEN, "tok-SECRET".into()),
            (C_SERVER, 1.into()),
            (C_APP, "2".into()),
        ]
    }

    fn err_of(c: Vec<(&str, PhpValue)>, o: Vec<(&str, PhpValue)>) -> Error {
        match resolve(Func::Config, &input(c, o)).and_then(Resolved::require) {
            Err(e) => e,
            Ok(_) => panic!("expected an error"),
        }
    }

    #[test]
    fn v3_from_constants() {
        let r = resolve(Func::Config, &input(full_v3(), vec![])).unwrap();
        assert!(r.missing.is_empty());
        let s = r.require().unwrap();
        assert_eq!(s.version(), ApiVersion::V3);
        assert_eq!(s.base_url(), "https://manage.runcloud.io/api/v3");
        assert_eq!(
            s.target,
            Target {
                server_id: 1,
                app_id: 2
            }
        );
        assert_eq!(s.timeout, Duration::from_secs(30));
    }

    #[test]
    fn v2_from_constants_and_token_wins() {
        let c = vec![
            (C_KEY, "k".into()),
            (C_SECRET, "s".into()),
            (C_SERVER, 1.into()),
            (C_APP, 1.into()),
        ];
        let s = resolve(Func::Config, &input(c.clone(), vec![]))
            .unwrap()
            .require()
            .unwrap();
        assert_eq!(s.version(), ApiVersion::V2);
        let mut c2 = c;
        c2.push((C_TOKEN, "t".into()));
        let s = resolve(Func::Config, &input(c2, vec![]))
            .unwrap()
            .require()
            .unwrap();
        assert_eq!(s.version(), ApiVersion::V3);
    }

    #[test]
    fn empty_constant_counts_as_undefined_but_empty_option_is_an_error() {
        let mut c = full_v3();
        c[0] = (C_TOKEN, "".into());
        let r = resolve(Func::Config, &input(c, vec![])).unwrap();
        assert_eq!(r.missing, vec![C_TOKEN.to_string()]);
        let e = err_of(full_v3(), vec![("api_token", "".into())]);
        assert!(matches!(e, Error::Config { ref name, .. } if name == "api_token"));
        assert!(e.to_string().contains("is empty"));
    }

    #[test]
    fn missing_everything_is_listed() {
        let r = resolve(Func::Config, &input(vec![], vec![])).unwrap();
        assert_eq!(r.missing, vec![C_TOKEN, C_SERVER, C_APP]);
        let e = r.require().unwrap_err();
        assert!(matches!(e, Error::Config { ref name, .. } if name == C_TOKEN));
        let msg = e.to_string();
        assert!(msg.contains(C_SERVER) && msg.contains(C_APP) && msg.contains(C_KEY));
    }

    #[test]
    fn key_without_secret_names_the_missing_half() {
        let c = vec![(C_KEY, "k".into()), (C_SERVER, 1.into()), (C_APP, 1.into())];
        let r = resolve(Func::Config, &input(c, vec![])).unwrap();
        assert_eq!(r.missing, vec![C_SECRET]);
        let e = r.require().unwrap_err();
        assert!(matches!(e, Error::Config { ref name, .. } if name == C_SECRET));
        let c = vec![(C_SECRET, "s".into())];
        let r = resolve(Func::Config, &input(c, vec![])).unwrap();
        assert_eq!(r.missing[0], C_KEY);
    }

    #[test]
    fn options_override_constants_and_credentials_are_a_group() {
        let r = resolve(
            Func::Config,
            &input(
                full_v3(),
                vec![
                    ("api_key", "k".into()),
                    ("api_secret", "s".into()),
                    ("server_id", "7".into()),
                    ("app_id", 9.into()),
                    ("timeout", 2.5.into_php()),
                    ("api_url", "http://127.0.0.1:8/api/".into()),
                ],
            ),
        )
        .unwrap();
        let s = r.require().unwrap();
        assert_eq!(s.version(), ApiVersion::V2);
        assert_eq!(
            s.target,
            Target {
                server_id: 7,
                app_id: 9
            }
        );
        assert_eq!(s.base_url(), "http://127.0.0.1:8/api/v2");
        assert_eq!(s.timeout, Duration::from_millis(2500));
        // A key option without a secret does not fall back to the token constant.
        let e = err_of(full_v3(), vec![("api_key", "k".into())]);
        assert!(matches!(e, Error::Config { ref name, .. } if name == "api_secret"));
    }

    trait IntoPhp {
        fn into_php(self) -> PhpValue;
    }
    impl IntoPhp for f64 {
        fn into_php(self) -> PhpValue {
            PhpValue::Float(self)
        }
    }

    #[test]
    fn invalid_ids() {
        for bad in [
            PhpValue::Int(0),
            PhpValue::Int(-1),
            "abc".into(),
            "1.0".into(),
            " 1".into(),
            "+1".into(),
            "18446744073709551616".into(),
            "9223372036854775808".into(),
        ] {
            let mut c = full_v3();
            c[1] = (C_SERVER, bad.clone());
            let e = err_of(c, vec![]);
            assert!(
                matches!(e, Error::Config { ref name, .. } if name == C_SERVER),
                "{bad:?}: {e}"
            );
            let e = err_of(full_v3(), vec![("app_id", bad)]);
            assert!(matches!(e, Error::Config { ref name, .. } if name == "app_id"));
        }
        // Any other type is an invalid id too (Config), for constants and options alike.
        let mut c = full_v3();
        c[1] = (C_SERVER, PhpValue::Float(1.0));
        assert!(matches!(err_of(c, vec![]), Error::Config { .. }));
        for bad in [
            PhpValue::Bool(true),
            PhpValue::Float(1.5),
            PhpValue::Other("array"),
        ] {
            let e = err_of(full_v3(), vec![("server_id", bad)]);
            assert!(matches!(e, Error::Config { ref name, .. } if name == "server_id"));
            assert!(e
                .to_string()
                .starts_with("Option \"server_id\" must be a positive integer"));
        }
    }

    #[test]
    fn credential_rules() {
        let e = err_of(full_v3(), vec![("api_token", "abc\n".into())]);
        assert!(matches!(e, Error::Config { .. }));
        assert!(!e.to_string().contains("abc"));
        let e = err_of(full_v3(), vec![("api_token", 5.into())]);
        assert!(matches!(e, Error::Validation { .. }));
        let mut c = full_v3();
        c[0] = (C_TOKEN, PhpValue::Bool(true));
        assert!(matches!(err_of(c, vec![]), Error::Config { .. }));
    }

    #[test]
    fn api_url_rules() {
        let e = err_of(
            full_v3(),
            vec![("api_url", "http://example.com/api".into())],
        );
        assert!(matches!(e, Error::Config { ref name, .. } if name == "api_url"));
        let mut c = full_v3();
        c.push((C_URL, "https://u:pw@example.com/api".into()));
        let e = err_of(c, vec![]);
        assert!(matches!(e, Error::Config { ref name, .. } if name == C_URL));
        assert!(!e.to_string().contains("pw"));
    }

    #[test]
    fn timeout_rules() {
        for (v, expect) in [
            (PhpValue::Int(5), Duration::from_secs(5)),
            ("7".into(), Duration::from_secs(7)),
            ("0.5".into(), Duration::from_millis(500)),
            (PhpValue::Float(1.25), Duration::from_millis(1250)),
        ] {
            let s = resolve(Func::Config, &input(full_v3(), vec![("timeout", v)]))
                .unwrap()
                .require()
                .unwrap();
            assert_eq!(s.timeout, expect);
        }
        for bad in [
            PhpValue::Int(0),
            PhpValue::Int(-5),
            PhpValue::Float(f64::NAN),
            PhpValue::Float(f64::INFINITY),
            PhpValue::Float(0.0),
            "abc".into(),
            "1e3".into(),
            "-1".into(),
            PhpValue::Int(3601),
        ] {
            let e = err_of(full_v3(), vec![("timeout", bad)]);
            assert!(matches!(e, Error::Config { .. }), "{e}");
        }
    }

    #[test]
    fn extra_targets() {
        assert_eq!(
            parse_extra_targets("1:2, 3:4,3:4").unwrap(),
            vec![
                Target {
                    server_id: 1,
                    app_id: 2
                },
                Target {
                    server_id: 3,
                    app_id: 4
                }
            ]
        );
        for bad in [
            "1", "1:2,", ",1:2", "1:2:3", "a:b", "0:1", "1:-2", "1;2", ":",
        ] {
            assert!(parse_extra_targets(bad).is_err(), "{bad}");
        }
        let mut c = full_v3();
        c.push((C_EXTRA, "1:2,5:6".into()));
        let r = resolve(Func::Config, &input(c, vec![])).unwrap();
        assert_eq!(
            r.targets(),
            vec![
                Target {
                    server_id: 1,
                    app_id: 2
                },
                Target {
                    server_id: 5,
                    app_id: 6
                }
            ]
        );
        let mut c = full_v3();
        c.push((C_EXTRA, "1:2,x".into()));
        let e = err_of(c, vec![]);
        assert!(matches!(e, Error::Config { ref name, .. } if name == C_EXTRA));
    }

    #[test]
    fn debug_never_shows_secrets() {
        let r = resolve(
            Func::Config,
            &input(
                full_v3(),
                vec![
                    ("api_key", "KEYXYZ".into()),
                    ("api_secret", "SECXYZ".into()),
                ],
            ),
        )
        .unwrap();
        let dbg = format!("{r:?}");
        assert!(!dbg.contains("KEYXYZ") && !dbg.contains("SECXYZ") && !dbg.contains("tok-SECRET"));
    }
}
