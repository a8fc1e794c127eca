//! One attempt of a request: the URL, the headers and the timeouts, then the answer read to
//! its end (so that the connection goes back to the pool), its rate-limit headers given to
//! the pacer and a wait RunCloud asked for read.

use std::time::Instant;

use serde_json::Value;
use ureq::http;

use super::wait::{self, ServerWait};
use super::{rate_limit, Client, Failed, Method, Reply, MAX_BODY_BYTES};
use crate::config::CONNECT_TIMEOUT;

impl Client {
    /// One attempt: send, read the whole body (so the connection goes back to the pool).
    pub(super) fn attempt(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&Value>,
        sent_at: Instant,
    ) -> std::result::Result<(Reply, Option<ServerWait>), Failed> {
        let mut url = format!("{}{}", self.base, path);
        for (i, (k, v)) in query.iter().enumerate() {
            url.push(if i == 0 { '?' } else { '&' });
            url.push_str(k);
            url.push('=');
            url.push_str(v);
        }
        let builder = http::Request::builder()
            .method(method.as_str())
            .uri(&url)
            .header("Authorization", self.authorization.expose());
        let t = Some(self.timeout);
        let connect = Some(self.timeout.min(CONNECT_TIMEOUT));
        let result = match body {
            Some(v) => {
                let bytes = serde_json::to_vec(v).unwrap_or_default();
                builder
                    .header("Content-Type", "application/json")
                    .body(bytes)
                    .map_err(|e| self.local_failure(method, path, &e.to_string()))
                    .and_then(|req| {
                        let req = self
                            .agent
                            .configure_request(req)
                            .timeout_connect(connect)
                            .timeout_send_request(t)
                            .timeout_send_body(t)
                            .timeout_recv_response(t)
                            .timeout_recv_body(t)
                            .build();
                        self.agent
                            .run(req)
                            .map_err(|e| self.transport_failure(method, path, e, false))
                    })
            }
            None => builder
                .body(())
                .map_err(|e| self.local_failure(method, path, &e.to_string()))
                .and_then(|req| {
                    let req = self
                        .agent
                        .configure_request(req)
                        .timeout_connect(connect)
                        .timeout_send_request(t)
                        .timeout_recv_response(t)
                        .timeout_recv_body(t)
                        .build();
                    self.agent
                        .run(req)
                        .map_err(|e| self.transport_failure(method, path, e, false))
                }),
        };
        let mut response = result?;
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let server_wait = wait::server_wait(
            header("retry-after").as_deref(),
            header("x-ratelimit-reset").as_deref(),
            wait::now_unix(),
        );
        let location = header("location");
        rate_limit::after_response(
            &self.pace_key,
            sent_at,
            status,
            header("x-ratelimit-remaining").as_deref(),
            header("x-ratelimit-limit").as_deref(),
        );
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_BODY_BYTES)
            .read_to_vec()
            .map_err(|e| self.transport_failure(method, path, e, true))?;
        Ok((
            Reply {
                method,
                path: path.to_string(),
                status,
                body,
                location,
                attempts: 1,
                gave_up: None,
            },
            server_wait,
        ))
    }
}
