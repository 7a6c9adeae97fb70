//! The step-2 challenge of "Generar clave por primera vez" (DESIGN §2.1): the full birth date and
//! two multiple-choice questions built from registry facts, four options each.
//!
//! The facts asked about are the current employer, the year of the first contribution and the
//! last three digits of the registered mobile; each round asks two of them. Two facts the brief
//! offered are left out on purpose: the province of the cédula is its first two digits (the
//! person typing the number already knows it) and nationality is "Ecuatoriana" for nearly
//! everyone, so both would be guessed, not remembered.
//!
//! The [`ChallengeView`] goes to the browser; the [`ChallengeAnswers`] stay in the flow state.
//! Everything shown is a pure function of a secret key, the person, the round and the registry,
//! so a page reload or a second start shows the same questions, for registered and unknown
//! numbers alike (DESIGN §5.1): an unknown number gets a deterministic, plausible and unpassable
//! challenge.
//!
//! Every employer shown — the true one, the decoys, an unknown number's invented one — is the
//! employer of some affiliate, sampled by [`Challenger::employer_probes`]: a list of made-up
//! companies would mark the one real name among the options, and an unknown number by having
//! only made-up ones.

mod decoys;
mod facts;
pub(crate) mod keyed_rng;
mod questions;

use std::ops::RangeInclusive;

use chrono::{Datelike as _, NaiveDate};
use clave_domain::{BirthDate, Identification};
use rand::Rng as _;
use serde::{Deserialize, Serialize};

use crate::{registry::Affiliate, secret::SecretKey};

pub use clave_domain::challenge::{ChallengeOption, ChallengeView, QuestionView};

/// The expected answers, kept only in the server's flow state. Serialisable for that state
/// alone; `Debug` prints nothing of them.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeAnswers {
    /// `None` for an unknown identification: no date matches it.
    birth_date: Option<NaiveDate>,
    /// (question id, expected option id); `None` where the fact was invented.
    choices: Vec<(String, Option<String>)>,
}

impl std::fmt::Debug for ChallengeAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ChallengeAnswers([REDACTED])")
    }
}

/// What the person submitted.
#[derive(Clone, PartialEq, Eq)]
pub struct SubmittedAnswers {
    pub birth_date: BirthDate,
    /// (question id, option id) per question.
    pub choices: Vec<(String, String)>,
}

impl std::fmt::Debug for SubmittedAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SubmittedAnswers([REDACTED])")
    }
}

impl ChallengeAnswers {
    /// Whether `submitted` has the full birth date and exactly the expected option of every
    /// question, and nothing else.
    pub fn accept(&self, submitted: &SubmittedAnswers) -> bool {
        let date = submitted.birth_date;
        let date_ok = self.birth_date.is_some_and(|d| {
            d.year() == i32::from(date.year())
                && d.month() == u32::from(date.month())
                && d.day() == u32::from(date.day())
        });
        let choices_ok = submitted.choices.len() == self.choices.len()
            && self.choices.iter().all(|(question, expected)| {
                expected
                    .as_ref()
                    .is_some_and(|e| submitted.choices.iter().any(|(q, option)| q == question && option == e))
            });
        date_ok & choices_ok
    }
}

/// Registry rows sampled for employers per person: enough that even a registry dominated by a
/// few large employers yields four distinct ones.
const EMPLOYER_PROBES: usize = 16;

/// A built challenge: the view for the browser and the answers for the flow state.
#[derive(Debug, Clone)]
pub struct Challenge {
    pub view: ChallengeView,
    pub answers: ChallengeAnswers,
}

/// Builds challenges with keys derived from the server secret. Cheap to clone.
#[derive(Clone)]
pub struct Challenger {
    questions_key: [u8; 32],
    decoy_key: [u8; 32],
}

impl std::fmt::Debug for Challenger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Challenger([REDACTED])")
    }
}

impl Challenger {
    pub fn new(secret: &SecretKey) -> Self {
        Self {
            questions_key: secret.derive("challenge-questions"),
            decoy_key: secret.derive("decoy-challenge"),
        }
    }

    /// The registry row ids to sample employers at (see `RegistryStore::employers_near`) for
    /// the person behind `subject`: a pure function of the key and `subject`, so the employer
    /// options stay the same every round and every start while the registry does not change.
    pub fn employer_probes(&self, subject: &str, ids: RangeInclusive<i64>) -> Vec<i64> {
        if ids.is_empty() {
            return Vec::new();
        }
        let mut rng = keyed_rng::KeyedRng::new(&self.decoy_key, &[b"employer-probes", subject.as_bytes()]);
        (0..EMPLOYER_PROBES).map(|_| rng.gen_range(ids.clone())).collect()
    }

    /// The challenge of `round` for a registered affiliate. `subject` is the keyed hash of the
    /// identification (the attempt-counter key), `employers` what the probes of
    /// [`Self::employer_probes`] found, `today` bounds the decoy years.
    pub fn for_affiliate(
        &self,
        affiliate: &Affiliate,
        employers: &[String],
        subject: &str,
        round: u32,
        today: NaiveDate,
    ) -> Challenge {
        let employers = self.employer_candidates(employers, subject);
        let invented = facts::Profile::invented(&self.decoy_key, &affiliate.identification, &employers);
        self.build(&facts::Profile::of_affiliate(affiliate, invented), &employers, subject, round, today)
    }

    /// The decoy challenge of `round` for an identification that is not in the registry: same
    /// shape, plausible options, never passable.
    pub fn for_unknown(
        &self,
        id: &Identification,
        employers: &[String],
        subject: &str,
        round: u32,
        today: NaiveDate,
    ) -> Challenge {
        let employers = self.employer_candidates(employers, subject);
        self.build(
            &facts::Profile::invented(&self.decoy_key, id, &employers),
            &employers,
            subject,
            round,
            today,
        )
    }

    fn employer_candidates(&self, registry: &[String], subject: &str) -> Vec<String> {
        let mut rng = keyed_rng::KeyedRng::new(&self.decoy_key, &[b"employer-fallback", subject.as_bytes()]);
        decoys::employer_candidates(registry, &mut rng)
    }

    fn build(
        &self,
        profile: &facts::Profile,
        employers: &[String],
        subject: &str,
        round: u32,
        today: NaiveDate,
    ) -> Challenge {
        let built = questions::build(&self.questions_key, subject, round, profile, employers, today);
        let choices = built.iter().map(|q| (q.view.id.clone(), q.expected.clone())).collect();
        Challenge {
            view: ChallengeView { questions: built.into_iter().map(|q| q.view).collect() },
            answers: ChallengeAnswers { birth_date: profile.birth_date, choices },
        }
    }
}

#[cfg(test)]
mod tests;
