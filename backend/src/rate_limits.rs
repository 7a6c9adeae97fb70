//! Request rate limits (DESIGN §5.5): per client IP and per identification number, counted in the
//! database so that they hold across instances. The steps that take an identification call
//! [`RateLimits::check`] before any other work; past a limit the caller answers 429 with
//! `Retry-After` and changes nothing.
//!
//! Counters are keyed by an HMAC of the address or number under a key derived from the server
//! secret, so the table names nobody. An unknown number is counted exactly like a known one.

use std::{sync::Arc, time::Duration};

use hmac::Mac as _;

use crate::{
    clock::Clock,
    config::RateLimitSettings,
    secret::{SecretKey, hmac},
    store::{RateLimitStore, StoreError},
};

/// A request over a limit: try again after `retry_after` (at least one second).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limited {
    pub retry_after: Duration,
}

/// What a request is counted against besides its IP.
#[derive(Debug, Clone, Copy)]
pub enum Subject<'a> {
    /// An affiliate's identification number (cédula or foreigner code), as typed: the same
    /// number counts the same however it reached the server.
    Identification(&'a str),
    /// A staff member's user name at the staff login.
    StaffUser(&'a str),
}

#[derive(Clone)]
pub struct RateLimits {
    store: Arc<dyn RateLimitStore>,
    clock: Arc<dyn Clock>,
    settings: RateLimitSettings,
    key: [u8; 32],
}

impl RateLimits {
    pub fn new(
        store: Arc<dyn RateLimitStore>,
        clock: Arc<dyn Clock>,
        secret: &SecretKey,
        settings: RateLimitSettings,
    ) -> Self {
        Self { store, clock, settings, key: secret.derive("rate-limits") }
    }

    /// Counts this request against its IP (when known) and its subject, and says whether it is
    /// within both limits. A refused request counts too: hammering never shortens the wait.
    pub async fn check(
        &self,
        ip: Option<&str>,
        subject: Option<Subject<'_>>,
    ) -> Result<Result<(), Limited>, StoreError> {
        let subject = subject.map(|s| match s {
            Subject::Identification(id) => ("id", id.trim()),
            Subject::StaffUser(name) => ("staff", name.trim()),
        });
        let counters = [
            ip.map(|ip| (self.key_of("ip", ip), self.settings.per_ip)),
            subject.map(|(kind, value)| (self.key_of(kind, value), self.settings.per_identification)),
        ];
        let now = self.clock.now();
        let mut wait: Option<Duration> = None;
        for (key, limit) in counters.into_iter().flatten() {
            let (hits, window_ends_at) = self.store.hit(&key, limit.window, now).await?;
            if hits > u64::from(limit.requests) {
                let left = (window_ends_at - now).to_std().unwrap_or_default();
                wait = Some(wait.unwrap_or_default().max(left));
            }
        }
        Ok(match wait {
            Some(left) => {
                tracing::warn!(retry_after_secs = left.as_secs(), "rate limit reached");
                Err(Limited { retry_after: whole_seconds(left) })
            }
            None => Ok(()),
        })
    }

    fn key_of(&self, kind: &str, value: &str) -> String {
        let mut mac = hmac(&self.key);
        mac.update(kind.as_bytes());
        mac.update(&[0]);
        mac.update(value.as_bytes());
        format!("{kind}:{}", hex::encode(mac.finalize().into_bytes()))
    }
}

/// `Retry-After` is in whole seconds: round up, and never say 0.
fn whole_seconds(left: Duration) -> Duration {
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    Duration::from_secs(secs.max(1))
}

#[cfg(test)]
mod tests;
