//! One configured connection to RunCloud for one call: the credentials as an `Authorization`
//! header, the agent, the call's wait budget; decoding an answer with the credentials scrubbed
//! and the operator's guidance added. Sending is in request.rs, the retry loop in retry.rs.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use super::decode::decode;
use super::guidance::{self, Credential};
use super::wait::{GaveUp, WaitBudget};
use super::{agent, retry, runcloud_message, with_note, Method, Reply, Retry};
use crate::config::{Auth, Settings};
use crate::error::{Error, Result};
use crate::secret::Secret;

/// One configured connection to RunCloud for one call.
pub(crate) struct Client {
    pub(super) agent: ureq::Agent,
    pub(super) base: String,
    pub(super) authorization: Secret,
    /// The raw credentials, only to scrub them from RunCloud's error text (defence in depth:
    /// an API that echoes a rejected token must not put it into an exception).
    pub(super) scrub: Vec<Secret>,
    pub(super) timeout: Duration,
    /// The API root (without `/v3`): the pacer's key, and the host named in messages.
    pub(super) api_root: String,
    /// Which credential this is, for the guidance after a 401/403/404 (never its value).
    pub(super) credential: Credential,
    /// What is left of the call's `max_wait`.
    pub(super) budget: WaitBudget,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("authorization", &self.authorization)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl Client {
    pub(crate) fn new(settings: &Settings) -> Result<Client> {
        let agent = agent::agent_for(settings.ca_file.as_ref())?;
        let (authorization, scrub) = match &settings.auth {
            Auth::Token(t) => (
                Secret::new(format!("Bearer {}", t.expose())),
                vec![t.clone()],
            ),
            Auth::KeySecret { key, secret } => {
                // The Basic credential is scrubbed too: a server or proxy may echo the header.
                let basic =
                    Secret::new(BASE64.encode(format!("{}:{}", key.expose(), secret.expose())));
                let header = Secret::new(format!("Basic {}", basic.expose()));
                (header, vec![key.clone(), secret.clone(), basic])
            }
        };
        Ok(Client {
            agent,
            base: settings.base_url(),
            scrub,
            timeout: settings.timeout,
            authorization,
            api_root: settings.api_root.clone(),
            credential: Credential {
                version: settings.version(),
                from_options: settings.credentials_from_options,
            },
            budget: WaitBudget::new(settings.max_wait),
        })
    }

    /// The key under which the SSL step remembers `t` for this API root and credential.
    pub(crate) fn app_key(&self, t: crate::config::Target) -> crate::ssl_memory::AppKey {
        crate::ssl_memory::AppKey::new(&self.api_root, self.authorization.expose(), t)
    }

    /// Host and port, for messages ("cannot connect to manage.runcloud.io:443"); only built
    /// when a message needs it.
    pub(super) fn authority(&self) -> String {
        url::Url::parse(&self.api_root)
            .ok()
            .and_then(|u| {
                let host = u.host_str()?.to_string();
                Some(format!("{host}:{}", u.port_or_known_default()?))
            })
            .unwrap_or_else(|| self.api_root.clone())
    }

    /// Sleeps our own backoff before attempt `next_attempt` of a request the caller repeats
    /// itself; false (no sleep) when it does not fit in `max_wait`.
    pub(crate) fn backoff(&self, next_attempt: u32) -> bool {
        self.budget.sleep(retry::backoff(next_attempt, None))
    }

    /// `error` with the note that the call stopped because its `max_wait` was used up.
    pub(crate) fn out_of_wait(&self, error: Error) -> Error {
        let note = GaveUp::MaxWait {
            server: None,
            max_wait: self.budget.max(),
        }
        .note();
        with_note(error, &note)
    }

    /// A request (`body`: JSON text) whose answer must be a success: its body read as `T` (a
    /// wire type, or `IgnoredAny` when only "valid JSON" matters), or the typed error.
    pub(crate) fn json<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<&[u8]>,
        retry: Retry,
    ) -> Result<T> {
        let reply = self
            .call(method, path, query, body, retry, retry::MAX_ATTEMPTS)
            .map_err(|f| f.error)?;
        self.decode(&reply)
    }

    /// [`decode`] with the credentials scrubbed from any error text, then what the operator
    /// should check (401/403/404) and when to retry (a retryable status given up) added.
    pub(crate) fn decode<'a, T: Deserialize<'a>>(&self, reply: &'a Reply) -> Result<T> {
        decode(reply).map_err(|e| {
            let mut e = self.scrubbed(e);
            if let Error::Api { status, path, .. } = &e {
                // Judged on RunCloud's own text, not on ours (which repeats the path).
                let said = runcloud_message(reply).unwrap_or_default();
                if let Some(text) = guidance::guidance(*status, path, &said, self.credential) {
                    e = with_note(e, &text);
                }
            }
            match &reply.gave_up {
                Some(gave_up) => with_note(e, &gave_up.note()),
                None => e,
            }
        })
    }

    /// The error with every credential redacted (any case), then each text cut to a sane
    /// length: in that order, so that a secret echoed near the cut is not left in part.
    fn scrubbed(&self, mut e: Error) -> Error {
        let clean = |text: &mut String| {
            for s in &self.scrub {
                redact(text, s.expose());
            }
            cut(text, MAX_TEXT_CHARS);
        };
        match &mut e {
            Error::Api {
                message, errors, ..
            } => {
                clean(message);
                // Field names too: they reach PHP as array keys (getErrors(), var_dump).
                *errors = std::mem::take(errors)
                    .into_iter()
                    .map(|(mut field, mut list)| {
                        clean(&mut field);
                        list.iter_mut().for_each(clean);
                        (field, list)
                    })
                    .collect();
            }
            Error::Transport { message, .. } => clean(message),
            _ => {}
        }
        e
    }

    /// A bodyless idempotent request (GET, DELETE) with the full retry budget; any HTTP status
    /// is an `Ok(Reply)`, for callers that treat some error statuses (404) as answers.
    pub(crate) fn fetch(&self, method: Method, path: &str) -> Result<Reply> {
        self.call(
            method,
            path,
            &[],
            None,
            Retry::Idempotent,
            retry::MAX_ATTEMPTS,
        )
        .map_err(|f| f.error)
    }
}

/// Longest text of an error (RunCloud's message with our method, path and status before it;
/// each field error), in characters.
const MAX_TEXT_CHARS: usize = 600;

/// Replaces every occurrence of `secret` in `text`, ASCII case ignored, with `<redacted>`.
/// Secrets shorter than 4 bytes are left alone (they would redact ordinary words).
fn redact(text: &mut String, secret: &str) {
    const MARK: &str = "<redacted>";
    if secret.len() < 4 {
        return;
    }
    let needle = secret.to_ascii_lowercase();
    // ASCII lowering keeps every byte offset, so positions found in `lower` hold in `text`.
    let mut lower = text.to_ascii_lowercase();
    let mut from = 0;
    while let Some(found) = lower.get(from..).and_then(|rest| rest.find(&needle)) {
        let start = from + found;
        let end = start + needle.len();
        text.replace_range(start..end, MARK);
        lower.replace_range(start..end, MARK);
        from = start + MARK.len();
    }
}

/// Cuts `text` to at most `max` characters (trailing spaces dropped).
fn cut(text: &mut String, max: usize) {
    if let Some((at, _)) = text.char_indices().nth(max) {
        text.truncate(at);
        text.truncate(text.trim_end().len());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::DEFAULT_MAX_WAIT;

    #[test]
    fn credentials_are_scrubbed_from_error_text() {
        let settings = Settings {
            auth: Auth::KeySecret {
                key: Secret::new("key-abc".into()),
                secret: Secret::new("sec-xyz".into()),
            },
            api_root: "http://127.0.0.1:9/api".into(),
            target: crate::config::Target {
                server_id: 1,
                app_id: 1,
            },
            extra: vec![],
            ca_file: None,
            timeout: Duration::from_secs(1),
            max_wait: DEFAULT_MAX_WAIT,
            credentials_from_options: false,
        };
        let client = Client::new(&settings).unwrap();
        let reply = Reply {
            method: Method::Get,
            path: "/ping".into(),
            status: 401,
            body: br#"{"message":"bad key key-abc","errors":{"k":["sec-xyz is wrong", "KEY-ABC again"],"key-abc":["x"]}}"#.to_vec(),
            location: None,
            attempts: 1,
            earlier_maybe_processed: false,
            gave_up: None,
        };
        let e = client.decode::<serde::de::IgnoredAny>(&reply).unwrap_err();
        let text = format!("{e} {e:?} {client:?}");
        assert!(!text.contains("KEY-ABC"), "any case: {text}");
        assert!(
            !text.contains("key-abc") && !text.contains("sec-xyz"),
            "{text}"
        );
        assert!(
            e.to_string()
                .starts_with("GET /ping: 401 bad key <redacted> (RunCloud rejected the v2 API key and secret (WU_RUNCLOUD_API_KEY and WU_RUNCLOUD_API_SECRET)."),
            "{e}"
        );
    }

    #[test]
    fn a_secret_echoed_at_the_cut_is_redacted_whole() {
        let token = "rc3_tok_9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c";
        // The token straddles the cut: redacted before cutting, no part of it is left.
        let mut text = format!("{}{token} and more", "a".repeat(595));
        redact(&mut text, token);
        cut(&mut text, MAX_TEXT_CHARS);
        assert!(!text.contains("rc3_tok"), "{text}");
        assert_eq!(text.chars().count(), MAX_TEXT_CHARS, "{text}");

        let mut text = format!("x {} y {}", token.to_uppercase(), token);
        redact(&mut text, token);
        assert_eq!(text, "x <redacted> y <redacted>");

        let mut text = "é".repeat(700);
        cut(&mut text, MAX_TEXT_CHARS);
        assert_eq!(text.chars().count(), MAX_TEXT_CHARS);
    }
}
