use std::fmt;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::mail::OutgoingMail;

/// A message taken from the outbox by [`OutboxStore::claim_due_mail`], leased to the caller.
///
/// `Debug` leaves the bodies out: they carry link tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct ClaimedMail {
    pub id: i64,
    /// The address as it was queued (parsed again before sending).
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// Failed attempts so far; drives the backoff of the next failure.
    pub attempts: u32,
}

impl fmt::Debug for ClaimedMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClaimedMail")
            .field("id", &self.id)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

/// A message "delivered" by the dev transport, shown at `/dev/correo`.
///
/// `Debug` leaves the bodies out: they carry link tokens.
#[derive(Clone, PartialEq, Eq)]
pub struct DevMail {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub delivered_at: DateTime<Utc>,
}

impl fmt::Debug for DevMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DevMail")
            .field("id", &self.id)
            .field("subject", &self.subject)
            .field("delivered_at", &self.delivered_at)
            .finish_non_exhaustive()
    }
}

/// The mail outbox (DESIGN §8) and the dev mailbox.
///
/// Delivery is **at least once**: a sender claims due messages with a lease
/// ([`claim_due_mail`](Self::claim_due_mail)), sends them, then marks each one sent or failed. If
/// the sender dies between the claim and the mark, the lease lapses and the message is claimed
/// again, so it may be delivered twice but is never lost.
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Stores a message, due at once. Returns its id.
    async fn enqueue_mail(&self, mail: &OutgoingMail, now: DateTime<Utc>) -> Result<i64, StoreError>;

    /// Takes up to `limit` unsent messages that are due at `now` and not leased to another sender,
    /// oldest first, and leases them until `lease_until`, in one atomic statement: two senders,
    /// even in two processes, never take the same message while its lease holds.
    async fn claim_due_mail(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedMail>, StoreError>;

    /// Records the delivery and drops the bodies (they carry link tokens that are no longer
    /// needed). Returns `false` when the message was already marked sent.
    async fn mark_mail_sent(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Records a failed attempt: counts it, keeps `error` (short, no secrets), frees the lease and
    /// makes the message due again at `next_attempt_at`. A message already sent is left alone.
    async fn mark_mail_failed(
        &self,
        id: i64,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<bool, StoreError>;

    /// Gives a claimed message back untried (the sender is shutting down): due again at once,
    /// without counting an attempt.
    async fn release_mail(&self, id: i64) -> Result<(), StoreError>;

    /// How many messages are waiting to be sent.
    async fn mail_backlog(&self) -> Result<u64, StoreError>;

    /// Stores a message in the dev mailbox. Returns its id.
    async fn insert_dev_mail(&self, mail: &OutgoingMail, now: DateTime<Utc>) -> Result<i64, StoreError>;

    /// The newest `limit` messages of the dev mailbox, newest first.
    async fn list_dev_mail(&self, limit: u32) -> Result<Vec<DevMail>, StoreError>;

    /// One message of the dev mailbox.
    async fn get_dev_mail(&self, id: i64) -> Result<Option<DevMail>, StoreError>;
}
