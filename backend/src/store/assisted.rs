use async_trait::async_trait;
use chrono::{DateTime, Utc};
use clave_domain::Identification;

use super::StoreError;
use crate::registry::Affiliate;

/// What asking for a new video call got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOpening {
    /// The call is open with this id.
    Opened(i64),
    /// A failed call blocks the channel until then.
    Blocked { until: DateTime<Utc> },
    /// Another call for this affiliate is open (another agent, or this one in another tab).
    InProgress,
}

/// An open video call, as its agent answers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenCall {
    pub affiliate_id: i64,
    /// The questions drawn, as stored (JSON).
    pub questions: String,
}

/// How a video call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallEnd {
    Verified,
    /// Failed: the channel is blocked for the affiliate until `block_until`.
    Failed {
        block_until: DateTime<Utc>,
    },
}

/// Which audit events to list (all filters optional).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub affiliate_id: Option<i64>,
    pub actor: Option<String>,
    pub kind: Option<String>,
    pub from: Option<DateTime<Utc>>,
    /// Exclusive.
    pub until: Option<DateTime<Utc>>,
}

/// One audit event with the identification it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRecord {
    pub event: super::EventRecord,
    pub identification: Option<String>,
}

/// The staff console's records: in-person verifications, video calls and their block, foreigner
/// enablements, and the audit log as supervisors read it.
#[async_trait]
pub trait AssistedStore: Send + Sync {
    /// The registry row id of an identification.
    async fn affiliate_row(&self, id: &Identification) -> Result<Option<i64>, StoreError>;

    /// The registry record with this row id.
    async fn affiliate_by_row(&self, affiliate_id: i64) -> Result<Option<Affiliate>, StoreError>;

    async fn insert_verification(
        &self,
        staff_id: i64,
        affiliate_id: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<i64, StoreError>;

    /// Whether verification `id` is live and was made by `staff_id` for `affiliate_id`.
    async fn live_verification(
        &self,
        id: i64,
        staff_id: i64,
        affiliate_id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Opens a call unless the channel is blocked or another call is open (expired open calls are
    /// closed as abandoned first). The check and the insert are one statement, and a unique index
    /// allows one open call per affiliate, so racing agents get one call between them.
    async fn open_call(
        &self,
        staff_id: i64,
        affiliate_id: i64,
        questions: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<CallOpening, StoreError>;

    /// Call `id` when it is open, live and `staff_id`'s.
    async fn open_call_of(
        &self,
        id: i64,
        staff_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<OpenCall>, StoreError>;

    /// Ends call `id` (only when open, live and `staff_id`'s: a call is answered once) and, for a
    /// failed one, blocks the channel in the same transaction. `false` when nothing was changed.
    async fn end_call(
        &self,
        id: i64,
        staff_id: i64,
        end: CallEnd,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Spends the one action of verified call `id` (by `staff_id`, for `affiliate_id`, not yet
    /// used and answered less than `fresh_for` ago). `false` when it cannot.
    async fn spend_verified_call(
        &self,
        id: i64,
        staff_id: i64,
        affiliate_id: i64,
        answered_after: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Until when a failed call blocks the channel, if it does now.
    async fn call_block(
        &self,
        affiliate_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError>;

    /// Enables a foreigner's first generation; `false` when it already was.
    async fn enable_foreigner(
        &self,
        affiliate_id: i64,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Whether a CAU agent (or the demo seed) enabled this foreigner's first generation.
    async fn foreigner_enabled(&self, id: &Identification) -> Result<bool, StoreError>;

    /// Audit events matching `filter`, newest first, at most `limit` after skipping `offset`.
    async fn audit_events(
        &self,
        filter: &AuditFilter,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<AuditRecord>, StoreError>;
}
