//! Videollamada (DESIGN §3, guide 000's video-call channel): the console draws 4 questions from the
//! affiliate's registered security questions and registry facts; the agent types what the person
//! says; the server answers only right or wrong per question. 4/4 allows one unlock by that agent;
//! any wrong answer blocks the channel for the affiliate for `videollamada.failed_call_block`.
//! Nothing of a stored answer ever leaves the server.

use chrono::{DateTime, Datelike as _, NaiveDate, Utc};
use clave_domain::{
    NormalizedAnswer, normalize_answer, security_questions::SecurityQuestionId, staff::CallQuestion,
};
use rand::seq::SliceRandom as _;
use secrecy::SecretString;

use super::{Assisted, call_ref};
use crate::{
    audit::{ClientInfo, EventKind},
    clock::chrono_duration,
    registry::Affiliate,
    service_error::ServiceError,
    staff::StaffActor,
    store::{CallEnd, CallOpening, NewEvent, ProfileRecord},
};

/// Questions asked in one call.
pub const QUESTIONS_PER_CALL: usize = 4;
/// Registered security questions among them, when the person has that many.
const SECURITY_QUESTIONS: usize = 2;

/// What "Iniciar videollamada" got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallStart {
    /// The call is open: ask these, in this order.
    Started { call: i64, questions: Vec<CallQuestion> },
    /// A failed call blocks this channel until then.
    Blocked { until: DateTime<Utc> },
    /// Another call for this person is open.
    InProgress,
    /// The person has no clave: nothing to unlock by video call.
    NoClave,
}

/// What answering a call got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallAnswer {
    /// Right or wrong per question, in order. `blocked_until` when the call failed.
    Answered { correct: Vec<bool>, verified: bool, blocked_until: Option<DateTime<Utc>> },
    /// An answer is missing; nothing was spent.
    Incomplete,
    /// No open call with this id for this agent (answered already, expired, another agent's).
    NotOpen,
}

impl Assisted {
    /// Draws the questions and opens a call for the affiliate with row `affiliate_id`, unless the
    /// channel is blocked or another call is open (one statement decides, so two racing agents
    /// get one call between them).
    #[tracing::instrument(skip_all)]
    pub async fn start_call(&self, actor: &StaffActor, affiliate_id: i64) -> Result<CallStart, ServiceError> {
        let now = self.clock.now();
        let (Some(affiliate), true) = (
            self.store.affiliate_by_row(affiliate_id).await?,
            self.store.profile_by_affiliate(affiliate_id).await?.is_some(),
        ) else {
            return Ok(CallStart::NoClave);
        };
        let registered = self
            .store
            .security_answers(affiliate_id)
            .await?
            .iter()
            .filter_map(|(id, _)| SecurityQuestionId::parse(id).ok())
            .collect();
        let questions = draw(registered, &affiliate, &mut rand::thread_rng());
        let stored = serde_json::to_string(&questions).map_err(ServiceError::Unexpected)?;
        let expires_at = now + chrono_duration(self.settings.staff.call_ttl);
        Ok(match self.store.open_call(actor.id, affiliate_id, &stored, now, expires_at).await? {
            CallOpening::Opened(call) => CallStart::Started { call, questions },
            CallOpening::Blocked { until } => CallStart::Blocked { until },
            CallOpening::InProgress => CallStart::InProgress,
        })
    }

    /// Checks the answers the agent typed for call `call` (once per call): right or wrong per
    /// question; 4/4 verifies the call, anything less blocks the channel.
    #[tracing::instrument(skip_all)]
    pub async fn answer_call(
        &self,
        actor: &StaffActor,
        call: i64,
        answers: &[String],
        client: &ClientInfo,
    ) -> Result<CallAnswer, ServiceError> {
        let now = self.clock.now();
        let Some(open) = self.store.open_call_of(call, actor.id, now).await? else {
            return Ok(CallAnswer::NotOpen);
        };
        let questions: Vec<CallQuestion> =
            serde_json::from_str(&open.questions).map_err(ServiceError::Unexpected)?;
        if answers.len() != questions.len() || answers.iter().any(|a| a.trim().is_empty()) {
            return Ok(CallAnswer::Incomplete);
        }
        let affiliate_id = open.affiliate_id;
        let (Some(affiliate), Some(profile)) = (
            self.store.affiliate_by_row(affiliate_id).await?,
            self.store.profile_by_affiliate(affiliate_id).await?,
        ) else {
            return Ok(CallAnswer::NotOpen);
        };
        let stored = self.store.security_answers(affiliate_id).await?;
        let mut correct = Vec::with_capacity(questions.len());
        for (question, typed) in questions.iter().zip(answers) {
            correct.push(self.check(*question, typed, &affiliate, &profile, &stored).await?);
        }
        let verified = correct.iter().all(|&c| c);
        let end = if verified {
            CallEnd::Verified
        } else {
            CallEnd::Failed {
                block_until: now + chrono_duration(self.settings.videollamada.failed_call_block),
            }
        };
        if !self.store.end_call(call, actor.id, end, now).await? {
            // Answered in another tab meanwhile: only the first answer counts.
            return Ok(CallAnswer::NotOpen);
        }
        let kind = if verified { EventKind::VideoCallVerified } else { EventKind::VideoCallFailed };
        let event = NewEvent::new(kind, &actor.username, client).affiliate(affiliate_id).case(call_ref(call));
        self.store.append_event(&event, now).await?;
        let blocked_until = match end {
            CallEnd::Failed { block_until } => Some(block_until),
            CallEnd::Verified => None,
        };
        Ok(CallAnswer::Answered { correct, verified, blocked_until })
    }

    async fn check(
        &self,
        question: CallQuestion,
        typed: &str,
        affiliate: &Affiliate,
        profile: &ProfileRecord,
        stored: &[(String, String)],
    ) -> Result<bool, ServiceError> {
        Ok(match question {
            CallQuestion::Security(id) => {
                let hash = stored.iter().find(|(q, _)| q == id.as_str()).map(|(_, h)| h.clone());
                match NormalizedAnswer::parse(typed) {
                    Ok(answer) => {
                        let answer = SecretString::from(answer.as_str().to_owned());
                        self.hasher.verify(answer, hash).await?
                    }
                    Err(_) => false,
                }
            }
            CallQuestion::BirthDate => parse_date(typed) == Some(affiliate.birth_date),
            CallQuestion::Employer => affiliate
                .employer
                .as_deref()
                .is_some_and(|e| !e.trim().is_empty() && normalize_answer(e) == normalize_answer(typed)),
            CallQuestion::FirstContributionYear => affiliate
                .first_contribution
                .is_some_and(|d| typed.trim().parse::<i32>().ok() == Some(d.year())),
            CallQuestion::MobileEnding => {
                let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
                let mobile: String = profile.mobile.as_str().chars().filter(char::is_ascii_digit).collect();
                digits.len() == 3 && mobile.ends_with(&digits)
            }
        })
    }
}

/// Two registered questions (when there are) and registry facts to make 4, in random order.
fn draw(
    mut registered: Vec<SecurityQuestionId>,
    affiliate: &Affiliate,
    rng: &mut impl rand::Rng,
) -> Vec<CallQuestion> {
    registered.shuffle(rng);
    let mut questions: Vec<CallQuestion> =
        registered.into_iter().take(SECURITY_QUESTIONS).map(CallQuestion::Security).collect();
    let mut facts = vec![CallQuestion::BirthDate, CallQuestion::MobileEnding];
    if affiliate.employer.as_deref().is_some_and(|e| !e.trim().is_empty()) {
        facts.push(CallQuestion::Employer);
    }
    if affiliate.first_contribution.is_some() {
        facts.push(CallQuestion::FirstContributionYear);
    }
    facts.shuffle(rng);
    let missing = QUESTIONS_PER_CALL.saturating_sub(questions.len());
    questions.extend(facts.into_iter().take(missing));
    questions.shuffle(rng);
    questions
}

/// A date as an agent types it: `dd/mm/aaaa`, `dd-mm-aaaa` or `aaaa-mm-dd`.
fn parse_date(typed: &str) -> Option<NaiveDate> {
    let typed = typed.trim();
    ["%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"].iter().find_map(|f| NaiveDate::parse_from_str(typed, f).ok())
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn dates_are_read_as_agents_type_them() {
        let date = NaiveDate::from_ymd_opt(1963, 12, 2);
        assert_eq!(parse_date("02/12/1963"), date);
        assert_eq!(parse_date(" 2-12-1963 "), date);
        assert_eq!(parse_date("1963-12-02"), date);
        assert_eq!(parse_date("12/1963"), None);
    }
}
