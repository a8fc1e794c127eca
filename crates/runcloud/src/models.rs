//! The results returned to PHP, shaped as the arrays of stubs/wu_runcloud.stubs.php (the
//! shell converts them field by field, src/to_php.rs; `Serialize` gives the same shape as
//! JSON, for tests and for callers other than PHP). RunCloud's replies are read into them by
//! wire.rs.

use serde::Serialize;

/// A domain of a web app, as `wu_runcloud_*` functions return it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Domain {
    pub id: u64,
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub www: bool,
    pub redirection: String,
    pub wildcard: bool,
    pub created_at: Option<String>,
}

/// The part of a web app `test_connection()` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WebApp {
    pub id: u64,
    pub name: String,
}

/// The outcome of the SSL step (`add_domain()['ssl']`, `redeploy_ssl()`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SslOutcome {
    /// `redeployed` | `issued` | `auto` | `none` | `skipped` | `failed`.
    pub action: &'static str,
    pub certificate_id: Option<u64>,
    pub message: Option<String>,
}

impl SslOutcome {
    pub(crate) fn new(
        action: &'static str,
        certificate_id: Option<u64>,
        message: Option<String>,
    ) -> Self {
        SslOutcome {
            action,
            certificate_id,
            message,
        }
    }
}

/// `wu_runcloud_add_domain()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AddResult {
    pub domain: Domain,
    pub created: bool,
    pub ssl: SslOutcome,
}

/// `wu_runcloud_remove_domain()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RemoveResult {
    pub removed: bool,
    pub domain: Option<Domain>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssl_outcome_shape() {
        assert_eq!(
            serde_json::to_value(SslOutcome::new("none", None, None)).unwrap(),
            serde_json::json!({"action":"none","certificate_id":null,"message":null})
        );
    }
}
