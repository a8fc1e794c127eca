//! The binary: READY line, --help, bad flags.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

const BINARY: &str = env!("CARGO_BIN_EXE_runcloud-emulator");

/// Kills the child when the test ends, pass or fail.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(arguments: &[&str]) -> (Running, String) {
    let mut child = Command::new(BINARY)
        .args(arguments)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("READY line");
    (Running(child), line)
}

fn get(address: &str, path: &str, authorization: &str) -> String {
    let mut stream = TcpStream::connect(address).expect("connect");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: {authorization}\r\nConnection: close\r\n\r\n"
    )
    .expect("write");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    response
}

#[test]
fn prints_ready_and_serves_the_flags() {
    let (_running, line) = spawn(&[
        "--listen",
        "127.0.0.1:0",
        "--token",
        "T",
        "--api-key",
        "K",
        "--api-secret",
        "S",
        "--app",
        "3:4",
        "--app",
        "5:6",
        "--seed-domains",
        "2",
        "--ssl",
        "letsencrypt",
        "--rate-limit",
        "100",
        "--rate-window-ms",
        "1000",
        "--retry-after",
        "2",
    ]);
    let base_url = line
        .strip_prefix("READY ")
        .map(str::trim)
        .expect("READY <base-url>");
    assert!(
        base_url.starts_with("http://127.0.0.1:") && base_url.ends_with("/api"),
        "{base_url}"
    );
    let address = base_url
        .trim_start_matches("http://")
        .trim_end_matches("/api")
        .to_string();
    let response = get(&address, "/api/v3/servers/5/webapps/6/domains", "Bearer T");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("\"total\":2"));
    assert!(response.contains("X-RateLimit-Limit: 100"));
    let response = get(&address, "/api/v2/servers/3/webapps/4/ssl", "Basic SzpT");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains("letsencrypt"));
    let response = get(&address, "/api/v3/servers/1/webapps/1", "Bearer T");
    assert!(response.starts_with("HTTP/1.1 404"), "{response}");
}

#[test]
fn tls_flags_write_the_ca() {
    let ca_path = std::env::temp_dir().join(format!(
        "runcloud-emulator-cli-ca-{}.pem",
        std::process::id()
    ));
    let ca_arg = ca_path.to_string_lossy().into_owned();
    let (_running, line) = spawn(&["--tls", "--ca-out", &ca_arg, "--token", "T"]);
    assert!(line.starts_with("READY https://127.0.0.1:"), "{line}");
    let pem = std::fs::read_to_string(&ca_path).expect("CA file");
    assert!(pem.contains("BEGIN CERTIFICATE"));
    let _ = std::fs::remove_file(&ca_path);
}

#[test]
fn help_documents_every_flag() {
    let output = Command::new(BINARY).arg("--help").output().expect("runs");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--listen",
        "--token",
        "--api-key",
        "--api-secret",
        "--app",
        "--ssl",
        "--seed-domains",
        "--rate-limit",
        "--rate-window-ms",
        "--retry-after",
        "--latency-ms",
        "--connect-latency-ms",
        "--tls",
        "--ca-out",
        "--state-file",
    ] {
        assert!(help.contains(flag), "--help does not mention {flag}");
    }
}

#[test]
fn bad_flags_exit_non_zero_with_a_message() {
    for arguments in [
        vec!["--bogus"],
        vec!["--app", "1"],
        vec!["--app", "0:1"],
        vec!["--ssl", "sometimes"],
        vec!["--seed-domains", "-1"],
        vec!["--listen", "nowhere"],
        vec!["--rate-window-ms", "10"],
        vec!["--retry-after", "5"],
        vec!["--ca-out", "/tmp/x.pem"],
        vec!["--api-key", "K"],
        vec!["--token"],
        vec!["extra"],
    ] {
        let output = Command::new(BINARY)
            .args(&arguments)
            .output()
            .expect("runs");
        assert!(!output.status.success(), "{arguments:?} should fail");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.starts_with("runcloud-emulator: "),
            "{arguments:?}: {stderr}"
        );
        assert!(output.stdout.is_empty());
    }
}
