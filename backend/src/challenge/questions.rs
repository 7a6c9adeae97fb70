//! Turns a [`Profile`] into the two multiple-choice questions of one round.
//!
//! Which two facts are asked changes every round (a wrong answer replaces the questions), and so
//! does the order of the employer options. The *set* of options for a fact never changes for a
//! given person: if the decoys changed between rounds, the true answer would be the one option
//! common to every round and could be found by intersection (the reason DESIGN §5.3 fixes the
//! security-image decoys too).

use chrono::NaiveDate;
use rand::{Rng as _, seq::SliceRandom as _};

use super::{
    ChallengeOption, QuestionView,
    decoys::{self},
    facts::{Fact, Profile},
    keyed_rng::KeyedRng,
};

/// Options per question.
const OPTIONS: usize = 4;
const OPTION_IDS: [&str; OPTIONS] = ["a", "b", "c", "d"];

/// The facts a question can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Topic {
    Employer,
    ContributionYear,
    MobileEnding,
}

/// The three pairs of topics, visited in turn from a per-person starting point, so two
/// consecutive rounds never ask the same pair.
const PAIRS: [[Topic; 2]; 3] = [
    [Topic::Employer, Topic::ContributionYear],
    [Topic::Employer, Topic::MobileEnding],
    [Topic::ContributionYear, Topic::MobileEnding],
];

impl Topic {
    fn id(self) -> &'static str {
        match self {
            Self::Employer => "employer",
            Self::ContributionYear => "first-contribution-year",
            Self::MobileEnding => "mobile-ending",
        }
    }

    fn texts(self) -> (&'static str, &'static str) {
        match self {
            Self::Employer => (
                "¿Cuál es su empleador actual según el registro del IESS?",
                "Who is your current employer according to the IESS registry?",
            ),
            Self::ContributionYear => (
                "¿En qué año realizó su primer aporte al IESS?",
                "In which year did you first contribute to the IESS?",
            ),
            Self::MobileEnding => (
                "¿En qué tres dígitos termina el número de celular que registró en el IESS?",
                "Which three digits does the mobile number you registered with the IESS end in?",
            ),
        }
    }
}

/// One question with the option id of its true answer (`None` when the fact is invented).
pub(crate) struct BuiltQuestion {
    pub(crate) view: QuestionView,
    pub(crate) expected: Option<String>,
}

/// The two questions of `round` for the person behind `subject`. A pure function of its inputs.
pub(crate) fn build(
    key: &[u8; 32],
    subject: &str,
    round: u32,
    profile: &Profile,
    employers: &[String],
    today: NaiveDate,
) -> Vec<BuiltQuestion> {
    let start = KeyedRng::new(key, &[b"pair", subject.as_bytes()]).gen_range(0..PAIRS.len());
    let mut round_rng = KeyedRng::new(key, &[b"round", subject.as_bytes(), &round.to_be_bytes()]);
    let mut topics = PAIRS[(start + round as usize) % PAIRS.len()];
    if round_rng.gen_bool(0.5) {
        topics.reverse();
    }
    topics
        .into_iter()
        .map(|topic| {
            let mut fixed_rng = KeyedRng::new(key, &[b"options", subject.as_bytes(), topic.id().as_bytes()]);
            question(topic, profile, employers, today, &mut fixed_rng, &mut round_rng)
        })
        .collect()
}

/// `fixed_rng` chooses the decoys (the same every round), `round_rng` the order where the order
/// is not natural. The employer decoys are the first `employers` other than the true one, which
/// the caller keeps the same every round.
fn question(
    topic: Topic,
    profile: &Profile,
    employers: &[String],
    today: NaiveDate,
    fixed_rng: &mut KeyedRng,
    round_rng: &mut KeyedRng,
) -> BuiltQuestion {
    let (labels, real, correct) = match topic {
        Topic::Employer => {
            let fact = &profile.employer;
            let mut labels = decoys::employers(fact.value(), employers, OPTIONS - 1);
            labels.push(fact.value().clone());
            labels.shuffle(round_rng);
            (labels, fact.is_real(), fact.value().clone())
        }
        Topic::ContributionYear => {
            let fact: &Fact<i32> = &profile.first_contribution_year;
            let years = decoys::years(*fact.value(), profile.shown_birth, today, fixed_rng);
            (years.iter().map(ToString::to_string).collect(), fact.is_real(), fact.value().to_string())
        }
        Topic::MobileEnding => {
            let fact = &profile.mobile_ending;
            let mut labels = decoys::phone_endings(fact.value(), OPTIONS - 1, fixed_rng);
            labels.push(fact.value().clone());
            labels.sort_unstable();
            (labels, fact.is_real(), fact.value().clone())
        }
    };
    let options: Vec<ChallengeOption> = OPTION_IDS
        .iter()
        .zip(&labels)
        .map(|(id, label)| ChallengeOption { id: (*id).to_owned(), label: label.clone() })
        .collect();
    let expected = options.iter().find(|o| o.label == correct).filter(|_| real).map(|o| o.id.clone());
    let (text_es, text_en) = topic.texts();
    BuiltQuestion {
        view: QuestionView {
            id: topic.id().to_owned(),
            text_es: text_es.to_owned(),
            text_en: text_en.to_owned(),
            options,
        },
        expected,
    }
}
