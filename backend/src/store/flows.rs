use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::StoreError;
use crate::flows::FlowHash;

/// A wizard row as stored: the kind and step as short strings, the per-kind state as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFlow {
    pub kind: String,
    pub step: String,
    /// The per-kind state as JSON. It may hold expected challenge answers: never log it.
    pub state: String,
    /// Bumped by every [`FlowStore::advance_flow`]; the compare-and-set token.
    pub version: i64,
    pub expires_at: DateTime<Utc>,
}

/// One compare-and-set step change: applies only when the row is still at `from_step` and
/// `version`, of `kind`, and unexpired at `now`.
#[derive(Debug, Clone, Copy)]
pub struct FlowAdvance<'a> {
    pub kind: &'a str,
    pub version: i64,
    pub from_step: &'a str,
    pub to_step: &'a str,
    pub state: &'a str,
    /// A new expiry, when the step extends the flow's life (e.g. a link was sent).
    pub expires_at: Option<DateTime<Utc>>,
    pub now: DateTime<Utc>,
}

/// Server-side wizard state (DESIGN §2): the browser holds a random id, the row its hash.
#[async_trait]
pub trait FlowStore: Send + Sync {
    /// Stores a new flow at version 0.
    async fn insert_flow(
        &self,
        id: &FlowHash,
        flow: &StoredFlow,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The flow of this kind when it exists and has not expired at `now`.
    async fn load_flow(
        &self,
        id: &FlowHash,
        kind: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredFlow>, StoreError>;

    /// Moves the flow to `to_step` with a new state and version + 1 in one statement. Returns
    /// `false`, changing nothing, when the flow is missing, expired, of another kind, at another
    /// step or was advanced since it was loaded: a step called twice or out of order never
    /// applies twice.
    async fn advance_flow(&self, id: &FlowHash, change: FlowAdvance<'_>) -> Result<bool, StoreError>;

    /// Removes the flow; returns whether there was one.
    async fn delete_flow(&self, id: &FlowHash) -> Result<bool, StoreError>;
}
