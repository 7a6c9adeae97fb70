use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::Backend;
use crate::{
    clock::to_millis,
    store::{CaptchaStore, StoreError},
};

#[async_trait]
impl CaptchaStore for Backend {
    async fn spend_captcha(&self, challenge: &str, expires_at: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO spent_captchas (challenge, expires_at) VALUES ($1, $2) ON CONFLICT (challenge) DO NOTHING",
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
pub(super) async fn purge(pool: &super::DbPool, now: i64) -> Result<u64, StoreError> {
    let done =
        sqlx::query("DELETE FROM spent_captchas WHERE expires_at <= $1").bind(now).execute(pool).await?;
    Ok(done.rows_affected())
}
