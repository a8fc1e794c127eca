//! Authentication per API version (docs/RUNCLOUD_API.md §1).
//!
//! v3: `Authorization: Bearer <token>` only [doc]. v2: HTTP Basic with API key and secret [doc],
//! or the v3 Bearer token, which v2 pages now also accept [doc]. A credential that is not
//! configured matches nothing.

use crate::config::EmulatorConfig;
use crate::http::Response;

/// The API version of a request, from its `/api/v2` or `/api/v3` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiVersion {
    V2,
    V3,
}

/// v3 without a Bearer header [seen].
pub const MISSING_TOKEN: &str = "Missing API Token.";
/// Wrong credentials [assumed: Laravel's default message; RunCloud documents only the 401].
pub const UNAUTHENTICATED: &str = "Unauthenticated.";

/// `Ok(())` when the `Authorization` header is valid for `version`, else the 401.
pub fn authenticate(
    config: &EmulatorConfig,
    version: ApiVersion,
    authorization: Option<&str>,
) -> Result<(), Response> {
    let credential = authorization.map(parse_authorization);
    match (version, credential) {
        (_, Some(Credential::Bearer(token))) => {
            if config.token.as_deref() == Some(token.as_str()) {
                Ok(())
            } else {
                Err(Response::message(401, UNAUTHENTICATED))
            }
        }
        // [seen] v3 says "Missing API Token." whenever no Bearer token came, Basic included.
        (ApiVersion::V3, _) => Err(Response::message(401, MISSING_TOKEN)),
        (ApiVersion::V2, Some(Credential::Basic { user, password })) => {
            let key_matches = config.api_key.as_deref() == Some(user.as_str());
            let secret_matches = config.api_secret.as_deref() == Some(password.as_str());
            if key_matches && secret_matches {
                Ok(())
            } else {
                Err(basic_challenge())
            }
        }
        // [assumed] v2 without usable credentials answers like Laravel's auth.basic.
        (ApiVersion::V2, _) => Err(basic_challenge()),
    }
}

fn basic_challenge() -> Response {
    Response::message(401, UNAUTHENTICATED).with_header("WWW-Authenticate", "Basic")
}

enum Credential {
    Bearer(String),
    Basic { user: String, password: String },
    Unusable,
}

fn parse_authorization(header: &str) -> Credential {
    let (scheme, rest) = header.trim().split_once(' ').unwrap_or((header.trim(), ""));
    let rest = rest.trim();
    if scheme.eq_ignore_ascii_case("bearer") && !rest.is_empty() {
        return Credential::Bearer(rest.to_string());
    }
    if scheme.eq_ignore_ascii_case("basic") {
        let decoded = decode_base64(rest).and_then(|bytes| String::from_utf8(bytes).ok());
        if let Some((user, password)) = decoded.as_deref().and_then(|text| text.split_once(':')) {
            return Credential::Basic {
                user: user.to_string(),
                password: password.to_string(),
            };
        }
    }
    Credential::Unusable
}

/// The Basic credential's base64, read as PHP's `base64_decode()` reads it (Symfony decodes
/// the header with it, non-strict) [assumed: RunCloud runs Laravel]: characters outside the
/// alphabet are skipped, padding is optional, stray trailing bits are dropped. `None` when
/// nothing decodable is left.
fn decode_base64(text: &str) -> Option<Vec<u8>> {
    use base64::engine::{
        general_purpose::GeneralPurpose, DecodePaddingMode, GeneralPurposeConfig,
    };
    use base64::Engine as _;

    const LENIENT: GeneralPurpose = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new()
            .with_decode_padding_mode(DecodePaddingMode::Indifferent)
            .with_decode_allow_trailing_bits(true),
    );
    let digits: String = text
        .trim_end_matches('=')
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '+' || *c == '/')
        .collect();
    // A single leftover digit cannot encode a byte: PHP drops it.
    let usable = digits.len() - usize::from(digits.len() % 4 == 1);
    LENIENT.decode(&digits[..usable]).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> EmulatorConfig {
        EmulatorConfig {
            token: Some("tok".into()),
            api_key: Some("key".into()),
            api_secret: Some("sec:ret".into()),
            ..EmulatorConfig::default()
        }
    }

    fn status_and_message(result: Result<(), Response>) -> (u16, String) {
        match result {
            Ok(()) => (200, String::new()),
            Err(response) => {
                let body: serde_json::Value =
                    serde_json::from_slice(&response.body).unwrap_or_default();
                (
                    response.status,
                    body["message"].as_str().unwrap_or("").to_string(),
                )
            }
        }
    }

    #[test]
    fn decodes_base64() {
        assert_eq!(
            decode_base64("a2V5OnNlYzpyZXQ="),
            Some(b"key:sec:ret".to_vec())
        );
        assert_eq!(decode_base64("YQ"), Some(b"a".to_vec()));
        // As PHP's non-strict base64_decode: stray characters skipped, a lone digit dropped.
        assert_eq!(
            decode_base64("a2V5 OnNl\nYzpy ZXQ="),
            Some(b"key:sec:ret".to_vec())
        );
        assert_eq!(decode_base64("!!"), Some(Vec::new()));
        assert_eq!(decode_base64("YWJjZ"), Some(b"abc".to_vec()));
    }

    #[test]
    fn v3_takes_only_the_bearer_token() {
        let config = config();
        assert_eq!(
            status_and_message(authenticate(&config, ApiVersion::V3, Some("Bearer tok"))).0,
            200
        );
        assert_eq!(
            status_and_message(authenticate(&config, ApiVersion::V3, Some("bearer tok"))).0,
            200
        );
        assert_eq!(
            status_and_message(authenticate(&config, ApiVersion::V3, None)),
            (401, MISSING_TOKEN.to_string())
        );
        assert_eq!(
            status_and_message(authenticate(
                &config,
                ApiVersion::V3,
                Some("Basic a2V5OnNlYzpyZXQ=")
            )),
            (401, MISSING_TOKEN.to_string())
        );
        assert_eq!(
            status_and_message(authenticate(&config, ApiVersion::V3, Some("Bearer nope"))),
            (401, UNAUTHENTICATED.to_string())
        );
    }

    #[test]
    fn v2_takes_basic_or_bearer() {
        let config = config();
        for good in ["Basic a2V5OnNlYzpyZXQ=", "Bearer tok"] {
            assert_eq!(
                status_and_message(authenticate(&config, ApiVersion::V2, Some(good))).0,
                200
            );
        }
        for bad in [
            None,
            Some("Basic a2V5Ondyb25n"),
            Some("Basic !!"),
            Some("Bearer x"),
        ] {
            assert_eq!(
                status_and_message(authenticate(&config, ApiVersion::V2, bad)),
                (401, UNAUTHENTICATED.to_string())
            );
        }
    }

    #[test]
    fn nothing_configured_accepts_nothing() {
        let config = EmulatorConfig::default();
        assert_eq!(
            status_and_message(authenticate(&config, ApiVersion::V2, Some("Basic Og=="))).0,
            401
        );
    }
}
