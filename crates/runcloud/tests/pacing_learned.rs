//! Rate-limit pacing with nothing assumed but the default 60 s window: the pacer must learn a
//! 1 s window from the headers, never be refused, and finish close to the limit's floor.
//! (Own test binary: the pacer's state is process-wide.)

mod common;

use std::time::{Duration, Instant};

use common::*;
use runcloud::api;

#[test]
fn a_short_window_is_learned_without_any_429() {
    let emu = start(|c| {
        c.rate_limit = Some((10, 1000));
        c.seed_domains = 1;
    });
    let input = v3(&emu);
    let t = Instant::now();
    for _ in 0..45 {
        api::list_domains(&input).unwrap();
    }
    let elapsed = t.elapsed();
    // One request per call: nothing was refused and retried.
    assert_eq!(emu.requests().len(), 45);
    // 45 requests at 10 per 1 s window need at least 4 windows...
    assert!(elapsed >= Duration::from_secs(4), "{elapsed:?}");
    // ...and, once the window is learned, not much more (the default assumption is 60 s).
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
}
