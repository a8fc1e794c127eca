//! HTTP to RunCloud: the shared agent, one request with retries and pacing, and the
//! decoding of answers into typed values or errors.
//!
//! - `client.rs`: [`Client`], one configured connection for one call (credentials, budget).
//! - `request.rs`: one attempt (URL, headers, timeouts; the answer read to its end).
//! - `retry.rs`: the retry loop ([`Client::call`]) and its policy; `rate_limit.rs`: the pacer;
//!   `wait.rs`: `max_wait` and the waits RunCloud asks for.
//! - `classify.rs`: what a failed attempt means (retryable? maybe processed?).
//! - `decode.rs`: an answer as a value or a typed error; `guidance.rs`: what to check after a
//!   401/403/404. `agent.rs`, `tls.rs` and `resolve.rs`: the process-wide agents, their TLS
//!   roots and their cache of resolved host names.

mod agent;
mod classify;
mod client;
mod decode;
mod guidance;
pub(crate) mod rate_limit;
mod request;
mod resolve;
pub(crate) mod retry;
mod tls;
mod wait;

use crate::error::{Error, Result};

pub(crate) use client::Client;
pub(crate) use decode::{runcloud_message, shape_error};
pub(crate) use guidance::blames_server_or_app;
use wait::GaveUp;
pub(crate) use wait::{DEFAULT_MAX_WAIT, MAX_MAX_WAIT_SECS};

/// [`wait::server_wait`] in whole seconds (for the fuzz targets).
pub(crate) fn server_wait_secs(
    retry_after: Option<&str>,
    reset: Option<&str>,
    now_unix: u64,
) -> Option<u64> {
    wait::server_wait(retry_after, reset, now_unix).map(|w| w.wait.as_secs())
}

/// Loads (and caches) the agent for a CA file: an unreadable or invalid bundle is a
/// `Error::Config` naming WU_RUNCLOUD_CA_FILE or `ca_file`.
pub(crate) fn check_ca_file(ca: &crate::config::CaFile) -> Result<()> {
    agent::agent_for(Some(ca)).map(|_| ())
}

/// Largest response body read; a longer one is a Transport error. RunCloud's biggest
/// answer here is a page of 40 domains (a few KiB).
pub(crate) const MAX_BODY_BYTES: u64 = 8 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Get,
    Post,
    Put,
    Delete,
}

impl Method {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }
}

/// Which failures one request may repeat by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Every retryable status and failure (GET, DELETE, redeploy PUT).
    Idempotent,
    /// Only answers and failures that prove the request was not processed (429, 503,
    /// connect failures). A POST that may have taken effect is the caller's to check.
    IfNotProcessed,
}

/// An HTTP answer, body read to the end.
#[derive(Debug)]
pub(crate) struct Reply {
    pub method: Method,
    pub path: String,
    pub status: u16,
    pub body: Vec<u8>,
    pub location: Option<String>,
    /// Attempts this request took (1..=3).
    pub attempts: u32,
    /// Whether an earlier attempt of this request may have reached RunCloud and taken effect
    /// (its answer was lost, or was a 502/504): then a 404 to a DELETE can be our own doing.
    /// A refused attempt (429, 503) or one that never connected does not count.
    pub earlier_maybe_processed: bool,
    /// Why it was not tried again although the status asked for it (added to the message).
    pub gave_up: Option<GaveUp>,
}

impl Reply {
    pub(crate) fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// Not tried again because the next wait did not fit in `max_wait`.
    pub(crate) fn out_of_wait(&self) -> bool {
        matches!(self.gave_up, Some(GaveUp::MaxWait { .. }))
    }
}

/// A request that got no usable answer.
#[derive(Debug)]
pub(crate) struct Failed {
    pub error: Error,
    pub attempts: u32,
    /// Worth another attempt (connect failure, reset, truncated body).
    pub retryable: bool,
    /// The request may have reached RunCloud and taken effect.
    pub maybe_processed: bool,
    /// Not tried again because the next wait did not fit in `max_wait`.
    pub out_of_wait: bool,
}

/// `error` with `note` appended to its message (Api and Transport errors; others unchanged).
pub(crate) fn with_note(mut error: Error, note: &str) -> Error {
    if let Error::Api { message, .. } | Error::Transport { message, .. } = &mut error {
        message.push_str(note);
    }
    error
}

pub(crate) fn transport(method: Method, path: &str, status: Option<u16>, what: String) -> Error {
    Error::Transport {
        method: method.as_str().to_string(),
        path: path.to_string(),
        status,
        message: format!("{} {}: {}", method.as_str(), path, what),
    }
}
