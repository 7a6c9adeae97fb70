use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::SqlitePool;

use super::SqliteStore;
use crate::{
    clock::to_millis,
    store::{CaptchaStore, StoreError},
};

#[async_trait]
impl CaptchaStore for SqliteStore {
    async fn spend_captcha(&self, challenge: &str, expires_at: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO spent_captchas (challenge, expires_at) VALUES (?, ?) ON CONFLICT (challenge) DO NOTHING",
        )
        .bind(challenge)
        .bind(to_millis(expires_at))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// Deletes spent-captcha records whose challenge has expired: from then on the captcha refuses a
/// replay as expired, so the record is no longer needed.
pub(super) async fn purge(pool: &SqlitePool, now: i64) -> Result<u64, StoreError> {
    let done =
        sqlx::query("DELETE FROM spent_captchas WHERE expires_at <= ?").bind(now).execute(pool).await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;
    use crate::store::MaintenanceStore as _;

    fn at(seconds: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_790_000_000 + seconds, 0).single().expect("valid instant")
    }

    async fn spent_count(store: &SqliteStore) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM spent_captchas")
            .fetch_one(store.pool())
            .await
            .expect("count")
    }

    #[tokio::test]
    async fn a_challenge_is_spent_only_once() {
        let store = SqliteStore::in_memory().await.expect("store");
        assert!(store.spend_captcha("c1", at(300)).await.expect("spend"));
        assert!(!store.spend_captcha("c1", at(300)).await.expect("spend"));
        assert!(store.spend_captcha("c2", at(300)).await.expect("spend"));
    }

    #[tokio::test]
    async fn purge_removes_only_records_whose_challenge_has_expired() {
        let store = SqliteStore::in_memory().await.expect("store");
        store.spend_captcha("expired", at(100)).await.expect("spend");
        store.spend_captcha("expires-now", at(200)).await.expect("spend");
        store.spend_captcha("live", at(201)).await.expect("spend");

        assert_eq!(store.purge_expired(at(200)).await.expect("purge"), 2);
        assert_eq!(spent_count(&store).await, 1);
        assert!(!store.spend_captcha("live", at(201)).await.expect("spend"), "the live record is kept");
        assert_eq!(store.purge_expired(at(200)).await.expect("purge"), 0);
    }
}
