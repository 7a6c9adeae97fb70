//! Emailed-link tokens as plain/hashed pairs (DESIGN §5.4): the plain value exists only in the
//! email and the browser's URL fragment; the database keeps its SHA-256.

use std::time::Duration;

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

use crate::store::{StoreError, TokenRecord, TokenStore};

/// 256 random bits: twice the 128 the design asks for.
const TOKEN_BYTES: usize = 32;

/// A token as the user holds it. Never logged, never serialised.
#[derive(Clone, PartialEq, Eq)]
pub struct PlainToken(String);

impl PlainToken {
    /// A fresh token from the operating system's CSPRNG.
    pub fn generate() -> Self {
        let mut bytes = [0u8; TOKEN_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        Self(URL_SAFE_NO_PAD.encode(bytes))
    }

    /// Accepts only the exact shape `generate` produces (43 canonical base64url characters, no
    /// padding, no whitespace), so junk never reaches a query.
    pub fn parse(input: &str) -> Option<Self> {
        let decoded = URL_SAFE_NO_PAD.decode(input).ok()?;
        (decoded.len() == TOKEN_BYTES && URL_SAFE_NO_PAD.encode(&decoded) == input)
            .then(|| Self(input.to_owned()))
    }

    /// The value to put in the emailed link.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> HashedToken {
        HashedToken(Sha256::digest(self.0.as_bytes()).into())
    }
}

impl std::fmt::Debug for PlainToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PlainToken([REDACTED])")
    }
}

/// The SHA-256 of a [`PlainToken`]: what the database stores and looks up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HashedToken([u8; 32]);

impl HashedToken {
    pub fn as_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Reads back what [`HashedToken::as_hex`] wrote (a link token's subject may name a flow).
    pub fn from_hex(hex_digits: &str) -> Option<Self> {
        let mut bytes = [0u8; 32];
        hex::decode_to_slice(hex_digits, &mut bytes).ok()?;
        Some(Self(bytes))
    }
}

/// Creates and stores a token for `purpose` on `subject`, valid for `ttl` from `now`.
pub async fn issue(
    store: &dyn TokenStore,
    purpose: &str,
    subject: &str,
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<PlainToken, StoreError> {
    let token = PlainToken::generate();
    let expires_at = now + crate::clock::chrono_duration(ttl);
    let record = TokenRecord { purpose: purpose.to_owned(), subject: subject.to_owned(), expires_at };
    store.insert_token(&token.hash(), &record, now).await?;
    Ok(token)
}

#[cfg(test)]
mod tests;

/// The methods of a cookie id: a newtype over [`PlainToken`] (random, never logged, only its
/// SHA-256 stored).
macro_rules! cookie_id {
    ($name:ident) => {
        impl $name {
            /// A fresh id from the operating system's CSPRNG.
            pub fn generate() -> Self {
                Self($crate::tokens::PlainToken::generate())
            }

            /// Accepts only the exact shape `generate` produces.
            pub fn parse(input: &str) -> Option<Self> {
                $crate::tokens::PlainToken::parse(input).map(Self)
            }

            /// The value for the cookie.
            pub fn expose(&self) -> &str {
                self.0.expose()
            }

            pub fn hash(&self) -> $crate::tokens::HashedToken {
                self.0.hash()
            }
        }
    };
}
pub(crate) use cookie_id;
