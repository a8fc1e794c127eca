//! The `/api` pipeline: log, latency, faults, rate limit, authentication, then the routes.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use crate::auth::{self, ApiVersion};
use crate::dispatch::Outcome;
use crate::faults::{FaultKind, MALFORMED_JSON_BODY};
use crate::http::{Request, Response};
use crate::request_log::{record_status, RecordedRequest};
use crate::routes;
use crate::shared::{lock, Shared};

/// Laravel's throttle message [assumed: RunCloud documents only the status].
const TOO_MANY_REQUESTS: &str = "Too Many Attempts.";

pub fn handle(shared: &Shared, request: &Request) -> Outcome {
    // Logged on arrival (a test may look while a delayed request is in flight); the status is
    // written in once the answer is known.
    let sequence = shared.next_request_sequence.fetch_add(1, Ordering::SeqCst);
    lock(&shared.requests).push(RecordedRequest::from_request(request, sequence));
    let outcome = answer(shared, request);
    let status = match &outcome {
        Outcome::Respond(response) | Outcome::RespondTruncated(response) => Some(response.status),
        Outcome::Drop => None,
    };
    if let Some(status) = status {
        record_status(&mut lock(&shared.requests), sequence, status);
    }
    outcome
}

fn answer(shared: &Shared, request: &Request) -> Outcome {
    if shared.config.latency_ms > 0 {
        shared.sleep(Duration::from_millis(shared.config.latency_ms));
    }

    let fault = lock(&shared.faults).take_match(&request.method, &request.path);
    let Some(fault) = fault else {
        return Outcome::Respond(serve(shared, request));
    };
    if fault.delay_ms > 0 {
        shared.sleep(Duration::from_millis(fault.delay_ms));
    }
    if let Some(canned) = fault.canned_response(&request.path, &request.query) {
        return Outcome::Respond(canned);
    }
    let served = |shared: &Shared| {
        if fault.process {
            serve(shared, request)
        } else {
            Response::json(200, &serde_json::json!({}))
        }
    };
    match fault.kind {
        FaultKind::Drop => {
            served(shared);
            Outcome::Drop
        }
        FaultKind::Truncate => Outcome::RespondTruncated(served(shared)),
        FaultKind::MalformedJson => {
            let mut response = served(shared);
            response.body = MALFORMED_JSON_BODY.as_bytes().to_vec();
            response.set_header("Content-Type", "application/json");
            Outcome::Respond(response)
        }
        // Delay alone, or a kind already answered above.
        _ => Outcome::Respond(serve(shared, request)),
    }
}

/// What the real API answers: rate limit, authentication, route; rate headers on all of it.
fn serve(shared: &Shared, request: &Request) -> Response {
    let decision = lock(&shared.rate_limiter).check(Instant::now());
    let mut response = if decision.allowed {
        routed(shared, request)
    } else {
        let mut too_many = Response::message(429, TOO_MANY_REQUESTS);
        // [assumed] Laravel's throttle headers (crate::ratelimit).
        for (name, value) in decision.retry_headers(shared.config.retry_after) {
            too_many.set_header(name, &value);
        }
        too_many
    };
    response.set_header("X-RateLimit-Limit", &decision.limit.to_string());
    response.set_header("X-RateLimit-Remaining", &decision.remaining.to_string());
    response
}

fn routed(shared: &Shared, request: &Request) -> Response {
    let mut segments = request.path.split('/').skip(2);
    let version = match segments.next() {
        Some("v2") => ApiVersion::V2,
        Some("v3") => ApiVersion::V3,
        _ => return Response::message(404, "Not Found."),
    };
    let rest: Vec<&str> = segments.collect();
    if let Some(unmatched) = routes::unmatched_route(&request.method, &rest) {
        return unmatched;
    }
    if let Err(unauthorized) =
        auth::authenticate(&shared.config, version, request.header("authorization"))
    {
        return unauthorized;
    }
    routes::route(shared, request, &rest)
}
