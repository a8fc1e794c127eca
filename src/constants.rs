//! Reads the `WU_RUNCLOUD_*` constants of the running script at call time.
//!
//! ext-php-rs has no helper for user constants, and `zend_get_constant_str` is not in its
//! bindings (a plain `extern` import would break `cargo php stubs`), so this reads the
//! executor's constants table (`EG(zend_constants)`) directly. Its entries are pointers to
//! `zend_constant`, whose first member is the constant's value (stable across PHP 8.x).

use ext_php_rs::types::Zval;
use ext_php_rs::zend::ExecutorGlobals;
use runcloud::PhpValue;

use crate::convert::php_value_of;

/// The leading member of PHP's `zend_constant` (the rest is not read).
#[repr(C)]
struct ZendConstantHead {
    value: Zval,
}

/// Every `WU_RUNCLOUD_*` constant the core knows about that is defined in this request.
pub fn defined_constants() -> Vec<(String, PhpValue)> {
    let globals = ExecutorGlobals::get();
    let Some(table) = globals.constants() else {
        return Vec::new();
    };
    runcloud::CONSTANT_NAMES
        .iter()
        .filter_map(|name| {
            let entry = table.get(*name)?;
            // SAFETY: entries of EG(zend_constants) are IS_PTR zvals pointing at a live
            // `zend_constant` owned by the table, which outlives this read (the read guard
            // is held). A non-pointer entry is skipped rather than trusted.
            let constant = unsafe { entry.ptr::<ZendConstantHead>()?.as_ref()? };
            Some((name.to_string(), php_value_of(&constant.value)))
        })
        .collect()
}
