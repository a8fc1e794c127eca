//! The error type of the client. The extension maps each variant to one PHP exception class
//! (WU\RunCloud\ConfigException, ValidationException, ApiException, TransportException).
//! No variant ever holds a secret: messages are built from names, paths and RunCloud's text.

use std::collections::BTreeMap;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Missing or invalid configuration. `name` is the constant (e.g. `WU_RUNCLOUD_SERVER_ID`)
    /// or, when it came from the per-call options, the option key (e.g. `server_id`).
    #[error("{message}")]
    Config { name: String, message: String },

    /// A bad domain or option. Nothing was sent. `field` names the option or `domain`.
    #[error("{message}")]
    Validation { field: String, message: String },

    /// RunCloud answered with an error status. `message` is the full human-readable text
    /// ("POST /servers/1/webapps/2/domains: 422 The name has already been taken.").
    #[error("{message}")]
    Api {
        status: u16,
        method: String,
        path: String,
        message: String,
        /// Field errors (`{"errors": {"name": ["..."]}}`), empty when RunCloud sent none.
        errors: BTreeMap<String, Vec<String>>,
    },

    /// DNS, connect, TLS, timeout, reset, unreadable or unexpected body (including an HTML
    /// error page in front of the API: `status` keeps its HTTP status then).
    #[error("{message}")]
    Transport {
        method: String,
        path: String,
        status: Option<u16>,
        message: String,
    },
}

impl Error {
    /// The HTTP status RunCloud (or a proxy in front of it) answered, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            Error::Transport { status, .. } => *status,
            _ => None,
        }
    }

    /// Field errors of an API error; empty for every other kind.
    pub fn field_errors(&self) -> BTreeMap<String, Vec<String>> {
        match self {
            Error::Api { errors, .. } => errors.clone(),
            _ => BTreeMap::new(),
        }
    }

    /// The same error with `context` appended to its message (its kind, status and field
    /// errors unchanged).
    pub fn with_context(mut self, context: &str) -> Self {
        match &mut self {
            Error::Config { message, .. }
            | Error::Validation { message, .. }
            | Error::Api { message, .. }
            | Error::Transport { message, .. } => {
                message.push_str(context);
            }
        }
        self
    }

    /// Whether trying again later may succeed (429, 5xx, transport failures). The plugin
    /// uses the same rule (by exception class and code) to decide between retry and error.
    pub fn is_transient(&self) -> bool {
        match self {
            Error::Api { status, .. } => *status == 429 || *status >= 500,
            Error::Transport { .. } => true,
            _ => false,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
