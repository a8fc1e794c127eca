//! The phpinfo() / `php --ri wu_runcloud` section. Never prints a secret: the core's
//! InfoReport holds none.

use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};
use runcloud::{api, CallInput};

use crate::constants::defined_constants;

/// Build description from build.rs (`git describe`, or the package version).
const BUILD: &str = env!("WU_RUNCLOUD_BUILD");

/// `extern "C"` entry called by phpinfo(). A panic here would abort PHP, so the body runs
/// under catch_unwind and prints what it can.
///
/// # Safety
/// Called only by the engine, as the module's `info_func`; the module pointer is not read.
pub unsafe extern "C" fn module_info(_module: *mut ModuleEntry) {
    let rows = std::panic::catch_unwind(info_rows).unwrap_or_else(|_| {
        vec![(
            "status".to_string(),
            "error while reading the configuration".to_string(),
        )]
    });
    info_table_start!();
    for (name, value) in rows {
        // CString::new inside the macro rejects NUL bytes: strip them first.
        let name = name.replace('\0', "");
        let value = value.replace('\0', "");
        info_table_row!(name.as_str(), value.as_str());
    }
    info_table_end!();
}

fn info_rows() -> Vec<(String, String)> {
    let report = api::info(&CallInput {
        constants: defined_constants(),
        options: Vec::new(),
    });
    let yes_no = |b: bool| if b { "yes" } else { "no" }.to_string();
    vec![
        ("wu_runcloud support".into(), "enabled".into()),
        ("version".into(), report.version.to_string()),
        ("build".into(), BUILD.to_string()),
        (
            "API version in use".into(),
            report
                .api_version
                .map_or("none".to_string(), |v| v.to_string()),
        ),
        ("API root".into(), report.api_root.clone()),
        ("targets".into(), report.targets.to_string()),
        ("TLS roots".into(), report.tls_roots.clone()),
        ("configured".into(), yes_no(report.configured)),
    ]
}
