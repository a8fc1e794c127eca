//! Sends each request to the API, the control plane, or a 404.

use crate::api;
use crate::control;
use crate::http::{Request, Response};
use crate::shared::Shared;

/// What the connection does with a request.
#[derive(Debug)]
pub enum Outcome {
    /// Write this response.
    Respond(Response),
    /// Write the head and half of the body, then close (truncation fault).
    RespondTruncated(Response),
    /// Close the connection without a response (drop fault).
    Drop,
}

pub const CONTROL_PREFIX: &str = "/__emulator";
pub const API_PREFIX: &str = "/api";

pub fn dispatch(shared: &Shared, request: &Request) -> Outcome {
    if is_under(&request.path, CONTROL_PREFIX) {
        Outcome::Respond(control::handle(shared, request))
    } else if is_under(&request.path, API_PREFIX) {
        api::handle(shared, request)
    } else {
        Outcome::Respond(Response::message(404, "Not Found."))
    }
}

fn is_under(path: &str, prefix: &str) -> bool {
    path.strip_prefix(prefix)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}
