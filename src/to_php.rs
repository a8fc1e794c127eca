//! Results as PHP arrays, built type by type (as ext-php-rs's own collection conversions
//! build theirs): a struct becomes an associative array with its keys in field order, a list
//! a packed list, `None` null, an id an int.
//!
//! The fixed keys (`id`, `name`, ... of every result) and the values that repeat on every
//! domain (`alias`, `none`, ...) are permanent interned strings, made once at module start-up
//! ([`intern`]): inserting them costs no allocation and no hashing, where a `&str` key
//! allocates a new zend_string for every entry of every array (that is what made a page of
//! 40 domains cost more than `json_decode` of it). Should start-up not have run, plain
//! strings are used: same arrays, only slower.

use std::sync::OnceLock;

use ext_php_rs::boxed::ZBox;
use ext_php_rs::flags::ZvalTypeFlags;
use ext_php_rs::types::{ZendHashTable, ZendStr, Zval};
use runcloud::api::{ConfigReport, ConnectionReport, TargetReport};
use runcloud::{AddResult, Domain, RemoveResult, SslOutcome, Target, TimeoutValue, WebApp};

type Result<T> = std::result::Result<T, ext_php_rs::error::Error>;

/// Declares the interned strings: `Word::X` and its text.
macro_rules! words {
    ($($word:ident = $text:literal,)*) => {
        /// A key or a frequent value, interned at start-up.
        #[derive(Debug, Clone, Copy)]
        enum Word { $($word,)* }

        const WORDS: &[&str] = &[$($text,)*];
    };
}

words! {
    Id = "id",
    Name = "name",
    Type = "type",
    Www = "www",
    Redirection = "redirection",
    Wildcard = "wildcard",
    CreatedAt = "created_at",
    Domain = "domain",
    Created = "created",
    Ssl = "ssl",
    Action = "action",
    CertificateId = "certificate_id",
    Message = "message",
    Removed = "removed",
    ApiVersion = "api_version",
    BaseUrl = "base_url",
    Auth = "auth",
    Targets = "targets",
    Timeout = "timeout",
    Missing = "missing",
    ServerId = "server_id",
    AppId = "app_id",
    Ok = "ok",
    Webapp = "webapp",
    // Values found on every domain [doc: types primary/alias/redirect, redirections].
    Alias = "alias",
    Primary = "primary",
    Redirect = "redirect",
    None = "none",
    NonWww = "non-www",
}

impl Word {
    /// The interned value for `text`, if it is one of the frequent values.
    fn value(text: &str) -> Option<Word> {
        Some(match text {
            "alias" => Word::Alias,
            "primary" => Word::Primary,
            "redirect" => Word::Redirect,
            "none" => Word::None,
            "www" => Word::Www,
            "non-www" => Word::NonWww,
            _ => return None,
        })
    }

    fn text(self) -> &'static str {
        WORDS[self as usize]
    }
}

/// The interned strings, in the order of [`WORDS`].
struct Interned(Vec<&'static ZendStr>);

// SAFETY: permanent interned strings are immutable and never freed while the process runs;
// the engine itself shares them between the threads of a ZTS build.
unsafe impl Send for Interned {}
unsafe impl Sync for Interned {}

static INTERNED: OnceLock<Interned> = OnceLock::new();

/// Interns the keys and frequent values. Called once from module start-up (MINIT), when
/// `zend_string_init_interned` makes permanent strings.
pub fn intern() {
    INTERNED.get_or_init(|| {
        Interned(
            WORDS
                .iter()
                .map(|word| {
                    let raw = ZendStr::new_interned(word, true).into_raw();
                    // SAFETY: `raw` comes from a live ZBox; an interned string is never freed,
                    // so the reference is valid for the rest of the process.
                    unsafe { &*raw }
                })
                .collect(),
        )
    });
}

fn interned(word: Word) -> Option<&'static ZendStr> {
    INTERNED.get()?.0.get(word as usize).copied()
}

/// An associative array under construction.
struct Assoc(ZBox<ZendHashTable>);

impl Assoc {
    fn new(len: u32) -> Self {
        Assoc(ZendHashTable::with_capacity(len))
    }

    fn put(&mut self, key: Word, value: Zval) -> Result<()> {
        match interned(key) {
            Some(key) => self.0.insert(key, value),
            None => self.0.insert(key.text(), value),
        }
    }

    fn done(self) -> ZBox<ZendHashTable> {
        self.0
    }
}

fn list_with_capacity(len: usize) -> ZBox<ZendHashTable> {
    ZendHashTable::with_capacity(u32::try_from(len).unwrap_or(u32::MAX))
}

fn array(table: ZBox<ZendHashTable>) -> Zval {
    let mut zval = Zval::new();
    zval.set_hashtable(table);
    zval
}

fn int(n: u64) -> Zval {
    let mut zval = Zval::new();
    match i64::try_from(n) {
        Ok(n) => zval.set_long(n),
        // Beyond PHP's int (not an id RunCloud can send: they are checked): a float.
        #[allow(clippy::cast_precision_loss)]
        Err(_) => zval.set_double(n as f64),
    }
    zval
}

fn boolean(b: bool) -> Zval {
    let mut zval = Zval::new();
    zval.set_bool(b);
    zval
}

fn text(s: &str) -> Zval {
    let mut zval = Zval::new();
    match Word::value(s).and_then(interned) {
        Some(word) => {
            // ZVAL_INTERNED_STR: an interned string is not reference counted.
            zval.value.str_ = std::ptr::from_ref(word).cast_mut();
            zval.u1.type_info = ZvalTypeFlags::InternedStringEx.bits();
        }
        None => zval.set_zend_string(ZendStr::new(s, false)),
    }
    zval
}

fn optional<T>(value: Option<T>, to_zval: impl FnOnce(T) -> Zval) -> Zval {
    value.map_or_else(Zval::null, to_zval)
}

fn nested<T: ToArray + ?Sized>(value: &T) -> Result<Zval> {
    value.to_table().map(array)
}

fn strings(items: &[String]) -> Result<Zval> {
    let mut list = list_with_capacity(items.len());
    for item in items {
        list.push(text(item))?;
    }
    Ok(array(list))
}

/// A result that is a PHP array (what every `wu_runcloud_*` function returns).
pub trait ToArray {
    fn to_table(&self) -> Result<ZBox<ZendHashTable>>;
}

impl<T: ToArray> ToArray for [T] {
    fn to_table(&self) -> Result<ZBox<ZendHashTable>> {
        let mut list = list_with_capacity(self.len());
        for item in self {
            list.push(nested(item)?)?;
        }
        Ok(list)
    }
}

impl<T: ToArray> ToArray for Vec<T> {
    fn to_table(&self) -> Result<ZBox<ZendHashTable>> {
        self.as_slice().to_table()
    }
}

impl ToArray for Domain {
    fn to_table(&self) -> Result<ZBox<ZendHashTable>> {
        let mut a = Assoc::new(7);
        a.put(Word::Id, int(self.id))?;
        a.put(Word::Name, text(&self.name))?;
        a.put(Word::Type, text(&self.kind))?;
        a.put(Word::Www, boolean(self.www))?;
        a.put(Word::Redirection, text(&self.redirection))?;
        a.put(Word::Wildcard, boolean(self.wildcard))?;
        a.put(Word::CreatedAt, optional(self.created_at.as_deref(), text))?;
        Ok(a.done())
    }
}

impl ToArray for SslOutcome {
    fn to_table(&self) -> Result<ZBox<ZendHashTable>> {
        let mut a = Assoc::new(3);
        a.put(Word::Action, text(self.action))?;
        a.put(Word::CertificateId, optional(self.certificate_id, int))?;
        a.put(Word::Message, optional(self.message.as_deref(), text))?;
        Ok(a.done())
    }
}

impl ToArray for AddResult {
    fn to_table(&self) -> Result<ZBox<ZendHashTable>> {
        let mut a = Assoc::new(3);
        a.put(Word::Domain, nested(&self.domain)?)?;
        a.put(Word::Created, boolean(self.created))?;
        a.put(Word::Ssl, nested(&self.ssl)?)?;
        Ok(a.done())
    }
}

impl ToArray for RemoveResult {
    fn to_table(&self) -> Result<ZBox<ZendHashTable>> {
        let mut a = Assoc::new(2);
        a.put(Word::Removed, boolean(self.removed))?;
        let domain = match &self.domain {
            Some(domain) => nested(domain)?,
            None => Zval::null(),
        };
        a.put(Word::Domain, domain)?;
        Ok(a.done())
    }
}

impl ToArray for Target {
    fn to_table(&self) -> Result<ZBox<ZendHashTable>> {
        let mut a = Assoc::new(2);
        a.put(Word::ServerId, int(self.server_id))?;
        a.put(Word::AppId, int(self.app_id))?;
        Ok(a.done())
    }
}

impl ToArray for ConfigReport {
    fn to_table(&self) -> Result<ZBox<ZendHashTable>> {
        let mut a = Assoc::new(6);
        a.put(Word::ApiVersion, optional(self.api_version, text))?;
        a.put(Word::BaseUrl, text(&self.base_url))?;
        a.put(Word::Auth, optional(self.auth, text))?;
        a.put(Word::Targets, nested(&self.targets)?)?;
        let mut timeout = Zval::new();
        match self.timeout {
            TimeoutValue::Int(seconds) => timeout.set_long(seconds),
            TimeoutValue::Float(seconds) => timeout.set_double(seconds),
        }
        a.put(Word::Timeout, timeout)?;
        a.put(Word::Missing, strings(&self.missing)?)?;
        Ok(a.done())
    }
}

impl ToArray for WebApp {
    fn to_table(&self) -> Result<ZBox<ZendHashTable>> {
        let mut a = Assoc::new(2);
        a.put(Word::Id, int(self.id))?;
        a.put(Word::Name, text(&self.name))?;
        Ok(a.done())
    }
}

impl ToArray for TargetReport {
    fn to_table(&self) -> Result<ZBox<ZendHashTable>> {
        let mut a = Assoc::new(3);
        a.put(Word::ServerId, int(self.server_id))?;
        a.put(Word::AppId, int(self.app_id))?;
        a.put(Word::Webapp, nested(&self.webapp)?)?;
        Ok(a.done())
    }
}

impl ToArray for ConnectionReport {
    fn to_table(&self) -> Result<ZBox<ZendHashTable>> {
        let mut a = Assoc::new(3);
        a.put(Word::Ok, boolean(self.ok))?;
        a.put(Word::ApiVersion, text(self.api_version))?;
        a.put(Word::Targets, nested(&self.targets)?)?;
        Ok(a.done())
    }
}
