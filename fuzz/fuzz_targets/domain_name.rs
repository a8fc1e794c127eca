//! Domain validation through the public facade, with no request: the first byte chooses the
//! wildcard option, the rest is the name. Properties: never a panic; the outcome is either
//! acceptance (`Error::Config` for the missing server/app id) or `Error::Validation` naming
//! `domain`, with a message free of raw control characters; ASCII names agree with the §5
//! oracle; the same input gives the same outcome twice.
#![no_main]

use libfuzzer_sys::fuzz_target;
use runcloud::{api, Error};
use runcloud_fuzz::{offline, offline_lookup, oracle_ascii};

fn decide(raw: &[u8], wildcard: bool) -> bool {
    match api::add_domain(&offline(wildcard), raw) {
        Err(Error::Config { .. }) => true,
        Err(Error::Validation { field, message }) => {
            assert_eq!(field, "domain", "{message}");
            assert!(
                !message.contains(['\n', '\r', '\0']),
                "raw control character in {message:?}"
            );
            assert!(message.len() < 2000, "message of {} bytes", message.len());
            false
        }
        other => panic!("unexpected outcome {other:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, raw)) = data.split_first() else {
        return;
    };
    let wildcard = flags & 1 == 1;
    let accepted = decide(raw, wildcard);
    assert_eq!(accepted, decide(raw, wildcard), "not deterministic");
    if let Ok(text) = std::str::from_utf8(raw) {
        if let Some(expected) = oracle_ascii(text, wildcard) {
            assert_eq!(accepted, expected, "{text:?} wildcard={wildcard}");
        }
    }
    // Lookups allow a wildcard name; otherwise they judge a name as add does.
    if !raw.starts_with(b"*") && !raw.contains(&b'*') {
        let found = api::find_domain(&offline_lookup(), raw);
        assert_eq!(
            accepted,
            matches!(found, Err(Error::Config { .. })),
            "find and add disagree"
        );
    }
});
