//! Service tests on an in-memory SQLite store with the demo registry and a manual clock.

mod activation;
mod employers;
mod flow;
mod limits;
mod no_enumeration;

use std::{sync::Arc, time::Duration};

use chrono::Datelike as _;
use clave_domain::{BirthDate, Identification};

use super::*;
use crate::{
    challenge::ChallengeView,
    clock::ManualClock,
    registry::{Affiliate, seed_demo_if_empty},
    store::{AttemptCount, Store},
    testing::TestDb,
};

/// María Fernanda Ejemplo Andrade of the demo registry, without a clave.
const MARIA: &str = "1701234567";
/// José Luis Prueba Cedeño of the demo registry.
const JOSE: &str = "0902345677";
/// A valid cédula that is not in the demo registry.
const UNKNOWN: &str = "1710034065";

struct Harness {
    db: TestDb,
    store: Arc<dyn Store>,
    clock: Arc<ManualClock>,
    generation: Generation,
}

impl Harness {
    async fn new() -> Self {
        Self::on(TestDb::new().await).await
    }

    async fn on(db: TestDb) -> Self {
        Self::with_settings(db, Settings::default()).await
    }

    async fn with_settings(db: TestDb, settings: Settings) -> Self {
        let store = db.store.clone();
        let clock = Arc::new(ManualClock::at_institute_time(2026, 3, 2, 10, 0, 0));
        seed_demo_if_empty(&*store, clock.now()).await.expect("demo registry");
        let settings = Arc::new(settings);
        let hasher = crate::hashing::PasswordHasher::new(&test_hashing()).expect("hasher");
        let mailer = crate::mail::Mailer::new(store.clone(), clock.clone(), settings.clone());
        let generation =
            Generation::new(store.clone(), clock.clone(), &SecretKey::for_tests(), settings, hasher, mailer);
        Self { db, store, clock, generation }
    }

    async fn affiliate(&self, id: &str) -> Affiliate {
        self.store.find_affiliate(&ident(id)).await.expect("db").expect("demo affiliate")
    }

    async fn counter(&self, id: &str) -> AttemptCount {
        self.store.attempt_count(&self.generation.subject(&ident(id)), PROCESS).await.expect("db")
    }

    /// Starts a fresh flow and answers it wrong.
    async fn wrong_attempt(&self, id: &str) -> ChallengeOutcome {
        let (flow, view) = self.generation.start(&ident(id)).await.expect("start");
        self.generation.answer(&flow, wrong_answers(&view)).await.expect("answer")
    }

    /// Starts a fresh flow and answers it right.
    async fn right_attempt(&self, id: &str) -> ChallengeOutcome {
        let affiliate = self.affiliate(id).await;
        let (flow, view) = self.generation.start(&ident(id)).await.expect("start");
        self.generation.answer(&flow, right_answers(&view, &affiliate)).await.expect("answer")
    }

    /// Every queued mail as (recipient, subject, text), oldest first.
    async fn mails(&self) -> Vec<(String, String, String)> {
        self.db.rows("SELECT recipient, subject, text_body FROM outbox ORDER BY id").await
    }

    fn at_local(&self, y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) {
        self.clock.set(ManualClock::at_institute_time(y, m, d, h, min, s).now());
    }
}

/// Cheap argon2 parameters: the tests check the rules, not the cost.
fn test_hashing() -> crate::config::HashingSettings {
    crate::config::HashingSettings { memory_kib: 256, iterations: 1, ..Default::default() }
}

fn ident(id: &str) -> Identification {
    Identification::parse(id).expect("valid identification")
}

fn birth(date: chrono::NaiveDate) -> BirthDate {
    let part = |v: u32| u8::try_from(v).expect("small");
    BirthDate::new(u16::try_from(date.year()).expect("year"), part(date.month()), part(date.day()))
        .expect("date")
}

/// The options a person who knows their registry facts picks.
fn right_answers(view: &ChallengeView, affiliate: &Affiliate) -> SubmittedAnswers {
    let choices = view
        .questions
        .iter()
        .map(|q| {
            let truth = match q.id.as_str() {
                "employer" => affiliate.employer.clone().expect("employer"),
                "first-contribution-year" => {
                    affiliate.first_contribution.expect("contribution").year().to_string()
                }
                "mobile-ending" => {
                    let mobile = affiliate.mobile.as_ref().expect("mobile").as_str().to_owned();
                    mobile[mobile.len() - 3..].to_owned()
                }
                other => panic!("unexpected question {other}"),
            };
            let option = q.options.iter().find(|o| o.label == truth).expect("the truth is an option");
            (q.id.clone(), option.id.clone())
        })
        .collect();
    SubmittedAnswers { birth_date: birth(affiliate.birth_date), choices }
}

/// A birth date nobody in the demo registry has, and the first option of every question.
fn wrong_answers(view: &ChallengeView) -> SubmittedAnswers {
    SubmittedAnswers {
        birth_date: BirthDate::new(1901, 1, 1).expect("date"),
        choices: view.questions.iter().map(|q| (q.id.clone(), q.options[0].id.clone())).collect(),
    }
}

fn retry(left_today: u32, left_total: u32) -> impl Fn(&ChallengeOutcome) -> bool {
    move |o| {
        matches!(o, ChallengeOutcome::Retry { attempts_left_today, attempts_left_total, .. }
            if (*attempts_left_today, *attempts_left_total) == (left_today, left_total))
    }
}

const SECOND: Duration = Duration::from_secs(1);
