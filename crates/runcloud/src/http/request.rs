//! One attempt of a request: the URL, the headers and the timeouts, then the answer read to
//! its end (so that the connection goes back to the pool), its rate-limit headers given to
//! the pacer and a wait RunCloud asked for read.

use std::time::Instant;

use ureq::{http, AsSendBody, Body};

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
        body: Option<&[u8]>,
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
        let mut response = match body {
            Some(json) => {
                let request = builder
                    .header("Content-Type", "application/json")
                    .body(json);
                self.send(request, method, path)?
            }
            None => self.send(builder.body(()), method, path)?,
        };
        let status = response.status().as_u16();
        let headers = response.headers();
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let server_wait = wait::server_wait(
            header("retry-after"),
            header("x-ratelimit-reset"),
            wait::now_unix(),
        );
        let location = header("location").map(str::to_string);
        rate_limit::after_response(
            &self.api_root,
            sent_at,
            status,
            header("x-ratelimit-remaining"),
            header("x-ratelimit-limit"),
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
                earlier_maybe_processed: false,
                gave_up: None,
            },
            server_wait,
        ))
    }

    /// Sends a built request with this call's timeouts (every phase gets the whole timeout,
    /// connecting at most [`CONNECT_TIMEOUT`]).
    fn send<B: AsSendBody>(
        &self,
        request: http::Result<http::Request<B>>,
        method: Method,
        path: &str,
    ) -> std::result::Result<http::Response<Body>, Failed> {
        let request = request.map_err(|e| self.local_failure(method, path, &e.to_string()))?;
        let t = Some(self.timeout);
        let request = self
            .agent
            .configure_request(request)
            .timeout_connect(Some(self.timeout.min(CONNECT_TIMEOUT)))
            .timeout_send_request(t)
            .timeout_send_body(t)
            .timeout_recv_response(t)
            .timeout_recv_body(t)
            .build();
        self.agent
            .run(request)
            .map_err(|e| self.transport_failure(method, path, e, false))
    }
}
