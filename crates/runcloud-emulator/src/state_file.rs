//! `--state-file`: the state JSON on disk, replaced atomically so readers never see half a file.

use std::fs;
use std::io;
use std::path::Path;

use serde_json::Value;

/// Writes `state` (pretty-printed) to `path` through a temporary file and a rename.
pub fn write(path: &Path, state: &Value) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(state).map_err(io::Error::other)?;
    text.push('\n');
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".tmp");
    fs::write(&temporary, text)?;
    fs::rename(&temporary, path)
}
