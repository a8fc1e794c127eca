//! Conversions of PHP values (Zval) into the core's types: constants and options in as
//! `PhpValue`. Results go out through to_php.rs.

use ext_php_rs::types::{ZendHashTable, Zval};
use runcloud::PhpValue;

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
