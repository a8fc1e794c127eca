//! Where names point, for certificate validation: set by the control plane
//! (`POST /__emulator/dns`), read by the issuance model (`issuance.rs`).
//!
//! Every name points at the web app's server unless set otherwise, so tests that never touch
//! DNS keep their meaning. `www.<name>` is a name of its own, and so is a wildcard `*.<name>`.
//! One table for the whole emulator: a name resolves the same for every server [assumed: the
//! servers of one account sit behind the same addresses in tests; per-server DNS has not been
//! needed].

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use crate::validation::{check_domain_name, NameProblem};

/// The names set through the control plane and whether each points here.
#[derive(Debug, Clone, Default)]
pub struct DnsTable {
    names: BTreeMap<String, bool>,
}

impl DnsTable {
    /// Whether `name` resolves to the server (true unless set otherwise).
    pub fn points_here(&self, name: &str) -> bool {
        self.names.get(name).copied().unwrap_or(true)
    }

    /// Records where an already normalised name points (see [`normalise_name`]).
    pub fn set(&mut self, name: String, points_here: bool) {
        self.names.insert(name, points_here);
    }

    /// `{"shop.example.com": false, ...}`, sorted by name.
    pub fn to_json(&self) -> Value {
        let names: Map<String, Value> = self
            .names
            .iter()
            .map(|(name, points_here)| (name.clone(), json!(points_here)))
            .collect();
        Value::Object(names)
    }
}

/// Normalises a name the way the emulator stores domains: ASCII lower case, one trailing dot
/// dropped, then the same rules as a domain added through the API (docs/RUNCLOUD_API.md §5),
/// a leading `*.` allowed. Non-ASCII input is refused: the emulator stores IDNs as punycode
/// A-labels and has no IDNA mapping of its own.
pub fn normalise_name(raw: &str) -> Result<String, String> {
    if !raw.is_ascii() {
        return Err(format!(
            "\"name\" {raw:?} is not ASCII: send an internationalised name as punycode A-labels (xn--...), as domains are stored"
        ));
    }
    let lowered = raw.to_ascii_lowercase();
    let name = lowered.strip_suffix('.').unwrap_or(&lowered).to_string();
    match check_domain_name(&name, true) {
        Ok(()) => Ok(name),
        Err(NameProblem::Invalid | NameProblem::WildcardNotRequested) => Err(format!(
            "\"name\" {raw:?} is not a valid domain name (labels of a-z, 0-9 and -, at least two, an optional leading \"*.\")"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_like_stored_domains() {
        assert_eq!(
            normalise_name("Shop.Example.COM.").as_deref(),
            Ok("shop.example.com")
        );
        assert_eq!(
            normalise_name("*.example.com").as_deref(),
            Ok("*.example.com")
        );
        for bad in [
            "",
            "localhost",
            "münchen.de",
            "a..b",
            "http://x.com",
            "1.2.3.4",
        ] {
            assert!(normalise_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_name_points_here_unless_set() {
        let mut table = DnsTable::default();
        assert!(table.points_here("shop.example.com"));
        table.set("shop.example.com".into(), false);
        assert!(!table.points_here("shop.example.com"));
        assert!(table.points_here("www.shop.example.com"));
        assert_eq!(table.to_json(), json!({"shop.example.com": false}));
    }
}
