//! The log of `/api` requests, for tests to assert on what a client sent.

use serde::Serialize;

use crate::http::Request;

/// One `/api` request as it arrived. Headers are not kept, so the `Authorization` header
/// (credentials) is never stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedRequest {
    pub method: String,
    /// Path without the query string, as sent.
    pub path: String,
    /// Query string without `?`, as sent (empty when none).
    pub query: String,
    /// Body as text (invalid UTF-8 replaced).
    pub body: String,
    /// The status answered; `None` while the request is still being served, and for a
    /// dropped connection (no answer at all). A truncated answer records its status.
    pub status: Option<u16>,
    /// Arrival order, so the answer is written to the right entry even when requests on
    /// other connections finish first or the log was cleared meanwhile.
    #[serde(skip)]
    pub(crate) sequence: u64,
}

impl RecordedRequest {
    pub(crate) fn from_request(request: &Request, sequence: u64) -> Self {
        RecordedRequest {
            method: request.method.clone(),
            path: request.path.clone(),
            query: request.query.clone(),
            body: String::from_utf8_lossy(&request.body).into_owned(),
            status: None,
            sequence,
        }
    }
}

/// Writes the answered status into the entry recorded for `sequence` (if still in the log).
pub(crate) fn record_status(log: &mut [RecordedRequest], sequence: u64, status: u16) {
    // Searched from the end: the entry is nearly always among the last few.
    if let Some(entry) = log
        .iter_mut()
        .rev()
        .find(|entry| entry.sequence == sequence)
    {
        entry.status = Some(status);
    }
}
