//! The assisted channels of the staff console (DESIGN §3): search an affiliate, record an
//! in-person verification (CAU), run a video call of 4 questions, and the actions staff may then
//! take, each with a reason, each in the audit trail with the staff member as actor:
//!
//! - **Presencial**: after the agent checked the original document and registered the fingerprint,
//!   that agent may, for 30 minutes, unlock, clear blocks, update contacts, enable a foreigner.
//! - **Videollamada**: 4/4 right answers allow one unlock by that agent; a wrong answer blocks the
//!   channel for the affiliate for 24 hours.
//! - **Ventanilla**: the case review (its own module) decides; `perform` does the action.
//!
//! Staff never see a password, a stored answer, the security image or full contact data.

mod actions;
mod console;
mod mails;
mod presencial;
#[cfg(test)]
mod tests;
mod videollamada;

use std::sync::Arc;

use chrono::{DateTime, Utc};

pub use actions::{ActionOutcome, ActionRefusal, AssistedAction, Authority, MIN_REASON_CHARS};
pub use console::{AUDIT_PAGE_SIZE, AffiliateStatus, AuditPage, ConsoleEvent, ProcessState};
pub use presencial::InPersonOutcome;
pub use videollamada::{CallAnswer, CallStart, QUESTIONS_PER_CALL};

use crate::{
    audit::{ClientInfo, EventKind},
    clock::Clock,
    config::Settings,
    generation::Generation,
    hashing::PasswordHasher,
    mail::Mailer,
    recovery::Recovery,
    service_error::ServiceError,
    staff::StaffActor,
    store::{NewEvent, Store},
};

/// The staff console's service. Cheap to clone.
#[derive(Clone)]
pub struct Assisted {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: Arc<Settings>,
    hasher: PasswordHasher,
    mailer: Mailer,
    generation: Generation,
    recovery: Recovery,
}

impl std::fmt::Debug for Assisted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Assisted { .. }")
    }
}

impl Assisted {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        settings: Arc<Settings>,
        hasher: PasswordHasher,
        mailer: Mailer,
        generation: Generation,
        recovery: Recovery,
    ) -> Self {
        Self { store, clock, settings, hasher, mailer, generation, recovery }
    }

    /// Appends a staff action to the audit trail: who, what, for whom, from where, the case (a
    /// Ventanilla case number, `CAU-n` or `VID-n`) and the reason.
    async fn audit(
        &self,
        actor: &StaffActor,
        affiliate_id: i64,
        kind: EventKind,
        (case, reason): (Option<String>, Option<&str>),
        client: &ClientInfo,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        let event = NewEvent {
            affiliate_id: Some(affiliate_id),
            actor: actor.username.clone(),
            kind: kind.as_str().to_owned(),
            ip: client.ip.clone(),
            user_agent: client.user_agent.clone(),
            case_number: case,
            reason: reason.map(str::to_owned),
        };
        Ok(self.store.append_event(&event, now).await?)
    }
}

/// The reference of an in-person verification in the audit trail.
pub fn verification_ref(id: i64) -> String {
    format!("CAU-{id:06}")
}

/// The reference of a video call in the audit trail.
pub fn call_ref(id: i64) -> String {
    format!("VID-{id:06}")
}
