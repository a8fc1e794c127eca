//! Conversions between PHP values (Zval) and the core's types: constants and options in as
//! `PhpValue`, results out as PHP arrays built from their serde_json form.

use ext_php_rs::boxed::ZBox;
use ext_php_rs::types::{ZendHashTable, Zval};
use runcloud::PhpValue;
use serde::Serialize;
use serde_json::Value;

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

/// A serialisable result (a struct or a list) as a PHP array.
pub fn to_array<T: Serialize>(value: &T) -> Result<ZBox<ZendHashTable>, String> {
    let json = serde_json::to_value(value).map_err(|e| e.to_string())?;
    json_to_table(&json)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "result is not an array or object".to_string())
}

/// A JSON array or object as a PHP array; `None` for a scalar.
fn json_to_table(value: &Value) -> ext_php_rs::error::Result<Option<ZBox<ZendHashTable>>> {
    Ok(match value {
        Value::Array(items) => {
            let mut table = table_with_capacity(items.len());
            for item in items {
                table.push(json_to_zval(item)?)?;
            }
            Some(table)
        }
        Value::Object(map) => {
            let mut table = table_with_capacity(map.len());
            for (key, item) in map {
                table.insert(key.as_str(), json_to_zval(item)?)?;
            }
            Some(table)
        }
        _ => None,
    })
}

/// A serde_json value as a PHP value.
fn json_to_zval(value: &Value) -> ext_php_rs::error::Result<Zval> {
    let mut zval = Zval::new();
    match value {
        Value::Null => zval.set_null(),
        Value::Bool(b) => zval.set_bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => zval.set_long(i),
            None => zval.set_double(n.as_f64().unwrap_or(f64::NAN)),
        },
        Value::String(s) => zval.set_string(s, false)?,
        Value::Array(_) | Value::Object(_) => {
            if let Some(table) = json_to_table(value)? {
                zval.set_hashtable(table);
            }
        }
    }
    Ok(zval)
}

fn table_with_capacity(len: usize) -> ZBox<ZendHashTable> {
    ZendHashTable::with_capacity(u32::try_from(len).unwrap_or(u32::MAX))
}
