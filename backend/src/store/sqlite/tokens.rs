use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::SqliteStore;
use crate::{
    clock::to_millis,
    store::{StoreError, TokenRecord, TokenStore},
    tokens::HashedToken,
};

#[async_trait]
impl TokenStore for SqliteStore {
    async fn insert_token(
        &self,
        hash: &HashedToken,
        record: &TokenRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO tokens (hash, purpose, subject, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(hash.as_hex())
        .bind(&record.purpose)
        .bind(&record.subject)
        .bind(to_millis(now))
        .bind(to_millis(record.expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn consume_token(
        &self,
        hash: &HashedToken,
        purpose: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let now = to_millis(now);
        let subject = sqlx::query_scalar(
            "UPDATE tokens SET used_at = ? \
             WHERE hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ? \
             RETURNING subject",
        )
        .bind(now)
        .bind(hash.as_hex())
        .bind(purpose)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        Ok(subject)
    }

    async fn live_token_subject(
        &self,
        hash: &HashedToken,
        purpose: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let subject = sqlx::query_scalar(
            "SELECT subject FROM tokens \
             WHERE hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?",
        )
        .bind(hash.as_hex())
        .bind(purpose)
        .bind(to_millis(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(subject)
    }

    async fn revoke_tokens(
        &self,
        purpose: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE tokens SET used_at = ? WHERE purpose = ? AND subject = ? AND used_at IS NULL",
        )
        .bind(to_millis(now))
        .bind(purpose)
        .bind(subject)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
