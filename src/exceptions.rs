//! The exception classes (README.md, "The native API"; documented in the stubs) and the mapping from `runcloud::Error` to them.
//!
//! The classes are registered with `ClassBuilder` in module startup, without an object
//! override: a `#[php_class]` extending Exception would lose file, line and trace, while a
//! plain internal subclass keeps the engine's own exception object (file, line and trace of
//! the PHP caller are filled in when the object is created).

use std::collections::BTreeMap;

use ext_php_rs::args::ArgInfoTables;
use ext_php_rs::boxed::ZBox;
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
    // SAFETY: an entry of the class table is an IS_PTR zval to a `zend_class_entry` that the
    // engine keeps for the life of the process (see above); `ptr` checks the type.
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
        let api = find_class(API);
        let errors = execute_data.get_self().zip(api).and_then(|(this, api)| {
            with_class_scope(api, || {
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

/// Runs `f` with the engine's scope set to `class`, so protected and private properties of
/// our exception objects can be read and written (what `zend_update_property` does in C).
fn with_class_scope<R>(class: &ClassEntry, f: impl FnOnce() -> R) -> R {
    let scope = std::ptr::from_ref(class).cast_mut();
    let previous = {
        let mut globals = ExecutorGlobals::get_mut();
        std::mem::replace(&mut globals.fake_scope, scope)
    };
    let result = f();
    ExecutorGlobals::get_mut().fake_scope = previous;
    result
}

/// The PHP exception for a core error. Messages never hold secrets (the core guarantees it);
/// `secrets` are the credential values of the call, scrubbed from the trace the engine
/// records (it keeps the caller's arguments unless zend.exception_ignore_args is on).
pub fn to_php_exception(error: &Error, secrets: &[&[u8]]) -> PhpException {
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
    let errors = match error {
        Error::Api { errors, .. } => Some(errors),
        _ => None,
    };
    match exception_object(ce, &message, code, errors, secrets) {
        Some(object) => PhpException::new(message, code, ce).with_object(object),
        None => PhpException::new(message, code, ce),
    }
}

/// A new exception object with message, code, field errors (ApiException) and a scrubbed
/// trace. Creating it through the class's own create handler records the PHP caller's file,
/// line and trace, as `throw new` in PHP would.
fn exception_object(
    ce: &'static ClassEntry,
    message: &str,
    code: i32,
    errors: Option<&BTreeMap<String, Vec<String>>>,
    secrets: &[&[u8]],
) -> Option<Zval> {
    let mut object = ZendObject::new(ce);
    with_class_scope(ce, || -> Option<()> {
        object.set_property("message", message).ok()?;
        object.set_property("code", i64::from(code)).ok()?;
        if let Some(errors) = errors {
            object
                .set_property(ERRORS_PROPERTY, field_errors_table(errors)?)
                .ok()?;
        }
        Some(())
    })?;
    if !secrets.is_empty() {
        // `trace` is private to \Exception: only its scope may touch it.
        with_class_scope(ce::exception(), || -> Option<()> {
            let scrubbed = object
                .get_property::<&Zval>("trace")
                .ok()
                .map(|trace| scrub(trace, secrets, 0))?;
            object.set_property("trace", scrubbed).ok()
        })?;
    }
    object.into_zval(false).ok()
}

fn field_errors_table(errors: &BTreeMap<String, Vec<String>>) -> Option<ZBox<ZendHashTable>> {
    let mut table = ZendHashTable::with_capacity(u32::try_from(errors.len()).unwrap_or(u32::MAX));
    for (field, messages) in errors {
        let mut list = ZendHashTable::new();
        for text in messages {
            list.push(text.as_str()).ok()?;
        }
        table.insert(field.as_str(), list).ok()?;
    }
    Some(table)
}

/// Text that replaces a string holding a secret.
const REDACTED: &str = "[redacted]";
/// Arrays deeper than this are left out of the copy (traces are shallow; a bound keeps a
/// self-referencing array from recursing forever).
const MAX_SCRUB_DEPTH: usize = 16;

/// A copy of `value` in which every string containing one of `secrets` is replaced and
/// arrays are copied the same way; other values (objects, numbers) are shared as they are.
fn scrub(value: &Zval, secrets: &[&[u8]], depth: usize) -> Zval {
    let value = value.dereference();
    if let Some(text) = value.zend_str() {
        let bytes = text.as_bytes();
        if secrets.iter().any(|s| contains(bytes, s)) {
            let mut redacted = Zval::new();
            if redacted.set_string(REDACTED, false).is_ok() {
                return redacted;
            }
            return Zval::new();
        }
        return value.shallow_clone();
    }
    let Some(table) = value.array() else {
        return value.shallow_clone();
    };
    if depth >= MAX_SCRUB_DEPTH {
        return Zval::new();
    }
    let mut copy = ZendHashTable::with_capacity(u32::try_from(table.len()).unwrap_or(u32::MAX));
    let mut entries = table.iter();
    while let Some((key, item)) = entries.next_zval() {
        let item = scrub(item, secrets, depth + 1);
        // An entry that cannot be copied is left out: a trace missing an argument is fine.
        let _ = match (key.long(), key.zend_str()) {
            (Some(index), _) => copy.insert_at_index(index, item),
            (None, Some(name)) => {
                let name = String::from_utf8_lossy(name.as_bytes()).into_owned();
                copy.insert(name.as_str(), item)
            }
            (None, None) => Ok(()),
        };
    }
    let mut zval = Zval::new();
    zval.set_hashtable(copy);
    zval
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle)
}
