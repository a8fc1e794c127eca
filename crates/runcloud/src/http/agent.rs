//! The process-wide HTTP agents: one per set of TLS roots (system store alone, or system
//! store + one CA file), so that every call of a PHP process reuses keep-alive connections.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use ureq::unversioned::transport::{ConnectProxyConnector, Connector, TcpConnector};
use ureq::Agent;

use super::resolve::CachingResolver;
use super::tls::TlsConnector;
use crate::config::CaFile;
use crate::error::{Error, Result};

/// A CA bundle larger than this is not a CA bundle.
const MAX_CA_FILE_BYTES: u64 = 4 * 1024 * 1024;

type Agents = Mutex<HashMap<Option<PathBuf>, Agent>>;

fn agents() -> &'static Agents {
    static AGENTS: OnceLock<Agents> = OnceLock::new();
    AGENTS.get_or_init(|| Mutex::new(HashMap::new()))
}

/// The agent for these TLS roots, created on first use. A CA file is read once per process
/// (PHP-FPM workers are recycled, which picks up a changed file).
pub(crate) fn agent_for(ca_file: Option<&CaFile>) -> Result<Agent> {
    let key = ca_file.map(|c| c.path.clone());
    // A poisoned lock only means another thread panicked while inserting; the map is intact.
    let mut map = agents().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(agent) = map.get(&key) {
        return Ok(agent.clone());
    }
    let roots = match ca_file {
        None => Vec::new(),
        Some(ca) => read_ca_file(ca)?,
    };
    let tls = TlsConnector::new(roots);
    if let Some(ca) = ca_file {
        // Check the CA certificates now, so that a bad bundle is a ConfigException.
        tls.preflight().map_err(|e| ca_error(ca, &e))?;
    }
    let agent = build_agent(tls);
    map.insert(key, agent.clone());
    Ok(agent)
}

fn ca_error(ca: &CaFile, why: &str) -> Error {
    Error::Config {
        name: ca.name.to_string(),
        message: format!("{} ({}): {why}", ca.name, ca.path.display()),
    }
}

fn read_ca_file(ca: &CaFile) -> Result<Vec<CertificateDer<'static>>> {
    let path: &Path = &ca.path;
    let meta = std::fs::metadata(path).map_err(|e| ca_error(ca, &format!("cannot read: {e}")))?;
    if !meta.is_file() {
        return Err(ca_error(ca, "is not a file"));
    }
    if meta.len() > MAX_CA_FILE_BYTES {
        return Err(ca_error(ca, "is too large for a PEM CA bundle"));
    }
    let bytes = std::fs::read(path).map_err(|e| ca_error(ca, &format!("cannot read: {e}")))?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| ca_error(ca, &format!("is not a valid PEM bundle: {e}")))?;
    if certs.is_empty() {
        return Err(ca_error(
            ca,
            "contains no PEM certificate (-----BEGIN CERTIFICATE-----)",
        ));
    }
    Ok(certs)
}

fn build_agent(tls: TlsConnector) -> Agent {
    let config = Agent::config_builder()
        // Error statuses are answers to decode (RunCloud's message, field errors), not errors.
        .http_status_as_error(false)
        // Never follow a redirect: the Authorization header must not go to another host.
        .max_redirects(0)
        .user_agent(format!("wu_runcloud/{}", crate::VERSION))
        .accept("application/json")
        // No compression features are compiled in; say so explicitly.
        .accept_encoding("identity")
        .max_idle_connections(8)
        .max_idle_connections_per_host(4)
        // Long enough to span the calls of one PHP request or a batch of jobs.
        .max_idle_age(Duration::from_secs(60))
        .build();
    // The default chain minus SOCKS and native-tls: CONNECT proxy (from the environment, as
    // ureq does by default), TCP, then our TLS step.
    let connector =
        ().chain(ConnectProxyConnector::default())
            .chain(TcpConnector::default())
            .chain(tls);
    Agent::with_parts(config, connector, CachingResolver::default())
}
