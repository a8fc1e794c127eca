//! Validation and normalisation of a domain name before any request (docs/RUNCLOUD_API.md §5).
//!
//! Lower-case, one trailing dot dropped, IDN -> punycode (UTS 46, nontransitional, via the
//! `idna` crate), labels 1–63 of `[a-z0-9-]` not starting or ending with `-`, total <= 253,
//! at least two labels, a last label that is not all digits, valid A-labels for `xn--`, a
//! leading `*.` only when the caller allows a wildcard. Anything else is `Error::Validation`
//! with a message naming what is wrong.

use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use crate::error::{Error, Result};

/// Whether a leading `*.` label is acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wildcard {
    /// `*.` allowed (the caller set `wildcard => true`, or looks a name up).
    Allowed,
    /// `*.` rejected (add without `wildcard => true`).
    Rejected,
}

fn invalid(input: &str, why: impl std::fmt::Display) -> Error {
    Error::Validation {
        field: "domain".to_string(),
        message: format!("Invalid domain {}: {why}", shown(input)),
    }
}

/// The input, quoted and escaped, cut to a readable length.
fn shown(input: &str) -> String {
    let mut s: String = input.chars().take(80).collect();
    if s.len() < input.len() {
        s.push('…');
    }
    format!("\"{}\"", s.escape_debug())
}

/// Normalises `raw` to the ASCII (punycode) form RunCloud stores, or explains what is wrong.
pub(crate) fn normalize(raw: &[u8], wildcard: Wildcard) -> Result<String> {
    let input = std::str::from_utf8(raw).map_err(|_| Error::Validation {
        field: "domain".to_string(),
        message: "Invalid domain: not valid UTF-8".to_string(),
    })?;
    if input.is_empty() {
        return Err(Error::Validation {
            field: "domain".to_string(),
            message: "Invalid domain: the name is empty".to_string(),
        });
    }
    // Specific messages for the usual mistakes, before IDNA mapping can blur them.
    if input.contains("://") {
        return Err(invalid(
            input,
            "remove the scheme (such as https://); give the bare host name",
        ));
    }
    if input.chars().any(char::is_control) {
        return Err(invalid(input, "contains control characters"));
    }
    if input.chars().any(char::is_whitespace) {
        return Err(invalid(input, "contains spaces"));
    }
    if input.contains('@') {
        return Err(invalid(
            input,
            "contains '@' (an e-mail address or credentials?)",
        ));
    }
    if input.contains('/') || input.contains('\\') {
        return Err(invalid(input, "contains a path; give the bare host name"));
    }
    if input.contains('?') || input.contains('#') {
        return Err(invalid(
            input,
            "contains a query or fragment; give the bare host name",
        ));
    }
    if input.starts_with('[') || input.contains(':') {
        return Err(invalid(
            input,
            "contains a port or an IPv6 address; give the bare host name",
        ));
    }

    let mut name = input.strip_suffix('.').unwrap_or(input);
    let mut prefix = "";
    if let Some(rest) = name.strip_prefix("*.") {
        if wildcard == Wildcard::Rejected {
            return Err(invalid(
                input,
                "a wildcard name (*.) needs the option 'wildcard' => true",
            ));
        }
        prefix = "*.";
        name = rest;
    }
    if name.contains('*') {
        return Err(invalid(
            input,
            "'*' is only allowed as the whole first label (*.example.com)",
        ));
    }
    if name.is_empty() {
        return Err(invalid(input, "the name is empty"));
    }

    // Lenient UTS 46 mapping (lower-case, IDN -> punycode, xn-- labels checked); the strict
    // rules follow below with messages of our own.
    let ascii = Uts46::new()
        .to_ascii(
            name.as_bytes(),
            AsciiDenyList::EMPTY,
            Hyphens::Allow,
            DnsLength::Ignore,
        )
        .map_err(|_| {
            invalid(
                input,
                "not a valid internationalised domain name (IDNA/UTS 46), or an invalid xn-- label",
            )
        })?
        .into_owned();

    let labels: Vec<&str> = ascii.split('.').collect();
    for label in &labels {
        if label.is_empty() {
            return Err(invalid(
                input,
                "has an empty label (two dots in a row, or a leading dot)",
            ));
        }
        if label.len() > 63 {
            return Err(invalid(
                input,
                format!("label \"{label}\" is longer than 63 characters"),
            ));
        }
        if let Some(c) = label
            .chars()
            .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
        {
            return Err(invalid(
                input,
                format!(
                    "contains the character {:?}; only letters, digits and '-' are allowed",
                    c
                ),
            ));
        }
        if label.starts_with('-') || label.ends_with('-') {
            return Err(invalid(
                input,
                format!("label \"{label}\" starts or ends with '-'"),
            ));
        }
        if let Some(puny) = label.strip_prefix("xn--") {
            // The mapping above already refuses undecodable A-labels; keep an explicit check.
            if idna::punycode::decode_to_string(puny).is_none_or(|s| s.is_empty()) {
                return Err(invalid(
                    input,
                    format!("label \"{label}\" is not a valid A-label"),
                ));
            }
        }
    }
    if labels.len() < 2 {
        return Err(invalid(
            input,
            "needs at least two labels (such as example.com)",
        ));
    }
    if labels
        .last()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(invalid(
            input,
            "the last label is all digits (an IP address is not a domain)",
        ));
    }
    let full = format!("{prefix}{ascii}");
    if full.len() > 253 {
        return Err(invalid(input, "is longer than 253 characters"));
    }
    Ok(full)
}

/// How a name RunCloud returned compares with a normalised one: lower-case, no trailing
/// dot, and punycode when RunCloud stored Unicode (it documents nothing about that).
/// Whether the stored `name` is `wanted` (a canonical name, from [`normalize`]): as
/// [`canonical_stored`]`(name) == wanted`, without a copy for the usual ASCII name.
pub(crate) fn same_name(name: &str, wanted: &str) -> bool {
    let trimmed = name.trim().trim_end_matches('.');
    if trimmed.is_ascii() {
        return trimmed.eq_ignore_ascii_case(wanted);
    }
    canonical_stored(name) == wanted
}

pub(crate) fn canonical_stored(name: &str) -> String {
    let trimmed = name.trim().trim_end_matches('.');
    let lower = trimmed.to_ascii_lowercase();
    if lower.is_ascii() {
        return lower;
    }
    let (prefix, rest) = match lower.strip_prefix("*.") {
        Some(rest) => ("*.", rest),
        None => ("", lower.as_str()),
    };
    match Uts46::new().to_ascii(
        rest.as_bytes(),
        AsciiDenyList::EMPTY,
        Hyphens::Allow,
        DnsLength::Ignore,
    ) {
        Ok(a) => format!("{prefix}{a}"),
        Err(_) => lower,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_name_agrees_with_the_canonical_form() {
        for (stored, wanted) in [
            ("Shop.Example.COM.", "shop.example.com"),
            (" shop.example.com ", "shop.example.com"),
            ("shop.example.co", "shop.example.com"),
            ("Bücher.example", "xn--bcher-kva.example"),
            ("*.Example.com", "*.example.com"),
            ("xn--bcher-kva.example", "xn--bcher-kva.example"),
            ("", "a.b"),
        ] {
            assert_eq!(
                same_name(stored, wanted),
                canonical_stored(stored) == wanted,
                "{stored} vs {wanted}"
            );
        }
        assert!(same_name("Bücher.example", "xn--bcher-kva.example"));
    }

    fn ok(s: &str) -> String {
        normalize(s.as_bytes(), Wildcard::Rejected).unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn normalises() {
        assert_eq!(ok("Example.COM"), "example.com");
        assert_eq!(ok("example.com."), "example.com");
        assert_eq!(ok("bücher.example"), "xn--bcher-kva.example");
        assert_eq!(ok("BÜCHER.example"), "xn--bcher-kva.example");
        assert_eq!(ok("xn--bcher-kva.example"), "xn--bcher-kva.example");
        assert_eq!(ok("münchen.de"), "xn--mnchen-3ya.de");
        assert_eq!(ok("例え.テスト"), "xn--r8jz45g.xn--zckzah");
        assert_eq!(ok("straße.de"), "xn--strae-oqa.de");
        assert_eq!(ok("shop.example.co.uk"), "shop.example.co.uk");
        assert_eq!(ok("a-b.c0"), "a-b.c0");
        assert_eq!(ok("1.example"), "1.example");
        assert_eq!(ok("ab--cd.example"), "ab--cd.example");
        assert_eq!(
            ok(&format!("{}.com", "a".repeat(63))),
            format!("{}.com", "a".repeat(63))
        );
        assert_eq!(
            normalize(b"*.Example.com", Wildcard::Allowed).unwrap(),
            "*.example.com"
        );
        assert_eq!(
            normalize("*.bücher.example.".as_bytes(), Wildcard::Allowed).unwrap(),
            "*.xn--bcher-kva.example"
        );
    }

    #[test]
    fn total_length_limit() {
        let label = "a".repeat(63);
        let ok253 = format!("{label}.{label}.{label}.{}", "b".repeat(61));
        assert_eq!(ok253.len(), 253);
        assert_eq!(ok(&ok253), ok253);
        let too_long = format!("{label}.{label}.{label}.{}", "b".repeat(62));
        assert!(normalize(too_long.as_bytes(), Wildcard::Rejected).is_err());
    }

    #[test]
    fn rejects_at_least_forty_invalid_names() {
        let long_label = format!("{}.com", "a".repeat(64));
        let long_name = format!("{}.com", ["abcdefghi"; 26].join("."));
        let bad: Vec<&[u8]> = vec![
            b"",
            b".",
            b"..",
            b"com",
            b"localhost",
            b"example..com",
            b".example.com",
            b"example.com..",
            b"-example.com",
            b"example-.com",
            b"example.-com",
            b"example.com-",
            b"http://example.com",
            b"https://example.com/",
            b"example.com/path",
            b"example.com:8080",
            b"example.com?x=1",
            b"example.com#top",
            b"user@example.com",
            b"exa mple.com",
            b" example.com",
            b"example.com ",
            b"example.com\n",
            b"exa\tmple.com",
            b"exa\0mple.com",
            b"exam_ple.com",
            b"exam!ple.com",
            b"exa$mple.com",
            b"exa\"mple.com",
            b"example.123",
            b"192.168.0.1",
            b"1.2.3.4",
            b"[::1]",
            b"::1",
            b"*.example.com",
            b"a.*.example.com",
            b"*example.com",
            b"ex*ample.com",
            b"xn--zz.example",
            b"xn--.example",
            b"xn--bcher-kva-.example",
            b"\xff\xfe.example",
            b"caf\xc3.example",
            long_label.as_bytes(),
            long_name.as_bytes(),
            b"example.com\\path",
            b"exa%mple.com",
            b"\xe2\x80\x8b.example", // zero-width space only
        ];
        assert!(bad.len() >= 40);
        for b in bad {
            let e = normalize(b, Wildcard::Rejected);
            assert!(
                matches!(e, Err(Error::Validation { ref field, .. }) if field == "domain"),
                "accepted {:?}: {:?}",
                String::from_utf8_lossy(b),
                e
            );
        }
    }

    #[test]
    fn messages_name_the_problem() {
        let m = |s: &str| {
            normalize(s.as_bytes(), Wildcard::Rejected)
                .unwrap_err()
                .to_string()
        };
        assert!(m("https://x.com").contains("scheme"));
        assert!(m("x.com:80").contains("port"));
        assert!(m("x.com/a").contains("path"));
        assert!(m("a b.com").contains("spaces"));
        assert!(m("a@b.com").contains("'@'"));
        assert!(m("*.b.com").contains("wildcard"));
        assert!(m("1.2.3.4").contains("IP address"));
        assert!(m("a_b.com").contains("'_'"));
        assert!(m("com").contains("two labels"));
        assert!(m("a\nb.com").contains("control"));
        assert!(!m("a\nb.com").contains('\n'));
        let e = normalize(b"\xff", Wildcard::Rejected).unwrap_err();
        assert!(e.to_string().contains("UTF-8"));
    }

    #[test]
    fn stored_names_compare_canonically() {
        assert_eq!(canonical_stored("Shop.Example.com."), "shop.example.com");
        assert_eq!(canonical_stored("bücher.example"), "xn--bcher-kva.example");
        assert_eq!(
            canonical_stored("*.Bücher.example"),
            "*.xn--bcher-kva.example"
        );
    }
}
