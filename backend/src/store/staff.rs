use async_trait::async_trait;
use chrono::{DateTime, Utc};
use clave_domain::staff::StaffRole;

use super::{NewEvent, StoreError};
use crate::tokens::HashedToken;

/// A staff member to create (command line).
#[derive(Clone)]
pub struct NewStaff<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: StaffRole,
    /// argon2id PHC string; never a password.
    pub password_hash: &'a str,
    /// Base32 of the TOTP secret.
    pub totp_secret: &'a str,
}

/// A staff member as stored. `Debug` shows neither the hash nor the TOTP secret.
#[derive(Clone)]
pub struct StaffRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: StaffRole,
    pub password_hash: String,
    pub totp_secret: String,
    pub locked_at: Option<DateTime<Utc>>,
}

impl std::fmt::Debug for StaffRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StaffRecord")
            .field("id", &self.id)
            .field("username", &self.username)
            .field("role", &self.role)
            .field("locked_at", &self.locked_at)
            .finish_non_exhaustive()
    }
}

/// What recording a failed staff login did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffFailure {
    /// Counted; this many consecutive failures now, below the limit.
    Counted { failures: u32 },
    /// This very failure reached the limit and set the lock (exactly one request sees this).
    LockedNow,
    /// Already locked: nothing counted.
    AlreadyLocked,
}

/// The events a counted staff failure writes in the transaction of its count, so that no failure
/// and no lock is left out of the audit trail.
#[derive(Debug, Clone, Copy)]
pub struct StaffFailureWrites<'a> {
    /// The failure's own event; not written when nothing was counted (already locked).
    pub failed: &'a NewEvent,
    /// Written only by the failure that sets the lock.
    pub locked: &'a NewEvent,
}

/// A staff session to open on a login.
#[derive(Debug, Clone)]
pub struct NewStaffSession<'a> {
    pub id: &'a HashedToken,
    pub idle_expires_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The staff member behind a live session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSessionRecord {
    pub staff_id: i64,
    pub username: String,
    pub role: StaffRole,
}

/// Staff accounts and their sessions. Every counter change is one conditional statement.
#[async_trait]
pub trait StaffStore: Send + Sync {
    /// Creates a staff member; `None` when the user name is taken.
    async fn insert_staff(&self, staff: &NewStaff<'_>, now: DateTime<Utc>)
    -> Result<Option<i64>, StoreError>;

    async fn staff_by_username(&self, username: &str) -> Result<Option<StaffRecord>, StoreError>;

    /// Replaces the TOTP secret, forgets the last accepted step, lifts the lock and resets the
    /// failures, and ends every session of the member; `false` when there is no such member.
    async fn reset_staff_totp(&self, username: &str, totp_secret: &str) -> Result<bool, StoreError>;

    /// Counts one failed login. Count and lock are one statement: of any number of parallel
    /// failures exactly one sets the lock, at exactly `max_failures`. The lock ends every session.
    /// The events of `writes` are committed with the count, or not at all.
    async fn record_staff_failure(
        &self,
        staff_id: i64,
        max_failures: u32,
        writes: &StaffFailureWrites<'_>,
        now: DateTime<Utc>,
    ) -> Result<StaffFailure, StoreError>;

    /// In one transaction: accepts TOTP time step `step` (only when it is later than every step
    /// accepted before), resets the failures, opens `session` and records `event`, so that no
    /// session exists without its event. `false` (nothing written) when the member is locked or
    /// the step was already used.
    async fn record_staff_login(
        &self,
        staff_id: i64,
        step: i64,
        session: NewStaffSession<'_>,
        event: &NewEvent,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// The member behind a live session of an unlocked account; pushes its idle expiry to
    /// `idle_expires_at` (never past the absolute expiry).
    async fn touch_staff_session(
        &self,
        id: &HashedToken,
        idle_expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<StaffSessionRecord>, StoreError>;

    /// Ends one staff session; returns whether it was there.
    async fn end_staff_session(&self, id: &HashedToken) -> Result<bool, StoreError>;
}
