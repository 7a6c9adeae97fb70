use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use clave_domain::{
    Identification,
    contact::{Email, Landline, Mobile},
};

use super::StoreError;
use crate::{flows::FlowHash, tokens::HashedToken};

/// The processes whose challenge attempts are counted, each with its own counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AttemptProcess {
    Generation,
    Recovery,
}

impl AttemptProcess {
    /// The stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Generation => "generation",
            Self::Recovery => "recovery",
        }
    }
}

/// The limits a reservation is checked against (from `AttemptSettings`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptLimits {
    pub per_day: u32,
    pub total: u32,
}

/// What a reservation got. The limits are expected outcomes, so they are values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reservation {
    /// One attempt is reserved; these many remain after it (today's never exceeds the total's).
    Reserved { left_today: u32, left_total: u32 },
    /// Today's attempts are spent; a new calendar day (America/Guayaquil) allows more.
    DailyLimitReached,
    /// Every attempt is spent; only staff can clear the block.
    Blocked,
}

/// A counter row as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AttemptCount {
    /// The day `day_count` counts; `None` when nothing was ever reserved.
    pub day: Option<NaiveDate>,
    pub day_count: u32,
    pub total: u32,
}

/// Challenge attempt counters (DESIGN §5.5), changed atomically in the database.
#[async_trait]
pub trait AttemptStore: Send + Sync {
    /// Reserves one attempt on `today` in one conditional statement: of any number of parallel
    /// reservations, on any instance, only as many succeed as the limits leave.
    async fn reserve_attempt(
        &self,
        subject: &str,
        process: AttemptProcess,
        today: NaiveDate,
        limits: AttemptLimits,
        now: DateTime<Utc>,
    ) -> Result<Reservation, StoreError>;

    /// Gives back an attempt reserved on `reserved_on` (the answers were right).
    async fn refund_attempt(
        &self,
        subject: &str,
        process: AttemptProcess,
        reserved_on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// The counter as it stands (zero when there is no row).
    async fn attempt_count(&self, subject: &str, process: AttemptProcess)
    -> Result<AttemptCount, StoreError>;

    /// Clears the counter (staff console); returns whether there was one.
    async fn clear_attempts(&self, subject: &str, process: AttemptProcess) -> Result<bool, StoreError>;
}

/// A security profile to create from a finished generation flow.
#[derive(Clone)]
pub struct NewProfile {
    pub identification: Identification,
    pub email: Email,
    pub mobile: Mobile,
    pub landline: Option<Landline>,
    /// The security image's catalogue id.
    pub image: String,
    /// argon2id PHC string of the password.
    pub password_hash: String,
    /// (question id, argon2id PHC string of the normalised answer).
    pub answers: Vec<(String, String)>,
}

impl std::fmt::Debug for NewProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewProfile").field("email", &self.email.masked()).finish_non_exhaustive()
    }
}

/// The emailed link and the flow a profile is created from: both are spent by the creation.
#[derive(Debug, Clone, Copy)]
pub struct ActivationLink<'a> {
    pub token: &'a HashedToken,
    pub purpose: &'a str,
    pub flow: &'a FlowHash,
    /// The version the flow was loaded at; a flow changed since (a resend) is not used.
    pub flow_version: i64,
}

/// What creating a profile did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileCreation {
    /// Created; the link is spent and the flow ended, in the same transaction.
    Created,
    /// The link was spent, expired or replaced, or the flow changed: nothing was written.
    LinkNotValid,
    /// The identification has a profile already: nothing was written (never overwritten).
    AlreadyHasClave,
}

/// Security profiles: who holds a clave, with what contact data and secrets.
#[async_trait]
pub trait SecurityProfileStore: Send + Sync {
    /// Whether this identification already has a security profile (a clave).
    async fn has_clave(&self, id: &Identification) -> Result<bool, StoreError>;

    /// In one transaction: spends the link, ends its flow and creates the profile with its
    /// answers. Any failure writes nothing.
    async fn create_profile(
        &self,
        link: ActivationLink<'_>,
        profile: &NewProfile,
        now: DateTime<Utc>,
    ) -> Result<ProfileCreation, StoreError>;

    /// Locks the clave ("No fui yo"); returns whether a profile was there to lock.
    async fn lock_profile(&self, id: &Identification, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// When the clave was locked, if it is.
    async fn locked_at(&self, id: &Identification) -> Result<Option<DateTime<Utc>>, StoreError>;
}
