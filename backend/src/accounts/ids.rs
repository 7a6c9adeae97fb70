//! The random ids the browser holds in cookies: like emailed-link tokens, never logged, never
//! serialised, only their SHA-256 stored.

use crate::tokens::PlainToken;

/// A logged-in session's id (DESIGN §5.7): a new one on every login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionId(PlainToken);

/// A browser's id: where a person logged in before is a trusted device for them (DESIGN §2.3).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceId(PlainToken);

crate::tokens::cookie_id!(SessionId);
crate::tokens::cookie_id!(DeviceId);
