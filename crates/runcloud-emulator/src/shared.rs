//! What every connection thread shares: configuration, state, logs, faults, counters.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use crate::config::EmulatorConfig;
use crate::faults::FaultRules;
use crate::http::Response;
use crate::ratelimit::RateLimiter;
use crate::request_log::RecordedRequest;
use crate::state::World;
use crate::state_file;

/// Longest single sleep between checks for shutdown, so `Drop` is prompt even mid-delay.
const SLEEP_SLICE: Duration = Duration::from_millis(20);

/// Locks a mutex even if a thread panicked while holding it: the data are plain values that
/// stay consistent between statements, and one failed request must not stop the emulator.
pub fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

pub struct Shared {
    pub config: EmulatorConfig,
    /// `http` or `https`.
    pub scheme: &'static str,
    /// `host:port` clients reach us at, for absolute URLs when a request has no `Host`.
    pub authority: String,
    pub world: Mutex<World>,
    pub requests: Mutex<Vec<RecordedRequest>>,
    /// Arrival number of the next `/api` request (ties a log entry to its answer).
    pub next_request_sequence: AtomicU64,
    pub faults: Mutex<FaultRules>,
    pub rate_limiter: Mutex<RateLimiter>,
    pub connections_accepted: AtomicU64,
    pub shutting_down: AtomicBool,
}

impl Shared {
    pub fn new(config: EmulatorConfig, scheme: &'static str, authority: String) -> Self {
        let world = World::new(&config);
        let rate_limiter = RateLimiter::new(config.rate_limit);
        Shared {
            config,
            scheme,
            authority,
            world: Mutex::new(world),
            requests: Mutex::new(Vec::new()),
            next_request_sequence: AtomicU64::new(0),
            faults: Mutex::new(FaultRules::default()),
            rate_limiter: Mutex::new(rate_limiter),
            connections_accepted: AtomicU64::new(0),
            shutting_down: AtomicBool::new(false),
        }
    }

    pub fn is_shutting_down(&self) -> bool {
        self.shutting_down.load(Ordering::SeqCst)
    }

    /// Sleeps, waking early when the emulator shuts down.
    pub fn sleep(&self, duration: Duration) {
        let deadline = Instant::now() + duration;
        while !self.is_shutting_down() {
            let now = Instant::now();
            if now >= deadline {
                return;
            }
            std::thread::sleep((deadline - now).min(SLEEP_SLICE));
        }
    }

    /// Runs a read-only look at the state.
    pub fn read_world<R>(&self, read: impl FnOnce(&World) -> R) -> R {
        read(&lock(&self.world))
    }

    /// Runs a change of the state; when it succeeds the state file (if any) is rewritten.
    /// The file is written under the lock so that files never go back in time.
    pub fn change_world<R>(
        &self,
        change: impl FnOnce(&mut World) -> Result<R, Response>,
    ) -> Result<R, Response> {
        let mut world = lock(&self.world);
        let result = change(&mut world)?;
        self.write_state_file(&world);
        Ok(result)
    }

    /// Writes the state file, if configured. A failure is reported on stderr, never fatal.
    pub fn write_state_file(&self, world: &World) {
        if let Some(path) = &self.config.state_file {
            if let Err(error) = state_file::write(path, &world.to_json()) {
                eprintln!(
                    "runcloud-emulator: cannot write state file {}: {error}",
                    path.display()
                );
            }
        }
    }

    /// Back to the initial state (DNS table, emulator clock and issuance log included); faults,
    /// request log and rate-limit window cleared.
    pub fn reset(&self) {
        let mut world = lock(&self.world);
        *world = World::new(&self.config);
        self.write_state_file(&world);
        drop(world);
        lock(&self.faults).clear();
        lock(&self.requests).clear();
        lock(&self.rate_limiter).reset();
    }
}
