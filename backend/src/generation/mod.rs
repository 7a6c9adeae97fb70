//! "Generar clave por primera vez" (DESIGN §2.1): identification, the registry challenge with its
//! attempt limits (3 per calendar day in America/Guayaquil, 9 in total), the personal data, the
//! emailed link and the activation.
//!
//! Known, unknown and blocked identifications start the same way (DESIGN §5.1): an unknown one
//! gets a deterministic decoy challenge and is counted under the same keyed subject, so it also
//! runs out of attempts; a block only shows once an answer is submitted, and what differs for a
//! registered person (a clave exists already, the process was blocked) reaches only the email on
//! file.

mod activation;
mod mails;
mod personal;

use std::sync::Arc;

use clave_domain::Identification;
use hmac::Mac as _;
use serde::{Deserialize, Serialize};

pub use crate::service_error::ServiceError;
pub use activation::{ActivationForm, ActivationOutcome, ActivationView};
pub use personal::{PersonalDataForm, PersonalDataOutcome};

pub use crate::emailed_link::{LinkSent, ResendOutcome};

use crate::{
    challenge::{Challenge, ChallengeAnswers, ChallengeView, Challenger, SubmittedAnswers},
    clock::Clock,
    config::Settings,
    flows::{self, FlowId, FlowKind, FlowState, FlowStep},
    hashing::PasswordHasher,
    mail::Mailer,
    secret::SecretKey,
    store::{AttemptLimits, AttemptProcess, Reservation, Store},
};

const PROCESS: AttemptProcess = AttemptProcess::Generation;

/// The steps of the generation wizard this service moves between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GenerationStep {
    /// Step 2: the registry challenge.
    Challenge,
    /// Step 3: contact data, security questions and image (an affiliate without a clave).
    PersonalData,
    /// Step 4: the link was emailed; it may be sent again. Step 5 runs from the link.
    EmailSent,
    /// The affiliate already has a clave: told to use "Recuperar clave" (the end of this flow).
    UseRecovery,
}

impl GenerationStep {
    const ALL: [Self; 4] = [Self::Challenge, Self::PersonalData, Self::EmailSent, Self::UseRecovery];
}

impl FlowStep for GenerationStep {
    fn as_str(self) -> &'static str {
        match self {
            Self::Challenge => "challenge",
            Self::PersonalData => "personal-data",
            Self::EmailSent => "email-sent",
            Self::UseRecovery => "use-recovery",
        }
    }

    fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|step| step.as_str() == stored)
    }
}

/// The server-side state of a generation flow.
#[derive(Debug, Serialize, Deserialize)]
pub struct GenerationState {
    pub identification: Identification,
    /// The keyed hash of the identification that keys the attempt counter.
    subject: String,
    /// Which question set is shown (the counter's total when it was built).
    round: u32,
    answers: ChallengeAnswers,
    /// The questions shown, so a reload shows them again.
    view: ChallengeView,
    /// From step 3 on: what the person registered, waiting for the activation.
    #[serde(default)]
    pending: Option<personal::PendingProfile>,
}

impl FlowState for GenerationState {
    const KIND: FlowKind = FlowKind::Generation;
    type Step = GenerationStep;
}

impl crate::emailed_link::LinkedState for GenerationState {
    const EMAIL_SENT: GenerationStep = GenerationStep::EmailSent;
    const PURPOSE: &'static str = personal::LINK_PURPOSE;

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
    /// Step 2, with the questions shown before.
    Challenge(ChallengeView),
    /// Step 3.
    PersonalData,
    /// Step 4: the link is out.
    EmailSent(LinkSent),
    /// A clave exists: use "Recuperar clave".
    UseRecovery,
}

/// Where a passed challenge leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    /// First clave: go on to the personal data.
    PersonalData,
    /// A clave exists already: use "Recuperar clave" (generation never overwrites a profile).
    UseRecovery,
}

/// What an answer led to. Every limit is an expected outcome, so a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChallengeOutcome {
    /// Right answers; the flow moved on and the attempt was given back.
    Passed { next: NextStep },
    /// Wrong answers; the attempt is spent and these questions replace the old ones.
    Retry { attempts_left_today: u32, attempts_left_total: u32, challenge: ChallengeView },
    /// No attempts left today: come back tomorrow (America/Guayaquil).
    DailyLimitReached,
    /// No attempts left at all: only staff can clear it (go to a CAU or the Ventanilla Virtual).
    Blocked,
}

/// The generation service. Cheap to clone.
#[derive(Clone)]
pub struct Generation {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: Arc<Settings>,
    hasher: PasswordHasher,
    mailer: Mailer,
    challenger: Challenger,
    subject_key: [u8; 32],
}

impl std::fmt::Debug for Generation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Generation { .. }")
    }
}

impl Generation {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        secret: &SecretKey,
        settings: Arc<Settings>,
        hasher: PasswordHasher,
        mailer: Mailer,
    ) -> Self {
        let challenger = Challenger::new(secret);
        let subject_key = secret.derive("attempt-subject");
        Self { store, clock, settings, hasher, mailer, challenger, subject_key }
    }

    /// Where the flow with this id stands, for a page that is opened or reloaded: `None` when
    /// there is no live flow (start at step 1).
    #[tracing::instrument(skip_all)]
    pub async fn current(&self, flow: &FlowId) -> Result<Option<CurrentStep>, ServiceError> {
        let now = self.clock.now();
        let Some(loaded) = flows::load_by_hash::<GenerationState>(&*self.store, &flow.hash(), now).await?
        else {
            return Ok(None);
        };
        Ok(Some(match loaded.at.step {
            GenerationStep::Challenge => CurrentStep::Challenge(loaded.state.view),
            GenerationStep::PersonalData => CurrentStep::PersonalData,
            GenerationStep::EmailSent => match &loaded.state.pending {
                Some(pending) => CurrentStep::EmailSent(self.link_sent(pending, now)),
                None => return Err(ServiceError::FlowNotFound),
            },
            GenerationStep::UseRecovery => CurrentStep::UseRecovery,
        }))
    }

    /// Ends the flow (the person starts again); returns whether there was one.
    pub async fn abandon(&self, flow: &FlowId) -> Result<bool, ServiceError> {
        Ok(flows::delete(&*self.store, flow).await?)
    }

    /// Step 1 → 2, after the caller verified the captcha: opens a flow at the challenge and
    /// returns its id (for the cookie) and the questions. Answers the same way for registered,
    /// unknown and blocked identifications.
    #[tracing::instrument(skip_all)]
    pub async fn start(&self, id: &Identification) -> Result<(FlowId, ChallengeView), ServiceError> {
        let now = self.clock.now();
        let subject = self.subject(id);
        let round = self.store.attempt_count(&subject, PROCESS).await?.total;
        let (challenge, gated) = self.challenge(id, &subject, round).await?;
        if gated {
            // The page answers as for anyone (a decoy challenge); only the email on file learns why.
            self.notify_on_file(id, mails::Notice::ForeignerNotEnabled).await?;
        }
        let state = GenerationState {
            identification: id.clone(),
            subject,
            round,
            answers: challenge.answers,
            view: challenge.view.clone(),
            pending: None,
        };
        let flow =
            flows::create(&*self.store, GenerationStep::Challenge, &state, self.settings.links.flow_ttl, now)
                .await?;
        Ok((flow, challenge.view))
    }

    /// Step 2: checks the answers. An attempt is reserved before they are checked and given back
    /// only when they are right, so parallel submissions can never get more tries than allowed.
    /// A missing, expired or already-answered flow is [`ServiceError::FlowNotFound`] and changes
    /// nothing.
    #[tracing::instrument(skip_all)]
    pub async fn answer(
        &self,
        flow: &FlowId,
        answers: SubmittedAnswers,
    ) -> Result<ChallengeOutcome, ServiceError> {
        let now = self.clock.now();
        let today = self.clock.institute_day();
        let loaded = flows::load::<GenerationState>(&*self.store, flow, GenerationStep::Challenge, now)
            .await?
            .ok_or(ServiceError::FlowNotFound)?;
        let (state, at) = (loaded.state, loaded.at);
        let limits =
            AttemptLimits { per_day: self.settings.attempts.per_day, total: self.settings.attempts.total };
        let (left_today, left_total) =
            match self.store.reserve_attempt(&state.subject, PROCESS, today, limits, now).await? {
                Reservation::Reserved { left_today, left_total } => (left_today, left_total),
                Reservation::DailyLimitReached => return Ok(ChallengeOutcome::DailyLimitReached),
                Reservation::Blocked => return Ok(ChallengeOutcome::Blocked),
            };

        if state.answers.accept(&answers) {
            let next = if self.store.has_clave(&state.identification).await? {
                NextStep::UseRecovery
            } else {
                NextStep::PersonalData
            };
            let to = match next {
                NextStep::PersonalData => GenerationStep::PersonalData,
                NextStep::UseRecovery => GenerationStep::UseRecovery,
            };
            let moved = flows::advance(&*self.store, &at, to, &state, None, now).await?;
            // Right answers cost nothing, even when a parallel submission on this flow won.
            self.store.refund_attempt(&state.subject, PROCESS, today, now).await?;
            if !moved {
                return Err(ServiceError::FlowNotFound);
            }
            if next == NextStep::UseRecovery {
                self.notify_on_file(&state.identification, mails::Notice::ClaveExists).await?;
            }
            return Ok(ChallengeOutcome::Passed { next });
        }

        if left_total == 0 {
            // This very reservation took the last attempt, so exactly one request gets here: tell
            // the person on file, whatever happens to the flow below.
            self.notify_on_file(&state.identification, mails::Notice::ProcessBlocked).await?;
        }
        let round = limits.total.saturating_sub(left_total);
        let (challenge, _) = self.challenge(&state.identification, &state.subject, round).await?;
        let next_state =
            GenerationState { round, answers: challenge.answers, view: challenge.view.clone(), ..state };
        if !flows::advance(&*self.store, &at, GenerationStep::Challenge, &next_state, None, now).await? {
            return Err(ServiceError::FlowNotFound);
        }
        Ok(match (left_today, left_total) {
            (_, 0) => ChallengeOutcome::Blocked,
            (0, _) => ChallengeOutcome::DailyLimitReached,
            _ => ChallengeOutcome::Retry {
                attempts_left_today: left_today,
                attempts_left_total: left_total,
                challenge: challenge.view,
            },
        })
    }

    /// Staff console: clears a blocked (or partly spent) generation counter. Returns whether
    /// there was one.
    #[tracing::instrument(skip_all)]
    pub async fn clear_attempts(&self, id: &Identification) -> Result<bool, ServiceError> {
        Ok(self.store.clear_attempts(&self.subject(id), PROCESS).await?)
    }

    /// Queues `notice` to the registry's email of a registered person; nothing for an unknown
    /// number or one without an email on file (DESIGN §5.1: the difference reaches only the mail).
    async fn notify_on_file(&self, id: &Identification, notice: mails::Notice) -> Result<(), ServiceError> {
        let Some(affiliate) = self.store.find_affiliate(id).await? else { return Ok(()) };
        let Some(to) = affiliate.email.clone() else { return Ok(()) };
        let has_clave = match notice {
            mails::Notice::ClaveExists => true,
            mails::Notice::ProcessBlocked => self.store.has_clave(id).await?,
            mails::Notice::ForeignerNotEnabled => false,
        };
        let not_me = if has_clave { Some(self.not_me_link(id).await?) } else { None };
        let mail = mails::notice(&self.settings, notice, &affiliate, to, not_me.as_deref());
        Ok(self.mailer.queue(mail).await?)
    }

    /// A fresh "No fui yo" link for this person's clave.
    async fn not_me_link(&self, id: &Identification) -> Result<String, ServiceError> {
        let now = self.clock.now();
        Ok(crate::reports::not_me_link(&*self.store, &self.settings, id, now).await?)
    }

    /// The attempt-counter key: a keyed hash, the same derivation for registered and unknown
    /// identifications, so the counter table says nothing about who is registered.
    pub(crate) fn subject(&self, id: &Identification) -> String {
        let mut mac = crate::secret::hmac(&self.subject_key);
        mac.update(id.as_str().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The same registry reads for every identification, then the real or the decoy challenge;
    /// and whether the person is a foreigner held back by the CAU gate.
    async fn challenge(
        &self,
        id: &Identification,
        subject: &str,
        round: u32,
    ) -> Result<(Challenge, bool), ServiceError> {
        let today = self.clock.institute_day();
        let employers = self.sampled_employers(subject).await?;
        let mut affiliate = self.store.find_affiliate(id).await?;
        let gated = affiliate.is_some() && self.gated_foreigner(id).await?;
        if gated {
            affiliate = None;
        }
        let challenge = match affiliate {
            Some(affiliate) => self.challenger.for_affiliate(&affiliate, &employers, subject, round, today),
            None => self.challenger.for_unknown(id, &employers, subject, round, today),
        };
        Ok((challenge, gated))
    }

    /// Whether a registered person is a foreigner without a clave whose first generation no CAU
    /// agent enabled yet (DESIGN §2.1): until then they get the decoy challenge, like an unknown
    /// code.
    async fn gated_foreigner(&self, id: &Identification) -> Result<bool, ServiceError> {
        if id.kind() != clave_domain::IdentificationKind::Foreigner {
            return Ok(false);
        }
        Ok(!self.store.has_clave(id).await? && !self.store.foreigner_enabled(id).await?)
    }

    /// Employers of affiliates at the person's fixed probes: where the employer question's
    /// options (and an unknown number's invented employer) come from.
    async fn sampled_employers(&self, subject: &str) -> Result<Vec<String>, ServiceError> {
        let Some(ids) = self.store.affiliate_id_range().await? else { return Ok(Vec::new()) };
        let probes = self.challenger.employer_probes(subject, ids);
        Ok(self.store.employers_near(&probes).await?)
    }
}

#[cfg(test)]
mod tests;
