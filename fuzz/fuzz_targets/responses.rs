//! Response decoding end to end: a loopback stub answers every request with a status and a
//! body chosen by the fuzzer, and one facade function reads it (redeploy_ssl also for one
//! domain). Properties: never a panic
//! and never a hang (libFuzzer's -timeout); an error is Api (status >= 400) or Transport,
//! names the endpoint, holds no raw newline and never the token.
#![no_main]

use libfuzzer_sys::fuzz_target;
use runcloud::{api, Error, PhpValue};
use runcloud_fuzz::{online, set_answer, TOKEN};

/// No 1xx/204/304 (no body allowed), and no statuses that make add_domain back off (502/504
/// on a POST sleep between attempts): everything else, including redirects and odd codes.
const STATUSES: &[u16] = &[
    200, 200, 200, 200, 201, 202, 203, 206, 299, 300, 301, 302, 303, 307, 308, 400, 401, 403, 404,
    405, 409, 410, 418, 422, 429, 451, 500, 501, 503, 520, 599,
];

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let status = STATUSES[data[0] as usize % STATUSES.len()];
    let which = data[1] % 7;
    set_answer(status, &data[2..]);
    let result = match which {
        0 => api::list_domains(&online(&[])).map(drop),
        1 => api::find_domain(&online(&[]), b"shop.example.com").map(drop),
        2 => api::add_domain(
            &online(&[("ssl", PhpValue::Bool(true))]),
            b"shop.example.com",
        )
        .map(drop),
        3 => api::remove_domain(&online(&[]), b"shop.example.com").map(drop),
        4 => api::test_connection(&online(&[])).map(drop),
        5 => api::redeploy_ssl(&online(&[])).map(drop),
        // The redeploy of one domain: the list lookup, then the SSL step.
        _ => {
            api::redeploy_ssl(&online(&[("domain", PhpValue::from("shop.example.com"))])).map(drop)
        }
    };
    if let Err(e) = result {
        let text = e.to_string();
        assert!(!text.contains(TOKEN), "{text}");
        assert!(!text.contains('\n'), "{text:?}");
        assert!(
            text.contains("/servers/1/webapps/1") || text.contains("/ping"),
            "{text}"
        );
        match e {
            Error::Api { status, .. } => assert!(status >= 400, "Api error for {status}"),
            Error::Transport { .. } => {}
            other => panic!("{other:?}"),
        }
    }
});
