//! The running emulator, for tests (in-process) and for the binary.

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

use crate::config::EmulatorConfig;
use crate::control;
use crate::request_log::RecordedRequest;
use crate::server::{self, ConnectionRegistry};
use crate::shared::{lock, Shared};
use crate::tls;

/// How long `Drop` tries to reach its own listener to wake the accept loop.
const WAKE_TIMEOUT: Duration = Duration::from_secs(1);

/// A running emulator. Dropping it stops listening, closes every connection and joins its
/// threads.
pub struct Emulator {
    shared: Arc<Shared>,
    local_addr: SocketAddr,
    ca_pem: Option<String>,
    accept_thread: Option<JoinHandle<()>>,
    registry: Arc<ConnectionRegistry>,
}

impl Emulator {
    /// Validates the configuration, binds, writes the CA (`ca_out`) and the state file, and
    /// returns once the listener accepts connections (port 0 allowed: no waiting needed).
    pub fn start(config: EmulatorConfig) -> io::Result<Emulator> {
        config
            .validate()
            .map_err(|message| io::Error::new(io::ErrorKind::InvalidInput, message))?;
        let tls_setup = if config.tls {
            Some(tls::generate()?)
        } else {
            None
        };
        if let (Some(setup), Some(path)) = (&tls_setup, &config.ca_out) {
            std::fs::write(path, &setup.ca_pem).map_err(|error| {
                io::Error::new(
                    error.kind(),
                    format!("cannot write the CA to {}: {error}", path.display()),
                )
            })?;
        }
        let listener = TcpListener::bind(config.listen)?;
        let local_addr = listener.local_addr()?;
        let scheme = if tls_setup.is_some() { "https" } else { "http" };
        let authority = url_authority(reachable_address(local_addr));
        let shared = Arc::new(Shared::new(config, scheme, authority));
        shared.read_world(|world| shared.write_state_file(world));

        let registry = Arc::new(ConnectionRegistry::default());
        let server_config = tls_setup
            .as_ref()
            .map(|setup| Arc::clone(&setup.server_config));
        let accept_thread = server::spawn_accept_loop(
            listener,
            Arc::clone(&shared),
            server_config,
            Arc::clone(&registry),
        )?;
        Ok(Emulator {
            shared,
            local_addr,
            ca_pem: tls_setup.map(|setup| setup.ca_pem),
            accept_thread: Some(accept_thread),
            registry,
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// e.g. `http://127.0.0.1:41234/api` (`https://` with TLS); v2/v3 below it.
    pub fn base_url(&self) -> String {
        format!("{}/api", self.root_url())
    }

    /// The base URL without `/api`; the control plane is at `root_url() + "/__emulator/..."`.
    pub fn root_url(&self) -> String {
        format!("{}://{}", self.shared.scheme, self.shared.authority)
    }

    /// The generated CA certificate (PEM) when serving TLS.
    pub fn ca_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// Same JSON as `GET /__emulator/state` (shape documented in `state.rs`).
    pub fn state(&self) -> Value {
        self.shared.read_world(|world| world.to_json())
    }

    /// Every `/api` request so far, oldest first (control-plane requests are not recorded).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// Adds a fault rule, same JSON as `POST /__emulator/faults` (see `faults.rs`).
    pub fn add_fault(&self, rule: Value) -> Result<(), String> {
        control::add_fault(&self.shared, &rule)
    }

    /// Removes every pending fault rule.
    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Adds `count` domains `site-N.example.test` to a web app, creating the app (with the
    /// initial SSL mode) when it does not exist.
    pub fn seed(&self, server_id: u64, app_id: u64, count: usize) -> Result<(), String> {
        control::seed_domains(&self.shared, server_id, app_id, count)
    }

    /// Sets whether `name` points at the servers for certificate validation, as
    /// `POST /__emulator/dns` (every name does until set otherwise).
    pub fn set_dns(&self, name: &str, points_here: bool) -> Result<(), String> {
        control::set_dns(&self.shared, name, points_here)
    }

    /// Moves the emulator clock forward, as `POST /__emulator/clock`; returns the new clock
    /// (`{"now", "unix", "offset_seconds"}`).
    pub fn advance_clock(&self, seconds: u64) -> Result<Value, String> {
        control::advance_clock(&self.shared, seconds)
    }

    /// Back to the initial state (apps, SSL mode, seeded domains, DNS, clock, issuance log);
    /// faults, request log and the rate-limit window cleared. Ids start again from the same
    /// values.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// TCP connections accepted so far.
    pub fn connections_accepted(&self) -> u64 {
        self.shared.connections_accepted.load(Ordering::SeqCst)
    }

    /// Domain names of one web app in creation order (empty when the app does not exist).
    pub fn domain_names(&self, server_id: u64, app_id: u64) -> Vec<String> {
        self.shared
            .read_world(|world| world.domain_names(server_id, app_id))
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("Emulator")
            .field("base_url", &self.base_url())
            .field("tls", &self.ca_pem.is_some())
            .finish_non_exhaustive()
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.shared.shutting_down.store(true, Ordering::SeqCst);
        // The accept loop blocks in accept(): one connection wakes it to see the flag.
        let woke =
            TcpStream::connect_timeout(&reachable_address(self.local_addr), WAKE_TIMEOUT).is_ok();
        if let Some(accept_thread) = self.accept_thread.take() {
            if woke {
                let _ = accept_thread.join();
            }
        }
        self.registry.close_all();
    }
}

/// A wildcard bind address is reached through loopback.
fn reachable_address(address: SocketAddr) -> SocketAddr {
    let ip = match address.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    SocketAddr::new(ip, address.port())
}

/// `host:port` for a URL (`[::1]:port` for IPv6).
fn url_authority(address: SocketAddr) -> String {
    match address {
        SocketAddr::V4(v4) => format!("{}:{}", v4.ip(), v4.port()),
        SocketAddr::V6(v6) => format!("[{}]:{}", v6.ip(), v6.port()),
    }
}
