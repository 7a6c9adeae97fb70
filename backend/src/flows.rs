//! Wizard flows kept on the server (DESIGN §2): the browser holds a random [`FlowId`] in an
//! HttpOnly cookie, the database a row keyed by its SHA-256 with the current step and a per-kind
//! state. Every step change is a compare-and-set on (id, version, step), so a step called twice,
//! out of order, after expiry or with another kind's id changes nothing.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Serialize, de::DeserializeOwned};

use crate::{
    store::{FlowAdvance, FlowStore, StoreError, StoredFlow},
    tokens::{HashedToken, PlainToken},
};

/// The id the browser holds in an HttpOnly cookie: a random secret like an emailed-link token
/// (never logged, never serialised), only its SHA-256 stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowId(PlainToken);

/// The SHA-256 of a [`FlowId`]: what the database stores and looks up.
pub type FlowHash = HashedToken;

impl FlowId {
    /// A fresh id from the operating system's CSPRNG.
    pub fn generate() -> Self {
        Self(PlainToken::generate())
    }

    /// Accepts only the exact shape [`FlowId::generate`] produces.
    pub fn parse(input: &str) -> Option<Self> {
        PlainToken::parse(input).map(Self)
    }

    /// The value for the cookie.
    pub fn expose(&self) -> &str {
        self.0.expose()
    }

    pub fn hash(&self) -> FlowHash {
        self.0.hash()
    }
}

/// Which wizard a flow belongs to; an id of one kind is never found as another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FlowKind {
    Generation,
    Recovery,
    Unlock,
}

impl FlowKind {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Generation => "generation",
            Self::Recovery => "recovery",
            Self::Unlock => "unlock",
        }
    }
}

/// A wizard's steps, stored as short strings.
pub trait FlowStep: Copy + Eq + std::fmt::Debug {
    /// The stored form.
    fn as_str(self) -> &'static str;
    /// The step with this stored form.
    fn parse(stored: &str) -> Option<Self>;
}

/// A per-kind state kept as JSON in the flow row.
pub trait FlowState: Serialize + DeserializeOwned {
    const KIND: FlowKind;
    type Step: FlowStep;
}

/// A loaded flow at a known step and version.
#[derive(Debug)]
pub struct Flow<S: FlowState> {
    pub state: S,
    /// Where it was loaded: the compare-and-set token for [`advance`].
    pub at: FlowAt<S::Step>,
}

/// A flow row at the step and version it was loaded at.
#[derive(Debug, Clone)]
pub struct FlowAt<T> {
    pub hash: FlowHash,
    pub step: T,
    pub version: i64,
    pub expires_at: DateTime<Utc>,
}

/// Why a flow operation failed. "Not found" is not an error: it is `Ok(None)` / `Ok(false)`.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The stored state does not deserialise (a deploy changed its shape): treat as unexpected.
    #[error("el estado del trámite no es válido")]
    State(#[from] serde_json::Error),
}

/// Creates a flow of `S::KIND` at `step`, valid for `ttl` from `now`.
pub async fn create<S: FlowState>(
    store: &dyn FlowStore,
    step: S::Step,
    state: &S,
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<FlowId, FlowError> {
    let id = FlowId::generate();
    let flow = StoredFlow {
        kind: S::KIND.as_str().to_owned(),
        step: step.as_str().to_owned(),
        state: serde_json::to_string(state)?,
        version: 0,
        expires_at: now + crate::clock::chrono_duration(ttl),
    };
    store.insert_flow(&id.hash(), &flow, now).await?;
    Ok(id)
}

/// The flow when it exists, is of `S::KIND`, is unexpired at `now` and is at `step`.
pub async fn load<S: FlowState>(
    store: &dyn FlowStore,
    id: &FlowId,
    step: S::Step,
    now: DateTime<Utc>,
) -> Result<Option<Flow<S>>, FlowError> {
    Ok(load_by_hash(store, &id.hash(), now).await?.filter(|flow: &Flow<S>| flow.at.step == step))
}

/// The flow with this hash (an emailed link names its flow by hash) when it exists, is of
/// `S::KIND` and is unexpired at `now`, at whatever step it is.
pub async fn load_by_hash<S: FlowState>(
    store: &dyn FlowStore,
    hash: &FlowHash,
    now: DateTime<Utc>,
) -> Result<Option<Flow<S>>, FlowError> {
    let Some(stored) = store.load_flow(hash, S::KIND.as_str(), now).await? else { return Ok(None) };
    let Some(step) = S::Step::parse(&stored.step) else { return Ok(None) };
    let at = FlowAt { hash: hash.clone(), step, version: stored.version, expires_at: stored.expires_at };
    Ok(Some(Flow { state: serde_json::from_str(&stored.state)?, at }))
}

/// Moves a flow from where it was loaded (`at`) to `to` with `state`, and to a new expiry when
/// given. `false` means it changed since it was loaded, expired or was never there: nothing was
/// written.
pub async fn advance<S: FlowState>(
    store: &dyn FlowStore,
    at: &FlowAt<S::Step>,
    to: S::Step,
    state: &S,
    expires_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<bool, FlowError> {
    let state = serde_json::to_string(state)?;
    let change = FlowAdvance {
        kind: S::KIND.as_str(),
        version: at.version,
        from_step: at.step.as_str(),
        to_step: to.as_str(),
        state: &state,
        expires_at,
        now,
    };
    Ok(store.advance_flow(&at.hash, change).await?)
}

/// Ends a flow (finished or abandoned).
pub async fn delete(store: &dyn FlowStore, id: &FlowId) -> Result<bool, FlowError> {
    Ok(store.delete_flow(&id.hash()).await?)
}

#[cfg(test)]
mod tests;
