//! The random ids the browser holds in cookies: like emailed-link tokens, never logged, never
//! serialised, only their SHA-256 stored.

use crate::tokens::{HashedToken, PlainToken};

/// A logged-in session's id (DESIGN §5.7): a new one on every login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionId(PlainToken);

/// A browser's id: where a person logged in before is a trusted device for them (DESIGN §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceId(PlainToken);

macro_rules! cookie_id {
    ($name:ident) => {
        impl $name {
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
    };
}

cookie_id!(SessionId);
cookie_id!(DeviceId);
