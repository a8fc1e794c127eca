//! The control plane under `/__emulator` (shared/DESIGN.md): no auth, no faults, not logged.

use std::sync::atomic::Ordering;

use serde_json::{json, Value};

use crate::faults::FaultRule;
use crate::http::{Request, Response};
use crate::shared::{lock, Shared};

pub fn handle(shared: &Shared, request: &Request) -> Response {
    let route = request
        .path
        .strip_prefix(crate::dispatch::CONTROL_PREFIX)
        .unwrap_or("");
    match (request.method.as_str(), route) {
        ("GET", "/state") => Response::json(200, &shared.read_world(|world| world.to_json())),
        ("GET", "/requests") => {
            let requests = lock(&shared.requests).clone();
            Response::json(200, &json!({ "requests": requests }))
        }
        ("DELETE", "/requests") => {
            lock(&shared.requests).clear();
            ok()
        }
        ("POST", "/reset") => {
            shared.reset();
            ok()
        }
        ("POST", "/seed") => match body_json(request).and_then(|body| seed(shared, &body)) {
            Ok(()) => ok(),
            Err(message) => bad_request(&message),
        },
        ("GET", "/faults") => Response::json(200, &lock(&shared.faults).to_json()),
        ("POST", "/faults") => match body_json(request).and_then(|body| add_fault(shared, &body)) {
            Ok(()) => ok(),
            Err(message) => bad_request(&message),
        },
        ("DELETE", "/faults") => {
            lock(&shared.faults).clear();
            ok()
        }
        ("GET", "/connections") => Response::json(
            200,
            &json!({ "accepted": shared.connections_accepted.load(Ordering::SeqCst) }),
        ),
        _ => Response::json(404, &json!({ "error": "unknown control-plane route" })),
    }
}

/// Validates and stores one fault rule.
pub fn add_fault(shared: &Shared, rule: &Value) -> Result<(), String> {
    let rule = FaultRule::from_json(rule)?;
    lock(&shared.faults).add(rule);
    Ok(())
}

/// `{"server_id", "app_id", "count"}`: adds `count` domains (creating the app if needed).
fn seed(shared: &Shared, body: &Value) -> Result<(), String> {
    let field = |name: &str| {
        body.get(name)
            .and_then(Value::as_u64)
            .ok_or_else(|| format!("\"{name}\" must be a non-negative integer"))
    };
    let server_id = field("server_id")?;
    let app_id = field("app_id")?;
    let count = usize::try_from(field("count")?).map_err(|_| "\"count\" is too large")?;
    seed_domains(shared, server_id, app_id, count)
}

/// Seeds `count` domains on one app; ids must be positive.
pub fn seed_domains(
    shared: &Shared,
    server_id: u64,
    app_id: u64,
    count: usize,
) -> Result<(), String> {
    const MAX_SEED: usize = 1_000_000;
    if server_id == 0 || app_id == 0 {
        return Err("server_id and app_id must be positive integers".into());
    }
    if count > MAX_SEED {
        return Err(format!("count must be at most {MAX_SEED}"));
    }
    shared
        .change_world(|world| {
            world.seed(server_id, app_id, count);
            Ok(())
        })
        .map_err(|_| "seeding failed".to_string())
}

fn body_json(request: &Request) -> Result<Value, String> {
    serde_json::from_slice(&request.body).map_err(|error| format!("the body is not JSON: {error}"))
}

fn ok() -> Response {
    Response::json(200, &json!({ "ok": true }))
}

fn bad_request(message: &str) -> Response {
    Response::json(400, &json!({ "error": message }))
}
