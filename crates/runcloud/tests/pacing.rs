//! Rate-limit pacing: bulk work slows down on X-RateLimit-Remaining instead of hitting 429.
//! (Own test binary: it changes the process-wide window the pacer assumes.)

mod common;

use std::time::{Duration, Instant};

use common::*;
use runcloud::api;

#[test]
fn bulk_work_is_paced_instead_of_hitting_429() {
    // The emulator allows 10 requests per 1 s window; tell the pacer the window is 1 s
    // (in production it assumes RunCloud's 60 s [assumed]).
    runcloud::testing::set_rate_limit_window(Duration::from_millis(1000));
    let emu = start(|c| {
        c.rate_limit = Some((10, 1000));
        c.retry_after = Some(1);
        c.seed_domains = 1;
    });
    let input = v3(&emu);
    let t = Instant::now();
    for _ in 0..25 {
        api::list_domains(&input).unwrap();
    }
    // Every call took exactly one request: no 429 was retried.
    assert_eq!(emu.requests().len(), 25);
    // 25 requests at 10 per second cannot be faster than two full windows.
    assert!(
        t.elapsed() >= Duration::from_millis(2000),
        "{:?}",
        t.elapsed()
    );
}
