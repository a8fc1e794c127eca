//! wu_runcloud: the PHP extension. A thin shell over the `runcloud` crate: it reads the
//! WU_RUNCLOUD_* constants, converts arguments and results, maps errors to exceptions, and
//! adds a phpinfo() section. The PHP-visible contract is stubs/wu_runcloud.stubs.php.
//!
//! `unsafe` lives here and only here: the `runcloud` and `runcloud-emulator` crates are
//! `#![forbid(unsafe_code)]`. It touches the engine where ext-php-rs has no safe API: the
//! executor's constants table (constants.rs), the compiler's class table during module start-up
//! (exceptions.rs), permanent interned strings (to_php.rs), and the engine's C callbacks for
//! module start-up and phpinfo() (this file, info.rs). The blocks say why they are sound in a
//! `SAFETY` comment.
//!
//! How a call travels from PHP through the core and back: docs/ARCHITECTURE.md. Comments tag
//! API facts \[doc\], \[sdk\], \[seen\] or \[assumed\]; the legend is docs/RUNCLOUD_API.md,
//! "Evidence tags".

#![cfg_attr(windows, feature(abi_vectorcall))]

mod constants;
mod convert;
mod exceptions;
mod functions;
mod info;
mod to_php;

use ext_php_rs::prelude::*;

/// Module startup: registers the exception classes (they need MINIT, see exceptions.rs) and
/// interns the keys of the result arrays (to_php.rs).
///
/// # Safety
/// Called only by the engine, once, as the module's `startup_func` (MINIT); the arguments are
/// not read.
unsafe extern "C" fn startup(_type: i32, _module_number: i32) -> i32 {
    // A panic must not unwind into the engine here: report failure instead.
    let started = std::panic::catch_unwind(|| {
        to_php::intern();
        exceptions::register()
    });
    match started {
        Ok(Ok(())) => 0,
        _ => -1,
    }
}

#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    functions::register(
        module
            .startup_function(startup)
            .info_function(info::module_info),
    )
}
