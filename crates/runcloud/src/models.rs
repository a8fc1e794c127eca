//! Wire records (parsed leniently from `serde_json::Value`) and the result types returned
//! to PHP (serialised exactly as DESIGN.md's array shapes).
//!
//! Lenient where RunCloud is loose: `www`/`wildcard` come back as 0/1 although requests send
//! booleans [doc]; ids may be numbers or digit strings [assumed]; a record may sit bare or in a
//! `data` wrapper [assumed]. Strict where it matters: a record without `id` or `name` is
//! an unexpected shape, reported by the caller as `Error::Transport` naming the endpoint.

use serde::Serialize;
use serde_json::Value;

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

/// A record sits bare or under `data` [assumed both]; unwrap the latter.
pub(crate) fn unwrap_data(v: &Value) -> &Value {
    match v.get("data") {
        Some(inner @ Value::Object(_)) => inner,
        _ => v,
    }
}

pub(crate) fn as_id(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64().filter(|n| *n > 0 && *n <= i64::MAX as u64),
        Value::String(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s
            .parse::<u64>()
            .ok()
            .filter(|n| *n > 0 && *n <= i64::MAX as u64),
        _ => None,
    }
}

/// `true`, `1`, `"1"`, `"true"` are true; `false`, `0`, `"0"`, `""`, `null`, absent are false.
pub(crate) fn as_bool(v: Option<&Value>) -> Option<bool> {
    match v {
        None | Some(Value::Null) => Some(false),
        Some(Value::Bool(b)) => Some(*b),
        Some(Value::Number(n)) => n.as_f64().map(|f| f != 0.0),
        Some(Value::String(s)) => match s.as_str() {
            "1" | "true" => Some(true),
            "0" | "false" | "" => Some(false),
            _ => None,
        },
        Some(_) => None,
    }
}

fn as_opt_string(v: Option<&Value>) -> Option<Option<String>> {
    match v {
        None | Some(Value::Null) => Some(None),
        Some(Value::String(s)) => Some(Some(s.clone())),
        Some(_) => None,
    }
}

impl Domain {
    /// Parses one domain record; `None` when the shape is wrong.
    pub(crate) fn from_wire(v: &Value) -> Option<Domain> {
        let v = unwrap_data(v);
        let obj = v.as_object()?;
        Some(Domain {
            id: as_id(obj.get("id"))?,
            name: obj.get("name")?.as_str()?.to_string(),
            // [assumed] defaults for fields RunCloud always documents but might omit.
            kind: as_opt_string(obj.get("type"))?.unwrap_or_else(|| "alias".to_string()),
            www: as_bool(obj.get("www"))?,
            redirection: as_opt_string(obj.get("redirection"))?
                .unwrap_or_else(|| "none".to_string()),
            wildcard: as_bool(obj.get("wildcard"))?,
            created_at: as_opt_string(obj.get("created_at"))?,
        })
    }
}

impl WebApp {
    pub(crate) fn from_wire(v: &Value) -> Option<WebApp> {
        let v = unwrap_data(v);
        Some(WebApp {
            id: as_id(v.get("id"))?,
            name: v.get("name")?.as_str()?.to_string(),
        })
    }
}

/// `GET ssl/advanced` [sdk/seen]: `advancedSSL` and `autoSSL` flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AdvancedMode {
    pub advanced: bool,
    pub auto: bool,
}

impl AdvancedMode {
    pub(crate) fn from_wire(v: &Value) -> Option<AdvancedMode> {
        let v = unwrap_data(v);
        if !v.is_object() {
            return None;
        }
        Some(AdvancedMode {
            advanced: as_bool(v.get("advancedSSL"))?,
            auto: as_bool(v.get("autoSSL"))?,
        })
    }
}

/// `GET ssl` [sdk/seen]: the web app's certificate; `None` inside when there is none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BasicCert {
    pub id: u64,
    pub method: String,
}

impl BasicCert {
    /// `Some(None)`: no certificate — an object without `id`, whatever else it holds
    /// (`{"message":"SSL not installed!"}`, `{}`, extra fields) [seen: clients read a missing
    /// `id` as "none", docs/RUNCLOUD_API.md §4]; `None`: any other shape (not an object, or an
    /// `id` that is not a positive integer), an error naming the endpoint, never taken for
    /// "none" (that would silently skip the redeploy of an installed certificate).
    pub(crate) fn from_wire(v: &Value) -> Option<Option<BasicCert>> {
        let v = unwrap_data(v);
        let obj = v.as_object()?;
        if obj.get("id").is_none_or(Value::is_null) {
            return Some(None);
        }
        let id = as_id(obj.get("id"))?;
        // [seen] `method`; some clients read `provider` [assumed fallback].
        let method = v
            .get("method")
            .or_else(|| v.get("provider"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_ascii_lowercase();
        Some(Some(BasicCert { id, method }))
    }
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
    use serde_json::json;

    #[test]
    fn domain_from_doc_example() {
        let d = Domain::from_wire(
            &json!({"id":693,"name":"shop.example.com","type":"primary","www":0,
            "redirection":"none","wildcard":0,"dns_integration":"cloudflare","status":null,
            "created_at":"2024-07-09 07:02:13"}),
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            json!({"id":693,"name":"shop.example.com","type":"primary","www":false,
                "redirection":"none","wildcard":false,"created_at":"2024-07-09 07:02:13"})
        );
    }

    #[test]
    fn lenient_fields() {
        let d =
            Domain::from_wire(&json!({"data":{"id":"7","name":"a.b","www":true,"wildcard":"1"}}))
                .unwrap();
        assert_eq!(d.id, 7);
        assert!(d.www && d.wildcard);
        assert_eq!(d.kind, "alias");
        assert_eq!(d.redirection, "none");
        assert_eq!(d.created_at, None);
    }

    #[test]
    fn wrong_shapes() {
        for v in [
            json!([]),
            json!("x"),
            json!({"name":"a.b"}),
            json!({"id":0,"name":"a.b"}),
            json!({"id":-1,"name":"a.b"}),
            json!({"id":1.5,"name":"a.b"}),
            json!({"id":1,"name":5}),
            json!({"id":1,"name":"a.b","www":"maybe"}),
            json!({"id":1,"name":"a.b","www":[]}),
            json!({"id":1,"name":"a.b","created_at":5}),
        ] {
            assert!(Domain::from_wire(&v).is_none(), "{v}");
        }
    }

    #[test]
    fn ssl_records() {
        assert_eq!(
            BasicCert::from_wire(&json!({"id":5,"method":"letsencrypt"})),
            Some(Some(BasicCert {
                id: 5,
                method: "letsencrypt".into()
            }))
        );
        for none in [
            json!({"message":"SSL not installed!"}),
            json!({"message":"SSL not installed!","foo":1}),
            json!({}),
            json!({"id":null,"method":"letsencrypt"}),
            json!({"data":null}),
            json!({"data":"surprise"}),
            json!({"data":{"message":"SSL not installed!"}}),
        ] {
            assert_eq!(BasicCert::from_wire(&none), Some(None), "{none}");
        }
        for wrong in [
            json!(3),
            json!(null),
            json!("SSL not installed!"),
            json!([{"id":5}]),
            json!({"id":"abc"}),
            json!({"id":0,"method":"letsencrypt"}),
            json!({"id":-4}),
            json!({"data":{"id":[5]}}),
        ] {
            assert_eq!(BasicCert::from_wire(&wrong), None, "{wrong}");
        }
        assert_eq!(
            BasicCert::from_wire(&json!({"data":{"id":"9","provider":"LetsEncrypt"}})),
            Some(Some(BasicCert {
                id: 9,
                method: "letsencrypt".into()
            }))
        );
        assert_eq!(
            AdvancedMode::from_wire(&json!({"advancedSSL":1,"autoSSL":false})),
            Some(AdvancedMode {
                advanced: true,
                auto: false
            })
        );
        assert_eq!(
            serde_json::to_value(SslOutcome::new("none", None, None)).unwrap(),
            json!({"action":"none","certificate_id":null,"message":null})
        );
    }
}
