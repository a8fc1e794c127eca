//! The exception classes of DESIGN.md and the mapping from `runcloud::Error` to them.
//!
//! The classes are registered with `ClassBuilder` in module startup, without an object
//! override: a `#[php_class]` extending Exception would lose file, line and trace, while a
//! plain internal subclass keeps the engine's own exception object (file, line and trace of
//! the PHP caller are filled in when the object is created).

use std::collections::BTreeMap;

use ext_php_rs::args::ArgInfoTables;
use ext_php_rs::builders::{ClassBuilder, ClassProperty, FunctionBuilder};
use ext_php_rs::convert::IntoZval;
use ext_php_rs::exception::PhpException;
use ext_php_rs::flags::{DataType, MethodFlags, PropertyFlags};
use ext_php_rs::types::{ZendHashTable, ZendObject, Zval};
use ext_php_rs::zend::{ce, ClassEntry, ExecuteData, ExecutorGlobals};
use runcloud::Error;

pub const BASE: &str = "WU\\RunCloud\\Exception";
pub const CONFIG: &str = "WU\\RunCloud\\ConfigException";
pub const VALIDATION: &str = "WU\\RunCloud\\ValidationException";
pub const API: &str = "WU\\RunCloud\\ApiException";
pub const TRANSPORT: &str = "WU\\RunCloud\\TransportException";

/// The protected property behind `ApiException::getErrors()`.
const ERRORS_PROPERTY: &str = "errors";

fn runtime_exception() -> &'static ClassEntry {
    // SPL (always compiled into PHP 8) registers RuntimeException before any shared extension.
    find_class("RuntimeException").unwrap_or_else(ce::exception)
}

fn base_exception() -> &'static ClassEntry {
    find_class(BASE).unwrap_or_else(runtime_exception)
}

/// A class by name, also during module startup, when the executor's class table (which
/// `ClassEntry::try_find` uses) is not set up yet: then the compiler's table is read.
fn find_class(name: &str) -> Option<&'static ClassEntry> {
    if let Some(class) = ClassEntry::try_find(name) {
        return Some(class);
    }
    // SAFETY: the compiler globals are static; CG(class_table) is either null or the
    // engine's live class table, whose entries are IS_PTR zvals pointing at class entries
    // that live as long as the process. Only read here, from the engine's own thread.
    let table = unsafe {
        ext_php_rs::ffi::ext_php_rs_compiler_globals()
            .as_ref()?
            .class_table
            .as_ref()?
    };
    let entry = table.get(name.to_ascii_lowercase().as_str())?;
    unsafe { entry.ptr::<ClassEntry>()?.as_ref() }
}

/// Registers the five classes. Called from module startup (MINIT).
pub fn register() -> ext_php_rs::error::Result<()> {
    ClassBuilder::new(BASE)
        .extends((runtime_exception, "\\RuntimeException"))
        .registration(keep_registration)
        .register()?;
    // Their documentation lives in the stubs (scripts/stubs-finish.php): cargo-php cannot
    // see classes registered at startup.
    for name in [CONFIG, VALIDATION, TRANSPORT] {
        ClassBuilder::new(name)
            .extends((base_exception, "\\WU\\RunCloud\\Exception"))
            .registration(keep_registration)
            .register()?;
    }
    ClassBuilder::new(API)
        .extends((base_exception, "\\WU\\RunCloud\\Exception"))
        .property(ClassProperty {
            name: ERRORS_PROPERTY.into(),
            flags: PropertyFlags::Protected,
            // Internal classes cannot have refcounted defaults (an array): null it is, and
            // getErrors() answers [] for it.
            default: None,
            docs: &[],
            ty: None,
            nullable: true,
            readonly: false,
            default_stub: Some("null".into()),
        })
        .method(
            FunctionBuilder::new("getErrors", get_errors).returns(DataType::Array, false, false),
            MethodFlags::Public,
        )
        .registration(keep_registration)
        .register()?;
    Ok(())
}

/// Called by `ClassBuilder::register`: the engine points at the method argument tables for
/// the life of the process, so they are kept (deliberately leaked, a few bytes per class).
fn keep_registration(_class: &'static mut ClassEntry, tables: ArgInfoTables) {
    std::mem::forget(tables);
}

/// `ApiException::getErrors(): array`.
extern "C" fn get_errors(execute_data: &mut ExecuteData, retval: &mut Zval) {
    ext_php_rs::zend::run_handler(std::panic::AssertUnwindSafe(|| {
        let errors = execute_data.get_self().and_then(|this| {
            with_class_scope(API, || {
                this.get_property::<&Zval>(ERRORS_PROPERTY)
                    .ok()
                    .map(Zval::shallow_clone)
            })
        });
        match errors {
            Some(errors) if errors.is_array() => *retval = errors,
            _ => retval.set_hashtable(ZendHashTable::new()),
        }
    }));
}

/// Runs `f` with the engine's scope set to `class`, so protected properties of our own
/// exception objects can be read and written (what `zend_update_property` does in C).
fn with_class_scope<R>(class: &str, f: impl FnOnce() -> R) -> R {
    let scope =
        find_class(class).map_or(std::ptr::null_mut(), |ce| std::ptr::from_ref(ce).cast_mut());
    let previous = {
        let mut globals = ExecutorGlobals::get_mut();
        std::mem::replace(&mut globals.fake_scope, scope)
    };
    let result = f();
    ExecutorGlobals::get_mut().fake_scope = previous;
    result
}

/// The PHP exception for a core error. Messages never hold secrets (the core guarantees it).
pub fn to_php_exception(error: &Error) -> PhpException {
    let message = error.to_string();
    let code = error.status().map_or(0, i32::from);
    let class = match error {
        Error::Config { .. } => CONFIG,
        Error::Validation { .. } => VALIDATION,
        Error::Api { .. } => API,
        Error::Transport { .. } => TRANSPORT,
    };
    let Some(ce) = find_class(class) else {
        return PhpException::new(message, code, ce::exception());
    };
    if let Error::Api { errors, .. } = error {
        if let Some(object) = api_exception_object(ce, &message, code, errors) {
            return PhpException::new(message, code, ce).with_object(object);
        }
    }
    PhpException::new(message, code, ce)
}

/// A new ApiException object with message, code and field errors set. Creating it through
/// the class's own create handler records the PHP caller's file, line and trace.
fn api_exception_object(
    ce: &'static ClassEntry,
    message: &str,
    code: i32,
    errors: &BTreeMap<String, Vec<String>>,
) -> Option<Zval> {
    let mut object = ZendObject::new(ce);
    let mut table = ZendHashTable::with_capacity(u32::try_from(errors.len()).unwrap_or(u32::MAX));
    for (field, messages) in errors {
        let mut list = ZendHashTable::new();
        for text in messages {
            list.push(text.as_str()).ok()?;
        }
        table.insert(field.as_str(), list).ok()?;
    }
    with_class_scope(API, || -> Option<()> {
        object.set_property("message", message).ok()?;
        object.set_property("code", i64::from(code)).ok()?;
        object.set_property(ERRORS_PROPERTY, table).ok()?;
        Some(())
    })?;
    object.into_zval(false).ok()
}
