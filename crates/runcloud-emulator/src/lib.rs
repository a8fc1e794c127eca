//! A strict local emulator of the RunCloud API (v2 and v3), with a control plane and fault
//! injection, for tests, the demo and benchmarks.
//!
//! Spec: docs/RUNCLOUD_API.md (the API, strictly, never stricter than RunCloud) and this
//! crate's README.md (the fixed command line, the control plane, the fault rules). Behaviour
//! that spec marks \[assumed\] is commented "\[assumed\]" where it is implemented; the
//! evidence tags (\[doc\], \[sdk\], \[seen\], \[assumed\]) are explained in
//! docs/RUNCLOUD_API.md, "Evidence tags".
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
//! emulator.set_dns("site-2.example.test", false).expect("a valid name");
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Control plane
//!
//! Under `/__emulator`, never under `/api`: no authentication, no faults, not in the request
//! log. Bodies are JSON. A body that is not a JSON object is 400, a missing or wrong field 422
//! (`dns`, `clock`) or 400 (`seed`, `faults`), always `{"error": "..."}`.
//!
//! | route | body | reply |
//! |---|---|---|
//! | `GET /state` | | the state JSON below |
//! | `GET /requests` | | `{"requests":[{"method","path","query","body","status"}...]}`, no headers kept |
//! | `DELETE /requests` | | `{"ok":true}`, log cleared |
//! | `POST /reset` | | `{"ok":true}`: initial state; DNS, clock, issuance log, faults, request log and rate-limit window cleared |
//! | `POST /seed` | `{"server_id":7,"app_id":9,"count":1000}` | `{"ok":true}` |
//! | `POST /faults` | one rule (`faults.rs`) | `{"ok":true}` |
//! | `GET /faults`, `DELETE /faults` | | pending rules; `{"ok":true}` |
//! | `GET /connections` | | `{"accepted":N}` |
//! | `POST /dns` | `{"name":"shop.example.com","points_here":false}` | `{"names":{...}}` as GET |
//! | `GET /dns` | | `{"names":{"shop.example.com":false,...}}`: every name set, sorted |
//! | `POST /clock` | `{"advance_seconds":N}` | `{"now":"2025-01-08 10:00:00","unix":N,"offset_seconds":N}` |
//! | `GET /clock` | | same |
//!
//! `POST /dns` sets whether that exact name resolves to the web app's server for certificate
//! validation. Every name does until set otherwise; `www.<name>` and `*.<name>` are names of
//! their own. Names are normalised as domains are stored (lower case, one trailing dot
//! dropped; IDNs as punycode A-labels, other non-ASCII input refused); `points_here` must be a
//! JSON boolean. `POST /clock` moves the emulator clock forward (never back, at most about
//! 100 years ahead): it dates issuance and certificates; the API rate limiter stays on real
//! time (clients really wait for it).
//!
//! # Certificate issuance
//!
//! Every Let's Encrypt certificate the API issues (basic install `POST ssl` and redeploy
//! `PUT ssl/{id}`, per-domain issue `POST domains/{D}/ssl` and redeploy `PUT
//! domains/{D}/ssl/{id}`, and autoSSL's own) follows docs/RUNCLOUD_API.md §6:
//! - the order holds every name the certificate covers: for basic SSL every domain of the app
//!   in creation order, each followed by `www.<name>` when www is on; for a per-domain
//!   certificate that domain and its `www.<name>`; wildcard records as `*.<name>` (details
//!   and \[assumed\] choices in `issuance.rs`);
//! - more than 100 names: 422 `Failed to issue the SSL certificate: Let's Encrypt allows at
//!   most 100 names per certificate and this one would hold 101 (a domain with www counts
//!   twice).`;
//! - a 6th certificate for the exact same set of names (in any order) within 7 days of the
//!   emulator clock, across the whole emulator: 422 `Failed to issue the SSL certificate:
//!   Let's Encrypt rate limit: too many certificates (5) already issued for this exact set of
//!   names in the last 7 days, retry after YYYY-MM-DD HH:MM:SS UTC.`;
//! - a name that does not point here (the first on the order): 422 `Failed to issue the SSL
//!   certificate: Let's Encrypt could not validate <name>. DNS problem: <name> does not point
//!   to this server; check that its A/AAAA records resolve to the server's IP address.`
//!
//! The checks run in that order (Let's Encrypt checks limits when the order is placed, then
//! validates). Status and wording are \[assumed\]; every message is `{"message": "..."}`. A
//! refused issuance changes nothing but the issuance log: the previous certificate, its
//! `covered_domains`, `names` and `redeploy_count` stay exactly as they were. An autoSSL
//! certificate that is refused is simply not issued (the domain add or mode switch succeeds).
//! Custom certificates and the initial state (`--ssl`, seeded domains) are not issuances.
//!
//! # State JSON (`GET /__emulator/state`, [`Emulator::state`])
//!
//! ```json
//! {
//!   "apps": [
//!     {
//!       "server_id": 1,
//!       "app_id": 1,
//!       "name": "app-1-1",
//!       "domains": [ {domain object exactly as the API returns it}, ... ],
//!       "ssl": {
//!         "basic": null | {certificate object as GET .../ssl returns it,
//!                          "covered_domains": ["a.example.test", ...],
//!                          "names": ["a.example.test", "www.a.example.test", ...],
//!                          "redeploy_count": 0},
//!         "advanced": {"advancedSSL": false, "autoSSL": false},
//!         "domains": {
//!           "a.example.test": {certificate object, "domain_id": 100001,
//!                              "covered_domains": ["a.example.test"],
//!                              "names": ["a.example.test"], "redeploy_count": 0}
//!         }
//!       }
//!     }
//!   ],
//!   "dns": {"shop.example.com": false},
//!   "issuance": {
//!     "issued_count": 2,
//!     "failed_count": 1,
//!     "issued": [{"server_id": 1, "app_id": 1, "kind": "basic" | "domain",
//!                 "domain_id": null | 100001, "trigger": "install" | "redeploy" | "auto",
//!                 "certificate_id": 900001, "names": [...],
//!                 "at": "2025-01-01 10:00:00", "at_unix": 1735725600}, ...],
//!     "failed": [{same fields, "certificate_id": null for a new certificate,
//!                 "reason": "dns" | "too_many_names" | "duplicate_certificates",
//!                 "name": "shop.example.com" | null (the name a DNS refusal names),
//!                 "retry_after": "2025-01-08 10:00:00" | null, "retry_after_unix": N | null
//!                 (when a duplicate-certificate refusal ends), "message": "the 422 message"}, ...]
//!   }
//! }
//! ```
//! Apps are ordered by `(server_id, app_id)`, domains by id (creation order).
//! `covered_domains` of a certificate is the list of domain records it was last issued for
//! (install or redeploy); `names` every name it holds (`www.` and wildcard names included);
//! `redeploy_count` counts successful redeploys (PUT). `dns` holds the names set through the
//! control plane. `issuance` counts every attempt since start or reset; its lists keep the
//! latest 1,000 successes and 1,000 refusals, oldest first, timed on the emulator clock.

// Plain safe Rust: sockets, threads and rustls need no `unsafe` here.
#![forbid(unsafe_code)]

mod api;
mod auth;
mod body;
pub mod cli;
mod clock;
mod config;
mod connection;
mod control;
mod dispatch;
mod dns;
mod emulator;
mod faults;
mod form;
mod http;
mod issuance;
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
