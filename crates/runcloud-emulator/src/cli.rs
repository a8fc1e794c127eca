//! The fixed command line of the `runcloud-emulator` binary (documented flag by flag in
//! crates/runcloud-emulator/README.md, "Run it"; tests and benchmarks depend on it).

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::str::FromStr;

use crate::config::{EmulatorConfig, SslMode};

/// Default fixed window when `--rate-limit` is given without `--rate-window-ms`: one minute,
/// the unit of the community-reported budget of about 60 requests per minute
/// ([assumed], docs/RUNCLOUD_API.md §2).
const DEFAULT_RATE_WINDOW_MS: u64 = 60_000;

/// `--help` text: documents every flag.
pub const HELP: &str = "\
runcloud-emulator: a strict local RunCloud API (v2 and v3) for tests, demo and benchmarks

USAGE:
    runcloud-emulator [OPTIONS]

Once listening it prints one line `READY <base-url>` (base-url ends in /api: v2 at
<base-url>/v2, v3 at <base-url>/v3) and serves until killed.

OPTIONS:
    --listen ADDR             Address to listen on [default: 127.0.0.1:0]; port 0 picks a free port
    --token T                 v3 API token (Authorization: Bearer T); v2 accepts it too
    --api-key K               v2 API key (HTTP Basic user); needs --api-secret
    --api-secret S            v2 API secret (HTTP Basic password); needs --api-key
    --app SERVER_ID:APP_ID    A web app that exists (repeatable) [default: 1:1]
    --ssl MODE                Initial SSL state of every web app [default: none]:
                                none           no certificate
                                letsencrypt    basic Let's Encrypt certificate (redeployable)
                                custom         basic custom certificate (not redeployable)
                                advanced       per-domain SSL on, autoSSL off
                                advanced-auto  per-domain SSL on, autoSSL on
    --seed-domains N          Create N domains on every web app at start
                              (site-1.example.test, site-2.example.test, ...)
    --rate-limit N            Allow N /api requests per window, then answer 429
    --rate-window-ms MS       Length of the rate-limit window [default: 60000]; needs --rate-limit
    --retry-after SECONDS     Send Retry-After: SECONDS (and X-RateLimit-Reset = now + SECONDS)
                              with every 429 of the limiter [default: the seconds to the
                              window's end]; needs --rate-limit
    --latency-ms MS           Delay every /api response by MS
    --connect-latency-ms MS   Delay every new TCP connection by MS before serving it
    --tls                     Serve HTTPS with a certificate for 127.0.0.1, ::1 and localhost,
                              signed by a CA generated at start
    --ca-out PATH             Write that CA as PEM to PATH (needs --tls)
    --state-file PATH         Write the state JSON to PATH at start and after every change
    -h, --help                Print this help

Without --token and --api-key/--api-secret no credential is valid: every /api request gets 401.

CONTROL PLANE (never under /api, no authentication):
    GET    /__emulator/state          state of every web app
    GET    /__emulator/requests       {\"requests\":[{\"method\",\"path\",\"query\",\"body\",\"status\"}...]}
    DELETE /__emulator/requests       clear the request log
    POST   /__emulator/reset          back to the initial state, faults and log cleared
    POST   /__emulator/seed           {\"server_id\":7,\"app_id\":9,\"count\":1000}
    POST   /__emulator/faults         one fault rule, e.g. {\"path\":\"/api/v3/servers/*/webapps/*/domains\",\"status\":503}
    GET    /__emulator/faults         pending fault rules
    DELETE /__emulator/faults         drop all fault rules
    GET    /__emulator/connections    {\"accepted\":N}
    GET    /__emulator/dns            {\"names\":{\"shop.example.com\":false}}: names set for certificate validation
    POST   /__emulator/dns            {\"name\":\"shop.example.com\",\"points_here\":false} (default: every name points here)
    GET    /__emulator/clock          {\"now\",\"unix\",\"offset_seconds\"}: the emulator clock (issuance windows)
    POST   /__emulator/clock          {\"advance_seconds\":604800}
";

/// What the command line asks for.
#[derive(Debug)]
pub enum Command {
    /// Run the emulator.
    Run(Box<EmulatorConfig>),
    /// Print [`HELP`] and exit successfully.
    Help,
}

/// Parses the process arguments (without the program name).
pub fn parse_args<I>(args: I) -> Result<Command, String>
where
    I: IntoIterator,
    I::Item: Into<OsString>,
{
    use lexopt::Arg::{Long, Short, Value};

    let mut parser = lexopt::Parser::from_args(args);
    let mut config = EmulatorConfig::default();
    let mut apps: Vec<(u64, u64)> = Vec::new();
    let mut rate_limit: Option<u32> = None;
    let mut rate_window_ms: Option<u64> = None;

    while let Some(arg) = parser.next().map_err(|error| error.to_string())? {
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help),
            Long("listen") => {
                config.listen = parse_listen(&string_value(&mut parser, "--listen")?)?
            }
            Long("token") => config.token = Some(string_value(&mut parser, "--token")?),
            Long("api-key") => config.api_key = Some(string_value(&mut parser, "--api-key")?),
            Long("api-secret") => {
                config.api_secret = Some(string_value(&mut parser, "--api-secret")?)
            }
            Long("app") => apps.push(parse_app(&string_value(&mut parser, "--app")?)?),
            Long("ssl") => config.ssl = parsed_value::<SslMode>(&mut parser, "--ssl")?,
            Long("seed-domains") => {
                config.seed_domains = parsed_value(&mut parser, "--seed-domains")?
            }
            Long("rate-limit") => rate_limit = Some(parsed_value(&mut parser, "--rate-limit")?),
            Long("rate-window-ms") => {
                rate_window_ms = Some(parsed_value(&mut parser, "--rate-window-ms")?)
            }
            Long("retry-after") => {
                config.retry_after = Some(parsed_value(&mut parser, "--retry-after")?)
            }
            Long("latency-ms") => config.latency_ms = parsed_value(&mut parser, "--latency-ms")?,
            Long("connect-latency-ms") => {
                config.connect_latency_ms = parsed_value(&mut parser, "--connect-latency-ms")?
            }
            Long("tls") => config.tls = true,
            Long("ca-out") => config.ca_out = Some(path_value(&mut parser, "--ca-out")?),
            Long("state-file") => {
                config.state_file = Some(path_value(&mut parser, "--state-file")?)
            }
            Value(value) => {
                return Err(format!(
                    "unexpected argument {:?} (see --help)",
                    value.to_string_lossy()
                ))
            }
            other => return Err(format!("{} (see --help)", other.unexpected())),
        }
    }

    if !apps.is_empty() {
        config.apps = apps;
    }
    config.rate_limit = match (rate_limit, rate_window_ms) {
        (Some(requests), window) => Some((requests, window.unwrap_or(DEFAULT_RATE_WINDOW_MS))),
        (None, Some(_)) => return Err("--rate-window-ms needs --rate-limit".into()),
        (None, None) => None,
    };
    if config.retry_after.is_some() && config.rate_limit.is_none() {
        // It would change nothing: only the limiter's 429s carry it (fault rules set their own).
        return Err("--retry-after needs --rate-limit".into());
    }
    config.validate()?;
    Ok(Command::Run(Box::new(config)))
}

fn string_value(parser: &mut lexopt::Parser, flag: &str) -> Result<String, String> {
    let value = parser.value().map_err(|error| format!("{flag}: {error}"))?;
    value
        .into_string()
        .map_err(|_| format!("{flag}: the value is not valid UTF-8"))
}

fn path_value(parser: &mut lexopt::Parser, flag: &str) -> Result<PathBuf, String> {
    parser
        .value()
        .map(PathBuf::from)
        .map_err(|error| format!("{flag}: {error}"))
}

fn parsed_value<T>(parser: &mut lexopt::Parser, flag: &str) -> Result<T, String>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    let text = string_value(parser, flag)?;
    text.parse::<T>()
        .map_err(|error| format!("{flag} {text:?}: {error}"))
}

/// `SERVER_ID:APP_ID`, both positive integers.
fn parse_app(text: &str) -> Result<(u64, u64), String> {
    let invalid =
        || format!("--app {text:?}: expected SERVER_ID:APP_ID with positive integers, e.g. 1:1");
    let (server, app) = text.split_once(':').ok_or_else(invalid)?;
    let server_id: u64 = server.parse().map_err(|_| invalid())?;
    let app_id: u64 = app.parse().map_err(|_| invalid())?;
    if server_id == 0 || app_id == 0 {
        return Err(invalid());
    }
    Ok((server_id, app_id))
}

/// `IP:PORT`; `SocketAddr` parse errors say little on their own.
fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    text.parse()
        .map_err(|_| format!("--listen {text:?}: expected IP:PORT, e.g. 127.0.0.1:0"))
}
