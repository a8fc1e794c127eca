//! A `serde::Serializer` that builds PHP values directly, with no `serde_json::Value` in
//! between: results go from their Rust structs straight to zvals.
//!
//! The shapes are those `serde_json` would give, read back by `json_decode($json, true)`:
//! - structs and maps → associative arrays, keys in field (or iteration) order; a key that is
//!   a canonical decimal integer becomes an integer key, as PHP does;
//! - sequences, tuples and tuple structs → lists;
//! - `None`, `()` and unit structs → `null`; `Some(x)` and newtype structs → `x`;
//! - bool, integers, floats and strings as such; an integer outside PHP's `int` range (e.g. a
//!   `u64` above `i64::MAX`) → float; bytes → a (binary) string;
//! - enums as serde_json writes them: a unit variant → its name, any other variant →
//!   `[name => content]`.
//!
//! Nothing here panics: every failure is an [`Error`].

use std::fmt;
use std::marker::PhantomData;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::types::{ZendHashTable, ZendStr, Zval};
use serde::ser::{self, Serialize};

/// Why a value could not be converted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    fn new(message: impl Into<String>) -> Self {
        Error(message.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

impl From<ext_php_rs::error::Error> for Error {
    fn from(e: ext_php_rs::error::Error) -> Self {
        Error(e.to_string())
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// `value` as a PHP array. A value that does not serialise to an array or a map (a scalar,
/// `null`, a unit variant) is an error.
pub fn to_table<T: Serialize + ?Sized>(value: &T) -> Result<ZBox<ZendHashTable>> {
    value.serialize(TableSerializer)
}

/// `value` as a PHP value.
pub fn to_zval<T: Serialize + ?Sized>(value: &T) -> Result<Zval> {
    value.serialize(ZvalSerializer)
}

fn table_with_capacity(len: usize) -> ZBox<ZendHashTable> {
    ZendHashTable::with_capacity(u32::try_from(len).unwrap_or(u32::MAX))
}

fn long(i: i64) -> Zval {
    let mut zval = Zval::new();
    zval.set_long(i);
    zval
}

fn double(f: f64) -> Zval {
    let mut zval = Zval::new();
    zval.set_double(f);
    zval
}

fn string(bytes: &[u8]) -> Zval {
    let mut zval = Zval::new();
    zval.set_zend_string(ZendStr::new(bytes, false));
    zval
}

fn array(table: ZBox<ZendHashTable>) -> Zval {
    let mut zval = Zval::new();
    zval.set_hashtable(table);
    zval
}

/// A one-entry array `[variant => content]`, serde_json's external enum tagging.
fn tagged(variant: &'static str, content: Zval) -> Result<ZBox<ZendHashTable>> {
    let mut table = table_with_capacity(1);
    table.insert(variant, content)?;
    Ok(table)
}

/// What a finished array becomes: a zval (nested values) or the table itself (top level).
pub trait FromTable: Sized {
    fn from_table(table: ZBox<ZendHashTable>) -> Self;
}

impl FromTable for Zval {
    fn from_table(table: ZBox<ZendHashTable>) -> Self {
        array(table)
    }
}

impl FromTable for ZBox<ZendHashTable> {
    fn from_table(table: ZBox<ZendHashTable>) -> Self {
        table
    }
}

/// Builds one PHP array: a list (sequences), or an associative array (structs, maps).
/// `variant` set: the array is the content of an enum variant, wrapped on `end`.
pub struct TableBuilder<O> {
    table: ZBox<ZendHashTable>,
    variant: Option<&'static str>,
    /// A map key waiting for its value.
    key: Option<Key>,
    out: PhantomData<O>,
}

impl<O: FromTable> TableBuilder<O> {
    fn new(len: usize, variant: Option<&'static str>) -> Self {
        TableBuilder {
            table: table_with_capacity(len),
            variant,
            key: None,
            out: PhantomData,
        }
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.table.push(to_zval(value)?)?;
        Ok(())
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<()> {
        self.table.insert(key, to_zval(value)?)?;
        Ok(())
    }

    fn finish(self) -> Result<O> {
        if self.key.is_some() {
            return Err(Error::new("a map key has no value"));
        }
        Ok(match self.variant {
            Some(variant) => O::from_table(tagged(variant, array(self.table))?),
            None => O::from_table(self.table),
        })
    }
}

impl<O: FromTable> ser::SerializeSeq for TableBuilder<O> {
    type Ok = O;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<O> {
        self.finish()
    }
}

impl<O: FromTable> ser::SerializeTuple for TableBuilder<O> {
    type Ok = O;
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<O> {
        self.finish()
    }
}

impl<O: FromTable> ser::SerializeTupleStruct for TableBuilder<O> {
    type Ok = O;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<O> {
        self.finish()
    }
}

impl<O: FromTable> ser::SerializeTupleVariant for TableBuilder<O> {
    type Ok = O;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        self.push(value)
    }

    fn end(self) -> Result<O> {
        self.finish()
    }
}

impl<O: FromTable> ser::SerializeStruct for TableBuilder<O> {
    type Ok = O;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }

    fn end(self) -> Result<O> {
        self.finish()
    }
}

impl<O: FromTable> ser::SerializeStructVariant for TableBuilder<O> {
    type Ok = O;
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<()> {
        self.field(key, value)
    }

    fn end(self) -> Result<O> {
        self.finish()
    }
}

impl<O: FromTable> ser::SerializeMap for TableBuilder<O> {
    type Ok = O;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<()> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let value = to_zval(value)?;
        match self.key.take() {
            Some(Key::Int(i)) => self.table.insert(i, value)?,
            Some(Key::Str(s)) => self.table.insert(s, value)?,
            None => return Err(Error::new("a map value has no key")),
        }
        Ok(())
    }

    fn end(self) -> Result<O> {
        self.finish()
    }
}

/// Serialises any value to a [`Zval`].
pub struct ZvalSerializer;

impl ser::Serializer for ZvalSerializer {
    type Ok = Zval;
    type Error = Error;
    type SerializeSeq = TableBuilder<Zval>;
    type SerializeTuple = TableBuilder<Zval>;
    type SerializeTupleStruct = TableBuilder<Zval>;
    type SerializeTupleVariant = TableBuilder<Zval>;
    type SerializeMap = TableBuilder<Zval>;
    type SerializeStruct = TableBuilder<Zval>;
    type SerializeStructVariant = TableBuilder<Zval>;

    fn serialize_bool(self, v: bool) -> Result<Zval> {
        let mut zval = Zval::new();
        zval.set_bool(v);
        Ok(zval)
    }

    fn serialize_i8(self, v: i8) -> Result<Zval> {
        Ok(long(i64::from(v)))
    }

    fn serialize_i16(self, v: i16) -> Result<Zval> {
        Ok(long(i64::from(v)))
    }

    fn serialize_i32(self, v: i32) -> Result<Zval> {
        Ok(long(i64::from(v)))
    }

    fn serialize_i64(self, v: i64) -> Result<Zval> {
        Ok(long(v))
    }

    fn serialize_i128(self, v: i128) -> Result<Zval> {
        #[allow(clippy::cast_precision_loss)]
        Ok(i64::try_from(v).map_or_else(|_| double(v as f64), long))
    }

    fn serialize_u8(self, v: u8) -> Result<Zval> {
        Ok(long(i64::from(v)))
    }

    fn serialize_u16(self, v: u16) -> Result<Zval> {
        Ok(long(i64::from(v)))
    }

    fn serialize_u32(self, v: u32) -> Result<Zval> {
        Ok(long(i64::from(v)))
    }

    fn serialize_u64(self, v: u64) -> Result<Zval> {
        #[allow(clippy::cast_precision_loss)]
        Ok(i64::try_from(v).map_or_else(|_| double(v as f64), long))
    }

    fn serialize_u128(self, v: u128) -> Result<Zval> {
        #[allow(clippy::cast_precision_loss)]
        Ok(i64::try_from(v).map_or_else(|_| double(v as f64), long))
    }

    fn serialize_f32(self, v: f32) -> Result<Zval> {
        Ok(double(f64::from(v)))
    }

    fn serialize_f64(self, v: f64) -> Result<Zval> {
        Ok(double(v))
    }

    fn serialize_char(self, v: char) -> Result<Zval> {
        let mut buf = [0u8; 4];
        Ok(string(v.encode_utf8(&mut buf).as_bytes()))
    }

    fn serialize_str(self, v: &str) -> Result<Zval> {
        Ok(string(v.as_bytes()))
    }

    fn serialize_bytes(self, v: &[u8]) -> Result<Zval> {
        Ok(string(v))
    }

    fn serialize_none(self) -> Result<Zval> {
        Ok(Zval::null())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Zval> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Zval> {
        Ok(Zval::null())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Zval> {
        Ok(Zval::null())
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Zval> {
        Ok(string(variant.as_bytes()))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Zval> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Zval> {
        Ok(array(tagged(variant, to_zval(value)?)?))
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq> {
        Ok(TableBuilder::new(len.unwrap_or(0), None))
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple> {
        Ok(TableBuilder::new(len, None))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Ok(TableBuilder::new(len, None))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Ok(TableBuilder::new(len, Some(variant)))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap> {
        Ok(TableBuilder::new(len.unwrap_or(0), None))
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Self::SerializeStruct> {
        Ok(TableBuilder::new(len, None))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Ok(TableBuilder::new(len, Some(variant)))
    }
}

/// Serialises a value that must become a PHP array (the top level of a result).
pub struct TableSerializer;

fn not_an_array(what: &str) -> Error {
    Error::new(format!("result is not an array or object (a {what})"))
}

impl ser::Serializer for TableSerializer {
    type Ok = ZBox<ZendHashTable>;
    type Error = Error;
    type SerializeSeq = TableBuilder<ZBox<ZendHashTable>>;
    type SerializeTuple = TableBuilder<ZBox<ZendHashTable>>;
    type SerializeTupleStruct = TableBuilder<ZBox<ZendHashTable>>;
    type SerializeTupleVariant = TableBuilder<ZBox<ZendHashTable>>;
    type SerializeMap = TableBuilder<ZBox<ZendHashTable>>;
    type SerializeStruct = TableBuilder<ZBox<ZendHashTable>>;
    type SerializeStructVariant = TableBuilder<ZBox<ZendHashTable>>;

    fn serialize_bool(self, _v: bool) -> Result<Self::Ok> {
        Err(not_an_array("bool"))
    }

    fn serialize_i8(self, _v: i8) -> Result<Self::Ok> {
        Err(not_an_array("number"))
    }

    fn serialize_i16(self, _v: i16) -> Result<Self::Ok> {
        Err(not_an_array("number"))
    }

    fn serialize_i32(self, _v: i32) -> Result<Self::Ok> {
        Err(not_an_array("number"))
    }

    fn serialize_i64(self, _v: i64) -> Result<Self::Ok> {
        Err(not_an_array("number"))
    }

    fn serialize_u8(self, _v: u8) -> Result<Self::Ok> {
        Err(not_an_array("number"))
    }

    fn serialize_u16(self, _v: u16) -> Result<Self::Ok> {
        Err(not_an_array("number"))
    }

    fn serialize_u32(self, _v: u32) -> Result<Self::Ok> {
        Err(not_an_array("number"))
    }

    fn serialize_u64(self, _v: u64) -> Result<Self::Ok> {
        Err(not_an_array("number"))
    }

    fn serialize_f32(self, _v: f32) -> Result<Self::Ok> {
        Err(not_an_array("number"))
    }

    fn serialize_f64(self, _v: f64) -> Result<Self::Ok> {
        Err(not_an_array("number"))
    }

    fn serialize_char(self, _v: char) -> Result<Self::Ok> {
        Err(not_an_array("string"))
    }

    fn serialize_str(self, _v: &str) -> Result<Self::Ok> {
        Err(not_an_array("string"))
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<Self::Ok> {
        Err(not_an_array("string"))
    }

    fn serialize_none(self) -> Result<Self::Ok> {
        Err(not_an_array("null"))
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Self::Ok> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Self::Ok> {
        Err(not_an_array("null"))
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Self::Ok> {
        Err(not_an_array("null"))
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
    ) -> Result<Self::Ok> {
        Err(not_an_array("string"))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Self::Ok> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<Self::Ok> {
        tagged(variant, to_zval(value)?)
    }

    fn serialize_seq(self, len: Option<usize>) -> Result<Self::SerializeSeq> {
        Ok(TableBuilder::new(len.unwrap_or(0), None))
    }

    fn serialize_tuple(self, len: usize) -> Result<Self::SerializeTuple> {
        Ok(TableBuilder::new(len, None))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Ok(TableBuilder::new(len, None))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Ok(TableBuilder::new(len, Some(variant)))
    }

    fn serialize_map(self, len: Option<usize>) -> Result<Self::SerializeMap> {
        Ok(TableBuilder::new(len.unwrap_or(0), None))
    }

    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Self::SerializeStruct> {
        Ok(TableBuilder::new(len, None))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
        len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Ok(TableBuilder::new(len, Some(variant)))
    }
}

/// A map key: PHP arrays take integer or string keys. (A string key that is a canonical
/// decimal integer still becomes an integer key on insertion, as in PHP.)
enum Key {
    Int(i64),
    Str(String),
}

/// Serialises a map key; only strings, characters, integers and unit variants qualify, as
/// with serde_json.
struct KeySerializer;

fn bad_key(what: &str) -> Error {
    Error::new(format!(
        "a map key must be a string or an integer, not a {what}"
    ))
}

impl ser::Serializer for KeySerializer {
    type Ok = Key;
    type Error = Error;
    type SerializeSeq = ser::Impossible<Key, Error>;
    type SerializeTuple = ser::Impossible<Key, Error>;
    type SerializeTupleStruct = ser::Impossible<Key, Error>;
    type SerializeTupleVariant = ser::Impossible<Key, Error>;
    type SerializeMap = ser::Impossible<Key, Error>;
    type SerializeStruct = ser::Impossible<Key, Error>;
    type SerializeStructVariant = ser::Impossible<Key, Error>;

    fn serialize_bool(self, v: bool) -> Result<Key> {
        Ok(Key::Str(if v { "true" } else { "false" }.to_string()))
    }

    fn serialize_i8(self, v: i8) -> Result<Key> {
        Ok(Key::Int(i64::from(v)))
    }

    fn serialize_i16(self, v: i16) -> Result<Key> {
        Ok(Key::Int(i64::from(v)))
    }

    fn serialize_i32(self, v: i32) -> Result<Key> {
        Ok(Key::Int(i64::from(v)))
    }

    fn serialize_i64(self, v: i64) -> Result<Key> {
        Ok(Key::Int(v))
    }

    fn serialize_i128(self, v: i128) -> Result<Key> {
        Ok(i64::try_from(v).map_or_else(|_| Key::Str(v.to_string()), Key::Int))
    }

    fn serialize_u8(self, v: u8) -> Result<Key> {
        Ok(Key::Int(i64::from(v)))
    }

    fn serialize_u16(self, v: u16) -> Result<Key> {
        Ok(Key::Int(i64::from(v)))
    }

    fn serialize_u32(self, v: u32) -> Result<Key> {
        Ok(Key::Int(i64::from(v)))
    }

    fn serialize_u64(self, v: u64) -> Result<Key> {
        Ok(i64::try_from(v).map_or_else(|_| Key::Str(v.to_string()), Key::Int))
    }

    fn serialize_u128(self, v: u128) -> Result<Key> {
        Ok(i64::try_from(v).map_or_else(|_| Key::Str(v.to_string()), Key::Int))
    }

    fn serialize_f32(self, _v: f32) -> Result<Key> {
        Err(bad_key("float"))
    }

    fn serialize_f64(self, _v: f64) -> Result<Key> {
        Err(bad_key("float"))
    }

    fn serialize_char(self, v: char) -> Result<Key> {
        Ok(Key::Str(v.to_string()))
    }

    fn serialize_str(self, v: &str) -> Result<Key> {
        Ok(Key::Str(v.to_string()))
    }

    fn serialize_bytes(self, _v: &[u8]) -> Result<Key> {
        Err(bad_key("byte string"))
    }

    fn serialize_none(self) -> Result<Key> {
        Err(bad_key("null"))
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Key> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<Key> {
        Err(bad_key("null"))
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result<Key> {
        Err(bad_key("null"))
    }

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Key> {
        Ok(Key::Str(variant.to_string()))
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Key> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<Key> {
        Err(bad_key("enum variant with content"))
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(bad_key("list"))
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(bad_key("tuple"))
    }

    fn serialize_tuple_struct(
        self,
        _name: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(bad_key("tuple struct"))
    }

    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(bad_key("enum variant with content"))
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(bad_key("map"))
    }

    fn serialize_struct(self, _name: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(bad_key("struct"))
    }

    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(bad_key("enum variant with content"))
    }
}
