//! `runcloud-emulator`: runs the emulator until killed (command line: `--help`).

#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;

use runcloud_emulator::cli::{self, Command};
use runcloud_emulator::Emulator;

fn main() -> ExitCode {
    let config = match cli::parse_args(std::env::args_os().skip(1)) {
        Ok(Command::Run(config)) => config,
        Ok(Command::Help) => {
            print!("{}", cli::HELP);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("runcloud-emulator: {message}");
            return ExitCode::from(2);
        }
    };
    let emulator = match Emulator::start(*config) {
        Ok(emulator) => emulator,
        Err(error) => {
            eprintln!("runcloud-emulator: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut stdout = std::io::stdout().lock();
    // Flushed at once: callers wait for this line instead of sleeping.
    let _ = writeln!(stdout, "READY {}", emulator.base_url());
    let _ = stdout.flush();
    drop(stdout);
    loop {
        std::thread::park();
    }
}
