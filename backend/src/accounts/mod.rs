//! Logging in and "Mi cuenta" (DESIGN §2.3, §5.7).
//!
//! - **Login**: the same answer, after the same argon2 work, for an unknown number, a wrong
//!   password and a locked clave (a dummy hash is verified when there is no profile).
//! - **Lockout**: 5 consecutive failures lock the clave. Failures from browsers this person never
//!   logged in from lock it only for such browsers; a browser that logged in before (a *trusted
//!   device*: a random id in a long-lived HttpOnly cookie, its hash stored per person) counts its
//!   own failures and keeps working, so a stranger who knows a cédula cannot lock the owner out.
//! - **Sessions**: a random id in an HttpOnly cookie, only its hash stored; a new id on every
//!   login; idle and absolute expiry; all ended on a password change.

mod ids;
mod mails;
#[cfg(test)]
mod tests;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use clave_domain::{FieldProblem, Identification, contact::Landline};
use secrecy::SecretString;

pub use ids::{DeviceId, SessionId};

use crate::{
    audit::{self, ACTOR_AFFILIATE, ClientInfo, EventKind},
    clock::{Clock, chrono_duration},
    config::Settings,
    hashing::{self, PasswordHasher},
    mail::Mailer,
    password_policy,
    registry::Affiliate,
    service_error::ServiceError,
    store::{
        Browser, Contacts, FailureRecord, FailureWrites, LockWrites, NewEvent, NewSession, ProfileRecord,
        SessionRecord, Store, SuccessWrites,
    },
};

/// What a login did. One refusal for every reason (DESIGN §5.1).
#[derive(Debug)]
pub enum LoginOutcome {
    /// Logged in: set both cookies.
    LoggedIn { session: SessionId, device: DeviceId },
    /// Unknown number, wrong password or locked clave: the page cannot tell which.
    Refused,
}

/// A live session, for a page behind the login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveSession {
    pub affiliate_id: i64,
    pub expires_at: DateTime<Utc>,
}

/// What "Mi cuenta" shows: nothing in full that a shoulder-surfer could use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountView {
    pub names: String,
    pub surnames: String,
    pub identification_masked: String,
    pub email_masked: String,
    pub mobile_masked: String,
    pub landline_masked: Option<String>,
    pub password_changed_at: DateTime<Utc>,
    /// The latest security events, newest first.
    pub activity: Vec<Activity>,
    /// How many sessions are open with this clave, this one included.
    pub open_sessions: u64,
}

/// One line of the security activity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub ip: Option<String>,
    /// The browser in a few words ("Chrome en Android").
    pub browser: String,
}

/// A password change from "Mi cuenta".
#[derive(Clone, Default)]
pub struct PasswordChange {
    pub current: String,
    pub password: String,
    pub confirmation: String,
}

impl std::fmt::Debug for PasswordChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordChange { .. }")
    }
}

/// New contact data from "Mi cuenta", confirmed with the current password.
#[derive(Clone, Default)]
pub struct ContactChange {
    pub current: String,
    pub email: String,
    pub mobile: String,
    pub landline: String,
}

impl std::fmt::Debug for ContactChange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ContactChange { .. }")
    }
}

/// What a change from "Mi cuenta" did.
#[derive(Debug)]
pub enum ChangeOutcome {
    /// Done. A password change ends every session and opens this one for the browser that made
    /// it (a new id); a contact change keeps the session.
    Done { session: Option<SessionId> },
    /// Some fields are wrong; nothing changed.
    Invalid(Vec<FieldProblem>),
    /// The session is over (expired, ended elsewhere, or the clave got locked): log in again.
    SessionEnded,
}

/// The login and account service. Cheap to clone.
#[derive(Clone)]
pub struct Accounts {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: Arc<Settings>,
    hasher: PasswordHasher,
    mailer: Mailer,
}

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Accounts { .. }")
    }
}

impl Accounts {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        settings: Arc<Settings>,
        hasher: PasswordHasher,
        mailer: Mailer,
    ) -> Self {
        Self { store, clock, settings, hasher, mailer }
    }

    /// Logs in with an identification and a password from `device` (the browser's id cookie,
    /// when it has one). Always verifies one argon2 hash, in `place`, so every refusal costs the
    /// same. The caller takes the place before any other work of the request, so that the excess
    /// of a burst is answered 503 without reaching the database.
    #[tracing::instrument(skip_all)]
    pub async fn login(
        &self,
        place: hashing::Place,
        id: &Identification,
        password: SecretString,
        device: Option<&DeviceId>,
        client: &ClientInfo,
    ) -> Result<LoginOutcome, ServiceError> {
        let profile = self.store.profile(id).await?;
        let matches = place.verify(password, profile.as_ref().map(|p| p.password_hash.clone())).await?;
        let Some(profile) = profile else { return Ok(LoginOutcome::Refused) };
        let now = self.clock.now();
        let device_hash = device.map(DeviceId::hash);
        let trusted = match &device_hash {
            Some(hash) => self.store.is_trusted(profile.affiliate_id, hash, now).await?,
            None => false,
        };
        let browser = match (&device_hash, trusted) {
            (Some(hash), true) => Browser::Trusted(hash),
            _ => Browser::Unknown,
        };
        let locked = profile.locked_at.is_some()
            || (matches!(browser, Browser::Unknown) && profile.unknown_locked_at.is_some());
        if locked {
            return Ok(LoginOutcome::Refused);
        }
        if !matches {
            self.failed(&profile, browser, client, now).await?;
            return Ok(LoginOutcome::Refused);
        }
        // A browser without an id cookie gets one now; one that has it is not hashed again.
        let (device, device_key) = match (device, device_hash.clone()) {
            (Some(device), Some(hash)) => (device.clone(), hash),
            _ => {
                let new = DeviceId::generate();
                let hash = new.hash();
                (new, hash)
            }
        };
        let session = SessionId::generate();
        let session_key = session.hash();
        let event =
            NewEvent::new(EventKind::LoginSucceeded, ACTOR_AFFILIATE, client).affiliate(profile.affiliate_id);
        let writes = SuccessWrites {
            device: &device_key,
            trusted_until: now + chrono_duration(self.settings.login.trusted_device_ttl),
            session: self.new_session(&session_key, now),
            event: &event,
        };
        let opened = self.store.record_login_success(profile.affiliate_id, browser, &writes, now).await?;
        if !opened {
            // Locked between the check and now by a parallel failure.
            return Ok(LoginOutcome::Refused);
        }
        tracing::info!(trusted, "logged in");
        Ok(LoginOutcome::LoggedIn { session, device })
    }

    /// Counts a failure; the one that reaches the limit sets the lock, records it and emails it,
    /// all in one transaction.
    async fn failed(
        &self,
        profile: &ProfileRecord,
        browser: Browser<'_>,
        client: &ClientInfo,
        now: DateTime<Utc>,
    ) -> Result<FailureRecord, ServiceError> {
        let max = self.settings.login.max_failures;
        let affiliate = profile.affiliate_id;
        // Everything the lock writes is prepared for every failure, so that the store commits it
        // with the count that sets the lock: the lock email cannot be lost to a crash.
        let everywhere = matches!(browser, Browser::Trusted(_));
        let (not_me, hash, token) =
            crate::reports::unstored_not_me_link(&self.settings, &profile.identification, now);
        let mail = mails::locked(&self.settings, profile.email.clone(), client, now, everywhere, &not_me);
        let failed = NewEvent::new(EventKind::LoginFailed, ACTOR_AFFILIATE, client).affiliate(affiliate);
        let locked = NewEvent::new(EventKind::Locked, audit::ACTOR_SYSTEM, client).affiliate(affiliate);
        let writes = FailureWrites {
            failed: &failed,
            lock: LockWrites { event: &locked, not_me: (&hash, &token), mail: &mail },
        };
        let record = self.store.record_login_failure(affiliate, browser, max, &writes, now).await?;
        if let FailureRecord::LockedNow { everywhere } = record {
            self.mailer.wake_sender();
            tracing::warn!(everywhere, "clave locked after consecutive failed logins");
        }
        Ok(record)
    }

    /// The live session with this id, its idle expiry pushed forward; `None` when it is over.
    #[tracing::instrument(skip_all)]
    pub async fn session(&self, id: &SessionId) -> Result<Option<LiveSession>, ServiceError> {
        Ok(self
            .touch(id)
            .await?
            .map(|s| LiveSession { affiliate_id: s.affiliate_id, expires_at: s.expires_at }))
    }

    async fn touch(&self, id: &SessionId) -> Result<Option<SessionRecord>, ServiceError> {
        let now = self.clock.now();
        let idle_until = now + chrono_duration(self.settings.sessions.idle);
        Ok(self.store.touch_session(&id.hash(), idle_until, now).await?)
    }

    /// "Salir": ends this session.
    #[tracing::instrument(skip_all)]
    pub async fn logout(&self, id: &SessionId) -> Result<(), ServiceError> {
        self.store.end_session(&id.hash()).await?;
        Ok(())
    }

    /// "Mi cuenta": the person's data, masked, the latest `activity_limit` security events and
    /// the open sessions. `None` when the session is over.
    #[tracing::instrument(skip_all)]
    pub async fn overview(
        &self,
        id: &SessionId,
        activity_limit: u32,
    ) -> Result<Option<AccountView>, ServiceError> {
        let Some((profile, affiliate)) = self.owner(id).await? else { return Ok(None) };
        let events = self.store.events_of(profile.affiliate_id, activity_limit).await?;
        let activity = events
            .into_iter()
            .filter_map(|e| {
                Some(Activity {
                    at: e.at,
                    kind: EventKind::parse(&e.kind)?,
                    browser: audit::describe_user_agent(e.user_agent.as_deref()),
                    ip: e.ip,
                })
            })
            .collect();
        let open_sessions = self.store.live_sessions(profile.affiliate_id, self.clock.now()).await?;
        Ok(Some(AccountView {
            names: affiliate.names,
            surnames: affiliate.surnames,
            identification_masked: profile.identification.masked(),
            email_masked: profile.email.masked(),
            mobile_masked: profile.mobile.masked(),
            landline_masked: profile.landline.as_ref().map(Landline::masked),
            password_changed_at: profile.password_changed_at,
            activity,
            open_sessions,
        }))
    }

    /// Changes the password: the current one first (a wrong one counts as a failed login), then
    /// the policy. Every session ends; the browser that changed it gets a new one.
    #[tracing::instrument(skip_all)]
    pub async fn change_password(
        &self,
        id: &SessionId,
        device: Option<&DeviceId>,
        change: PasswordChange,
        client: &ClientInfo,
    ) -> Result<ChangeOutcome, ServiceError> {
        let Some((profile, affiliate)) = self.owner(id).await? else {
            return Ok(ChangeOutcome::SessionEnded);
        };
        if let Some(outcome) = self.check_current(&profile, device, change.current, client).await? {
            return Ok(outcome);
        }
        let problems = password_policy::check_new(&change.password, &change.confirmation, &affiliate);
        if !problems.is_empty() {
            return Ok(ChangeOutcome::Invalid(problems));
        }
        let hash = self.hasher.hash(SecretString::from(change.password)).await?;
        let now = self.clock.now();
        let session = SessionId::generate();
        self.store
            .change_password(profile.affiliate_id, &hash, self.new_session(&session.hash(), now), now)
            .await?;
        let affiliate_id = profile.affiliate_id;
        audit::record(&*self.store, affiliate_id, EventKind::PasswordChanged, ACTOR_AFFILIATE, client, now)
            .await?;
        let not_me = self.not_me_link(&profile.identification, now).await?;
        self.mailer.queue(mails::password_changed(profile.email.clone(), client, now, &not_me)).await?;
        Ok(ChangeOutcome::Done { session: Some(session) })
    }

    /// Updates the contact data after checking the current password. The **old** email is told,
    /// with a "No fui yo" link; the new one gets a confirmation.
    #[tracing::instrument(skip_all)]
    pub async fn change_contacts(
        &self,
        id: &SessionId,
        device: Option<&DeviceId>,
        change: ContactChange,
        client: &ClientInfo,
    ) -> Result<ChangeOutcome, ServiceError> {
        let Some((profile, _)) = self.owner(id).await? else { return Ok(ChangeOutcome::SessionEnded) };
        let contacts = match Contacts::parse(&change.email, &change.mobile, &change.landline) {
            Ok(contacts) => contacts,
            Err(problems) => return Ok(ChangeOutcome::Invalid(problems)),
        };
        if let Some(outcome) = self.check_current(&profile, device, change.current, client).await? {
            return Ok(outcome);
        }
        let now = self.clock.now();
        self.store.update_contacts(profile.affiliate_id, &contacts, now).await?;
        let affiliate_id = profile.affiliate_id;
        audit::record(&*self.store, affiliate_id, EventKind::ContactsChanged, ACTOR_AFFILIATE, client, now)
            .await?;
        let not_me = self.not_me_link(&profile.identification, now).await?;
        let mail = mails::contacts_changed(profile.email.clone(), &contacts, client, now, &not_me);
        self.mailer.queue(mail).await?;
        if contacts.email != profile.email {
            self.mailer.queue(mails::new_address(contacts.email.clone())).await?;
        }
        Ok(ChangeOutcome::Done { session: None })
    }

    /// Ends every session of the owner but this one; returns how many. `None` when this one is
    /// over.
    #[tracing::instrument(skip_all)]
    pub async fn end_other_sessions(
        &self,
        id: &SessionId,
        client: &ClientInfo,
    ) -> Result<Option<u64>, ServiceError> {
        let Some(session) = self.touch(id).await? else { return Ok(None) };
        let ended = self.store.end_sessions(session.affiliate_id, Some(&id.hash())).await?;
        let now = self.clock.now();
        audit::record(
            &*self.store,
            session.affiliate_id,
            EventKind::SessionsEnded,
            ACTOR_AFFILIATE,
            client,
            now,
        )
        .await?;
        Ok(Some(ended))
    }

    /// The profile and registry record behind a live session.
    async fn owner(&self, id: &SessionId) -> Result<Option<(ProfileRecord, Affiliate)>, ServiceError> {
        let Some(session) = self.touch(id).await? else { return Ok(None) };
        let Some(profile) = self.store.profile_by_affiliate(session.affiliate_id).await? else {
            return Ok(None);
        };
        let Some(affiliate) = self.store.find_affiliate(&profile.identification).await? else {
            return Ok(None);
        };
        Ok(Some((profile, affiliate)))
    }

    /// Verifies the current password of a change. A wrong one is a failed login from this
    /// browser (so a borrowed session cannot guess it without limit): `Some` is the answer then.
    async fn check_current(
        &self,
        profile: &ProfileRecord,
        device: Option<&DeviceId>,
        current: String,
        client: &ClientInfo,
    ) -> Result<Option<ChangeOutcome>, ServiceError> {
        let stored = Some(profile.password_hash.clone());
        if self.hasher.verify(SecretString::from(current), stored).await? {
            return Ok(None);
        }
        let now = self.clock.now();
        let device_hash = device.map(DeviceId::hash);
        let browser = match &device_hash {
            Some(hash) if self.store.is_trusted(profile.affiliate_id, hash, now).await? => {
                Browser::Trusted(hash)
            }
            _ => Browser::Unknown,
        };
        Ok(Some(match self.failed(profile, browser, client, now).await? {
            FailureRecord::LockedNow { everywhere: true } | FailureRecord::AlreadyLocked => {
                ChangeOutcome::SessionEnded
            }
            FailureRecord::Counted { .. } | FailureRecord::LockedNow { everywhere: false } => {
                ChangeOutcome::Invalid(vec![FieldProblem::new(
                    "current",
                    "La clave actual no es correcta.",
                    "The current password is not correct.",
                )])
            }
        }))
    }

    fn new_session<'a>(&self, id: &'a crate::tokens::HashedToken, now: DateTime<Utc>) -> NewSession<'a> {
        NewSession {
            id,
            idle_expires_at: now + chrono_duration(self.settings.sessions.idle),
            expires_at: now + chrono_duration(self.settings.sessions.absolute),
        }
    }

    async fn not_me_link(&self, id: &Identification, now: DateTime<Utc>) -> Result<String, ServiceError> {
        Ok(crate::reports::not_me_link(&*self.store, &self.settings, id, now).await?)
    }
}
