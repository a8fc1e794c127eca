//! What the SSL step of an add remembers about each web app for the life of the process: the
//! id of its Let's Encrypt certificate, or that it is in advanced (per-domain) mode. With it
//! an add with SSL costs POST + PUT (2 requests, not 3: no `GET ssl`), and in advanced mode
//! POST + POST (no `GET ssl`, no `GET ssl/advanced`).
//!
//! - The key is the web app *and* the API root *and* the credential: two configurations of
//!   one process never share an entry. The credential is kept as a keyed hash (a key drawn
//!   at random once per process), never its value.
//! - Learned from every lookup (`GET ssl`, `GET ssl/advanced`, in any function), dropped when
//!   an answer shows it stale: a 404 or 422 to the PUT of the remembered certificate, a 403,
//!   404 or 422 to a per-domain SSL call. The caller then looks the state up once, in the
//!   same call (ssl.rs).
//! - Only a Let's Encrypt certificate is remembered: with a custom one every add looks again,
//!   so a custom certificate is never sent a PUT, and one replaced by a Let's Encrypt
//!   certificate is redeployed at the next add. [assumed] RunCloud never gives the id of a
//!   deleted certificate to a new one (ids are database keys), so a stale id meets a 404.
//! - autoSSL is not taken on trust: with it the mode is still looked up on every add (no
//!   later answer would show it was switched off, and a domain would go without a
//!   certificate); only `GET ssl` is spared.
//! - Thread-safe (PHP under ZTS runs calls on several threads) and bounded.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{Mutex, OnceLock};

use crate::config::Target;

/// Web apps remembered at most; one more empties the memory (a process serving more apps
/// than this pays one lookup per app again).
const MAX_APPS: usize = 256;

/// One web app as one configuration reaches it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct AppKey {
    api_root: String,
    credential: u64,
    target: Target,
}

impl AppKey {
    /// `authorization` is the whole `Authorization` header value (hashed here, not kept).
    pub(crate) fn new(api_root: &str, authorization: &str, target: Target) -> AppKey {
        static KEY: OnceLock<RandomState> = OnceLock::new();
        AppKey {
            api_root: api_root.to_string(),
            credential: KEY.get_or_init(RandomState::new).hash_one(authorization),
            target,
        }
    }
}

/// What is known of a web app's SSL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Known {
    /// Its basic certificate is this Let's Encrypt certificate.
    LetsEncrypt(u64),
    /// Advanced (per-domain) mode without autoSSL: no basic certificate, issue per domain.
    Advanced,
    /// Advanced mode, autoSSL on when last seen: no basic certificate; the mode is checked.
    AdvancedAuto,
}

/// The remembered web apps.
#[derive(Debug, Default)]
struct Memory(HashMap<AppKey, Known>);

impl Memory {
    fn recall(&self, key: &AppKey) -> Option<Known> {
        self.0.get(key).copied()
    }

    fn remember(&mut self, key: &AppKey, known: Option<Known>) {
        match known {
            Some(known) => {
                if self.0.len() >= MAX_APPS && !self.0.contains_key(key) {
                    self.0.clear();
                }
                self.0.insert(key.clone(), known);
            }
            None => {
                self.0.remove(key);
            }
        }
    }
}

fn lock() -> std::sync::MutexGuard<'static, Memory> {
    static MEMORY: OnceLock<Mutex<Memory>> = OnceLock::new();
    // A poisoned lock only means another thread panicked while holding it; the map is whole.
    MEMORY
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|e| e.into_inner())
}

/// What this process knows of the web app `key`.
pub(crate) fn recall(key: &AppKey) -> Option<Known> {
    lock().recall(key)
}

/// Remembers `known` for `key`; `None` forgets it.
pub(crate) fn remember(key: &AppKey, known: Option<Known>) {
    lock().remember(key, known);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(root: &str, auth: &str, app_id: u64) -> AppKey {
        AppKey::new(
            root,
            auth,
            Target {
                server_id: 1,
                app_id,
            },
        )
    }

    #[test]
    fn configurations_do_not_share_an_entry() {
        let a = key("test://memory-a", "Bearer one", 1);
        remember(&a, Some(Known::LetsEncrypt(7)));
        assert_eq!(recall(&a), Some(Known::LetsEncrypt(7)));
        for other in [
            key("test://memory-b", "Bearer one", 1),
            key("test://memory-a", "Bearer two", 1),
            key("test://memory-a", "Bearer one", 2),
        ] {
            assert_eq!(recall(&other), None, "{other:?}");
        }
        remember(&a, None);
        assert_eq!(recall(&a), None);
        // The credential itself is not kept.
        assert!(!format!("{a:?}").contains("one"));
    }

    #[test]
    fn the_memory_is_bounded() {
        let mut memory = Memory::default();
        for app in 0..(MAX_APPS as u64 + 10) {
            let k = key("test://bounded", "Bearer b", app);
            memory.remember(&k, Some(Known::Advanced));
            assert!(memory.0.len() <= MAX_APPS);
            assert_eq!(memory.recall(&k), Some(Known::Advanced));
        }
    }
}
