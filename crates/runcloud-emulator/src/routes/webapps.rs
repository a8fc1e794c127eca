//! `GET /servers/{S}/webapps/{W}`: the bare web app object [doc].

use crate::http::Response;
use crate::routes::{respond, with_app, AppKey};
use crate::shared::Shared;

pub fn get(shared: &Shared, key: AppKey) -> Response {
    respond(with_app(shared, key, |app| {
        Ok(Response::json(200, &app.to_json()))
    }))
}
