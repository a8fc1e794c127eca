//! Shared pieces of the fuzz targets: the option sets, the §5 oracle for ASCII names, and a
//! loopback HTTP stub that answers every request with the bytes the fuzzer chose.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Mutex, OnceLock};

use runcloud::{CallInput, PhpValue};

pub const TOKEN: &str = "tok-SECRET-fuzz-0042";

/// Credentials but no server/app id: the facade validates the domain, then stops at the
/// missing configuration (`Error::Config`), so nothing is ever sent.
pub fn offline(wildcard: bool) -> CallInput {
    CallInput {
        constants: vec![],
        options: vec![
            ("api_token".into(), PhpValue::from(TOKEN)),
            ("wildcard".into(), PhpValue::Bool(wildcard)),
        ],
    }
}

/// The same for lookups (find/remove take no `wildcard` option).
pub fn offline_lookup() -> CallInput {
    CallInput {
        constants: vec![],
        options: vec![("api_token".into(), PhpValue::from(TOKEN))],
    }
}

/// docs/RUNCLOUD_API.md §5 for ASCII input, independent of crates/runcloud/src/domain_name.rs.
/// `None` for names without `xn--` labels it cannot judge alone.
pub fn oracle_ascii(input: &str, wildcard: bool) -> Option<bool> {
    if !input.is_ascii() || input.to_ascii_lowercase().contains("xn--") {
        return None;
    }
    let lower = input.to_ascii_lowercase();
    let name = lower.strip_suffix('.').unwrap_or(&lower);
    let rest = match name.strip_prefix("*.") {
        Some(rest) if wildcard => rest,
        Some(_) => return Some(false),
        None => name,
    };
    let labels: Vec<&str> = rest.split('.').collect();
    let labels_ok = labels.len() >= 2
        && labels.iter().all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
        && !labels
            .last()
            .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()));
    let full_len = rest.len() + if name.starts_with("*.") { 2 } else { 0 };
    Some(labels_ok && full_len <= 253)
}

/// What the stub answers: status and body.
static ANSWER: Mutex<(u16, Vec<u8>)> = Mutex::new((200, Vec::new()));

pub fn set_answer(status: u16, body: &[u8]) {
    let mut a = ANSWER.lock().unwrap_or_else(|e| e.into_inner());
    *a = (status, body.to_vec());
}

/// The stub's API root (`http://127.0.0.1:PORT/api`), started on first use.
pub fn stub_url() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/api", listener.local_addr().expect("addr"));
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || serve(stream));
            }
        });
        url
    })
}

fn serve(stream: TcpStream) {
    // One write per answer and no Nagle: loopback round trips stay in microseconds.
    let _ = stream.set_nodelay(true);
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut writer = stream;
    loop {
        // Request line and headers.
        let mut length = 0usize;
        let mut first = true;
        loop {
            let mut line = String::new();
            match reader.read_line(&mut line) {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            if line == "\r\n" || line == "\n" {
                if first {
                    continue;
                }
                break;
            }
            first = false;
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length.min(1 << 20)];
        if reader.read_exact(&mut body).is_err() {
            return;
        }
        let (status, answer) = {
            let a = ANSWER.lock().unwrap_or_else(|e| e.into_inner());
            (a.0, a.1.clone())
        };
        let head = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nRetry-After: 0\r\nLocation: http://127.0.0.1:9/x\r\n\r\n",
            answer.len()
        );
        let mut out = head.into_bytes();
        out.extend_from_slice(&answer);
        if writer.write_all(&out).is_err() {
            return;
        }
    }
}

/// Options for a call to the stub.
pub fn online(extra: &[(&str, PhpValue)]) -> CallInput {
    let mut options = vec![
        ("api_url".to_string(), PhpValue::from(stub_url())),
        ("api_token".to_string(), PhpValue::from(TOKEN)),
        ("server_id".to_string(), PhpValue::Int(1)),
        ("app_id".to_string(), PhpValue::Int(1)),
        ("timeout".to_string(), PhpValue::Int(5)),
    ];
    options.extend(extra.iter().map(|(k, v)| (k.to_string(), v.clone())));
    CallInput {
        constants: vec![],
        options,
    }
}
