//! The step-2 challenge of "Recuperar clave" (DESIGN §2.2): the day and month of birth, the
//! security image among decoys, which of the catalogue questions the person registered, and the
//! answer to it.
//!
//! Every choice shown is a pure function of a secret key and the person's keyed subject, and the
//! same on every start and after every wrong answer (DESIGN §5.3). Were the image decoys or the
//! decoy questions drawn again per try, the registered ones would be the options that stay and
//! could be found by intersection. For the same reason the question asked does not rotate: with
//! its decoys fixed, a new registered question in a later round would stand out as the new one.
//!
//! An unknown identification, or a registered person without a clave, gets an invented image
//! and invented registered questions run through the same steps (DESIGN §5.1): a challenge of
//! the same shape, as stable, that no answer passes.

use chrono::{Datelike as _, NaiveDate};
use clave_domain::{
    FieldProblem, NormalizedAnswer,
    recovery::{DayMonth, IMAGE_GRID, QUESTION_OPTIONS, RecoveryChallengeView},
    security_images::{self, SecurityImageId},
    security_questions::{self, SecurityQuestionId},
};
use rand::{Rng as _, seq::SliceRandom as _};
use serde::{Deserialize, Serialize};

use crate::{challenge::keyed_rng::KeyedRng, secret::SecretKey};

/// How many registered questions an invented person has (registration asks for at least 3).
const INVENTED_QUESTIONS: usize = security_questions::MIN_CHOSEN;

/// What the person sent at step 2, as it arrived.
#[derive(Clone, Default)]
pub struct RecoveryAnswers {
    /// Day of birth (1–31).
    pub day: u8,
    /// Month of birth (1–12).
    pub month: u8,
    /// The id of the image picked from the grid.
    pub image: String,
    /// The id of the question picked from the select.
    pub question: String,
    /// The answer as typed: case, accents and extra spaces do not matter.
    pub answer: String,
}

impl std::fmt::Debug for RecoveryAnswers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RecoveryAnswers([REDACTED])")
    }
}

/// The answers of step 2, each of the right shape and among the options shown.
pub(super) struct Submitted {
    day_month: DayMonth,
    image: SecurityImageId,
    question: SecurityQuestionId,
    pub(super) answer: NormalizedAnswer,
}

/// Checks that every part was given and is one of the options shown, and reports every problem
/// at its field (`birth`, `image`, `question`, `answer`). A form refused here costs no attempt:
/// the checks depend only on the view, which says nothing about the person.
pub(super) fn validate(
    form: &RecoveryAnswers,
    view: &RecoveryChallengeView,
) -> Result<Submitted, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut field = |name: &str, es: &str, en: &str| problems.push(FieldProblem::new(name, es, en));
    let day_month =
        DayMonth::new(form.day, form.month).map_err(|e| field("birth", e.message_es(), e.message_en())).ok();
    let image =
        SecurityImageId::parse(&form.image).ok().filter(|image| view.images.contains(image)).or_else(|| {
            field("image", "Elija una de las imágenes.", "Choose one of the images.");
            None
        });
    let question = SecurityQuestionId::parse(&form.question)
        .ok()
        .filter(|question| view.questions.contains(question))
        .or_else(|| {
            field("question", "Elija una pregunta de la lista.", "Choose a question from the list.");
            None
        });
    let answer = NormalizedAnswer::parse(&form.answer)
        .map_err(|e| field("answer", e.message_es(), e.message_en()))
        .ok();
    match (day_month, image, question, answer) {
        (Some(day_month), Some(image), Some(question), Some(answer)) => {
            Ok(Submitted { day_month, image, question, answer })
        }
        _ => Err(problems),
    }
}

/// The right choices, kept only in the server's flow state; `None` where they were invented, so
/// nothing matches. The answer itself is checked against its stored argon2id hash. `Debug`
/// prints nothing of them.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct Expected {
    day_month: Option<DayMonth>,
    image: Option<SecurityImageId>,
    question: Option<SecurityQuestionId>,
}

impl std::fmt::Debug for Expected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Expected([REDACTED])")
    }
}

impl Expected {
    /// Whether the day, month, image and question are the right ones (the answer aside).
    pub(super) fn matches(&self, submitted: &Submitted) -> bool {
        let day_month = self.day_month == Some(submitted.day_month);
        let image = self.image == Some(submitted.image);
        let question = self.question == Some(submitted.question);
        day_month & image & question
    }

    /// The question whose stored answer the typed one is checked against.
    pub(super) fn question(&self) -> Option<SecurityQuestionId> {
        self.question
    }
}

/// A built challenge: the view for the browser and the right choices for the flow state.
#[derive(Debug, Clone)]
pub(super) struct Built {
    pub(super) view: RecoveryChallengeView,
    pub(super) expected: Expected,
}

/// What the security profile holds for the challenge; `None`/empty where it is missing.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Facts<'a> {
    pub(super) birth_date: Option<NaiveDate>,
    pub(super) image: Option<SecurityImageId>,
    /// The registered questions.
    pub(super) questions: &'a [SecurityQuestionId],
}

/// Builds challenges with a key derived from the server secret. Cheap to clone.
#[derive(Clone)]
pub(super) struct Challenger {
    key: [u8; 32],
}

impl std::fmt::Debug for Challenger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Challenger([REDACTED])")
    }
}

impl Challenger {
    pub(super) fn new(secret: &SecretKey) -> Self {
        Self { key: secret.derive("recovery-challenge") }
    }

    /// The challenge for the person behind `subject` (the keyed hash of the identification).
    /// What `facts` lacks is invented, and never matches.
    pub(super) fn build(&self, subject: &str, facts: Facts<'_>) -> Built {
        let image = facts.image.unwrap_or_else(|| self.invented_image(subject));
        let mut registered = facts.questions.to_vec();
        if registered.is_empty() {
            registered = self.invented_questions(subject);
        }
        let images = self.grid(subject, image);
        let (questions, asked) = self.questions(subject, &registered);
        let day_month = facts
            .birth_date
            .and_then(|d| DayMonth::new(u8::try_from(d.day()).ok()?, u8::try_from(d.month()).ok()?).ok());
        let expected = Expected {
            day_month,
            image: facts.image,
            question: (!facts.questions.is_empty()).then_some(asked),
        };
        Built { view: RecoveryChallengeView { images, questions }, expected }
    }

    /// The decoy challenge: nothing about the person is known.
    pub(super) fn decoy(&self, subject: &str) -> Built {
        self.build(subject, Facts::default())
    }

    fn rng(&self, purpose: &[u8], subject: &str) -> KeyedRng {
        KeyedRng::new(&self.key, &[purpose, subject.as_bytes()])
    }

    /// `image` and [`IMAGE_GRID`] − 1 decoys from the rest of the catalogue, shuffled.
    fn grid(&self, subject: &str, image: SecurityImageId) -> Vec<SecurityImageId> {
        let mut rng = self.rng(b"image-grid", subject);
        let others: Vec<SecurityImageId> = SecurityImageId::all().filter(|i| *i != image).collect();
        let mut grid: Vec<SecurityImageId> =
            others.choose_multiple(&mut rng, IMAGE_GRID - 1).copied().collect();
        grid.push(image);
        grid.shuffle(&mut rng);
        grid
    }

    /// One of the registered questions and [`QUESTION_OPTIONS`] − 1 questions the person did not
    /// register, shuffled; and the one asked.
    fn questions(
        &self,
        subject: &str,
        registered: &[SecurityQuestionId],
    ) -> (Vec<SecurityQuestionId>, SecurityQuestionId) {
        let mut rng = self.rng(b"question-options", subject);
        let mut sorted = registered.to_vec();
        sorted.sort_unstable_by_key(|q| q.as_str());
        let asked = sorted[rng.gen_range(0..sorted.len())];
        let unregistered: Vec<SecurityQuestionId> = security_questions::CATALOGUE
            .iter()
            .filter_map(|q| SecurityQuestionId::parse(q.id).ok())
            .filter(|q| !registered.contains(q))
            .collect();
        let mut options: Vec<SecurityQuestionId> =
            unregistered.choose_multiple(&mut rng, QUESTION_OPTIONS - 1).copied().collect();
        options.push(asked);
        options.shuffle(&mut rng);
        (options, asked)
    }

    fn invented_image(&self, subject: &str) -> SecurityImageId {
        let mut rng = self.rng(b"invented-image", subject);
        let index = rng.gen_range(0..security_images::CATALOGUE.len());
        SecurityImageId::all().nth(index).unwrap_or_else(|| unreachable!("an index of the catalogue"))
    }

    fn invented_questions(&self, subject: &str) -> Vec<SecurityQuestionId> {
        let mut rng = self.rng(b"invented-questions", subject);
        let all: Vec<SecurityQuestionId> = security_questions::CATALOGUE
            .iter()
            .filter_map(|q| SecurityQuestionId::parse(q.id).ok())
            .collect();
        all.choose_multiple(&mut rng, INVENTED_QUESTIONS).copied().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn challenger() -> Challenger {
        Challenger::new(&SecretKey::for_tests())
    }

    fn question(id: &str) -> SecurityQuestionId {
        SecurityQuestionId::parse(id).expect("catalogue question")
    }

    fn registered() -> Vec<SecurityQuestionId> {
        ["primera-mascota", "escuela-primaria", "libro-favorito"].map(question).to_vec()
    }

    fn facts(questions: &[SecurityQuestionId]) -> Facts<'_> {
        Facts {
            birth_date: NaiveDate::from_ymd_opt(1975, 4, 12),
            image: SecurityImageId::parse("tortuga").ok(),
            questions,
        }
    }

    fn form(view: &RecoveryChallengeView, image: &str, question: SecurityQuestionId) -> RecoveryAnswers {
        assert!(view.questions.contains(&question));
        RecoveryAnswers {
            day: 12,
            month: 4,
            image: image.into(),
            question: question.as_str().into(),
            answer: "x".into(),
        }
    }

    #[test]
    fn the_grid_holds_the_registered_image_and_distinct_decoys_and_one_registered_question() {
        let questions = registered();
        let built = challenger().build("subject-a", facts(&questions));
        let view = &built.view;
        assert_eq!(view.images.len(), IMAGE_GRID);
        assert!(view.images.iter().any(|i| i.as_str() == "tortuga"));
        let mut distinct = view.images.clone();
        distinct.sort_unstable_by_key(|i| i.as_str());
        distinct.dedup();
        assert_eq!(distinct.len(), IMAGE_GRID);

        assert_eq!(view.questions.len(), QUESTION_OPTIONS);
        let theirs: Vec<_> = view.questions.iter().filter(|q| questions.contains(q)).collect();
        assert_eq!(theirs.len(), 1, "exactly one registered question among the options");
        let asked = *theirs[0];
        assert_eq!(built.expected.question(), Some(asked));

        let right = validate(&form(view, "tortuga", asked), view).expect("valid");
        assert!(built.expected.matches(&right));
    }

    #[test]
    fn the_same_subject_gets_the_same_view_and_another_subject_another_one() {
        let questions = registered();
        let a = challenger().build("subject-a", facts(&questions)).view;
        assert_eq!(a, challenger().build("subject-a", facts(&questions)).view);
        assert_ne!(a, challenger().build("subject-b", facts(&questions)).view);
        let decoy = challenger().decoy("subject-c").view;
        assert_eq!(decoy, challenger().decoy("subject-c").view);
    }

    #[test]
    fn a_decoy_has_the_same_shape_and_nothing_matches_it() {
        let built = challenger().decoy("unknown");
        let view = &built.view;
        assert_eq!((view.images.len(), view.questions.len()), (IMAGE_GRID, QUESTION_OPTIONS));
        assert_eq!(built.expected.question(), None);
        for image in &view.images {
            for question in &view.questions {
                let submitted = validate(&form(view, image.as_str(), *question), view).expect("valid");
                assert!(!built.expected.matches(&submitted));
            }
        }
    }

    #[test]
    fn each_wrong_part_fails_on_its_own() {
        let questions = registered();
        let built = challenger().build("subject-a", facts(&questions));
        let view = &built.view;
        let asked = built.expected.question().expect("asked");
        let other_image = view.images.iter().find(|i| i.as_str() != "tortuga").expect("a decoy");
        let other_question = *view.questions.iter().find(|q| **q != asked).expect("a decoy");
        let right = form(view, "tortuga", asked);
        let cases = [
            RecoveryAnswers { day: 13, ..right.clone() },
            RecoveryAnswers { month: 5, ..right.clone() },
            RecoveryAnswers { image: other_image.as_str().into(), ..right.clone() },
            RecoveryAnswers { question: other_question.as_str().into(), ..right.clone() },
        ];
        for wrong in cases {
            assert!(!built.expected.matches(&validate(&wrong, view).expect("valid")));
        }
        assert!(built.expected.matches(&validate(&right, view).expect("valid")));
    }

    #[test]
    fn choices_outside_the_view_and_empty_parts_are_reported_at_their_fields() {
        let questions = registered();
        let view = challenger().build("subject-a", facts(&questions)).view;
        let outside_image = SecurityImageId::all().find(|i| !view.images.contains(i)).expect("not shown");
        let outside_question = security_questions::CATALOGUE
            .iter()
            .map(|q| question(q.id))
            .find(|q| !view.questions.contains(q))
            .expect("not shown");
        let bad = RecoveryAnswers {
            day: 31,
            month: 4,
            image: outside_image.as_str().into(),
            question: outside_question.as_str().into(),
            answer: " ¿? ".into(),
        };
        let fields: Vec<String> =
            validate(&bad, &view).err().unwrap_or_default().into_iter().map(|p| p.field).collect();
        assert_eq!(fields, ["birth", "image", "question", "answer"]);
    }
}
