//! Helpers shared by the integration tests (each test file is its own binary; not every
//! binary uses every helper).
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use runcloud::{CallInput, PhpValue};
use runcloud_emulator::{Emulator, EmulatorConfig, RecordedRequest};

pub const TOKEN: &str = "tok-VerySecret-3c9f1e";
pub const KEY: &str = "key-VerySecret-77ab";
pub const SECRET: &str = "sec-VerySecret-d41d8c";

/// An emulator that accepts both credential sets, with `tweak` applied.
pub fn start(tweak: impl FnOnce(&mut EmulatorConfig)) -> Emulator {
    let mut config = EmulatorConfig {
        token: Some(TOKEN.into()),
        api_key: Some(KEY.into()),
        api_secret: Some(SECRET.into()),
        ..EmulatorConfig::default()
    };
    tweak(&mut config);
    Emulator::start(config).expect("emulator starts")
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
