//! wu_runcloud: the PHP extension. A thin shell over the `runcloud` crate: it reads the
//! WU_RUNCLOUD_* constants, converts arguments and results, maps errors to exceptions, and
//! adds a phpinfo() section. See DESIGN.md for the contracts.

#![cfg_attr(windows, feature(abi_vectorcall))]

mod constants;
mod convert;
mod exceptions;
mod functions;
mod info;
mod zval_serializer;

use ext_php_rs::prelude::*;

/// Module startup: registers the exception classes (they need MINIT, see exceptions.rs).
unsafe extern "C" fn startup(_type: i32, _module_number: i32) -> i32 {
    // A panic must not unwind into the engine here: report failure instead.
    match std::panic::catch_unwind(exceptions::register) {
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
