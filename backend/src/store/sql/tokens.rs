use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Backend, Db};
use crate::{
    clock::to_millis,
    store::{StoreError, TokenRecord, TokenStore},
    tokens::HashedToken,
};

#[async_trait]
impl TokenStore for Backend {
    async fn insert_token(
        &self,
        hash: &HashedToken,
        record: &TokenRecord,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        insert_token(&self.pool, hash, record, now).await
    }

    async fn consume_token(
        &self,
        hash: &HashedToken,
        purpose: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<String>, StoreError> {
        let now = to_millis(now);
        let subject = sqlx::query_scalar(
            "UPDATE tokens SET used_at = $1 \
             WHERE hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $4 \
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
             WHERE hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
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
            "UPDATE tokens SET used_at = $1 WHERE purpose = $2 AND subject = $3 AND used_at IS NULL",
        )
        .bind(to_millis(now))
        .bind(purpose)
        .bind(subject)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}

/// Stores a token's hash, through the pool or inside a transaction.
pub(super) async fn insert_token<'c>(
    db: impl sqlx::Executor<'c, Database = Db>,
    hash: &HashedToken,
    record: &TokenRecord,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO tokens (hash, purpose, subject, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(hash.as_hex())
    .bind(&record.purpose)
    .bind(&record.subject)
    .bind(to_millis(now))
    .bind(to_millis(record.expires_at))
    .execute(db)
    .await?;
    Ok(())
}
