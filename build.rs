//! Build-time facts for the extension: refuses PHP older than 8.1 with a clear message
//! (ext-php-rs 0.16 supports 8.1+), and records `git describe` for phpinfo().

use std::process::Command;

fn main() {
    println!("cargo:rerun-if-env-changed=PHP");
    println!("cargo:rerun-if-env-changed=PHP_CONFIG");
    println!("cargo:rerun-if-changed=.git/HEAD");

    let php = std::env::var("PHP").unwrap_or_else(|_| "php".to_string());
    if let Some(version_id) = run(&php, &["-r", "echo PHP_VERSION_ID;"]) {
        match version_id.trim().parse::<u32>() {
            Ok(id) if id < 80100 => {
                panic!("wu_runcloud needs PHP 8.1 or newer; `{php}` is PHP_VERSION_ID {id}")
            }
            Ok(_) => {}
            Err(_) => println!("cargo:warning=could not read PHP_VERSION_ID from `{php}`"),
        }
    }

    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let build = run("git", &["describe", "--always", "--dirty", "--tags"])
        .map(|d| format!("{version} ({})", d.trim()))
        .unwrap_or(version);
    println!("cargo:rustc-env=WU_RUNCLOUD_BUILD={build}");
}

/// Stdout of a command that succeeded, else None (a missing tool is not an error here).
fn run(program: &str, args: &[&str]) -> Option<String> {
    let output = Command::new(program).args(args).output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).into_owned())
}
