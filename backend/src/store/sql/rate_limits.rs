use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::Backend;
use crate::{
    clock::{from_millis, to_millis},
    store::{RateLimitStore, StoreError},
};

#[async_trait]
impl RateLimitStore for Backend {
    async fn hit(
        &self,
        key: &str,
        window: std::time::Duration,
        now: DateTime<Utc>,
    ) -> Result<(u64, DateTime<Utc>), StoreError> {
        let now = to_millis(now);
        let ends = now.saturating_add(i64::try_from(window.as_millis()).unwrap_or(i64::MAX));
        let (hits, window_ends_at): (i64, i64) = sqlx::query_as(
            "INSERT INTO rate_limits (key, hits, window_ends_at) VALUES ($1, 1, $3) \
             ON CONFLICT (key) DO UPDATE SET \
                 hits = CASE WHEN rate_limits.window_ends_at <= $2 THEN 1 ELSE rate_limits.hits + 1 END, \
                 window_ends_at = CASE WHEN rate_limits.window_ends_at <= $2 THEN $3 \
                                       ELSE rate_limits.window_ends_at END \
             RETURNING hits, window_ends_at",
        )
        .bind(key)
        .bind(now)
        .bind(ends)
        .fetch_one(&self.pool)
        .await?;
        Ok((u64::try_from(hits).unwrap_or(0), from_millis(window_ends_at)))
    }
}
