//! `wu_runcloud_registrable_domain()`: the registrable domain (eTLD+1) of a name, per the
//! Public Suffix List. Sends nothing.
//!
//! The list comes from the `psl` crate: the list compiled into native code (no file to ship
//! or load at run time, no I/O, `no_std`, `forbid(unsafe_code)`, one tiny dependency), published
//! again whenever the upstream list changes, so a dependency update brings new suffixes.
//! `publicsuffix` would need the list as a file at run time, and `addr` adds parsing we
//! already do (domain_name.rs). The whole list is used, ICANN and private sections, as
//! browsers do: `user.github.io` is a registrable domain of its own.
//!
//! The name is normalised and validated exactly like `add_domain`'s (lower case, one trailing
//! dot dropped, IDN -> punycode, domain_name.rs); the answer is in that ASCII form. A leading
//! `*.` is accepted and stands for the names below it: `*.shop.example.com` -> `example.com`.
//! A public suffix itself (`co.uk`, `com`) has none: `None`.

use crate::domain_name::{normalize, Wildcard};
use crate::error::Result;

pub fn registrable_domain(raw: &[u8]) -> Result<Option<String>> {
    let bare = raw.strip_suffix(b".").unwrap_or(raw);
    let bare = bare.strip_prefix(b"*.").unwrap_or(bare);
    if !bare.is_empty() && !bare.contains(&b'.') {
        // One label (`com`, `uk`): a top-level domain, a public suffix at most, never
        // registrable. Still checked as a label (under a probe name, as a host needs two);
        // a bad one is reported as the input's own error.
        let mut probe = b"probe.".to_vec();
        probe.extend_from_slice(bare);
        return match normalize(&probe, Wildcard::Rejected) {
            Ok(_) => Ok(None),
            Err(_) => normalize(raw, Wildcard::Allowed).map(|_| None),
        };
    }
    let name = normalize(raw, Wildcard::Allowed)?;
    let host = name.strip_prefix("*.").unwrap_or(&name);
    // A name whose last label the list does not know is under an implicit `*` rule (its TLD
    // is the suffix), as the list's own algorithm says.
    Ok(psl::domain_str(host).map(str::to_string))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn r(name: &str) -> Option<String> {
        registrable_domain(name.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    #[test]
    fn registrable_domains_per_the_list() {
        for (name, expected) in [
            ("example.org.uk", Some("example.org.uk")),
            ("shop.example.org.uk", Some("example.org.uk")),
            ("shop.example.co.uk", Some("example.co.uk")),
            ("foo.bar.example.com", Some("example.com")),
            ("Example.COM.", Some("example.com")),
            ("www.example.com.br", Some("example.com.br")),
            ("a.b.example.gov.au", Some("example.gov.au")),
            ("co.uk", None),
            ("org.uk", None),
            ("com.br", None),
            ("github.io", None),
            ("user.github.io", Some("user.github.io")),
            ("x.user.github.io", Some("user.github.io")),
            // `.example` is on no list: its TLD is the suffix (implicit `*` rule).
            ("Bücher.example", Some("xn--bcher-kva.example")),
            ("shop.bücher.example", Some("xn--bcher-kva.example")),
            ("www.食狮.中国", Some("xn--85x722f.xn--fiqs8s")),
            ("xn--85x722f.xn--fiqs8s", Some("xn--85x722f.xn--fiqs8s")),
            ("*.shop.example.co.uk", Some("example.co.uk")),
            ("*.co.uk", None),
            ("com", None),
            ("UK.", None),
            ("*.com", None),
        ] {
            assert_eq!(r(name).as_deref(), expected, "{name}");
        }
    }

    #[test]
    fn invalid_input_is_a_validation_error() {
        for bad in [
            &b""[..],
            b"c_m",
            b"http://example.com",
            b"a b.com",
            b"\xff",
            b"1.2.3.4",
        ] {
            assert!(
                matches!(registrable_domain(bad), Err(Error::Validation { ref field, .. }) if field == "domain"),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
    }
}
