//! Storage: one trait per area, one implementation per backend. The database is the single
//! source of truth for every counter, token and flow step; every change that a limit depends on
//! is one atomic statement, so parallel requests and several instances can never exceed a limit.

mod accounts;
mod assisted;
mod attempts;
mod captcha;
mod error;
mod flows;
mod outbox;
pub mod postgres;
mod rate_limits;
mod registry;
pub mod sqlite;
mod staff;
#[cfg(test)]
mod tests;
mod tokens;
mod ventanilla;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

pub use accounts::{
    AccountStore, Browser, Contacts, EventRecord, FailureRecord, FailureWrites, LockWrites, NewEvent,
    NewSession, PasswordReset, ProfileRecord, SessionRecord, SuccessWrites,
};
pub use assisted::{AssistedStore, AuditFilter, AuditRecord, CallEnd, CallOpening, OpenCall};
pub use attempts::{
    ActivationLink, AttemptCount, AttemptLimits, AttemptProcess, AttemptStore, NewProfile, ProfileCreation,
    Reservation, SecurityProfileStore,
};
pub use captcha::CaptchaStore;
pub use error::StoreError;
pub use flows::{FlowAdvance, FlowStore, StoredFlow};
pub use outbox::{ClaimedMail, DevMail, OutboxStore};
pub use rate_limits::RateLimitStore;
pub use registry::{RegistryStore, UpsertOutcome};
pub use staff::{
    NewStaff, NewStaffSession, StaffFailure, StaffFailureWrites, StaffRecord, StaffSessionRecord, StaffStore,
};
pub use tokens::{TokenRecord, TokenStore};
pub use ventanilla::{CaseRecord, CaseSummary, DocumentMeta, NewCase, VentanillaStore};

/// Server-wide values kept in the database so every instance shares them.
#[async_trait]
pub trait SettingsStore: Send + Sync {
    /// Returns the stored secret called `name`, storing `candidate` first if there is none.
    /// Concurrent callers all get the same value.
    async fn secret_or_insert(&self, name: &str, candidate: &str) -> Result<String, StoreError>;
}

/// Housekeeping across areas.
#[async_trait]
pub trait MaintenanceStore: Send + Sync {
    /// Deletes flows, tokens, sessions, trusted browsers, captcha records and rate-limit windows that
    /// ended before `now`; returns how many rows.
    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError>;
    /// Cheap round trip for `/health`.
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Everything the services need from a database.
pub trait Store:
    RegistryStore
    + OutboxStore
    + CaptchaStore
    + TokenStore
    + SettingsStore
    + MaintenanceStore
    + FlowStore
    + AttemptStore
    + SecurityProfileStore
    + AccountStore
    + StaffStore
    + AssistedStore
    + VentanillaStore
    + RateLimitStore
{
}

impl<T> Store for T where
    T: RegistryStore
        + OutboxStore
        + CaptchaStore
        + TokenStore
        + SettingsStore
        + MaintenanceStore
        + FlowStore
        + AttemptStore
        + SecurityProfileStore
        + AccountStore
        + StaffStore
        + AssistedStore
        + VentanillaStore
        + RateLimitStore
{
}

/// Opens the backend named by the URL scheme and brings its schema up to date.
pub async fn connect(url: &str, max_connections: u32) -> Result<std::sync::Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(std::sync::Arc::new(sqlite::SqliteStore::connect(url, max_connections).await?))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(std::sync::Arc::new(postgres::PgStore::connect(url, max_connections).await?))
    } else {
        Err(StoreError::Unsupported(url.split(':').next().unwrap_or_default().to_owned()))
    }
}
