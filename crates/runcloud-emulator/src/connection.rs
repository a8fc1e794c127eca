//! One client connection: HTTP/1.1 keep-alive loop over a plain or TLS stream.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use rustls::{ServerConnection, StreamOwned};

use crate::dispatch::{dispatch, Outcome};
use crate::http::{HttpStream, ReadError, Response};
use crate::shared::Shared;

/// How long a closing connection keeps reading what the client still sends, and how much.
const LINGER_TIME: Duration = Duration::from_millis(500);
const LINGER_BYTES: usize = 2 * 1024 * 1024;

/// A stream that can end politely after a `Connection: close` response.
pub trait GracefulClose {
    /// Signals the end of our side, then reads (and discards) what the client is still
    /// sending for a short while: closing a socket with unread input makes the kernel send
    /// a reset, which can destroy the response before the client reads it (e.g. a 413
    /// answered before the body was read).
    fn close_gracefully(&mut self);
}

impl GracefulClose for TcpStream {
    fn close_gracefully(&mut self) {
        let _ = self.shutdown(Shutdown::Write);
        linger(self);
    }
}

impl GracefulClose for StreamOwned<ServerConnection, TcpStream> {
    fn close_gracefully(&mut self) {
        self.conn.send_close_notify();
        let _ = self.flush();
        let _ = self.sock.shutdown(Shutdown::Write);
        linger(&mut self.sock);
    }
}

fn linger(socket: &mut TcpStream) {
    let deadline = Instant::now() + LINGER_TIME;
    let mut discarded = 0;
    let mut scratch = [0u8; 16 * 1024];
    while discarded < LINGER_BYTES {
        let now = Instant::now();
        if now >= deadline || socket.set_read_timeout(Some(deadline - now)).is_err() {
            return;
        }
        match socket.read(&mut scratch) {
            Ok(0) | Err(_) => return,
            Ok(count) => discarded += count,
        }
    }
}

/// Serves requests until the client closes, asks to close, or a fault ends the connection.
pub fn serve<S: Read + Write + GracefulClose>(shared: &Shared, stream: S) {
    let mut http = HttpStream::new(stream);
    while !shared.is_shutting_down() {
        let request = match http.read_request() {
            Ok(Some(request)) => request,
            Ok(None) | Err(ReadError::Closed) => return,
            Err(ReadError::Reject(response)) => {
                // The stream may be mid-body: answer and close rather than guess where the
                // next request starts.
                if write_response(http.get_mut(), &response, false, None) {
                    http.get_mut().close_gracefully();
                }
                return;
            }
        };
        let keep_alive = request.keep_alive;
        match dispatch(shared, &request) {
            Outcome::Respond(response) => {
                if !write_response(http.get_mut(), &response, keep_alive, None) {
                    return;
                }
                if !keep_alive {
                    http.get_mut().close_gracefully();
                    return;
                }
            }
            Outcome::RespondTruncated(response) => {
                let half = response.body.len() / 2;
                write_response(http.get_mut(), &response, false, Some(half));
                return;
            }
            Outcome::Drop => return,
        }
    }
}

/// Writes one response; false when the client is gone.
fn write_response<S: Write>(
    stream: &mut S,
    response: &Response,
    keep_alive: bool,
    body_limit: Option<usize>,
) -> bool {
    let bytes = response.to_bytes(keep_alive, body_limit);
    stream
        .write_all(&bytes)
        .and_then(|()| stream.flush())
        .is_ok()
}
