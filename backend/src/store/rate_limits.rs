use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;

/// Request counters in fixed windows, shared by every instance (DESIGN §5.5).
#[async_trait]
pub trait RateLimitStore: Send + Sync {
    /// Counts one request against `key` in one atomic statement and returns the requests counted
    /// in the current window (this one included) and when that window ends. A window that ended
    /// before `now` is replaced by a new one of length `window`.
    async fn hit(
        &self,
        key: &str,
        window: std::time::Duration,
        now: DateTime<Utc>,
    ) -> Result<(u64, DateTime<Utc>), StoreError>;
}
