//! Let's Encrypt issuance as it reaches clients through RunCloud (docs/RUNCLOUD_API.md §6):
//! which names a certificate holds, the checks an order must pass, and the log of attempts.
//!
//! Every Let's Encrypt certificate the API issues goes through [`IssuanceLog::attempt`]: basic
//! install (`POST ssl`) and redeploy (`PUT ssl/{id}`), per-domain issue (`POST
//! domains/{D}/ssl`) and redeploy (`PUT domains/{D}/ssl/{id}`), and the certificates autoSSL
//! issues by itself. The checks run in Let's Encrypt's order: names per certificate and the
//! duplicate-certificate limit when the order is placed, then validation of every name.
//! Custom certificates, and the initial state (`--ssl`, seeded domains), are not issuances.

use std::collections::{HashMap, VecDeque};

use serde_json::{json, Value};

use crate::clock::{self, SECONDS_PER_DAY};
use crate::dns::DnsTable;
use crate::state::Domain;

/// [doc: letsencrypt.org] names per certificate; a domain with www on counts twice.
pub const MAX_NAMES_PER_CERTIFICATE: usize = 100;
/// [doc: letsencrypt.org] certificates for the exact same set of names per window.
pub const DUPLICATE_CERTIFICATE_LIMIT: usize = 5;
/// The window of [`DUPLICATE_CERTIFICATE_LIMIT`], on the emulator clock.
///
/// [assumed] a sliding window of 7 days (docs/RUNCLOUD_API.md §6: at most 5 certificates for
/// the exact same set of names per 7 days); Let's Encrypt now refills the allowance gradually,
/// which is never stricter.
pub const DUPLICATE_WINDOW_SECONDS: u64 = 7 * SECONDS_PER_DAY;
/// Attempts kept in each list of the state JSON (the counts are totals): keeps the state file
/// small under benchmarks that redeploy thousands of times.
const ATTEMPTS_KEPT: usize = 1_000;

/// [assumed] RunCloud's wording is unknown; every refusal starts like this and then carries
/// Let's Encrypt's reason (docs/RUNCLOUD_API.md §6).
const FAILED: &str = "Failed to issue the SSL certificate";

/// The names a certificate for `domains` holds, in the order they go on the Let's Encrypt order.
///
/// [assumed] RunCloud documents neither the names nor their order:
/// - domains in the order the app lists them (creation order), each name followed by
///   `www.<name>` when www is on (RunCloud serves that name on the same record [doc/seen]);
/// - a wildcard record goes on as `*.<name>` (a record named `example.com` with `wildcard: 1`
///   as `example.com` and `*.example.com`) and adds no www name: `www.*.x` is no host name,
///   and Let's Encrypt refuses a name that a wildcard on the same order already covers.
///   Let's Encrypt validates wildcards with DNS-01 only; the emulator does not refuse an
///   http-01 certificate for one (RunCloud may switch the challenge), and the DNS switch of a
///   wildcard is its own name, `*.<name>`;
/// - a name already on the order is not repeated (legacy clients added `www.<name>` as a
///   record of its own as well).
pub fn certificate_names<'a>(domains: impl IntoIterator<Item = &'a Domain>) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    let mut push = |name: String| {
        if !names.contains(&name) {
            names.push(name);
        }
    };
    for domain in domains {
        if domain.name.starts_with("*.") {
            push(domain.name.clone());
        } else if domain.wildcard {
            push(domain.name.clone());
            push(format!("*.{}", domain.name));
        } else {
            push(domain.name.clone());
            if domain.www {
                push(format!("www.{}", domain.name));
            }
        }
    }
    names
}

/// What asked for a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// `POST ssl` or `POST domains/{D}/ssl`.
    Install,
    /// `PUT ssl/{id}` or `PUT domains/{D}/ssl/{id}`.
    Redeploy,
    /// autoSSL, for a new domain or when switched on.
    Auto,
}

impl Trigger {
    fn as_str(self) -> &'static str {
        match self {
            Trigger::Install => "install",
            Trigger::Redeploy => "redeploy",
            Trigger::Auto => "auto",
        }
    }
}

/// One request for a certificate.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub server_id: u64,
    pub app_id: u64,
    /// `None` for the web app's (basic) certificate.
    pub domain_id: Option<u64>,
    pub trigger: Trigger,
    /// The certificate being redeployed; `None` for a new one.
    pub certificate_id: Option<u64>,
    /// From [`certificate_names`].
    pub names: Vec<String>,
}

/// Why Let's Encrypt would not issue (each answered 422 [assumed], docs/RUNCLOUD_API.md §6).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// More than [`MAX_NAMES_PER_CERTIFICATE`] names.
    TooManyNames { count: usize },
    /// [`DUPLICATE_CERTIFICATE_LIMIT`] certificates for this set within the window; the
    /// oldest of them leaves the window at `retry_after` (emulator clock).
    DuplicateCertificates { retry_after: u64 },
    /// The first name on the order that does not point at the server.
    DnsProblem { name: String },
}

impl Refusal {
    /// `reason` in the state's failure list.
    fn reason(&self) -> &'static str {
        match self {
            Refusal::TooManyNames { .. } => "too_many_names",
            Refusal::DuplicateCertificates { .. } => "duplicate_certificates",
            Refusal::DnsProblem { .. } => "dns",
        }
    }

    /// The API's `message`, worded like Let's Encrypt's reason as RunCloud might relay it
    /// [assumed wording]; the name, limit and count appear verbatim.
    pub fn message(&self) -> String {
        match self {
            Refusal::TooManyNames { count } => format!(
                "{FAILED}: Let's Encrypt allows at most {MAX_NAMES_PER_CERTIFICATE} names per certificate and this one would hold {count} (a domain with www counts twice)."
            ),
            Refusal::DuplicateCertificates { retry_after } => format!(
                "{FAILED}: Let's Encrypt rate limit: too many certificates ({DUPLICATE_CERTIFICATE_LIMIT}) already issued for this exact set of names in the last 7 days, retry after {} UTC.",
                clock::format_unix_seconds(*retry_after)
            ),
            Refusal::DnsProblem { name } => format!(
                "{FAILED}: Let's Encrypt could not validate {name}. DNS problem: {name} does not point to this server; check that its A/AAAA records resolve to the server's IP address."
            ),
        }
    }
}

/// A successful issuance.
#[derive(Debug, Clone)]
pub struct Issued {
    pub attempt: Attempt,
    pub certificate_id: u64,
    pub at: u64,
}

#[derive(Debug, Clone)]
struct Failure {
    attempt: Attempt,
    refusal: Refusal,
    at: u64,
}

/// Every attempt so far, and what the duplicate-certificate limit needs.
///
/// [assumed] The limit counts certificates for the same set across the whole emulator (every
/// server and app), as Let's Encrypt keys it by the set of names alone.
#[derive(Debug, Clone, Default)]
pub struct IssuanceLog {
    issued_total: u64,
    failed_total: u64,
    issued: VecDeque<Issued>,
    failed: VecDeque<Failure>,
    /// Per sorted set of names, the times of its latest certificates (at most the limit).
    recent_by_set: HashMap<Vec<String>, VecDeque<u64>>,
}

impl IssuanceLog {
    /// Checks `attempt` at `now`; records the outcome either way. On success returns the
    /// certificate id: the one redeployed, or `new_id()` for a new certificate (called only
    /// on success, so a refusal uses up no id).
    pub fn attempt(
        &mut self,
        attempt: Attempt,
        dns: &DnsTable,
        now: u64,
        new_id: impl FnOnce() -> u64,
    ) -> Result<u64, Refusal> {
        let set = sorted_set(&attempt.names);
        if let Err(refusal) = self.check(&attempt.names, &set, dns, now) {
            self.failed_total += 1;
            push_bounded(
                &mut self.failed,
                Failure {
                    attempt,
                    refusal: refusal.clone(),
                    at: now,
                },
            );
            return Err(refusal);
        }
        let certificate_id = attempt.certificate_id.unwrap_or_else(new_id);
        let recent = self.recent_by_set.entry(set).or_default();
        recent.push_back(now);
        while recent.len() > DUPLICATE_CERTIFICATE_LIMIT {
            recent.pop_front();
        }
        self.issued_total += 1;
        push_bounded(
            &mut self.issued,
            Issued {
                attempt,
                certificate_id,
                at: now,
            },
        );
        Ok(certificate_id)
    }

    fn check(
        &self,
        names: &[String],
        set: &[String],
        dns: &DnsTable,
        now: u64,
    ) -> Result<(), Refusal> {
        if names.len() > MAX_NAMES_PER_CERTIFICATE {
            return Err(Refusal::TooManyNames { count: names.len() });
        }
        if let Some(recent) = self.recent_by_set.get(set) {
            let in_window: Vec<u64> = recent
                .iter()
                .copied()
                .filter(|&issued_at| now.saturating_sub(issued_at) < DUPLICATE_WINDOW_SECONDS)
                .collect();
            if in_window.len() >= DUPLICATE_CERTIFICATE_LIMIT {
                let oldest = in_window.iter().copied().min().unwrap_or(now);
                return Err(Refusal::DuplicateCertificates {
                    retry_after: oldest + DUPLICATE_WINDOW_SECONDS,
                });
            }
        }
        match names.iter().find(|name| !dns.points_here(name)) {
            Some(name) => Err(Refusal::DnsProblem { name: name.clone() }),
            None => Ok(()),
        }
    }

    /// The `issuance` object of the state JSON (documented in `lib.rs`).
    pub fn to_json(&self) -> Value {
        json!({
            "issued_count": self.issued_total,
            "failed_count": self.failed_total,
            "issued": self.issued.iter().map(|issued| {
                let mut record = attempt_json(&issued.attempt, issued.at);
                record["certificate_id"] = json!(issued.certificate_id);
                record
            }).collect::<Vec<_>>(),
            "failed": self.failed.iter().map(|failure| {
                let mut record = attempt_json(&failure.attempt, failure.at);
                record["reason"] = json!(failure.refusal.reason());
                record["name"] = match &failure.refusal {
                    Refusal::DnsProblem { name } => json!(name),
                    _ => Value::Null,
                };
                let retry_after = match failure.refusal {
                    Refusal::DuplicateCertificates { retry_after } => Some(retry_after),
                    _ => None,
                };
                record["retry_after"] = json!(retry_after.map(clock::format_unix_seconds));
                record["retry_after_unix"] = json!(retry_after);
                record["message"] = json!(failure.refusal.message());
                record
            }).collect::<Vec<_>>(),
        })
    }
}

fn attempt_json(attempt: &Attempt, at: u64) -> Value {
    json!({
        "server_id": attempt.server_id,
        "app_id": attempt.app_id,
        "kind": if attempt.domain_id.is_some() { "domain" } else { "basic" },
        "domain_id": attempt.domain_id,
        "trigger": attempt.trigger.as_str(),
        "certificate_id": attempt.certificate_id,
        "names": attempt.names,
        "at": clock::format_unix_seconds(at),
        "at_unix": at,
    })
}

/// Let's Encrypt compares sets of names: order does not matter.
fn sorted_set(names: &[String]) -> Vec<String> {
    let mut set = names.to_vec();
    set.sort();
    set.dedup();
    set
}

fn push_bounded<T>(list: &mut VecDeque<T>, item: T) {
    if list.len() == ATTEMPTS_KEPT {
        list.pop_front();
    }
    list.push_back(item);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(name: &str, www: bool, wildcard: bool) -> Domain {
        Domain {
            id: 1,
            name: name.into(),
            domain_type: "alias".into(),
            www,
            redirection: "none".into(),
            wildcard,
            created_at: String::new(),
        }
    }

    fn attempt(names: &[&str]) -> Attempt {
        Attempt {
            server_id: 1,
            app_id: 1,
            domain_id: None,
            trigger: Trigger::Redeploy,
            certificate_id: Some(7),
            names: names.iter().map(|name| name.to_string()).collect(),
        }
    }

    #[test]
    fn names_follow_domains_with_www_and_wildcards() {
        let domains = [
            domain("a.example.com", true, false),
            domain("*.b.example.com", false, true),
            domain("c.example.com", true, true),
            domain("www.a.example.com", false, false),
        ];
        assert_eq!(
            certificate_names(&domains),
            vec![
                "a.example.com",
                "www.a.example.com",
                "*.b.example.com",
                "c.example.com",
                "*.c.example.com",
            ]
        );
    }

    #[test]
    fn checks_run_in_lets_encrypt_order() {
        let mut log = IssuanceLog::default();
        let mut dns = DnsTable::default();
        dns.set("b.example.com".into(), false);
        dns.set("c.example.com".into(), false);
        let refused = log.attempt(
            attempt(&["a.example.com", "c.example.com", "b.example.com"]),
            &dns,
            1_000,
            || 1,
        );
        assert_eq!(
            refused,
            Err(Refusal::DnsProblem {
                name: "c.example.com".into()
            })
        );
        let many: Vec<String> = (0..101).map(|n| format!("s{n}.example.com")).collect();
        let many: Vec<&str> = many.iter().map(String::as_str).collect();
        assert_eq!(
            log.attempt(attempt(&many), &dns, 1_000, || 1),
            Err(Refusal::TooManyNames { count: 101 })
        );
        assert_eq!(log.to_json()["failed_count"], 2);
        assert_eq!(log.to_json()["issued_count"], 0);
    }

    #[test]
    fn sixth_certificate_for_a_set_waits_for_the_window() {
        let mut log = IssuanceLog::default();
        let dns = DnsTable::default();
        let start = 1_700_000_000;
        for step in 0..5 {
            // The same set in another order is the same set.
            let names = if step % 2 == 0 {
                ["a.test.com", "b.test.com"]
            } else {
                ["b.test.com", "a.test.com"]
            };
            assert_eq!(
                log.attempt(attempt(&names), &dns, start + step, || 1),
                Ok(7)
            );
        }
        assert_eq!(
            log.attempt(
                attempt(&["a.test.com", "b.test.com"]),
                &dns,
                start + 10,
                || 1
            ),
            Err(Refusal::DuplicateCertificates {
                retry_after: start + DUPLICATE_WINDOW_SECONDS
            })
        );
        // Another set is not limited.
        assert!(log
            .attempt(attempt(&["a.test.com"]), &dns, start + 10, || 1)
            .is_ok());
        assert!(log
            .attempt(
                attempt(&["a.test.com", "b.test.com"]),
                &dns,
                start + DUPLICATE_WINDOW_SECONDS,
                || 1
            )
            .is_ok());
    }
}
