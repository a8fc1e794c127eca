//! HTTP/1.1 on a raw byte stream: requests are read with `httparse`, responses written by hand.
//!
//! The connection loop (connection.rs) needs the raw stream to drop connections, truncate
//! bodies and count connections, so no HTTP server crate sits in between.

use std::io::{self, Read, Write};

use serde_json::Value;

/// Largest request head (request line + headers) accepted; more is 431.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// Largest request body accepted; more is 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
const MAX_HEADERS: usize = 100;
const READ_CHUNK: usize = 16 * 1024;

/// One parsed request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    /// Path without the query string, as sent (not percent-decoded).
    pub path: String,
    /// Query string without the `?`, as sent.
    pub query: String,
    /// Header names lower-cased.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Whether the client lets the connection stay open after the response.
    pub keep_alive: bool,
}

impl Request {
    /// First value of a header, by case-insensitive name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header_name, _)| header_name.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// One response to write.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    /// Extra headers; `Content-Length` and `Connection` are added when writing.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// A JSON response.
    pub fn json(status: u16, body: &Value) -> Response {
        Response {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_string().into_bytes(),
        }
    }

    /// `{"message": ...}` with the given status: RunCloud's error shape.
    pub fn message(status: u16, message: &str) -> Response {
        Response::json(status, &serde_json::json!({ "message": message }))
    }

    /// Adds a header (replacing one of the same name).
    pub fn with_header(mut self, name: &str, value: &str) -> Response {
        self.set_header(name, value);
        self
    }

    /// Sets a header, replacing one of the same name.
    pub fn set_header(&mut self, name: &str, value: &str) {
        self.headers
            .retain(|(header_name, _)| !header_name.eq_ignore_ascii_case(name));
        self.headers.push((name.to_string(), value.to_string()));
    }

    /// Serialises status line, headers and body. `body_limit` cuts the body (truncation faults)
    /// while `Content-Length` still announces the whole body.
    pub fn to_bytes(&self, keep_alive: bool, body_limit: Option<usize>) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\n",
            self.status,
            reason_phrase(self.status)
        );
        for (name, value) in &self.headers {
            if name.eq_ignore_ascii_case("content-length")
                || name.eq_ignore_ascii_case("connection")
            {
                continue;
            }
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str(&format!("Content-Length: {}\r\n", self.body.len()));
        head.push_str(if keep_alive {
            "Connection: keep-alive\r\n"
        } else {
            "Connection: close\r\n"
        });
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        let body_end = body_limit.map_or(self.body.len(), |limit| limit.min(self.body.len()));
        bytes.extend_from_slice(&self.body[..body_end]);
        bytes
    }
}

/// The standard reason phrase of a status code.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        505 => "HTTP Version Not Supported",
        520 => "Web Server Returned an Unknown Error",
        _ => "Unknown",
    }
}

/// Why no request could be read.
#[derive(Debug)]
pub enum ReadError {
    /// The peer closed the connection or the socket failed: nothing to answer.
    Closed,
    /// The request is malformed: answer this and close the connection.
    Reject(Response),
}

impl From<io::Error> for ReadError {
    fn from(_: io::Error) -> Self {
        ReadError::Closed
    }
}

/// A stream with a read buffer that still lets us write (for `100 Continue` and responses).
pub struct HttpStream<S> {
    stream: S,
    buffer: Vec<u8>,
}

impl<S: Read + Write> HttpStream<S> {
    pub fn new(stream: S) -> Self {
        HttpStream {
            stream,
            buffer: Vec::new(),
        }
    }

    /// The underlying stream, to write responses.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.stream
    }

    /// Reads more bytes into the buffer; `Closed` on EOF.
    fn fill(&mut self) -> Result<(), ReadError> {
        let mut chunk = [0u8; READ_CHUNK];
        let count = self.stream.read(&mut chunk)?;
        if count == 0 {
            return Err(ReadError::Closed);
        }
        self.buffer.extend_from_slice(&chunk[..count]);
        Ok(())
    }

    /// Reads the next request. `Ok(None)` when the peer closed cleanly between requests.
    pub fn read_request(&mut self) -> Result<Option<Request>, ReadError> {
        let (mut request, head_length, body_framing) = loop {
            if let Some(parsed) = parse_head(&self.buffer)? {
                break parsed;
            }
            if self.buffer.len() > MAX_HEAD_BYTES {
                return Err(ReadError::Reject(Response::message(
                    431,
                    "Request header fields too large.",
                )));
            }
            match self.fill() {
                Ok(()) => {}
                Err(ReadError::Closed) if self.buffer.is_empty() => return Ok(None),
                Err(error) => return Err(error),
            }
        };
        self.buffer.drain(..head_length);

        if body_framing != BodyFraming::None
            && request
                .header("expect")
                .is_some_and(|value| value.eq_ignore_ascii_case("100-continue"))
        {
            self.stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
            self.stream.flush()?;
        }
        request.body = match body_framing {
            BodyFraming::None => Vec::new(),
            BodyFraming::Length(length) => self.take_exact(length)?,
            BodyFraming::Chunked => self.read_chunked_body()?,
        };
        Ok(Some(request))
    }

    fn take_exact(&mut self, length: usize) -> Result<Vec<u8>, ReadError> {
        while self.buffer.len() < length {
            self.fill()?;
        }
        Ok(self.buffer.drain(..length).collect())
    }

    /// One CRLF-terminated line, without the CRLF.
    fn take_line(&mut self) -> Result<Vec<u8>, ReadError> {
        loop {
            if let Some(position) = self.buffer.windows(2).position(|pair| pair == b"\r\n") {
                let line: Vec<u8> = self.buffer.drain(..position + 2).take(position).collect();
                return Ok(line);
            }
            if self.buffer.len() > MAX_HEAD_BYTES {
                return Err(bad_request("Malformed chunked body."));
            }
            self.fill()?;
        }
    }

    fn read_chunked_body(&mut self) -> Result<Vec<u8>, ReadError> {
        let mut body = Vec::new();
        loop {
            let size_line = self.take_line()?;
            let size_text = String::from_utf8_lossy(&size_line);
            let size_digits = size_text.split(';').next().unwrap_or("").trim();
            let size = usize::from_str_radix(size_digits, 16)
                .map_err(|_| bad_request("Malformed chunk size in chunked body."))?;
            if size == 0 {
                // Trailers, if any, end with an empty line; they are ignored.
                while !self.take_line()?.is_empty() {}
                return Ok(body);
            }
            if body.len().saturating_add(size) > MAX_BODY_BYTES {
                return Err(too_large());
            }
            body.extend(self.take_exact(size)?);
            if !self.take_line()?.is_empty() {
                return Err(bad_request("Chunk data not followed by CRLF."));
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyFraming {
    None,
    Length(usize),
    Chunked,
}

fn bad_request(message: &str) -> ReadError {
    ReadError::Reject(Response::message(400, message))
}

fn too_large() -> ReadError {
    ReadError::Reject(Response::message(
        413,
        "The request body is larger than 1 MiB.",
    ))
}

/// Parses a complete request head, or `None` when more bytes are needed.
fn parse_head(buffer: &[u8]) -> Result<Option<(Request, usize, BodyFraming)>, ReadError> {
    let mut header_slots = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut parsed = httparse::Request::new(&mut header_slots);
    let head_length = match parsed.parse(buffer) {
        Ok(httparse::Status::Complete(length)) => length,
        Ok(httparse::Status::Partial) => return Ok(None),
        Err(httparse::Error::TooManyHeaders) => {
            return Err(ReadError::Reject(Response::message(
                431,
                "Too many request headers.",
            )))
        }
        Err(error) => return Err(bad_request(&format!("Malformed HTTP request: {error}."))),
    };
    if head_length > MAX_HEAD_BYTES {
        return Err(ReadError::Reject(Response::message(
            431,
            "Request header fields too large.",
        )));
    }
    let (Some(method), Some(target), Some(minor_version)) =
        (parsed.method, parsed.path, parsed.version)
    else {
        return Err(bad_request("Malformed HTTP request line."));
    };

    let mut headers = Vec::with_capacity(parsed.headers.len());
    for header in parsed.headers.iter() {
        let value = std::str::from_utf8(header.value)
            .map_err(|_| bad_request("Header values must be ASCII/UTF-8."))?;
        headers.push((header.name.to_ascii_lowercase(), value.trim().to_string()));
    }

    let (path, query) = match target.split_once('?') {
        Some((path, query)) => (path.to_string(), query.to_string()),
        None => (target.to_string(), String::new()),
    };
    let mut request = Request {
        method: method.to_string(),
        path,
        query,
        headers,
        body: Vec::new(),
        keep_alive: false,
    };
    request.keep_alive = wants_keep_alive(&request, minor_version);
    let framing = body_framing(&request)?;
    Ok(Some((request, head_length, framing)))
}

/// HTTP/1.1 keeps the connection unless `Connection: close`; HTTP/1.0 only with `keep-alive`.
fn wants_keep_alive(request: &Request, minor_version: u8) -> bool {
    let connection_tokens = request
        .header("connection")
        .unwrap_or("")
        .to_ascii_lowercase();
    let has_token = |token: &str| connection_tokens.split(',').any(|t| t.trim() == token);
    if minor_version >= 1 {
        !has_token("close")
    } else {
        has_token("keep-alive")
    }
}

fn body_framing(request: &Request) -> Result<BodyFraming, ReadError> {
    if let Some(encoding) = request.header("transfer-encoding") {
        if encoding.eq_ignore_ascii_case("chunked") {
            return Ok(BodyFraming::Chunked);
        }
        return Err(ReadError::Reject(Response::message(
            501,
            "Only the chunked transfer encoding is supported.",
        )));
    }
    let lengths: Vec<&str> = request
        .headers
        .iter()
        .filter(|(name, _)| name == "content-length")
        .map(|(_, value)| value.as_str())
        .collect();
    let Some(first) = lengths.first() else {
        return Ok(BodyFraming::None);
    };
    if lengths.iter().any(|other| other != first) {
        return Err(bad_request("Conflicting Content-Length headers."));
    }
    if first.is_empty() || !first.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(bad_request("Invalid Content-Length."));
    }
    let length: usize = first.parse().map_err(|_| too_large())?;
    if length > MAX_BODY_BYTES {
        return Err(too_large());
    }
    Ok(if length == 0 {
        BodyFraming::None
    } else {
        BodyFraming::Length(length)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    /// An in-memory duplex stream: reads from `input`, collects writes.
    struct Duplex {
        input: Cursor<Vec<u8>>,
        output: Vec<u8>,
    }

    impl Read for Duplex {
        fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
            self.input.read(buffer)
        }
    }

    impl Write for Duplex {
        fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
            self.output.extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    fn stream(input: &[u8]) -> HttpStream<Duplex> {
        HttpStream::new(Duplex {
            input: Cursor::new(input.to_vec()),
            output: Vec::new(),
        })
    }

    fn rejected_status(result: Result<Option<Request>, ReadError>) -> u16 {
        match result {
            Err(ReadError::Reject(response)) => response.status,
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn reads_two_pipelined_requests() {
        let mut http = stream(
            b"POST /a?x=1 HTTP/1.1\r\nContent-Length: 3\r\n\r\nabcGET /b HTTP/1.1\r\nConnection: close\r\n\r\n",
        );
        let first = http.read_request().ok().flatten().expect("first request");
        assert_eq!(
            (
                first.method.as_str(),
                first.path.as_str(),
                first.query.as_str()
            ),
            ("POST", "/a", "x=1")
        );
        assert_eq!(first.body, b"abc");
        assert!(first.keep_alive);
        let second = http.read_request().ok().flatten().expect("second request");
        assert_eq!(second.path, "/b");
        assert!(!second.keep_alive);
        assert!(matches!(http.read_request(), Ok(None)));
    }

    #[test]
    fn decodes_chunked_bodies() {
        let mut http = stream(
            b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n",
        );
        let request = http.read_request().ok().flatten().expect("request");
        assert_eq!(request.body, b"abcde");
    }

    #[test]
    fn rejects_malformed_requests() {
        assert_eq!(
            rejected_status(stream(b"GARBAGE\r\n\r\n").read_request()),
            400
        );
        assert_eq!(
            rejected_status(stream(b"POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n").read_request()),
            400
        );
        assert_eq!(
            rejected_status(
                stream(b"POST / HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n").read_request()
            ),
            413
        );
        assert_eq!(
            rejected_status(
                stream(b"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").read_request()
            ),
            501
        );
        assert_eq!(
            rejected_status(
                stream(b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
                    .read_request()
            ),
            400
        );
    }

    #[test]
    fn truncated_body_is_a_closed_connection() {
        let mut http = stream(b"POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc");
        assert!(matches!(http.read_request(), Err(ReadError::Closed)));
    }

    #[test]
    fn answers_expect_continue() {
        let mut http =
            stream(b"POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok");
        let request = http.read_request().ok().flatten().expect("request");
        assert_eq!(request.body, b"ok");
        assert!(http.get_mut().output.starts_with(b"HTTP/1.1 100 Continue"));
    }

    #[test]
    fn writes_responses_with_length_and_connection() {
        let response = Response::message(404, "Not Found.");
        let text = String::from_utf8(response.to_bytes(false, None)).expect("utf8");
        assert!(text.starts_with("HTTP/1.1 404 Not Found\r\n"));
        assert!(text.contains("Content-Length: 24\r\n"));
        assert!(text.contains("Connection: close\r\n"));
        assert!(text.ends_with("{\"message\":\"Not Found.\"}"));
        let truncated = response.to_bytes(true, Some(5));
        assert!(truncated.ends_with(b"\r\n\r\n{\"mes"));
    }
}
