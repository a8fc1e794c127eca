//! Helpers shared by the integration tests (each test file is its own binary; not every
//! binary uses every helper).
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use runcloud::{CallInput, PhpValue};
use runcloud_emulator::{Emulator, EmulatorConfig, RecordedRequest};

pub const TOKEN: &str = "tok-VerySecret-3c9f1e";
pub const KEY: &str = "key-VerySecret-77ab";
pub const SECRET: &str = "sec-VerySecret-d41d8c";

/// An emulator that accepts both credential sets, with `tweak` applied.
///
/// Never on an address an earlier emulator of this process had: the client remembers each
/// web app's certificate per API root for the life of the process (as it should: one root is
/// one RunCloud), and emulators number their certificates alike.
pub fn start(tweak: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    static USED: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let mut config = EmulatorConfig {
        token: Some(TOKEN.into()),
        api_key: Some(KEY.into()),
        api_secret: Some(SECRET.into()),
        ..EmulatorConfig::default()
    };
    tweak(&mut config);
    for _ in 0..20 {
        let emulator = Emulator::start(config.clone()).expect("emulator starts");
        let mut used = USED.lock().unwrap_or_else(|e| e.into_inner());
        if !used.contains(&emulator.base_url()) {
            used.push(emulator.base_url());
            return emulator;
        }
    }
    panic!("no fresh address for an emulator in 20 tries");
}

pub fn pairs(items: &[(&str, PhpValue)]) -> Vec<(String, PhpValue)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// Constants for v3 (token) pointing at the emulator, app 1:1.
pub fn v3(emu: &Emulator) -> CallInput {
    CallInput {
        constants: pairs(&[
            ("WU_RUNCLOUD_API_TOKEN", TOKEN.into()),
            ("WU_RUNCLOUD_SERVER_ID", 1.into()),
            ("WU_RUNCLOUD_APP_ID", "1".into()),
            ("WU_RUNCLOUD_API_URL", emu.base_url().as_str().into()),
        ]),
        options: vec![],
    }
}

/// Constants for v2 (key + secret) pointing at the emulator, app 1:1.
pub fn v2(emu: &Emulator) -> CallInput {
    CallInput {
        constants: pairs(&[
            ("WU_RUNCLOUD_API_KEY", KEY.into()),
            ("WU_RUNCLOUD_API_SECRET", SECRET.into()),
            ("WU_RUNCLOUD_SERVER_ID", "1".into()),
            ("WU_RUNCLOUD_APP_ID", 1.into()),
            ("WU_RUNCLOUD_API_URL", emu.base_url().as_str().into()),
        ]),
        options: vec![],
    }
}

pub fn with_options(mut input: CallInput, options: &[(&str, PhpValue)]) -> CallInput {
    input.options.extend(pairs(options));
    input
}

pub fn count(requests: &[RecordedRequest], method: &str, path_suffix: &str) -> usize {
    requests
        .iter()
        .filter(|r| r.method == method && r.path.ends_with(path_suffix))
        .count()
}

/// A fresh path in the temp dir (no tempfile crate needed).
pub fn temp_path(name: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    std::env::temp_dir().join(format!(
        "runcloud-test-{}-{}-{name}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ))
}

/// Asserts no credential appears in an error's message or Debug output.
pub fn assert_no_secret(e: &runcloud::Error) {
    let text = format!("{e} {e:?}");
    for s in [TOKEN, KEY, SECRET] {
        assert!(!text.contains(s), "secret leaked in: {text}");
    }
}
