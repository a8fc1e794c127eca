//! TLS for the agent: rustls with the platform verifier (system CA store) plus the PEM bundle
//! of WU_RUNCLOUD_CA_FILE.
//!
//! ureq 3.5 offers either the platform verifier or a fixed root list, not both, so this
//! connector does the TLS step itself with a `rustls::ClientConfig` whose verifier is
//! `rustls_platform_verifier::Verifier::new_with_extra_roots(ca_file_roots)`. It is modelled on
//! ureq's own `RustlsConnector` and sits in the same place of the connector chain. There is no
//! way to switch verification off.
//!
//! System calls saved per request, each measured with `strace -c` (bench/ANALYSIS.md):
//! - ureq writes a request's head and its body separately; sent as they come, a POST or PUT
//!   takes two TLS records and two `sendto`. The output is encrypted at once but written to
//!   the socket when the answer is awaited (or when 16 KiB wait), so a request is one write.
//! - ureq checks a pooled connection twice, when it returns to the pool and when it is taken
//!   out (a non-blocking one-byte read between two `ioctl`s each time). Only the second
//!   check is made here: it sees everything the first would (the server closed the
//!   connection, or sent bytes after the answer), and it is the one that matters.
//! - ureq's TCP layer sets `SO_RCVTIMEO`/`SO_SNDTIMEO` whenever the time left changes, which
//!   is every request. Under TLS the time left is handed to it rounded up to a step of
//!   2^(1/32) (at most 2.2 % longer, [`CoarseTimeouts`]), so an unchanged timeout is not set
//!   again; the deadline itself is still checked by ureq before every read and write, so a
//!   server that drips its answer still hits it.

use std::fmt;
use std::io::{Read, Write};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rustls::{ClientConfig, ClientConnection, StreamOwned};
use rustls_pki_types::{CertificateDer, ServerName};
use ureq::unversioned::transport::time::Duration as TimeoutDuration;
use ureq::unversioned::transport::{
    Buffers, ConnectionDetails, Connector, Either, LazyBuffers, NextTimeout, Transport,
    TransportAdapter,
};

/// Wraps the TCP transport in TLS for `https://` URLs; passes `http://` (loopback only,
/// enforced by the configuration) through untouched.
pub(crate) struct TlsConnector {
    extra_roots: Vec<CertificateDer<'static>>,
    /// Built on first use: an http:// loopback setup must work on a host whose system CA
    /// store is empty or unreadable. Errors are kept as text and reported on every connect.
    config: OnceLock<Result<Arc<ClientConfig>, String>>,
}

impl TlsConnector {
    pub(crate) fn new(extra_roots: Vec<CertificateDer<'static>>) -> Self {
        TlsConnector {
            extra_roots,
            config: OnceLock::new(),
        }
    }

    /// Builds the verifier eagerly; used to check a CA file before any request.
    pub(crate) fn preflight(&self) -> Result<(), String> {
        self.client_config().map(|_| ())
    }

    fn client_config(&self) -> Result<Arc<ClientConfig>, String> {
        self.config
            .get_or_init(|| build_config(&self.extra_roots))
            .clone()
    }
}

fn build_config(extra_roots: &[CertificateDer<'static>]) -> Result<Arc<ClientConfig>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(
        extra_roots.iter().cloned(),
        provider.clone(),
    )
    .map_err(|e| format!("cannot set up certificate verification: {e}"))?;
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        // Not "dangerous": the platform verifier performs full verification.
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(Arc::new(config))
}

impl fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConnector")
            .field("extra_roots", &self.extra_roots.len())
            .finish()
    }
}

impl<In: Transport> Connector<In> for TlsConnector {
    type Out = Either<In, TlsTransport>;

    fn connect(
        &self,
        details: &ConnectionDetails,
        chained: Option<In>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let Some(transport) = chained else {
            return Err(ureq::Error::ConnectionFailed);
        };
        if !details.needs_tls() || transport.is_tls() {
            return Ok(Some(Either::A(transport)));
        }
        let config = self
            .client_config()
            // InvalidData: classified as a TLS problem (not retried), like certificate errors.
            .map_err(|e| {
                ureq::Error::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e))
            })?;
        let host = details
            .uri
            .host()
            .ok_or(ureq::Error::Tls("URL without a host"))?;
        // `Uri::host()` keeps the brackets of an IPv6 literal.
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let name = ServerName::try_from(host.to_string())
            .map_err(|_| ureq::Error::Tls("invalid TLS server name"))?;
        let mut conn = ClientConnection::new(config, name)?;
        let socket = CoarseTimeouts(transport.boxed()).boxed();
        let mut sock = TransportAdapter::new(socket, details.current_time.clone());
        sock.set_timeout(details.timeout);
        conn.complete_io(&mut sock)?;
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(TlsTransport {
            buffers,
            stream: StreamOwned { conn, sock },
            checked_since_io: true,
            unsent: 0,
            records: Vec::new(),
        })))
    }
}

pub(crate) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
    /// Whether `is_open` was asked since the last read or write (see the module docs).
    checked_since_io: bool,
    /// Plaintext bytes encrypted but not yet written to the socket.
    unsent: usize,
    /// The records of one write (kept to spare an allocation per request).
    records: Vec<u8>,
}

/// Unsent output that is written at once rather than with the rest of the request (more
/// than any RunCloud request, whose bodies are a few hundred bytes).
const SEND_AT: usize = 16 * 1024;

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsTransport")
    }
}

/// Writes the encrypted records waiting in rustls to the socket, in one write: rustls hands
/// them out one record at a time, which would be one `sendto` each. `records` is scratch.
fn send_pending(
    stream: &mut StreamOwned<ClientConnection, TransportAdapter>,
    records: &mut Vec<u8>,
) -> std::io::Result<()> {
    records.clear();
    while stream.conn.wants_write() {
        stream.conn.write_tls(records)?;
    }
    stream.sock.write_all(records)
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.checked_since_io = false;
        self.stream.get_mut().set_timeout(timeout);
        let output = self.buffers.output();
        let mut output = output.get(..amount).unwrap_or(output);
        // Encrypted now, sent with whatever follows (see the module docs).
        while !output.is_empty() {
            match self.stream.conn.writer().write(output)? {
                // rustls's buffer is full: make room (nothing to send means it takes no more).
                0 if self.stream.conn.wants_write() => {
                    send_pending(&mut self.stream, &mut self.records)?
                }
                0 => return Err(std::io::Error::from(std::io::ErrorKind::WriteZero).into()),
                n => {
                    self.unsent += n;
                    output = output.get(n..).unwrap_or_default();
                }
            }
        }
        if self.unsent >= SEND_AT {
            send_pending(&mut self.stream, &mut self.records)?;
            self.unsent = 0;
        }
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.checked_since_io = false;
        self.stream.get_mut().set_timeout(timeout);
        send_pending(&mut self.stream, &mut self.records)?;
        self.unsent = 0;
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        // The first check after the answer was read (the connection going back to the pool)
        // is skipped; the next one (taking it out for a request) probes the socket.
        if !std::mem::replace(&mut self.checked_since_io, true) {
            return true;
        }
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}

/// The TCP transport under TLS, handed its timeouts [`coarse`].
struct CoarseTimeouts(Box<dyn Transport>);

impl fmt::Debug for CoarseTimeouts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CoarseTimeouts")
    }
}

impl Transport for CoarseTimeouts {
    fn buffers(&mut self) -> &mut dyn Buffers {
        self.0.buffers()
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.0.transmit_output(amount, coarse(timeout))
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.0.await_input(coarse(timeout))
    }

    fn is_open(&mut self) -> bool {
        self.0.is_open()
    }

    fn is_tls(&self) -> bool {
        self.0.is_tls()
    }
}

/// `timeout` with the time left rounded up to the next power of 2^(1/32) seconds (…, 0.979,
/// 1, 1.022, …, 29.99, 30.64 s): the same value request after request, so that ureq's TCP
/// layer does not set the socket timeouts again each time. Zero (the deadline passed) stays
/// zero.
fn coarse(mut timeout: NextTimeout) -> NextTimeout {
    if let TimeoutDuration::Exact(left) = timeout.after {
        timeout.after = TimeoutDuration::Exact(round_up(left));
    }
    timeout
}

fn round_up(left: Duration) -> Duration {
    let secs = left.as_secs_f64();
    if secs <= 0.0 || !secs.is_finite() {
        return left;
    }
    let step = (secs.log2() * 32.0).ceil() / 32.0;
    let rounded = Duration::try_from_secs_f64(step.exp2()).unwrap_or(left);
    // Floating point must never make it shorter.
    rounded.max(left)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_round_up_to_a_fixed_ladder() {
        for (left, up_to) in [
            (0.5, 0.5),
            (0.4999, 0.5),
            (1.0, 1.0),
            (29.9999, 32.0),
            (30.0, 32.0),
        ] {
            let rounded = round_up(Duration::from_secs_f64(left));
            assert!(rounded >= Duration::from_secs_f64(left), "{left}");
            assert!(
                rounded.as_secs_f64() <= up_to + 1e-9,
                "{left} -> {rounded:?}"
            );
        }
        // The time left of successive requests maps to one value: nothing to set again.
        let a = round_up(Duration::from_millis(29_997));
        let b = round_up(Duration::from_millis(29_999));
        assert_eq!(a, b);
        // Never more than 2^(1/8) longer.
        for ms in [1u64, 7, 250, 999, 1001, 10_000, 123_456] {
            let left = Duration::from_millis(ms);
            assert!(
                round_up(left).as_secs_f64() <= left.as_secs_f64() * 1.0906 + 1e-9,
                "{ms}"
            );
        }
        assert_eq!(round_up(Duration::ZERO), Duration::ZERO);
    }
}
