//! "Generar clave por primera vez", steps 1–2 (DESIGN §2.1): identification, then the registry
//! challenge with its attempt limits (3 per calendar day in America/Guayaquil, 9 in total).
//!
//! Known, unknown and blocked identifications start the same way (DESIGN §5.1): an unknown one
//! gets a deterministic decoy challenge and is counted under the same keyed subject, so it also
//! runs out of attempts; a block only shows once an answer is submitted.

mod error;

use std::sync::Arc;

use clave_domain::Identification;
use hmac::{Hmac, Mac as _};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

pub use error::ServiceError;

use crate::{
    challenge::{Challenge, ChallengeAnswers, ChallengeView, Challenger, SubmittedAnswers},
    clock::Clock,
    config::Settings,
    flows::{self, FlowId, FlowKind, FlowState, FlowStep},
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
    /// The affiliate already has a clave: told to use "Recuperar clave" (the end of this flow).
    UseRecovery,
}

impl FlowStep for GenerationStep {
    fn as_str(self) -> &'static str {
        match self {
            Self::Challenge => "challenge",
            Self::PersonalData => "personal-data",
            Self::UseRecovery => "use-recovery",
        }
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
}

impl FlowState for GenerationState {
    const KIND: FlowKind = FlowKind::Generation;
    type Step = GenerationStep;
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
        secret: SecretKey,
        settings: Arc<Settings>,
    ) -> Self {
        let challenger = Challenger::new(&secret);
        Self { store, clock, settings, challenger, subject_key: secret.derive("attempt-subject") }
    }

    /// Step 1 → 2, after the caller verified the captcha: opens a flow at the challenge and
    /// returns its id (for the cookie) and the questions. Answers the same way for registered,
    /// unknown and blocked identifications.
    #[tracing::instrument(skip_all)]
    pub async fn start(&self, id: &Identification) -> Result<(FlowId, ChallengeView), ServiceError> {
        let now = self.clock.now();
        let subject = self.subject(id);
        let round = self.store.attempt_count(&subject, PROCESS).await?.total;
        let challenge = self.challenge(id, &subject, round).await?;
        let state =
            GenerationState { identification: id.clone(), subject, round, answers: challenge.answers };
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
        let state = loaded.state;
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
            let moved = flows::advance(
                &*self.store,
                flow,
                loaded.version,
                GenerationStep::Challenge,
                to,
                &state,
                now,
            )
            .await?;
            // Right answers cost nothing, even when a parallel submission on this flow won.
            self.store.refund_attempt(&state.subject, PROCESS, today, now).await?;
            return if moved {
                Ok(ChallengeOutcome::Passed { next })
            } else {
                Err(ServiceError::FlowNotFound)
            };
        }

        let round = limits.total.saturating_sub(left_total);
        let challenge = self.challenge(&state.identification, &state.subject, round).await?;
        let next_state = GenerationState { round, answers: challenge.answers, ..state };
        let step = GenerationStep::Challenge;
        if !flows::advance(&*self.store, flow, loaded.version, step, step, &next_state, now).await? {
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

    /// The attempt-counter key: a keyed hash, the same derivation for registered and unknown
    /// identifications, so the counter table says nothing about who is registered.
    pub(crate) fn subject(&self, id: &Identification) -> String {
        let mut mac = <Hmac<Sha256>>::new_from_slice(&self.subject_key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(id.as_str().as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }

    /// The same registry reads for every identification, then the real or the decoy challenge.
    async fn challenge(
        &self,
        id: &Identification,
        subject: &str,
        round: u32,
    ) -> Result<Challenge, ServiceError> {
        let today = self.clock.institute_day();
        let employers = self.sampled_employers(subject).await?;
        Ok(match self.store.find_affiliate(id).await? {
            Some(affiliate) => self.challenger.for_affiliate(&affiliate, &employers, subject, round, today),
            None => self.challenger.for_unknown(id, &employers, subject, round, today),
        })
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
