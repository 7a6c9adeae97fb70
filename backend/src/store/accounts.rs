use async_trait::async_trait;
use chrono::{DateTime, Utc};
pub use clave_domain::Contacts;
use clave_domain::{
    Identification,
    contact::{Email, Landline, Mobile},
};

use super::{ActivationLink, StoreError, TokenRecord};
use crate::{mail::OutgoingMail, tokens::HashedToken};

/// A security profile as stored: who holds a clave, with what contact data and secrets.
#[derive(Clone)]
pub struct ProfileRecord {
    pub affiliate_id: i64,
    pub identification: Identification,
    pub email: Email,
    pub mobile: Mobile,
    pub landline: Option<Landline>,
    /// The security image's catalogue id.
    pub image: String,
    /// argon2id PHC string; never a password.
    pub password_hash: String,
    pub password_changed_at: DateTime<Utc>,
    /// Locked for every browser.
    pub locked_at: Option<DateTime<Utc>>,
    /// Locked for browsers this person never logged in from.
    pub unknown_locked_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

impl std::fmt::Debug for ProfileRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileRecord")
            .field("affiliate_id", &self.affiliate_id)
            .field("locked_at", &self.locked_at)
            .field("unknown_locked_at", &self.unknown_locked_at)
            .finish_non_exhaustive()
    }
}

/// Where a login attempt comes from, as far as the lock is concerned.
#[derive(Debug, Clone, Copy)]
pub enum Browser<'a> {
    /// A browser where this person logged in before (a live `trusted_devices` row).
    Trusted(&'a HashedToken),
    /// Any other browser.
    Unknown,
}

/// What recording a failed login did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureRecord {
    /// Counted; this many consecutive failures now, below the limit.
    Counted { failures: u32 },
    /// This very failure reached the limit and set the lock (exactly one request sees this).
    LockedNow { everywhere: bool },
    /// The clave was already locked for this browser: nothing counted.
    AlreadyLocked,
}

/// What a counted login failure writes in the transaction of its count, so that a crash cannot
/// leave a failure out of the trail, or a lock its owner is never told about (DESIGN §5.10).
#[derive(Debug, Clone, Copy)]
pub struct FailureWrites<'a> {
    /// The failure's own event; not written when nothing was counted (already locked).
    pub failed: &'a NewEvent,
    /// Written only by the failure that sets the lock.
    pub lock: LockWrites<'a>,
}

/// What setting the lock writes with it; a lock everywhere also ends every session.
#[derive(Debug, Clone, Copy)]
pub struct LockWrites<'a> {
    pub event: &'a NewEvent,
    /// The "No fui yo" token the email links to.
    pub not_me: (&'a HashedToken, &'a TokenRecord),
    /// The email that tells the person, queued in the outbox.
    pub mail: &'a OutgoingMail,
}

/// What a successful login writes, in one transaction: the browser it came from, trusted until
/// `trusted_until`, its session and its event, so that no session exists without its event.
#[derive(Debug, Clone)]
pub struct SuccessWrites<'a> {
    pub device: &'a HashedToken,
    pub trusted_until: DateTime<Utc>,
    pub session: NewSession<'a>,
    pub event: &'a NewEvent,
}

/// A session to open on a successful login.
#[derive(Debug, Clone)]
pub struct NewSession<'a> {
    pub id: &'a HashedToken,
    pub idle_expires_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// A live session, after its idle expiry was pushed forward.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub affiliate_id: i64,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// One entry of the audit trail to append.
#[derive(Debug, Clone, Default)]
pub struct NewEvent {
    pub affiliate_id: Option<i64>,
    /// `afiliado`, `sistema` or a staff member's user name.
    pub actor: String,
    pub kind: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub case_number: Option<String>,
    pub reason: Option<String>,
}

/// One entry of the audit trail as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub affiliate_id: Option<i64>,
    pub actor: String,
    pub kind: String,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    pub case_number: Option<String>,
    pub reason: Option<String>,
}

/// A new password set from an emailed link ("Recuperar clave").
#[derive(Debug, Clone)]
pub struct PasswordReset<'a> {
    pub link: ActivationLink<'a>,
    pub affiliate_id: i64,
    pub password_hash: &'a str,
    /// Contact data confirmed or changed during the flow, written with the password.
    pub contacts: &'a Contacts,
    /// A lock set for every browser at or after this instant (a "No fui yo" during the flow)
    /// refuses the reset: the person on file did not want it.
    pub unless_locked_since: DateTime<Utc>,
}

/// Logging in, sessions, contact and password changes, and the audit trail. Every counter change
/// is one conditional statement (DESIGN §5.5).
#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn profile(&self, id: &Identification) -> Result<Option<ProfileRecord>, StoreError>;

    async fn profile_by_affiliate(&self, affiliate_id: i64) -> Result<Option<ProfileRecord>, StoreError>;

    /// The registered questions with their argon2id answer hashes, in question order.
    async fn security_answers(&self, affiliate_id: i64) -> Result<Vec<(String, String)>, StoreError>;

    /// Whether `device` is a live trusted browser of this person.
    async fn is_trusted(
        &self,
        affiliate_id: i64,
        device: &HashedToken,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Counts one failed login from `browser`. The count and the lock are one statement, so of
    /// any number of parallel failures exactly one sets the lock, at exactly `max_failures`.
    /// A trusted browser's failures lock the clave everywhere; unknown browsers' only for them.
    /// What the failure writes besides (`writes`) is committed with the count, or not at all.
    async fn record_login_failure(
        &self,
        affiliate_id: i64,
        browser: Browser<'_>,
        max_failures: u32,
        writes: &FailureWrites<'_>,
        now: DateTime<Utc>,
    ) -> Result<FailureRecord, StoreError>;

    /// In one transaction: resets the failure count of the browser's kind, trusts the device,
    /// opens the session and records the event of `writes`. Returns `false` (and writes nothing)
    /// when the clave got locked for this browser meanwhile.
    async fn record_login_success(
        &self,
        affiliate_id: i64,
        browser: Browser<'_>,
        writes: &SuccessWrites<'_>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// The session with this id when it is live; pushes its idle expiry to `idle_expires_at`
    /// (never past the absolute expiry).
    async fn touch_session(
        &self,
        id: &HashedToken,
        idle_expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>, StoreError>;

    /// Ends one session; returns whether it was there.
    async fn end_session(&self, id: &HashedToken) -> Result<bool, StoreError>;

    /// Ends every session of this person but `except`; returns how many.
    async fn end_sessions(&self, affiliate_id: i64, except: Option<&HashedToken>) -> Result<u64, StoreError>;

    /// How many live sessions this person has.
    async fn live_sessions(&self, affiliate_id: i64, now: DateTime<Utc>) -> Result<u64, StoreError>;

    /// In one transaction: sets the password, ends every session of this person and opens
    /// `session` instead (the browser that changed it stays logged in, with a new id).
    async fn change_password(
        &self,
        affiliate_id: i64,
        password_hash: &str,
        session: NewSession<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// In one transaction: spends the link, ends its flow, sets the password and the contacts,
    /// lifts every lock, ends every session and forgets every trusted browser. Returns `false`
    /// (nothing written) when the link or the flow is no longer valid, or the clave was locked
    /// since `unless_locked_since`.
    async fn reset_password(&self, reset: PasswordReset<'_>, now: DateTime<Utc>) -> Result<bool, StoreError>;

    async fn update_contacts(
        &self,
        affiliate_id: i64,
        contacts: &Contacts,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Lifts both locks and resets every failure count; returns whether anything was locked.
    async fn unlock_profile(&self, affiliate_id: i64, now: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Appends to the audit trail (which the database refuses to change or delete).
    async fn append_event(&self, event: &NewEvent, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// This person's latest events, newest first.
    async fn events_of(&self, affiliate_id: i64, limit: u32) -> Result<Vec<EventRecord>, StoreError>;
}
