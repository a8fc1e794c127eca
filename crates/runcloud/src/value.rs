//! A PHP value as the extension hands it to the core, so that option and constant
//! validation (types, unknown keys) lives here and not in the PHP shell.

/// One PHP scalar (or the name of a non-scalar type). Strings are raw bytes: PHP strings
/// need not be UTF-8, and invalid UTF-8 must become a typed error, not a panic.
#[derive(Clone, PartialEq)]
pub enum PhpValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Vec<u8>),
    /// Anything else: the PHP type name ("array", "object", ...), for error messages.
    Other(&'static str),
}

impl PhpValue {
    /// The PHP type name, as `get_debug_type()` would print it.
    pub fn type_name(&self) -> &'static str {
        match self {
            PhpValue::Null => "null",
            PhpValue::Bool(_) => "bool",
            PhpValue::Int(_) => "int",
            PhpValue::Float(_) => "float",
            PhpValue::Str(_) => "string",
            PhpValue::Other(name) => name,
        }
    }
}

impl From<&str> for PhpValue {
    fn from(s: &str) -> Self {
        PhpValue::Str(s.as_bytes().to_vec())
    }
}

impl From<i64> for PhpValue {
    fn from(i: i64) -> Self {
        PhpValue::Int(i)
    }
}

impl From<bool> for PhpValue {
    fn from(b: bool) -> Self {
        PhpValue::Bool(b)
    }
}

/// Debug never prints string contents: a string may be a secret.
impl std::fmt::Debug for PhpValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PhpValue::Str(bytes) => write!(f, "Str(<{} bytes>)", bytes.len()),
            PhpValue::Null => f.write_str("Null"),
            PhpValue::Bool(b) => write!(f, "Bool({b})"),
            PhpValue::Int(i) => write!(f, "Int({i})"),
            PhpValue::Float(x) => write!(f, "Float({x})"),
            PhpValue::Other(t) => write!(f, "Other({t})"),
        }
    }
}
