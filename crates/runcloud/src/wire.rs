//! RunCloud's JSON read straight into typed records: serde visitors over the body, no
//! `serde_json::Value` tree in between (a page of 40 domains is the hot path of every list,
//! find and lookup).
//!
//! Lenient where RunCloud is loose: `www`/`wildcard` come back as 0/1 although requests send
//! booleans [doc]; ids may be numbers or digit strings [assumed]; a record may sit bare or in
//! a `data` wrapper [assumed]; unknown fields are skipped. Strict where it matters: a record
//! without `id` or `name` is an unexpected shape, reported by the caller as
//! `Error::Transport` naming the endpoint.
//!
//! How: every field is first read as a [`Scalar`], which takes any JSON type (a nested array
//! or object is skipped, not kept), and judged afterwards. So a wrong type makes a record
//! unusable (`None`) instead of the body unreadable, and a body that is not JSON stays the
//! only parse error. A key given twice counts once, the last time (as a JSON object read into
//! a map). Keys are matched by serde's derived field identifiers, without allocating.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::models::{Domain, WebApp};

/// One JSON value as far as a field needs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scalar<'a> {
    Null,
    Bool(bool),
    Unsigned(u64),
    Negative(i64),
    Float(f64),
    Text(Cow<'a, str>),
    /// An array or an object (skipped).
    Nested,
}

impl<'de> Deserialize<'de> for Scalar<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }

    fn visit_none<E>(self) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Bool(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Unsigned(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Scalar<'de>, E> {
        Ok(u64::try_from(v).map_or(Scalar::Negative(v), Scalar::Unsigned))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Float(v))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Text(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Text(Cow::Owned(v.to_string())))
    }

    fn visit_string<E>(self, v: String) -> Result<Scalar<'de>, E> {
        Ok(Scalar::Text(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Scalar<'de>, A::Error> {
        skip_seq(seq)?;
        Ok(Scalar::Nested)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scalar<'de>, A::Error> {
        skip_map(map)?;
        Ok(Scalar::Nested)
    }
}

fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// A positive id that fits PHP's int: a number, or a string of digits [assumed].
pub(crate) fn id(v: Option<&Scalar>) -> Option<u64> {
    let n = match v? {
        Scalar::Unsigned(n) => *n,
        Scalar::Text(s) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => {
            s.parse().ok()?
        }
        _ => return None,
    };
    (n > 0 && n <= i64::MAX as u64).then_some(n)
}

/// `true`, `1`, `"1"`, `"true"` are true; `false`, `0`, `"0"`, `""`, `null`, absent are false.
pub(crate) fn flag(v: Option<&Scalar>) -> Option<bool> {
    match v {
        None | Some(Scalar::Null) => Some(false),
        Some(Scalar::Bool(b)) => Some(*b),
        Some(Scalar::Unsigned(n)) => Some(*n != 0),
        Some(Scalar::Negative(_)) => Some(true),
        Some(Scalar::Float(f)) => Some(*f != 0.0),
        Some(Scalar::Text(s)) => match s.as_ref() {
            "1" | "true" => Some(true),
            "0" | "false" | "" => Some(false),
            _ => None,
        },
        Some(Scalar::Nested) => None,
    }
}

/// A string, or nothing (absent or `null`); `None` for any other type.
fn optional_text<'v>(v: Option<&'v Scalar>) -> Option<Option<&'v str>> {
    match v {
        None | Some(Scalar::Null) => Some(None),
        Some(Scalar::Text(s)) => Some(Some(s)),
        Some(_) => None,
    }
}

fn text<'v>(v: Option<&'v Scalar>) -> Option<&'v str> {
    match v? {
        Scalar::Text(s) => Some(s),
        _ => None,
    }
}

/// A page number: a number, or a string that parses as one.
fn number(v: Option<&Scalar>) -> Option<u64> {
    match v? {
        Scalar::Unsigned(n) => Some(*n),
        Scalar::Text(s) => s.parse().ok(),
        _ => None,
    }
}

/// The fields of one kind of JSON object, each kept as it came.
pub(crate) trait Fields<'de>: Default {
    /// The keys this kind knows, plus one for every other key (skipped).
    type Key: Deserialize<'de>;

    /// Reads the value of `key` from `map`.
    fn read<A: MapAccess<'de>>(&mut self, key: Self::Key, map: &mut A) -> Result<(), A::Error>;

    /// Whether `key` is `data`, which may wrap the whole record ([`Record`]).
    fn is_data(_key: &Self::Key) -> bool {
        false
    }
}

/// A JSON object's fields; `None` for any other JSON value.
pub(crate) struct Object<F>(pub Option<F>);

impl<'de, F: Fields<'de>> Deserialize<'de> for Object<F> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(ObjectVisitor::<F>(false, PhantomData))
            .map(Object)
    }
}

/// A record that sits bare or under `data` [assumed both]: the fields of the `data` object
/// when there is one, else the outer object's; `None` when it is not an object.
pub(crate) struct Record<F>(pub Option<F>);

impl<'de, F: Fields<'de>> Deserialize<'de> for Record<F> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(ObjectVisitor::<F>(true, PhantomData))
            .map(Record)
    }
}

/// Reads an object's fields (`.0`: the `data` key may wrap them); any other value is `None`.
struct ObjectVisitor<F>(bool, PhantomData<F>);

macro_rules! not_an_object {
    ($($name:ident: $ty:ty),*) => {
        $(fn $name<E>(self, _v: $ty) -> Result<Option<F>, E> {
            Ok(None)
        })*
    };
}

impl<'de, F: Fields<'de>> Visitor<'de> for ObjectVisitor<F> {
    type Value = Option<F>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    not_an_object!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64,
        visit_str: &str, visit_borrowed_str: &'de str, visit_string: String);

    fn visit_unit<E>(self) -> Result<Option<F>, E> {
        Ok(None)
    }

    fn visit_none<E>(self) -> Result<Option<F>, E> {
        Ok(None)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Option<F>, A::Error> {
        skip_seq(seq)?;
        Ok(None)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Option<F>, A::Error> {
        let unwrap_data = self.0;
        let mut fields = F::default();
        let mut wrapped: Option<F> = None;
        while let Some(key) = map.next_key::<F::Key>()? {
            if unwrap_data && F::is_data(&key) {
                // The last `data` decides: an object replaces the record, anything else not.
                wrapped = map.next_value::<Object<F>>()?.0;
            } else {
                fields.read(key, &mut map)?;
            }
        }
        Ok(Some(wrapped.unwrap_or(fields)))
    }
}

/// Reads the next value as a [`Scalar`] into `slot` (a later value of the key replaces it).
fn keep<'de, A: MapAccess<'de>>(
    slot: &mut Option<Scalar<'de>>,
    map: &mut A,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

fn skip<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<IgnoredAny>().map(|_| ())
}

/// Declares a kind of record whose fields are all [`Scalar`]s: the struct, its keys (JSON
/// names; `data` may wrap the record, see [`Record`]; any other key is skipped) and its
/// [`Fields`] impl.
macro_rules! scalar_fields {
    ($(#[$doc:meta])* $vis:vis struct $name:ident, keys $key:ident { $($field:ident = $json:literal,)* }) => {
        $(#[$doc])*
        #[derive(Default)]
        $vis struct $name<'a> {
            $($field: Option<Scalar<'a>>,)*
        }

        #[derive(Deserialize)]
        #[serde(field_identifier)]
        #[allow(non_camel_case_types)]
        $vis enum $key {
            $(#[serde(rename = $json)] $field,)*
            #[serde(rename = "data")]
            Data,
            #[serde(other)]
            Other,
        }

        impl<'de> Fields<'de> for $name<'de> {
            type Key = $key;

            fn read<A: MapAccess<'de>>(&mut self, key: $key, map: &mut A) -> Result<(), A::Error> {
                match key {
                    $($key::$field => keep(&mut self.$field, map),)*
                    $key::Data | $key::Other => skip(map),
                }
            }

            fn is_data(key: &$key) -> bool {
                matches!(key, $key::Data)
            }
        }
    };
}

scalar_fields! {
    /// A domain record as RunCloud sends it (`GET`/`POST`/`DELETE domains`, list items).
    pub(crate) struct DomainFields, keys DomainKey {
        id = "id",
        name = "name",
        kind = "type",
        www = "www",
        redirection = "redirection",
        wildcard = "wildcard",
        created_at = "created_at",
    }
}

impl<'a> DomainFields<'a> {
    /// The record's fields, checked; `None` when one is missing or of the wrong type.
    pub(crate) fn view(&self) -> Option<DomainView<'_>> {
        Some(DomainView {
            id: id(self.id.as_ref())?,
            name: text(self.name.as_ref())?,
            // [assumed] defaults for fields RunCloud always documents but might omit.
            kind: optional_text(self.kind.as_ref())?.unwrap_or("alias"),
            www: flag(self.www.as_ref())?,
            redirection: optional_text(self.redirection.as_ref())?.unwrap_or("none"),
            wildcard: flag(self.wildcard.as_ref())?,
            created_at: optional_text(self.created_at.as_ref())?,
        })
    }
}

/// A checked domain record, still borrowing the body: a lookup compares names without
/// copying the records it passes over.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DomainView<'a> {
    pub id: u64,
    pub name: &'a str,
    pub kind: &'a str,
    pub www: bool,
    pub redirection: &'a str,
    pub wildcard: bool,
    pub created_at: Option<&'a str>,
}

impl DomainView<'_> {
    pub(crate) fn to_domain(self) -> Domain {
        Domain {
            id: self.id,
            name: self.name.to_string(),
            kind: self.kind.to_string(),
            www: self.www,
            redirection: self.redirection.to_string(),
            wildcard: self.wildcard,
            created_at: self.created_at.map(str::to_string),
        }
    }
}

/// One domain record; `None` when the shape is wrong.
pub(crate) struct DomainRecord(pub Option<Domain>);

impl<'de> Deserialize<'de> for DomainRecord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Record(fields) = Record::<DomainFields>::deserialize(deserializer)?;
        Ok(DomainRecord(
            fields.and_then(|f| f.view().map(DomainView::to_domain)),
        ))
    }
}

/// One page of `GET domains` (docs/RUNCLOUD_API.md §3), borrowing the body.
pub(crate) struct Page<'a> {
    /// The records in order (`None` for one that is not an object; check each with
    /// [`DomainFields::view`]); `None` when `data` is missing or not a list, or the answer is
    /// not an object.
    pub data: Option<Vec<Option<DomainFields<'a>>>>,
    /// The last page number the answer announces, if any.
    pub last_page: Option<u64>,
}

#[derive(Default)]
struct PageFields<'a> {
    data: Option<Vec<Option<DomainFields<'a>>>>,
    meta: Option<MetaFields<'a>>,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum PageKey {
    Data,
    Meta,
    #[serde(other)]
    Other,
}

impl<'de> Fields<'de> for PageFields<'de> {
    type Key = PageKey;

    fn read<A: MapAccess<'de>>(&mut self, key: PageKey, map: &mut A) -> Result<(), A::Error> {
        match key {
            PageKey::Data => self.data = map.next_value::<RecordList>()?.0,
            PageKey::Meta => self.meta = map.next_value::<Object<MetaFields>>()?.0,
            PageKey::Other => skip(map)?,
        }
        Ok(())
    }
}

/// `meta` of a page: `pagination.total_pages`, `lastPage` [seen], `last_page`,
/// `pagination.lastPage`, in that order of preference.
#[derive(Default)]
struct MetaFields<'a> {
    pagination: Option<PaginationFields<'a>>,
    last_page_camel: Option<Scalar<'a>>,
    last_page_snake: Option<Scalar<'a>>,
}

#[derive(Deserialize)]
#[serde(field_identifier)]
enum MetaKey {
    #[serde(rename = "pagination")]
    Pagination,
    #[serde(rename = "lastPage")]
    LastPageCamel,
    #[serde(rename = "last_page")]
    LastPageSnake,
    #[serde(other)]
    Other,
}

impl<'de> Fields<'de> for MetaFields<'de> {
    type Key = MetaKey;

    fn read<A: MapAccess<'de>>(&mut self, key: MetaKey, map: &mut A) -> Result<(), A::Error> {
        match key {
            MetaKey::Pagination => {
                self.pagination = map.next_value::<Object<PaginationFields>>()?.0;
            }
            MetaKey::LastPageCamel => keep(&mut self.last_page_camel, map)?,
            MetaKey::LastPageSnake => keep(&mut self.last_page_snake, map)?,
            MetaKey::Other => skip(map)?,
        }
        Ok(())
    }
}

scalar_fields! {
    struct PaginationFields, keys PaginationKey {
        total_pages = "total_pages",
        last_page = "lastPage",
    }
}

impl MetaFields<'_> {
    fn last_page(&self) -> Option<u64> {
        let pagination = self.pagination.as_ref();
        number(pagination.and_then(|p| p.total_pages.as_ref()))
            .or_else(|| number(self.last_page_camel.as_ref()))
            .or_else(|| number(self.last_page_snake.as_ref()))
            .or_else(|| number(pagination.and_then(|p| p.last_page.as_ref())))
    }
}

/// `data` of a page: the records of a list (each `None` when not an object); `None` when it
/// is not a list.
struct RecordList<'a>(Option<Vec<Option<DomainFields<'a>>>>);

impl<'de> Deserialize<'de> for RecordList<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer
            .deserialize_any(RecordListVisitor)
            .map(RecordList)
    }
}

struct RecordListVisitor;

impl<'de> Visitor<'de> for RecordListVisitor {
    type Value = Option<Vec<Option<DomainFields<'de>>>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut records = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(Record(fields)) = seq.next_element::<Record<DomainFields>>()? {
            records.push(fields);
        }
        Ok(Some(records))
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        skip_map(map)?;
        Ok(None)
    }

    fn visit_bool<E: de::Error>(self, _v: bool) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_i64<E: de::Error>(self, _v: i64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_u64<E: de::Error>(self, _v: u64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_f64<E: de::Error>(self, _v: f64) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_str<E: de::Error>(self, _v: &str) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

impl<'de> Deserialize<'de> for Page<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Object(fields) = Object::<PageFields>::deserialize(deserializer)?;
        let fields = fields.unwrap_or_default();
        Ok(Page {
            data: fields.data,
            last_page: fields.meta.as_ref().and_then(MetaFields::last_page),
        })
    }
}

scalar_fields! {
    /// The part of a web app `test_connection()` reports.
    struct WebAppFields, keys WebAppKey {
        id = "id",
        name = "name",
    }
}

/// `GET webapps/{id}`: a web app with id and name; `None` for any other shape.
pub(crate) struct WebAppRecord(pub Option<WebApp>);

impl<'de> Deserialize<'de> for WebAppRecord {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Record(fields) = Record::<WebAppFields>::deserialize(deserializer)?;
        Ok(WebAppRecord(fields.and_then(|f| {
            Some(WebApp {
                id: id(f.id.as_ref())?,
                name: text(f.name.as_ref())?.to_string(),
            })
        })))
    }
}

/// `GET ssl` [sdk/seen] or `GET domains/{id}/ssl` [sdk]: a certificate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BasicCert {
    pub id: u64,
    /// `letsencrypt`, `custom`, ... (lower case; empty when RunCloud named none).
    pub method: String,
}

scalar_fields! {
    struct CertFields, keys CertKey {
        id = "id",
        method = "method",
        provider = "provider",
    }
}

/// A certificate answer: `Some(None)` no certificate — an object without `id`, whatever else
/// it holds (`{"message":"SSL not installed!"}`, `{}`, extra fields) [seen: clients read a
/// missing `id` as "none", docs/RUNCLOUD_API.md §4]; `None`: any other shape (not an object,
/// or an `id` that is not a positive integer), an error naming the endpoint, never taken for
/// "none" (that would silently skip the redeploy of an installed certificate).
pub(crate) struct CertificateAnswer(pub Option<Option<BasicCert>>);

impl<'de> Deserialize<'de> for CertificateAnswer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Record(fields) = Record::<CertFields>::deserialize(deserializer)?;
        Ok(CertificateAnswer(fields.and_then(|f| {
            if matches!(f.id, None | Some(Scalar::Null)) {
                return Some(None);
            }
            let id = id(f.id.as_ref())?;
            // [seen] `method`; some clients read `provider` [assumed fallback].
            let method = match &f.method {
                Some(method) => text(Some(method)),
                None => text(f.provider.as_ref()),
            };
            Some(Some(BasicCert {
                id,
                method: method.unwrap_or("").to_ascii_lowercase(),
            }))
        })))
    }
}

/// `GET ssl/advanced` [sdk/seen]: `advancedSSL` and `autoSSL` flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AdvancedMode {
    pub advanced: bool,
    pub auto: bool,
}

scalar_fields! {
    struct ModeFields, keys ModeKey {
        advanced = "advancedSSL",
        auto = "autoSSL",
    }
}

/// The mode answer; `None` when it is not an object or a flag is not a boolean-like value.
pub(crate) struct ModeAnswer(pub Option<AdvancedMode>);

impl<'de> Deserialize<'de> for ModeAnswer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let Record(fields) = Record::<ModeFields>::deserialize(deserializer)?;
        Ok(ModeAnswer(fields.and_then(|f| {
            Some(AdvancedMode {
                advanced: flag(f.advanced.as_ref())?,
                auto: flag(f.auto.as_ref())?,
            })
        })))
    }
}

/// Parses a 2xx body; an empty (or blank) body reads as `null`. Errors are JSON syntax
/// errors only: every wire type above accepts any JSON value.
pub(crate) fn parse<'a, T: Deserialize<'a>>(body: &'a [u8]) -> serde_json::Result<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return serde_json::from_slice(b"null");
    }
    match std::str::from_utf8(body) {
        // Checked once here, the text need not be checked again string by string (a third
        // of the parse time of a page).
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn domain(json: &str) -> Option<Domain> {
        parse::<DomainRecord>(json.as_bytes()).unwrap().0
    }

    fn certificate(json: &str) -> Option<Option<BasicCert>> {
        parse::<CertificateAnswer>(json.as_bytes()).unwrap().0
    }

    #[test]
    fn domain_from_doc_example() {
        let d = domain(
            r#"{"id":693,"name":"shop.example.com","type":"primary","www":0,
            "redirection":"none","wildcard":0,"dns_integration":"cloudflare","status":null,
            "created_at":"2024-07-09 07:02:13"}"#,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_value(&d).unwrap(),
            serde_json::json!({"id":693,"name":"shop.example.com","type":"primary","www":false,
                "redirection":"none","wildcard":false,"created_at":"2024-07-09 07:02:13"})
        );
    }

    #[test]
    fn lenient_fields() {
        let d = domain(r#"{"data":{"id":"7","name":"a.b","www":true,"wildcard":"1"}}"#).unwrap();
        assert_eq!(d.id, 7);
        assert!(d.www && d.wildcard);
        assert_eq!(d.kind, "alias");
        assert_eq!(d.redirection, "none");
        assert_eq!(d.created_at, None);
        // Escaped strings, unknown nested fields, a `data` that is not an object.
        let d = domain(
            r#"{"id":8,"name":"b\u002ec","x":{"y":[1,{"z":null}]},"data":[1],"www":-1,"wildcard":0.0}"#,
        )
        .unwrap();
        assert_eq!(
            (d.id, d.name.as_str(), d.www, d.wildcard),
            (8, "b.c", true, false)
        );
    }

    #[test]
    fn the_last_of_a_repeated_key_counts() {
        let d = domain(r#"{"id":1,"name":"a.b","id":2,"www":"x","www":1}"#).unwrap();
        assert_eq!((d.id, d.www), (2, true));
        // A later `data` that is not an object undoes an earlier one.
        let d = domain(r#"{"id":3,"name":"o.b","data":{"id":4,"name":"i.b"},"data":5}"#).unwrap();
        assert_eq!(d.id, 3);
    }

    #[test]
    fn wrong_shapes() {
        for json in [
            "[]",
            "\"x\"",
            "null",
            "7",
            r#"{"name":"a.b"}"#,
            r#"{"id":0,"name":"a.b"}"#,
            r#"{"id":-1,"name":"a.b"}"#,
            r#"{"id":1.5,"name":"a.b"}"#,
            r#"{"id":9223372036854775808,"name":"a.b"}"#,
            r#"{"id":"1e3","name":"a.b"}"#,
            r#"{"id":1,"name":5}"#,
            r#"{"id":1,"name":null}"#,
            r#"{"id":1,"name":"a.b","www":"maybe"}"#,
            r#"{"id":1,"name":"a.b","www":[]}"#,
            r#"{"id":1,"name":"a.b","created_at":5}"#,
            r#"{"id":1,"name":"a.b","type":{}}"#,
            r#"{"data":{"name":"a.b"},"id":1}"#,
        ] {
            assert!(domain(json).is_none(), "{json}");
        }
        for not_json in ["{", "{\"id\":1,}", "[1 2]", "{\"a\":1} x", "\u{1}"] {
            assert!(
                parse::<DomainRecord>(not_json.as_bytes()).is_err(),
                "{not_json}"
            );
        }
        assert!(parse::<DomainRecord>(b"  \n").unwrap().0.is_none());
        // Deep nesting is a parse error (serde_json's recursion limit), not a stack overflow.
        for deep in [
            "[".repeat(100_000),
            format!("{{\"id\":{}", "[".repeat(100_000)),
            format!("{{\"x\":{}", "{\"a\":".repeat(100_000)),
        ] {
            assert!(parse::<DomainRecord>(deep.as_bytes()).is_err());
            assert!(parse::<Page>(deep.as_bytes()).is_err());
        }
    }

    #[test]
    fn pages() {
        let page: Page = parse(
            br#"{"data":[{"id":1,"name":"a.b"},{"id":"x"},7],"meta":{"pagination":{"total_pages":"3","lastPage":9},"lastPage":2}}"#,
        )
        .unwrap();
        let data = page.data.unwrap();
        assert_eq!(data.len(), 3);
        let first = data[0].as_ref().and_then(DomainFields::view).unwrap();
        assert_eq!((first.id, first.name, first.kind), (1, "a.b", "alias"));
        assert!(data[1].as_ref().unwrap().view().is_none());
        assert!(data[2].is_none());
        assert_eq!(page.last_page, Some(3));
        for (json, last) in [
            (r#"{"data":[],"meta":{"lastPage":2}}"#, Some(2)),
            (r#"{"data":[],"meta":{"last_page":"4"}}"#, Some(4)),
            (
                r#"{"data":[],"meta":{"pagination":{"lastPage":5}}}"#,
                Some(5),
            ),
            (
                r#"{"data":[],"meta":{"pagination":{"total_pages":-1}}}"#,
                None,
            ),
            (r#"{"data":[],"meta":[1]}"#, None),
            (r#"{"data":[]}"#, None),
        ] {
            assert_eq!(
                parse::<Page>(json.as_bytes()).unwrap().last_page,
                last,
                "{json}"
            );
        }
        for no_list in [
            "[]",
            "null",
            "{}",
            r#"{"data":{"id":1}}"#,
            r#"{"data":"x"}"#,
            r#"{"data":[],"data":null}"#,
        ] {
            assert!(
                parse::<Page>(no_list.as_bytes()).unwrap().data.is_none(),
                "{no_list}"
            );
        }
    }

    #[test]
    fn certificates() {
        assert_eq!(
            certificate(r#"{"id":5,"method":"letsencrypt"}"#),
            Some(Some(BasicCert {
                id: 5,
                method: "letsencrypt".into()
            }))
        );
        for none in [
            r#"{"message":"SSL not installed!"}"#,
            r#"{"message":"SSL not installed!","foo":1}"#,
            "{}",
            r#"{"id":null,"method":"letsencrypt"}"#,
            r#"{"data":null}"#,
            r#"{"data":"surprise"}"#,
            r#"{"data":{"message":"SSL not installed!"}}"#,
        ] {
            assert_eq!(certificate(none), Some(None), "{none}");
        }
        for wrong in [
            "3",
            "null",
            "\"SSL not installed!\"",
            r#"[{"id":5}]"#,
            r#"{"id":"abc"}"#,
            r#"{"id":0,"method":"letsencrypt"}"#,
            r#"{"id":-4}"#,
            r#"{"data":{"id":[5]}}"#,
        ] {
            assert_eq!(certificate(wrong), None, "{wrong}");
        }
        assert_eq!(
            certificate(r#"{"data":{"id":"9","provider":"LetsEncrypt"}}"#),
            Some(Some(BasicCert {
                id: 9,
                method: "letsencrypt".into()
            }))
        );
        // `method` present but not a string: no fallback to `provider`.
        assert_eq!(
            certificate(r#"{"id":9,"method":null,"provider":"letsencrypt"}"#),
            Some(Some(BasicCert {
                id: 9,
                method: String::new()
            }))
        );
    }

    #[test]
    fn modes_and_web_apps() {
        let mode = |json: &str| parse::<ModeAnswer>(json.as_bytes()).unwrap().0;
        assert_eq!(
            mode(r#"{"advancedSSL":1,"autoSSL":false}"#),
            Some(AdvancedMode {
                advanced: true,
                auto: false
            })
        );
        assert_eq!(
            mode(r#"{"data":{"advancedSSL":"true"}}"#),
            Some(AdvancedMode {
                advanced: true,
                auto: false
            })
        );
        assert_eq!(mode("[]"), None);
        assert_eq!(mode(r#"{"advancedSSL":"on"}"#), None);
        let app = |json: &str| parse::<WebAppRecord>(json.as_bytes()).unwrap().0;
        assert_eq!(
            app(r#"{"data":{"id":"3","name":"app"}}"#),
            Some(WebApp {
                id: 3,
                name: "app".into()
            })
        );
        assert_eq!(app(r#"{"id":3}"#), None);
    }

    #[test]
    fn agrees_with_a_value_tree_on_random_records() {
        // The rule of the former Value-based decoder, as an oracle.
        fn oracle(v: &serde_json::Value) -> Option<(u64, bool)> {
            let v = match v.get("data") {
                Some(inner @ serde_json::Value::Object(_)) => inner,
                _ => v,
            };
            let obj = v.as_object()?;
            let id = match obj.get("id")? {
                serde_json::Value::Number(n) => n.as_u64()?,
                serde_json::Value::String(s)
                    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    s.parse().ok()?
                }
                _ => return None,
            };
            if id == 0 || id > i64::MAX as u64 {
                return None;
            }
            obj.get("name")?.as_str()?;
            let www = match obj.get("www") {
                None | Some(serde_json::Value::Null) => false,
                Some(serde_json::Value::Bool(b)) => *b,
                Some(serde_json::Value::Number(n)) => n.as_f64()? != 0.0,
                Some(serde_json::Value::String(s)) => match s.as_str() {
                    "1" | "true" => true,
                    "0" | "false" | "" => false,
                    _ => return None,
                },
                Some(_) => return None,
            };
            Some((id, www))
        }
        let values = [
            "1",
            "0",
            "-3",
            "2.5",
            "1e2",
            "\"7\"",
            "\"07\"",
            "\"\"",
            "\"true\"",
            "true",
            "null",
            "[]",
            "{}",
            "\"x\"",
            "9223372036854775807",
        ];
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..2000 {
            let mut parts = Vec::new();
            for key in ["id", "name", "www", "data", "id"] {
                if rng.bool() {
                    let value = if key == "name" && rng.bool() {
                        "\"n.example\"".to_string()
                    } else if key == "data" && rng.bool() {
                        r#"{"id":5,"name":"d.example","www":"1"}"#.to_string()
                    } else {
                        values[rng.usize(..values.len())].to_string()
                    };
                    parts.push(format!("\"{key}\":{value}"));
                }
            }
            let json = format!("{{{}}}", parts.join(","));
            let tree: serde_json::Value = serde_json::from_str(&json).unwrap();
            let typed = domain(&json).map(|d| (d.id, d.www));
            assert_eq!(typed, oracle(&tree), "{json}");
        }
    }
}
