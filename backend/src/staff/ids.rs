use crate::tokens::{HashedToken, PlainToken};

/// A staff session's id (the `clave_agente` cookie): a new one on every login; only its SHA-256
/// is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSessionId(PlainToken);

impl StaffSessionId {
    /// A fresh id from the operating system's CSPRNG.
    pub fn generate() -> Self {
        Self(PlainToken::generate())
    }

    /// Accepts only the exact shape `generate` produces.
    pub fn parse(input: &str) -> Option<Self> {
        PlainToken::parse(input).map(Self)
    }

    /// The value for the cookie.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    pub fn hash(&self) -> HashedToken {
        self.0.hash()
    }
}
