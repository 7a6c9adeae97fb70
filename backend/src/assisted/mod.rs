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

pub use actions::{
    ActionOutcome, ActionRefusal, AssistedAction, Authority, MAX_REASON_CHARS, MIN_REASON_CHARS, valid_reason,
};
pub use console::{AUDIT_PAGE_SIZE, AffiliateStatus, AuditPage, ConsoleEvent, ProcessState};
pub use presencial::InPersonOutcome;
pub use videollamada::{CallAnswer, CallStart, QUESTIONS_PER_CALL};

use crate::{
    clock::Clock, config::Settings, generation::Generation, hashing::PasswordHasher, mail::Mailer,
    recovery::Recovery, store::Store,
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
}

/// The reference of an in-person verification in the audit trail.
pub fn verification_ref(id: i64) -> String {
    format!("CAU-{id:06}")
}

/// The reference of a video call in the audit trail.
pub fn call_ref(id: i64) -> String {
    format!("VID-{id:06}")
}
