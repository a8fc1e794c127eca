//! TLS for the agent: rustls with the platform verifier (system CA store) plus the PEM bundle
//! of WU_RUNCLOUD_CA_FILE.
//!
//! ureq 3.5 offers either the platform verifier or a fixed root list, not both, so this
//! connector does the TLS step itself with a `rustls::ClientConfig` whose verifier is
//! `rustls_platform_verifier::Verifier::new_with_extra_roots(ca_file_roots)`. It is modelled on
//! ureq's own `RustlsConnector` and sits in the same place of the connector chain. There is no
//! way to switch verification off.

use std::fmt;
use std::io::{Read, Write};
use std::sync::{Arc, OnceLock};

use rustls::{ClientConfig, ClientConnection, StreamOwned};
use rustls_pki_types::{CertificateDer, ServerName};
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
        let mut sock = TransportAdapter::new(transport.boxed(), details.current_time.clone());
        sock.set_timeout(details.timeout);
        conn.complete_io(&mut sock)?;
        let buffers = LazyBuffers::new(
            details.config.input_buffer_size(),
            details.config.output_buffer_size(),
        );
        Ok(Some(Either::B(TlsTransport {
            buffers,
            stream: StreamOwned { conn, sock },
        })))
    }
}

pub(crate) struct TlsTransport {
    buffers: LazyBuffers,
    stream: StreamOwned<ClientConnection, TransportAdapter>,
}

impl fmt::Debug for TlsTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TlsTransport")
    }
}

impl Transport for TlsTransport {
    fn buffers(&mut self) -> &mut dyn Buffers {
        &mut self.buffers
    }

    fn transmit_output(&mut self, amount: usize, timeout: NextTimeout) -> Result<(), ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let output = self.buffers.output();
        let output = output.get(..amount).unwrap_or(output);
        self.stream.write_all(output)?;
        Ok(())
    }

    fn await_input(&mut self, timeout: NextTimeout) -> Result<bool, ureq::Error> {
        self.stream.get_mut().set_timeout(timeout);
        let input = self.buffers.input_append_buf();
        let amount = self.stream.read(input)?;
        self.buffers.input_appended(amount);
        Ok(amount > 0)
    }

    fn is_open(&mut self) -> bool {
        self.stream.get_mut().get_mut().is_open()
    }

    fn is_tls(&self) -> bool {
        true
    }
}
