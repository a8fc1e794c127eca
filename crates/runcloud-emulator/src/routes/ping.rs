//! `GET /ping`: proves reachability and credentials [doc].

use serde_json::json;

use crate::http::Response;

pub fn get() -> Response {
    Response::json(200, &json!({ "message": "pong" }))
}
