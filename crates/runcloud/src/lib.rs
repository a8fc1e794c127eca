//! PHP-free RunCloud API client used by the `wu_runcloud` extension.
//!
//! The extension gathers the WU_RUNCLOUD_* constants and the call's options into a
//! [`CallInput`] and calls one function of [`api`]; results are plain structs shaped as the
//! PHP arrays the stubs document (the shell converts them field by field), errors map to the
//! exception classes. Nothing here links against PHP, and the crate is `forbid(unsafe_code)`:
//! every `unsafe` block of the project lives in the extension shell (`src/`).
//!
//! **PHP-shaped inputs, on purpose.** The API takes [`CallInput`] (constants and options as
//! name/[`PhpValue`] pairs) rather than a typed configuration struct. Which keys exist, which
//! PHP types each accepts (`server_id` as int or digit string, `timeout` as int or float), how
//! options override constants and which error names which key are the contract of every
//! `wu_runcloud_*` function; keeping that validation here, next to the rules it enforces,
//! makes it testable in Rust (without PHP) and leaves the shell a mechanical copy of zvals
//! into [`PhpValue`]s. A non-PHP caller builds a `CallInput` the same way.
//!
//! Modules: `config` (constants + options -> settings), `options` (strict option keys and
//! types), `secret`, `url` (API root rules), `domain_name` (validation, IDN), `http` (agent,
//! TLS, retries, pacing, decoding), `wire` (RunCloud's JSON read straight into typed records),
//! `pagination`, `models` (the results), `ssl` and `ssl_memory` (the SSL step, and what it
//! remembers of each web app for the life of the process), `api` (the facade).
//!
//! Comments tag API facts [doc], [sdk], [seen] or [assumed]; the legend is docs/RUNCLOUD_API.md,
//! "Evidence tags".

#![forbid(unsafe_code)]
// Those tags look like intra-doc links to rustdoc; they are not.
#![allow(rustdoc::broken_intra_doc_links)]

pub mod api;
mod config;
mod domain_name;
pub mod error;
mod http;
pub mod models;
mod options;
mod pagination;
mod registrable;
mod secret;
mod ssl;
mod ssl_memory;
mod url;
pub mod value;
mod wire;

pub use api::{ConfigReport, ConnectionReport, InfoReport, TargetReport};
pub use config::{Target, TimeoutValue};
pub use error::{Error, Result};
pub use models::{AddResult, Domain, RemoveResult, SslOutcome, WebApp};
pub use url::DEFAULT_API_ROOT;
pub use value::PhpValue;

/// The crate version, also sent as `User-Agent: wu_runcloud/<version>`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The constants the shell reads from PHP when they are defined.
pub const CONSTANT_NAMES: &[&str] = &[
    "WU_RUNCLOUD_API_TOKEN",
    "WU_RUNCLOUD_API_KEY",
    "WU_RUNCLOUD_API_SECRET",
    "WU_RUNCLOUD_SERVER_ID",
    "WU_RUNCLOUD_APP_ID",
    "WU_RUNCLOUD_EXTRA_TARGETS",
    "WU_RUNCLOUD_API_URL",
    "WU_RUNCLOUD_CA_FILE",
    "WU_RUNCLOUD_TIMEOUT",
];

/// What the shell gathered for one call: the WU_RUNCLOUD_* constants that are defined, and
/// the call's options (keys as strings; a PHP int key becomes its decimal string).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallInput {
    pub constants: Vec<(String, PhpValue)>,
    pub options: Vec<(String, PhpValue)>,
}

impl CallInput {
    /// The credential values of this call (options and constants), for the shell to scrub
    /// from anything it hands back to PHP that it did not build itself (exception traces
    /// record the caller's arguments). Empty values are left out.
    pub fn secret_values(&self) -> Vec<&[u8]> {
        const SECRET_OPTIONS: [&str; 3] = ["api_token", "api_key", "api_secret"];
        const SECRET_CONSTANTS: [&str; 3] = [
            "WU_RUNCLOUD_API_TOKEN",
            "WU_RUNCLOUD_API_KEY",
            "WU_RUNCLOUD_API_SECRET",
        ];
        let options = self
            .options
            .iter()
            .filter(|(key, _)| SECRET_OPTIONS.contains(&key.as_str()));
        let constants = self
            .constants
            .iter()
            .filter(|(name, _)| SECRET_CONSTANTS.contains(&name.as_str()));
        options
            .chain(constants)
            .filter_map(|(_, value)| match value {
                PhpValue::Str(bytes) if !bytes.is_empty() => Some(bytes.as_slice()),
                _ => None,
            })
            .collect()
    }
}

/// The decoders of undocumented replies, for the fuzz targets in fuzz/ (docs/RELIABILITY.md,
/// finding F4); not part of the extension's contract.
#[doc(hidden)]
pub mod fuzzing {
    /// How a 2xx `GET ssl` body reads: `Some(None)` no certificate, `Some(Some(id))` a
    /// certificate, `None` an unexpected shape (an error naming the endpoint).
    pub fn certificate_answer(body: &[u8]) -> Option<Option<u64>> {
        let answer: crate::wire::CertificateAnswer = crate::wire::parse(body).ok()?;
        answer.0.map(|cert| cert.map(|c| c.id))
    }

    /// The wait, in seconds, that `Retry-After` / `X-RateLimit-Reset` ask for at `now_unix`.
    pub fn server_wait_secs(
        retry_after: Option<&str>,
        reset: Option<&str>,
        now_unix: u64,
    ) -> Option<u64> {
        crate::http::server_wait_secs(retry_after, reset, now_unix)
    }
}

/// Hooks for tests against the emulator; not part of the extension's contract.
#[doc(hidden)]
pub mod testing {
    /// Sets the rate-limit window the pacer assumes (default 60 s [assumed]).
    pub fn set_rate_limit_window(window: std::time::Duration) {
        crate::http::rate_limit::set_window(window);
    }
}
