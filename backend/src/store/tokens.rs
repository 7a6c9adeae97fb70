use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::tokens::HashedToken;

/// A stored emailed-link token (only its hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    pub purpose: String,
    /// What the token acts on: a flow id or an affiliate id.
    pub subject: String,
    pub expires_at: DateTime<Utc>,
}

/// Single-use emailed-link tokens (DESIGN §5.4).
#[async_trait]
pub trait TokenStore: Send + Sync {
    async fn insert_token(
        &self,
        hash: &HashedToken,
        record: &TokenRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Spends the token in one atomic statement: only an unused, unexpired token of this purpose
    /// matches, and it is marked used in the same statement, so two racing requests can never
    /// both succeed. Returns the subject when it was spent now.
    async fn consume_token(
        &self,
        hash: &HashedToken,
        purpose: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError>;

    /// The subject of the token when it would be accepted now, without spending it (the GET of a
    /// link page).
    async fn live_token_subject(
        &self,
        hash: &HashedToken,
        purpose: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError>;

    /// Marks every live token of this purpose and subject used (a resend invalidates older links).
    async fn revoke_tokens(
        &self,
        purpose: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
}
