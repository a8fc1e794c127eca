//! What an emulator starts with: the command line and the library build the same value.

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;

/// The initial SSL state of every web app (`--ssl`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SslMode {
    /// No certificate, advanced SSL off.
    #[default]
    None,
    /// A basic (whole web app) Let's Encrypt certificate covering the seeded domains.
    LetsEncrypt,
    /// A basic custom certificate (cannot be redeployed).
    Custom,
    /// Advanced (per-domain) SSL on, autoSSL off.
    Advanced,
    /// Advanced SSL on with autoSSL: every new domain gets its own certificate by itself.
    AdvancedAuto,
}

impl SslMode {
    /// The spelling used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::None => "none",
            SslMode::LetsEncrypt => "letsencrypt",
            SslMode::Custom => "custom",
            SslMode::Advanced => "advanced",
            SslMode::AdvancedAuto => "advanced-auto",
        }
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.as_str())
    }
}

impl FromStr for SslMode {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "none" => Ok(SslMode::None),
            "letsencrypt" => Ok(SslMode::LetsEncrypt),
            "custom" => Ok(SslMode::Custom),
            "advanced" => Ok(SslMode::Advanced),
            "advanced-auto" => Ok(SslMode::AdvancedAuto),
            other => Err(format!(
                "unknown SSL mode {other:?}: expected none, letsencrypt, custom, advanced or advanced-auto"
            )),
        }
    }
}

/// Everything an [`crate::Emulator`] starts with.
///
/// `Default` gives: listen on `127.0.0.1:0`, one web app `1:1`, no SSL, no seeded domains,
/// no rate limit (see [`crate::ratelimit`] for the headers sent anyway), no latency, plain HTTP,
/// no state file, and **no credentials at all**: with `token`, `api_key` and `api_secret` all
/// `None` every `/api` request is answered 401, exactly like a RunCloud account whose API access
/// was never set up. Tests set the credentials they send.
#[derive(Clone, Debug)]
pub struct EmulatorConfig {
    /// Address to listen on; port 0 picks a free port.
    pub listen: SocketAddr,
    /// v3 Bearer token (v2 accepts it too).
    pub token: Option<String>,
    /// v2 HTTP Basic user name.
    pub api_key: Option<String>,
    /// v2 HTTP Basic password.
    pub api_secret: Option<String>,
    /// `(server_id, app_id)` pairs that exist.
    pub apps: Vec<(u64, u64)>,
    /// Initial SSL state of every web app.
    pub ssl: SslMode,
    /// Domains created on every web app at start (`site-1.example.test`, ...).
    pub seed_domains: usize,
    /// `(requests, window_ms)`: a fixed-window budget shared by all clients.
    pub rate_limit: Option<(u32, u64)>,
    /// Seconds sent as `Retry-After` with a 429 of the limiter; `None`: the seconds to the
    /// window's end (see [`crate::ratelimit`]).
    pub retry_after: Option<u64>,
    /// Added to every `/api` request.
    pub latency_ms: u64,
    /// Added once to every new TCP connection before it is served.
    pub connect_latency_ms: u64,
    /// Serve HTTPS with a certificate from a CA generated at start.
    pub tls: bool,
    /// Where to write the generated CA as PEM (with `tls`).
    pub ca_out: Option<PathBuf>,
    /// Where to write the state JSON after every change.
    pub state_file: Option<PathBuf>,
}

impl Default for EmulatorConfig {
    fn default() -> Self {
        EmulatorConfig {
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            token: None,
            api_key: None,
            api_secret: None,
            apps: vec![(1, 1)],
            ssl: SslMode::None,
            seed_domains: 0,
            rate_limit: None,
            retry_after: None,
            latency_ms: 0,
            connect_latency_ms: 0,
            tls: false,
            ca_out: None,
            state_file: None,
        }
    }
}

impl EmulatorConfig {
    /// Rejects settings that cannot work, with a message naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.apps.is_empty() {
            return Err("at least one web app (--app SERVER_ID:APP_ID) is needed".into());
        }
        if let Some(&(server_id, app_id)) = self.apps.iter().find(|(s, a)| *s == 0 || *a == 0) {
            return Err(format!(
                "web app {server_id}:{app_id}: ids must be positive integers"
            ));
        }
        if let Some((requests, window_ms)) = self.rate_limit {
            if requests == 0 || window_ms == 0 {
                return Err("rate limit: requests and window must both be positive".into());
            }
        }
        if self.ca_out.is_some() && !self.tls {
            return Err("--ca-out needs --tls".into());
        }
        for (label, value) in [
            ("token", &self.token),
            ("api key", &self.api_key),
            ("api secret", &self.api_secret),
        ] {
            if value.as_deref() == Some("") {
                return Err(format!("the {label} must not be empty"));
            }
        }
        if self.api_key.is_some() != self.api_secret.is_some() {
            return Err("--api-key and --api-secret go together".into());
        }
        Ok(())
    }
}
