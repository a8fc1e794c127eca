//! What a failed attempt means: the message, whether another attempt may help, and whether
//! the request may have reached RunCloud (and so taken effect).

use super::{transport, Client, Failed, Method, MAX_BODY_BYTES};

impl Client {
    /// A request that could not even be built (nothing was sent).
    pub(super) fn local_failure(&self, method: Method, path: &str, why: &str) -> Failed {
        Failed {
            error: transport(
                method,
                path,
                None,
                format!("cannot build the request: {why}"),
            ),
            attempts: 1,
            retryable: false,
            maybe_processed: false,
            out_of_wait: false,
        }
    }

    /// Classifies a ureq error: message, retryable, may-have-been-processed.
    pub(super) fn transport_failure(
        &self,
        method: Method,
        path: &str,
        e: ureq::Error,
        reading_body: bool,
    ) -> Failed {
        use std::io::ErrorKind as K;
        use ureq::Timeout as T;
        let secs = self.timeout.as_secs_f64();
        let authority = self.authority();
        let (what, retryable, maybe_processed) = match &e {
            ureq::Error::Timeout(T::Connect | T::Resolve) => (
                format!("cannot connect to {}: connect timeout", authority),
                true,
                false,
            ),
            ureq::Error::Timeout(_) => (
                format!("timed out after {secs} s waiting for {}", authority),
                false,
                true,
            ),
            ureq::Error::HostNotFound => (
                format!("cannot resolve the host of {}", authority),
                true,
                false,
            ),
            ureq::Error::ConnectionFailed => {
                (format!("cannot connect to {}", authority), true, false)
            }
            ureq::Error::BodyExceedsLimit(_) => (
                format!(
                    "the answer is larger than {} MiB",
                    MAX_BODY_BYTES / (1024 * 1024)
                ),
                false,
                true,
            ),
            ureq::Error::Rustls(err) => (tls_message(&err.to_string(), &authority), false, false),
            ureq::Error::Tls(err) => (tls_message(err, &authority), false, false),
            ureq::Error::Io(io) => match io.kind() {
                K::ConnectionRefused
                | K::AddrNotAvailable
                | K::NetworkUnreachable
                | K::HostUnreachable
                | K::NotConnected => (
                    format!("cannot connect to {}: {}", authority, io_kind(io)),
                    true,
                    false,
                ),
                K::TimedOut | K::WouldBlock => (
                    format!("timed out after {secs} s waiting for {}", authority),
                    false,
                    true,
                ),
                K::InvalidData if !reading_body => {
                    // rustls reports certificate problems as InvalidData.
                    (tls_message(&io.to_string(), &authority), false, false)
                }
                K::ConnectionReset | K::ConnectionAborted | K::BrokenPipe | K::UnexpectedEof => (
                    format!(
                        "the connection to {} was closed {}",
                        authority,
                        if reading_body {
                            "before the whole answer arrived"
                        } else {
                            "unexpectedly"
                        }
                    ),
                    true,
                    true,
                ),
                _ => (
                    format!("network error with {}: {}", authority, io_kind(io)),
                    true,
                    true,
                ),
            },
            ureq::Error::Protocol(p) => (
                format!("invalid HTTP answer from {}: {p}", authority),
                true,
                true,
            ),
            ureq::Error::LargeResponseHeader(_, _) => (
                format!("the answer's headers from {} are too large", authority),
                false,
                true,
            ),
            other => (
                format!("HTTP error with {}: {other}", authority),
                false,
                true,
            ),
        };
        Failed {
            error: transport(method, path, None, what),
            attempts: 1,
            retryable,
            maybe_processed,
            out_of_wait: false,
        }
    }
}

fn io_kind(io: &std::io::Error) -> String {
    // The kind, not the full text: OS messages are fine, but keep them short and stable.
    let text = io.to_string();
    if text.is_empty() {
        format!("{:?}", io.kind())
    } else {
        text.chars().take(200).collect()
    }
}

fn tls_message(detail: &str, authority: &str) -> String {
    let detail: String = detail.chars().take(300).collect();
    format!(
        "TLS error with {authority}: {detail} (the certificate must be trusted by the system store or WU_RUNCLOUD_CA_FILE)"
    )
}
