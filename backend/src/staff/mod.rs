//! Staff accounts of the console (DESIGN §3): created with the command line, logged in with a
//! password **and** a TOTP code; 5 consecutive failures lock the account (only a new TOTP secret
//! from the command line lifts it); a separate session cookie with a short idle expiry.
//!
//! - One refusal for every cause (unknown user, wrong password, wrong or replayed code, locked),
//!   after the same argon2 work: an unknown user name is checked against a dummy hash.
//! - Each TOTP time step is accepted once: a code seen over a shoulder cannot be used again.

mod ids;
#[cfg(test)]
pub(crate) mod tests;
pub mod totp;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use clave_domain::{FieldProblem, PasswordContext};
use secrecy::SecretString;

pub use clave_domain::staff::StaffRole;
pub use ids::StaffSessionId;

use crate::{
    audit::{ClientInfo, EventKind},
    clock::{Clock, chrono_duration},
    config::Settings,
    hashing::{self, PasswordHasher},
    password_policy,
    service_error::ServiceError,
    store::{NewEvent, NewStaff, NewStaffSession, StaffFailure, StaffFailureWrites, Store},
};

/// The shortest staff password (affiliates: 8; staff act for many people).
pub const MIN_PASSWORD_CHARS: usize = 12;

/// Who is acting in the console.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffActor {
    pub id: i64,
    pub username: String,
    pub role: StaffRole,
}

/// What a staff page needs of the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffNeed {
    /// Any live staff session.
    AnyStaff,
    /// A supervisor or an admin (the audit log).
    AuditReader,
}

impl StaffNeed {
    /// Whether `role` meets this need.
    pub fn allows(self, role: StaffRole) -> bool {
        match self {
            Self::AnyStaff => true,
            Self::AuditReader => role.may_read_audit(),
        }
    }
}

/// A new staff member, from the command line.
#[derive(Clone)]
pub struct NewStaffMember {
    pub username: String,
    pub display_name: String,
    pub role: StaffRole,
    pub password: String,
}

/// The TOTP secret of a member, shown once to set up the authenticator app.
#[derive(Clone)]
pub struct TotpEnrolment {
    /// Base32, for typing into an app.
    pub secret: String,
    /// `otpauth://totp/…`, for scanning.
    pub uri: String,
}

impl std::fmt::Debug for TotpEnrolment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpEnrolment([REDACTED])")
    }
}

/// What creating a member did.
#[derive(Debug)]
pub enum StaffCreation {
    Created(TotpEnrolment),
    UsernameTaken,
    /// Problems at their fields (`username`, `name`, `password`); nothing was created.
    Invalid(Vec<FieldProblem>),
}

/// What a staff login did.
#[derive(Debug)]
pub enum StaffLoginOutcome {
    /// Set the staff cookie to `session`.
    LoggedIn { session: StaffSessionId, actor: StaffActor },
    /// Any cause, said the same way.
    Refused,
}

/// The staff account service. Cheap to clone.
#[derive(Clone)]
pub struct Staff {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: Arc<Settings>,
    hasher: PasswordHasher,
}

impl std::fmt::Debug for Staff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Staff { .. }")
    }
}

/// A user name: 3–32 of `a-z`, `0-9`, `.`, `_`, `-` (it names the actor in the audit log).
pub fn valid_username(username: &str) -> bool {
    (3..=32).contains(&username.len())
        && username.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// The staff password policy: at least [`MIN_PASSWORD_CHARS`] characters, the affiliates' rules
/// with the member's names, and a zxcvbn score of at least 3.
pub fn password_problem(password: &str, username: &str, display_name: &str) -> Option<FieldProblem> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Some(FieldProblem::new(
            "password",
            "La contraseña del personal debe tener al menos 12 caracteres.",
            "A staff password must have at least 12 characters.",
        ));
    }
    let ctx = PasswordContext {
        identification: username.to_owned(),
        names: vec![display_name.to_owned()],
        birth_date: None,
    };
    password_policy::check(password, &ctx)
        .first()
        .map(|p| FieldProblem::new("password", p.message_es(), p.message_en()))
}

impl Staff {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        settings: Arc<Settings>,
        hasher: PasswordHasher,
    ) -> Self {
        Self { store, clock, settings, hasher }
    }

    /// Creates a member (command line) and returns their TOTP secret, shown once.
    pub async fn create(&self, member: NewStaffMember) -> Result<StaffCreation, ServiceError> {
        let mut problems = Vec::new();
        if !valid_username(&member.username) {
            problems.push(FieldProblem::new(
                "username",
                "El usuario debe tener de 3 a 32 caracteres: letras minúsculas, dígitos, «.», «_» o «-».",
                "The user name must have 3 to 32 characters: lower-case letters, digits, '.', '_' or '-'.",
            ));
        }
        let display_name = member.display_name.trim();
        if display_name.is_empty() || display_name.chars().count() > 100 {
            problems.push(FieldProblem::new(
                "name",
                "Escriba el nombre (hasta 100 caracteres).",
                "Enter the name (up to 100 characters).",
            ));
        }
        problems.extend(password_problem(&member.password, &member.username, display_name));
        if !problems.is_empty() {
            return Ok(StaffCreation::Invalid(problems));
        }
        let password_hash = self.hasher.hash(SecretString::from(member.password)).await?;
        let secret = totp::generate_secret();
        let new = NewStaff {
            username: &member.username,
            display_name,
            role: member.role,
            password_hash: &password_hash,
            totp_secret: &secret,
        };
        if self.store.insert_staff(&new, self.clock.now()).await?.is_none() {
            return Ok(StaffCreation::UsernameTaken);
        }
        Ok(StaffCreation::Created(enrolment(secret, &member.username)))
    }

    /// A new TOTP secret for `username` (command line): lifts the lock, ends every session of
    /// the member. `None` when there is no such member.
    pub async fn reset_totp(&self, username: &str) -> Result<Option<TotpEnrolment>, ServiceError> {
        let secret = totp::generate_secret();
        if !self.store.reset_staff_totp(username, &secret).await? {
            return Ok(None);
        }
        Ok(Some(enrolment(secret, username)))
    }

    /// Logs a member in with password and TOTP code. Always one argon2 verification, in `place`
    /// (taken before the caller's rate limits, like an affiliate's login).
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        place: hashing::Place,
        username: &str,
        password: SecretString,
        code: &str,
        client: &ClientInfo,
    ) -> Result<StaffLoginOutcome, ServiceError> {
        let member = self.store.staff_by_username(username).await?;
        let matches = place.verify(password, member.as_ref().map(|m| m.password_hash.clone())).await?;
        let Some(member) = member else { return Ok(StaffLoginOutcome::Refused) };
        let now = self.clock.now();
        if member.locked_at.is_some() {
            return Ok(StaffLoginOutcome::Refused);
        }
        let unix = u64::try_from(now.timestamp()).unwrap_or_default();
        let step = totp::matching_step(&member.totp_secret, &member.username, code, unix);
        if let (true, Some(step)) = (matches, step) {
            let session = StaffSessionId::generate();
            let hash = session.hash();
            let new = NewStaffSession {
                id: &hash,
                idle_expires_at: now + chrono_duration(self.settings.staff.idle),
                expires_at: now + chrono_duration(self.settings.staff.absolute),
            };
            let event = NewEvent::new(EventKind::StaffLoginSucceeded, &member.username, client);
            // Refused when the step was used already (a replayed code) or a parallel failure
            // locked the account: then it counts as a failure below.
            if self.store.record_staff_login(member.id, step, new, &event, now).await? {
                tracing::info!("staff member logged in");
                let actor = StaffActor { id: member.id, username: member.username, role: member.role };
                return Ok(StaffLoginOutcome::LoggedIn { session, actor });
            }
        }
        let writes = StaffFailureWrites {
            failed: &NewEvent::new(EventKind::StaffLoginFailed, &member.username, client),
            locked: &NewEvent::new(EventKind::StaffLocked, &member.username, client),
        };
        let max = self.settings.staff.max_failures;
        if self.store.record_staff_failure(member.id, max, &writes, now).await? == StaffFailure::LockedNow {
            tracing::warn!("staff account locked after consecutive failed logins");
        }
        Ok(StaffLoginOutcome::Refused)
    }

    /// The member behind a live session, its idle expiry pushed forward; `None` when it is over
    /// (expired, ended, or the account got locked).
    pub async fn session(&self, id: &StaffSessionId) -> Result<Option<StaffActor>, ServiceError> {
        let now = self.clock.now();
        let idle_until = now + chrono_duration(self.settings.staff.idle);
        Ok(self.store.touch_staff_session(&id.hash(), idle_until, now).await?.map(|s| StaffActor {
            id: s.staff_id,
            username: s.username,
            role: s.role,
        }))
    }

    /// "Salir": ends this session.
    pub async fn logout(&self, id: &StaffSessionId, client: &ClientInfo) -> Result<(), ServiceError> {
        let actor = self.session(id).await?;
        self.store.end_staff_session(&id.hash()).await?;
        if let Some(actor) = actor {
            self.audit(&actor.username, EventKind::StaffLoggedOut, client, self.clock.now()).await?;
        }
        Ok(())
    }

    async fn audit(
        &self,
        username: &str,
        kind: EventKind,
        client: &ClientInfo,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        Ok(self.store.append_event(&NewEvent::new(kind, username, client), now).await?)
    }
}

fn enrolment(secret: String, username: &str) -> TotpEnrolment {
    let uri = totp::uri(&secret, username).unwrap_or_default();
    TotpEnrolment { secret, uri }
}
