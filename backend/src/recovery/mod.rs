//! "Recuperar clave" (DESIGN §2.2): identification, the challenge on what the person registered
//! (day and month of birth, security image, which question and its answer) with its attempt
//! limits (3 per calendar day in America/Guayaquil, 9 in total, a counter separate from the
//! generation's), the contact data confirmed or replaced, the emailed link and the new password,
//! which ends every session.
//!
//! Registered, unknown, locked and blocked identifications start the same way (DESIGN §5.1):
//! anyone without a clave gets a deterministic decoy challenge that no answer passes, counted
//! under the same keyed subject, and checked with the same one argon2 verification. What differs
//! (the process got blocked, the email was replaced) reaches only the email on file.

pub mod assisted;
mod challenge;
mod contacts;
mod mails;
mod reset;

use std::sync::Arc;

use clave_domain::{
    FieldProblem, Identification, Landline, security_images::SecurityImageId,
    security_questions::SecurityQuestionId,
};
use hmac::Mac as _;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

pub use crate::service_error::ServiceError;
pub use challenge::RecoveryAnswers;
pub use clave_domain::recovery::{MaskedContacts, RecoveryChallengeView};
pub use contacts::{ContactForm, ContactOutcome};

pub use crate::emailed_link::{LinkSent, ResendOutcome};
pub use reset::{ResetForm, ResetOutcome, ResetView};

use crate::{
    audit::{self, ClientInfo, EventKind},
    clock::Clock,
    config::Settings,
    flows::{self, FlowId, FlowKind, FlowState, FlowStep},
    hashing::PasswordHasher,
    mail::Mailer,
    secret::SecretKey,
    store::{AttemptLimits, AttemptProcess, ProfileRecord, Reservation, Store},
};

const PROCESS: AttemptProcess = AttemptProcess::Recovery;

/// The steps of the recovery wizard this service moves between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryStep {
    /// Step 2: the challenge.
    Challenge,
    /// Step 3: confirm or replace the contact data.
    Contacts,
    /// Step 4: the link was emailed; it may be sent again. The new password is set from the link.
    EmailSent,
}

impl RecoveryStep {
    const ALL: [Self; 3] = [Self::Challenge, Self::Contacts, Self::EmailSent];
}

impl FlowStep for RecoveryStep {
    fn as_str(self) -> &'static str {
        match self {
            Self::Challenge => "challenge",
            Self::Contacts => "contacts",
            Self::EmailSent => "email-sent",
        }
    }

    fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|step| step.as_str() == stored)
    }
}

/// The server-side state of a recovery flow. No `Debug`: it names the person.
#[derive(Serialize, Deserialize)]
struct RecoveryState {
    identification: Identification,
    /// The keyed hash of the identification that keys the attempt counter and the challenge.
    subject: String,
    /// The security profile's row when the person had a clave at the start; `None` for a decoy.
    affiliate_id: Option<i64>,
    expected: challenge::Expected,
    /// The choices shown, so a reload and a wrong answer show them again.
    view: RecoveryChallengeView,
    /// From step 4 on: the contact data to write with the new password, and the link.
    #[serde(default)]
    pending: Option<contacts::PendingReset>,
}

impl FlowState for RecoveryState {
    const KIND: FlowKind = FlowKind::Recovery;
    type Step = RecoveryStep;
}

impl crate::emailed_link::LinkedState for RecoveryState {
    const EMAIL_SENT: RecoveryStep = RecoveryStep::EmailSent;
    const PURPOSE: &'static str = contacts::LINK_PURPOSE;

    fn link(&self) -> Option<(&crate::emailed_link::EmailedLink, &clave_domain::Email)> {
        self.pending.as_ref().map(|pending| (&pending.link, &pending.email))
    }

    fn link_mut(&mut self) -> Option<&mut crate::emailed_link::EmailedLink> {
        self.pending.as_mut().map(|pending| &mut pending.link)
    }
}

/// Where a live flow stands (for a page that is opened or reloaded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CurrentStep {
    /// Step 2, with the choices shown before.
    Challenge(RecoveryChallengeView),
    /// Step 3, with the contact data on file, masked.
    Contacts(MaskedContacts),
    /// Step 4: the link is out.
    EmailSent(LinkSent),
}

/// What an answer led to. Every limit is an expected outcome, so a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChallengeOutcome {
    /// Every part was right; the flow moved on to step 3 and the attempt was given back.
    Passed { contacts: MaskedContacts },
    /// Something was wrong (the page does not say what); the attempt is spent. The challenge
    /// stays the same.
    Retry { attempts_left_today: u32, attempts_left_total: u32, challenge: RecoveryChallengeView },
    /// No attempts left today: come back tomorrow (America/Guayaquil).
    DailyLimitReached,
    /// No attempts left at all: only staff can clear it (go to a CAU or the Ventanilla Virtual).
    Blocked,
    /// A part is missing or not among the options shown; nothing was counted.
    Invalid(Vec<FieldProblem>),
}

/// The recovery service. Cheap to clone.
#[derive(Clone)]
pub struct Recovery {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: Arc<Settings>,
    hasher: PasswordHasher,
    mailer: Mailer,
    challenger: challenge::Challenger,
    subject_key: [u8; 32],
}

impl std::fmt::Debug for Recovery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Recovery { .. }")
    }
}

impl Recovery {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        secret: &SecretKey,
        settings: Arc<Settings>,
        hasher: PasswordHasher,
        mailer: Mailer,
    ) -> Self {
        let challenger = challenge::Challenger::new(secret);
        // The generation's derivation: one keyed subject per person, counted per process.
        let subject_key = secret.derive("attempt-subject");
        Self { store, clock, settings, hasher, mailer, challenger, subject_key }
    }

    /// Where the flow with this id stands, for a page that is opened or reloaded: `None` when
    /// there is no live flow (start at step 1).
    #[tracing::instrument(skip_all)]
    pub async fn current(&self, flow: &FlowId) -> Result<Option<CurrentStep>, ServiceError> {
        let now = self.clock.now();
        let Some(loaded) = flows::load_by_hash::<RecoveryState>(&*self.store, &flow.hash(), now).await?
        else {
            return Ok(None);
        };
        Ok(Some(match loaded.at.step {
            RecoveryStep::Challenge => CurrentStep::Challenge(loaded.state.view),
            RecoveryStep::Contacts => match self.profile_of(&loaded.state).await? {
                Some(profile) => CurrentStep::Contacts(masked(&profile)),
                None => return Err(ServiceError::FlowNotFound),
            },
            RecoveryStep::EmailSent => match &loaded.state.pending {
                Some(pending) => CurrentStep::EmailSent(self.link_sent(pending, now)),
                None => return Err(ServiceError::FlowNotFound),
            },
        }))
    }

    /// Ends the flow (the person starts again); returns whether there was one.
    pub async fn abandon(&self, flow: &FlowId) -> Result<bool, ServiceError> {
        Ok(flows::delete(&*self.store, flow).await?)
    }

    /// Step 1 → 2, after the caller verified the captcha: opens a flow at the challenge and
    /// returns its id (for the cookie) and the choices. Answers the same way for people with a
    /// clave, without one, unknown, locked and blocked.
    #[tracing::instrument(skip_all)]
    pub async fn start(&self, id: &Identification) -> Result<(FlowId, RecoveryChallengeView), ServiceError> {
        let now = self.clock.now();
        let subject = self.subject(id);
        let (built, affiliate_id) = self.challenge(id, &subject).await?;
        let state = RecoveryState {
            identification: id.clone(),
            subject,
            affiliate_id,
            expected: built.expected,
            view: built.view.clone(),
            pending: None,
        };
        let flow =
            flows::create(&*self.store, RecoveryStep::Challenge, &state, self.settings.links.flow_ttl, now)
                .await?;
        Ok((flow, built.view))
    }

    /// Step 2: checks the answers. A form with a part missing is refused before anything is
    /// counted; otherwise an attempt is reserved before the answers are checked and given back
    /// only when they are right, so parallel submissions never get more tries than allowed. The
    /// request that spends the last attempt notifies the email on file and records the block.
    /// A missing, expired or already-passed flow is [`ServiceError::FlowNotFound`] and changes
    /// nothing.
    #[tracing::instrument(skip_all)]
    pub async fn answer(
        &self,
        flow: &FlowId,
        answers: RecoveryAnswers,
        client: &ClientInfo,
    ) -> Result<ChallengeOutcome, ServiceError> {
        let now = self.clock.now();
        let today = self.clock.institute_day();
        let loaded = flows::load::<RecoveryState>(&*self.store, flow, RecoveryStep::Challenge, now)
            .await?
            .ok_or(ServiceError::FlowNotFound)?;
        let (state, at) = (loaded.state, loaded.at);
        let submitted = match challenge::validate(&answers, &state.view) {
            Ok(submitted) => submitted,
            Err(problems) => return Ok(ChallengeOutcome::Invalid(problems)),
        };
        let limits =
            AttemptLimits { per_day: self.settings.attempts.per_day, total: self.settings.attempts.total };
        let (left_today, left_total) =
            match self.store.reserve_attempt(&state.subject, PROCESS, today, limits, now).await? {
                Reservation::Reserved { left_today, left_total } => (left_today, left_total),
                Reservation::DailyLimitReached => return Ok(ChallengeOutcome::DailyLimitReached),
                Reservation::Blocked => return Ok(ChallengeOutcome::Blocked),
            };

        let passed = match self.check(&state, &submitted).await {
            Ok(passed) => passed,
            Err(e) => {
                // Nothing was decided (hashing over capacity, a database error): the person keeps
                // the attempt.
                self.store.refund_attempt(&state.subject, PROCESS, today, now).await?;
                return Err(e);
            }
        };
        if let Some(profile) = passed {
            let moved = flows::advance(&*self.store, &at, RecoveryStep::Contacts, &state, None, now).await?;
            // Right answers cost nothing, even when a parallel submission on this flow won.
            self.store.refund_attempt(&state.subject, PROCESS, today, now).await?;
            if !moved {
                return Err(ServiceError::FlowNotFound);
            }
            return Ok(ChallengeOutcome::Passed { contacts: masked(&profile) });
        }

        if left_total == 0 {
            // This very reservation took the last attempt, so exactly one request gets here.
            self.notify_blocked(&state.identification, client).await?;
        }
        Ok(match (left_today, left_total) {
            (_, 0) => ChallengeOutcome::Blocked,
            (0, _) => ChallengeOutcome::DailyLimitReached,
            _ => ChallengeOutcome::Retry {
                attempts_left_today: left_today,
                attempts_left_total: left_total,
                challenge: state.view,
            },
        })
    }

    /// Staff console: clears a blocked (or partly spent) recovery counter. Returns whether
    /// there was one.
    #[tracing::instrument(skip_all)]
    pub async fn clear_attempts(&self, id: &Identification) -> Result<bool, ServiceError> {
        Ok(self.store.clear_attempts(&self.subject(id), PROCESS).await?)
    }

    /// The profile when every part of `submitted` is right. Exactly one argon2 verification runs
    /// whatever the outcome, against a dummy hash when there is no stored answer to check (a
    /// decoy challenge), so the time taken says nothing.
    async fn check(
        &self,
        state: &RecoveryState,
        submitted: &challenge::Submitted,
    ) -> Result<Option<ProfileRecord>, ServiceError> {
        let profile = self.profile_of(state).await?;
        let stored = match (&profile, state.expected.question()) {
            (Some(profile), Some(question)) => self
                .store
                .security_answers(profile.affiliate_id)
                .await?
                .into_iter()
                .find(|(id, _)| id == question.as_str())
                .map(|(_, hash)| hash),
            _ => None,
        };
        let answer = SecretString::from(submitted.answer.as_str().to_owned());
        let answer_right = self.hasher.verify(answer, stored).await?;
        Ok(profile.filter(|_| answer_right & state.expected.matches(submitted)))
    }

    /// The profile of the person the flow was started for, if they had a clave then.
    async fn profile_of(&self, state: &RecoveryState) -> Result<Option<ProfileRecord>, ServiceError> {
        match state.affiliate_id {
            Some(affiliate_id) => Ok(self.store.profile_by_affiliate(affiliate_id).await?),
            None => Ok(None),
        }
    }

    /// Recovery just got blocked: the person with a clave is told at the email on file, with a
    /// "No fui yo" link, and the block is recorded; a registered person without a clave is told
    /// at the registry's address; an unknown number gets nothing (DESIGN §5.1).
    async fn notify_blocked(&self, id: &Identification, client: &ClientInfo) -> Result<(), ServiceError> {
        let now = self.clock.now();
        tracing::warn!("recovery blocked after the last allowed attempt");
        if let Some(profile) = self.store.profile(id).await? {
            audit::record(
                &*self.store,
                profile.affiliate_id,
                EventKind::RecoveryBlocked,
                audit::ACTOR_SYSTEM,
                client,
                now,
            )
            .await?;
            let not_me = crate::reports::not_me_link(&*self.store, &self.settings, id, now).await?;
            let mail = mails::process_blocked(&self.settings, profile.email, Some(&not_me));
            return Ok(self.mailer.queue(mail).await?);
        }
        if let Some(to) = self.store.find_affiliate(id).await?.and_then(|affiliate| affiliate.email) {
            self.mailer.queue(mails::process_blocked(&self.settings, to, None)).await?;
        }
        Ok(())
    }

    /// The attempt-counter key: a keyed hash, the same derivation for registered and unknown
    /// identifications, so the counter table says nothing about who is registered.
    pub(crate) fn subject(&self, id: &Identification) -> String {
        let mut mac = crate::secret::hmac(&self.subject_key);
        mac.update(id.as_str().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The real challenge for a person with a clave, the decoy for everyone else; and the
    /// profile's row.
    async fn challenge(
        &self,
        id: &Identification,
        subject: &str,
    ) -> Result<(challenge::Built, Option<i64>), ServiceError> {
        let affiliate = self.store.find_affiliate(id).await?;
        let Some(profile) = self.store.profile(id).await? else {
            return Ok((self.challenger.decoy(subject), None));
        };
        let questions: Vec<_> = self
            .store
            .security_answers(profile.affiliate_id)
            .await?
            .iter()
            .filter_map(|(question, _)| SecurityQuestionId::parse(question).ok())
            .collect();
        let facts = challenge::Facts {
            birth_date: affiliate.map(|affiliate| affiliate.birth_date),
            image: SecurityImageId::parse(&profile.image).ok(),
            questions: &questions,
        };
        Ok((self.challenger.build(subject, facts), Some(profile.affiliate_id)))
    }
}

/// The contact data on file as step 3 shows it.
fn masked(profile: &ProfileRecord) -> MaskedContacts {
    MaskedContacts {
        email: profile.email.masked(),
        mobile: profile.mobile.masked(),
        landline: profile.landline.as_ref().map(Landline::masked),
    }
}

#[cfg(test)]
mod tests;
