use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;

/// Captcha challenges already accepted (DESIGN §5.6), kept until they expire.
#[async_trait]
pub trait CaptchaStore: Send + Sync {
    /// Records `challenge` as spent in one atomic statement. Returns `true` when it was spent
    /// now and `false` when it had been spent before, so of any number of parallel submissions of
    /// one solution, on any instance, exactly one gets `true`.
    async fn spend_captcha(&self, challenge: &str, expires_at: DateTime<Utc>) -> Result<bool, StoreError>;
}
