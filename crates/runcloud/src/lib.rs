//! PHP-free RunCloud API client (placeholder lib.rs; the client work fills it in).
pub mod error;
pub mod value;
pub use error::{Error, Result};
pub use value::PhpValue;
