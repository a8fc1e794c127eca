//! The control plane under `/__emulator` (routes and bodies documented in `lib.rs`): no auth,
//! no faults, not logged.

use std::sync::atomic::Ordering;

use serde_json::{json, Map, Value};

use crate::dns;
use crate::faults::FaultRule;
use crate::http::{Request, Response};
use crate::shared::{lock, Shared};
use crate::state::World;

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
        ("GET", "/dns") => Response::json(200, &dns_json(shared)),
        ("POST", "/dns") => match body_object(request).and_then(|body| set_dns_from(shared, &body))
        {
            Ok(()) => Response::json(200, &dns_json(shared)),
            Err(problem) => problem.response(),
        },
        ("GET", "/clock") => Response::json(200, &shared.read_world(|world| world.clock.to_json())),
        ("POST", "/clock") => {
            match body_object(request).and_then(|body| advance_clock_from(shared, &body)) {
                Ok(clock) => Response::json(200, &clock),
                Err(problem) => problem.response(),
            }
        }
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

/// A control-plane body that could not be used: 400 when it is not a JSON object, 422 when a
/// field is missing or wrong; `{"error": "..."}` either way.
#[derive(Debug)]
pub struct BadBody {
    status: u16,
    message: String,
}

impl BadBody {
    fn invalid(message: impl Into<String>) -> Self {
        BadBody {
            status: 422,
            message: message.into(),
        }
    }

    fn response(&self) -> Response {
        Response::json(self.status, &json!({ "error": self.message }))
    }
}

fn body_object(request: &Request) -> Result<Map<String, Value>, BadBody> {
    match body_json(request) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(BadBody {
            status: 400,
            message: "the body must be a JSON object".into(),
        }),
        Err(message) => Err(BadBody {
            status: 400,
            message,
        }),
    }
}

/// `{"names": {"shop.example.com": false, ...}}`: the names set so far.
fn dns_json(shared: &Shared) -> Value {
    shared.read_world(|world| json!({ "names": world.dns.to_json() }))
}

/// `{"name": "shop.example.com", "points_here": false}`. Unknown fields are refused, as in
/// fault rules: a misspelt field would otherwise be a test that sets nothing.
fn set_dns_from(shared: &Shared, body: &Map<String, Value>) -> Result<(), BadBody> {
    if let Some(unknown) = body
        .keys()
        .find(|key| !["name", "points_here"].contains(&key.as_str()))
    {
        return Err(BadBody::invalid(format!("unknown field {unknown:?}")));
    }
    let name = match body.get("name") {
        Some(Value::String(name)) => name,
        Some(_) => return Err(BadBody::invalid("\"name\" must be a string")),
        None => return Err(BadBody::invalid("\"name\" is required")),
    };
    let points_here = match body.get("points_here") {
        Some(Value::Bool(flag)) => *flag,
        Some(_) => return Err(BadBody::invalid("\"points_here\" must be true or false")),
        None => return Err(BadBody::invalid("\"points_here\" is required")),
    };
    set_dns(shared, name, points_here).map_err(BadBody::invalid)
}

/// Sets whether a name (normalised as domains are stored) points at the servers.
pub fn set_dns(shared: &Shared, name: &str, points_here: bool) -> Result<(), String> {
    let name = dns::normalise_name(name)?;
    change(shared, |world| world.dns.set(name, points_here));
    Ok(())
}

/// `{"advance_seconds": N}`: moves the emulator clock forward; answers the new clock.
fn advance_clock_from(shared: &Shared, body: &Map<String, Value>) -> Result<Value, BadBody> {
    let seconds = match body.get("advance_seconds") {
        Some(value) => value.as_u64().ok_or_else(|| {
            BadBody::invalid("\"advance_seconds\" must be a non-negative integer")
        })?,
        None => return Err(BadBody::invalid("\"advance_seconds\" is required")),
    };
    advance_clock(shared, seconds).map_err(BadBody::invalid)
}

/// Moves the emulator clock forward by `seconds`; returns the clock as `GET /__emulator/clock`.
pub fn advance_clock(shared: &Shared, seconds: u64) -> Result<Value, String> {
    let mut outcome = Ok(());
    change(shared, |world| outcome = world.clock.advance(seconds));
    outcome?;
    Ok(shared.read_world(|world| world.clock.to_json()))
}

/// A control-plane change of the state (the state file follows).
fn change(shared: &Shared, apply: impl FnOnce(&mut World)) {
    let _ = shared.change_world(|world| {
        apply(world);
        Ok(())
    });
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
