//! A credential that can be used but never printed.

use std::fmt;

/// An API token, key or secret. `Debug` and `Display` are redacted so that a secret cannot
/// leak through an error message, a log line or `{:?}` of a containing struct.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    pub(crate) fn new(value: String) -> Self {
        Secret(value)
    }

    /// The only way to read the value: used when building the Authorization header.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_are_redacted() {
        let s = Secret::new("tok-123".into());
        assert!(!format!("{s:?}").contains("tok-123"));
        assert!(!format!("{s}").contains("tok-123"));
        assert_eq!(s.expose(), "tok-123");
    }
}
