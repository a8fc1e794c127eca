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
}

impl RecordedRequest {
    pub(crate) fn from_request(request: &Request) -> Self {
        RecordedRequest {
            method: request.method.clone(),
            path: request.path.clone(),
            query: request.query.clone(),
            body: String::from_utf8_lossy(&request.body).into_owned(),
        }
    }
}
