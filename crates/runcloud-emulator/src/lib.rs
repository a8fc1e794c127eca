//! A strict local emulator of the RunCloud API (v2 and v3), with a control plane and fault
//! injection, for tests, the demo and benchmarks.
//!
//! Spec: shared/RUNCLOUD_API.md (the API, strictly) and shared/DESIGN.md ("The emulator": the
//! fixed command line and control plane). Behaviour that spec marks [assumed] is commented
//! "[assumed]" where it is implemented.
//!
//! ```no_run
//! use runcloud_emulator::{Emulator, EmulatorConfig};
//! let emulator = Emulator::start(EmulatorConfig {
//!     token: Some("test-token".into()),
//!     seed_domains: 3,
//!     ..EmulatorConfig::default()
//! })?;
//! let v3 = format!("{}/v3", emulator.base_url());
//! # let _ = v3;
//! assert_eq!(emulator.domain_names(1, 1).len(), 3);
//! # Ok::<(), std::io::Error>(())
//! ```

mod api;
mod auth;
mod body;
pub mod cli;
mod clock;
mod config;
mod connection;
mod control;
mod dispatch;
mod emulator;
mod faults;
mod form;
mod http;
mod pagination;
mod ratelimit;
mod request_log;
mod routes;
mod server;
mod shared;
mod state;
mod state_file;
mod tls;
mod validation;

pub use config::{EmulatorConfig, SslMode};
pub use emulator::Emulator;
pub use request_log::RecordedRequest;
