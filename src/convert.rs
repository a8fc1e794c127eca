//! Conversions between PHP values (Zval) and the core's types: constants and options in as
//! `PhpValue`, results out as PHP arrays built directly from their `Serialize` form.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::types::{ZendHashTable, Zval};
use runcloud::PhpValue;
use serde::Serialize;

use crate::zval_serializer;

/// A Zval as the core sees it: scalars by value, strings as raw bytes, anything else by type.
pub fn php_value_of(zval: &Zval) -> PhpValue {
    let zval = zval.dereference();
    if zval.is_null() {
        PhpValue::Null
    } else if let Some(b) = zval.bool() {
        PhpValue::Bool(b)
    } else if zval.is_long() {
        PhpValue::Int(zval.long().unwrap_or_default())
    } else if zval.is_double() {
        PhpValue::Float(zval.double().unwrap_or_default())
    } else if let Some(s) = zval.zend_str() {
        PhpValue::Str(s.as_bytes().to_vec())
    } else if zval.is_array() {
        PhpValue::Other("array")
    } else if zval.is_object() {
        PhpValue::Other("object")
    } else if zval.is_resource() {
        PhpValue::Other("resource")
    } else {
        PhpValue::Other("unknown")
    }
}

/// The `array $options` argument as ordered (key, value) pairs. An integer key becomes its
/// decimal string and a non-UTF-8 key is replaced lossily: either way the core rejects it as
/// an unknown option, naming it.
pub fn options_of(options: Option<&ZendHashTable>) -> Vec<(String, PhpValue)> {
    let Some(table) = options else {
        return Vec::new();
    };
    let mut pairs = Vec::with_capacity(table.len());
    let mut entries = table.iter();
    while let Some((key, value)) = entries.next_zval() {
        let key = match key.zend_str() {
            Some(s) => String::from_utf8_lossy(s.as_bytes()).into_owned(),
            None => key.long().map(|i| i.to_string()).unwrap_or_default(),
        };
        pairs.push((key, php_value_of(value)));
    }
    pairs
}

/// A serialisable result (a struct or a list) as a PHP array, built straight from the Rust
/// value by [`crate::zval_serializer`] (no `serde_json::Value` in between). A value that is not
/// an array or a map at the top level is an error.
pub fn to_array<T: Serialize>(value: &T) -> Result<ZBox<ZendHashTable>, String> {
    zval_serializer::to_table(value).map_err(|e| e.to_string())
}
