//! A deliberately small HTTP/1.1 client for the emulator tests: raw sockets, so tests can see
//! keep-alive, dropped connections and truncated bodies exactly as they happen on the wire.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use runcloud_emulator::{Emulator, EmulatorConfig};
use serde_json::Value;

pub const TOKEN: &str = "test-token";
pub const API_KEY: &str = "test-key";
pub const API_SECRET: &str = "test-secret";
/// `Basic base64("test-key:test-secret")`.
pub const BASIC: &str = "Basic dGVzdC1rZXk6dGVzdC1zZWNyZXQ=";
pub const BEARER: &str = "Bearer test-token";

/// A configuration with every credential set.
pub fn config() -> EmulatorConfig {
    EmulatorConfig {
        token: Some(TOKEN.into()),
        api_key: Some(API_KEY.into()),
        api_secret: Some(API_SECRET.into()),
        ..EmulatorConfig::default()
    }
}

pub fn start(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).expect("the emulator starts")
}

/// A parsed response.
#[derive(Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|error| {
            panic!(
                "status {} body is not JSON ({error}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// What went wrong reading a response.
#[derive(Debug)]
pub enum ResponseError {
    /// The connection closed before any byte of a response.
    ClosedBeforeResponse,
    /// The connection closed in the middle of the body.
    TruncatedBody {
        received: usize,
        announced: usize,
    },
    /// Bytes that are not an HTTP response.
    Malformed(String),
    Io(io::Error),
}

/// One persistent connection.
pub struct Connection<S> {
    stream: S,
    buffer: Vec<u8>,
    host: String,
}

impl Connection<TcpStream> {
    pub fn open(emulator: &Emulator) -> Self {
        let address = emulator.local_addr();
        let stream = TcpStream::connect(address).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .expect("timeout");
        Connection::over(stream, &address.to_string())
    }
}

impl<S: Read + Write> Connection<S> {
    pub fn over(stream: S, host: &str) -> Self {
        Connection {
            stream,
            buffer: Vec::new(),
            host: host.to_string(),
        }
    }

    /// Sends raw bytes (for malformed requests).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write");
        self.stream.flush().expect("flush");
    }

    /// Sends a request with `Host`, optional `Authorization` and a JSON or raw body.
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        authorization: Option<&str>,
        body: Option<(&str, &[u8])>,
    ) -> Result<HttpResponse, ResponseError> {
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAccept: application/json\r\n",
            self.host
        );
        if let Some(authorization) = authorization {
            head.push_str(&format!("Authorization: {authorization}\r\n"));
        }
        if let Some((content_type, body)) = body {
            head.push_str(&format!(
                "Content-Type: {content_type}\r\nContent-Length: {}\r\n",
                body.len()
            ));
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        if let Some((_, body)) = body {
            bytes.extend_from_slice(body);
        }
        self.stream.write_all(&bytes).map_err(ResponseError::Io)?;
        self.stream.flush().map_err(ResponseError::Io)?;
        self.read_response()
    }

    pub fn read_response(&mut self) -> Result<HttpResponse, ResponseError> {
        loop {
            let mut headers = [httparse::EMPTY_HEADER; 64];
            let mut parsed = httparse::Response::new(&mut headers);
            let parse_result = parsed
                .parse(&self.buffer)
                .map_err(|error| ResponseError::Malformed(error.to_string()))?;
            if let httparse::Status::Complete(head_length) = parse_result {
                let status = parsed.code.expect("status");
                let headers: Vec<(String, String)> = parsed
                    .headers
                    .iter()
                    .map(|header| {
                        (
                            header.name.to_string(),
                            String::from_utf8_lossy(header.value).into_owned(),
                        )
                    })
                    .collect();
                let announced: usize = headers
                    .iter()
                    .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
                    .map(|(_, value)| value.parse().expect("numeric length"))
                    .expect("Content-Length");
                self.buffer.drain(..head_length);
                while self.buffer.len() < announced {
                    if !self.fill()? {
                        return Err(ResponseError::TruncatedBody {
                            received: self.buffer.len(),
                            announced,
                        });
                    }
                }
                let body = self.buffer.drain(..announced).collect();
                if status == 100 {
                    continue;
                }
                return Ok(HttpResponse {
                    status,
                    headers,
                    body,
                });
            }
            if !self.fill()? {
                return Err(if self.buffer.is_empty() {
                    ResponseError::ClosedBeforeResponse
                } else {
                    ResponseError::TruncatedBody {
                        received: self.buffer.len(),
                        announced: 0,
                    }
                });
            }
        }
    }

    /// Whether the server has closed the connection (reads EOF or an error).
    pub fn is_closed_by_server(&mut self) -> bool {
        matches!(self.fill(), Ok(false) | Err(_))
    }

    fn fill(&mut self) -> Result<bool, ResponseError> {
        let mut chunk = [0u8; 8192];
        match self.stream.read(&mut chunk) {
            Ok(0) => Ok(false),
            Ok(count) => {
                self.buffer.extend_from_slice(&chunk[..count]);
                Ok(true)
            }
            Err(error)
                if matches!(
                    error.kind(),
                    io::ErrorKind::ConnectionReset | io::ErrorKind::ConnectionAborted
                ) =>
            {
                Ok(false)
            }
            Err(error) => Err(ResponseError::Io(error)),
        }
    }
}

/// One request on a fresh connection; panics on transport errors.
pub fn call(
    emulator: &Emulator,
    method: &str,
    path: &str,
    authorization: Option<&str>,
    json_body: Option<Value>,
) -> HttpResponse {
    let body = json_body.map(|value| value.to_string().into_bytes());
    Connection::open(emulator)
        .request(
            method,
            path,
            authorization,
            body.as_deref().map(|body| ("application/json", body)),
        )
        .unwrap_or_else(|error| panic!("{method} {path}: {error:?}"))
}

/// A v3 request with the Bearer token.
pub fn v3(emulator: &Emulator, method: &str, path: &str, json_body: Option<Value>) -> HttpResponse {
    call(
        emulator,
        method,
        &format!("/api/v3{path}"),
        Some(BEARER),
        json_body,
    )
}

/// A v2 request with key and secret.
pub fn v2(emulator: &Emulator, method: &str, path: &str, json_body: Option<Value>) -> HttpResponse {
    call(
        emulator,
        method,
        &format!("/api/v2{path}"),
        Some(BASIC),
        json_body,
    )
}

/// A control-plane request.
pub fn control(
    emulator: &Emulator,
    method: &str,
    path: &str,
    json_body: Option<Value>,
) -> HttpResponse {
    call(
        emulator,
        method,
        &format!("/__emulator{path}"),
        None,
        json_body,
    )
}

/// The usual body for adding a domain.
pub fn new_domain(name: &str) -> Value {
    serde_json::json!({"name": name, "www": false, "redirection": "none", "type": "alias"})
}
