//! Service tests on SQLite with the demo registry, a manual clock and cheap argon2.

mod challenge;
mod contacts;
mod limits;
mod no_enumeration;
mod reset;

use std::{sync::Arc, time::Duration};

use clave_domain::{security_images::SecurityImageId, security_questions::SecurityQuestionId};
use secrecy::SecretString;

use super::*;
use crate::{
    clock::ManualClock,
    store::{ActivationLink, AttemptCount, NewProfile, ProfileCreation},
    test_support::{World, ident},
    tokens::PlainToken,
};

/// María Fernanda Ejemplo Andrade of the demo registry (born 12 April 1975); given a clave.
const MARIA: &str = "1701234567";
const MARIA_EMAIL: &str = "maria.ejemplo@correo.example";
/// José Luis Prueba Cedeño of the demo registry, without a clave.
const JOSE: &str = "0902345677";
/// A valid cédula that is not in the demo registry.
const UNKNOWN: &str = "1710034065";

/// The password María's clave starts with.
const OLD_PASSWORD: &str = "Cotopaxi-nevado-azul-71";
/// The security image María registered.
const IMAGE: &str = "tortuga";
/// María's registered questions: the answer as registered, and as she types it years later.
const ANSWERS: [(&str, &str, &str); 3] = [
    ("primera-mascota", "Firulais", "  FIRULÁIS "),
    ("escuela-primaria", "Escuela Simón Bolívar", "escuela   SIMON bolivar."),
    ("libro-favorito", "Huasipungo", "¡HuasiPungo!"),
];

struct Harness {
    world: World,
    recovery: Recovery,
}

impl Harness {
    /// In-memory SQLite, default settings, María with a clave.
    async fn new() -> Self {
        Self::with(World::in_memory().await, Settings::default()).await
    }

    /// `world` with María given a clave, and the service under `settings`.
    async fn with(world: World, settings: Settings) -> Self {
        let recovery = Recovery::new(
            world.store.clone(),
            world.clock.clone(),
            &SecretKey::for_tests(),
            Arc::new(settings),
            world.hasher.clone(),
            world.mailer.clone(),
        );
        let h = Self { world, recovery };
        h.give_clave(MARIA).await;
        h
    }

    /// Gives the demo person `id` a clave with [`OLD_PASSWORD`], [`IMAGE`] and [`ANSWERS`] (the
    /// answers normalised and hashed as registration does), their registry contacts on file.
    async fn give_clave(&self, id: &str) -> i64 {
        let (store, now) = (&self.world.store, self.world.clock.now());
        let affiliate = store.find_affiliate(&ident(id)).await.expect("db").expect("demo person");
        // A profile is created from a live link and flow, as the activation does.
        let (token, flow) = crate::testing::live_link(&**store, "test", now).await;
        let mut answers = Vec::new();
        for (question, registered, _) in ANSWERS {
            let normal = clave_domain::normalize_answer(registered);
            answers.push((question.to_owned(), self.hash(&normal).await));
        }
        let profile = NewProfile {
            identification: affiliate.identification.clone(),
            email: affiliate.email.clone().expect("email"),
            mobile: affiliate.mobile.clone().expect("mobile"),
            landline: affiliate.landline.clone(),
            image: IMAGE.into(),
            password_hash: self.hash(OLD_PASSWORD).await,
            answers,
        };
        let link = ActivationLink { token: &token.hash(), purpose: "test", flow: &flow, flow_version: 0 };
        assert_eq!(store.create_profile(link, &profile, now).await.expect("db"), ProfileCreation::Created);
        self.profile(id).await.affiliate_id
    }

    async fn hash(&self, secret: &str) -> String {
        self.world.hasher.hash(SecretString::from(secret.to_owned())).await.expect("hash")
    }

    async fn verifies(&self, secret: &str, hash: &str) -> bool {
        let secret = SecretString::from(secret.to_owned());
        self.world.hasher.verify(secret, Some(hash.to_owned())).await.expect("verify")
    }

    async fn profile(&self, id: &str) -> ProfileRecord {
        self.world.store.profile(&ident(id)).await.expect("db").expect("a profile")
    }

    async fn counter(&self, id: &str) -> AttemptCount {
        self.world.store.attempt_count(&self.recovery.subject(&ident(id)), PROCESS).await.expect("db")
    }

    async fn mails(&self) -> Vec<(String, String, String)> {
        self.world.mails().await
    }

    /// Starts a fresh flow and answers it with `answers` made from its view.
    async fn attempt(
        &self,
        id: &str,
        answers: impl FnOnce(&RecoveryChallengeView) -> RecoveryAnswers,
    ) -> ChallengeOutcome {
        let (flow, view) = self.recovery.start(&ident(id)).await.expect("start");
        self.recovery.answer(&flow, answers(&view), &client()).await.expect("answer")
    }

    async fn wrong_attempt(&self, id: &str) -> ChallengeOutcome {
        self.attempt(id, wrong_answers).await
    }

    async fn right_attempt(&self, id: &str) -> ChallengeOutcome {
        self.attempt(id, right_answers).await
    }

    /// Passes the challenge for María; returns the flow at step 3.
    async fn at_contacts(&self) -> FlowId {
        let (flow, view) = self.recovery.start(&ident(MARIA)).await.expect("start");
        let passed = self.recovery.answer(&flow, right_answers(&view), &client()).await.expect("answer");
        assert!(matches!(passed, ChallengeOutcome::Passed { .. }), "{passed:?}");
        flow
    }

    /// Passes steps 2–3 for María with `form`; returns the flow and the emailed link's token.
    async fn at_link(&self, form: ContactForm) -> (FlowId, PlainToken) {
        let flow = self.at_contacts().await;
        let to = form.email.clone().unwrap_or_else(|| MARIA_EMAIL.to_owned());
        let sent = self.recovery.contacts(&flow, form, &client()).await.expect("step 3");
        assert!(matches!(sent, ContactOutcome::Sent(_)), "{sent:?}");
        (flow, token_in(&self.mails().await, &to, clave_domain::routes::RESET))
    }

    fn at_local(&self, y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) {
        self.world.clock.set(ManualClock::at_institute_time(y, m, d, h, min, s).now());
    }
}

/// Where the requests come from.
fn client() -> ClientInfo {
    ClientInfo::new(
        Some("190.152.10.20".into()),
        Some("Mozilla/5.0 (Linux; Android 14; Pixel 7) Chrome/126.0 Mobile Safari/537.36"),
    )
}

/// What María, who remembers everything, sends: the answer typed with other case, accents,
/// spacing and punctuation than at registration.
fn right_answers(view: &RecoveryChallengeView) -> RecoveryAnswers {
    let (question, _, typed) = ANSWERS
        .into_iter()
        .find(|(q, _, _)| view.questions.iter().any(|shown| shown.as_str() == *q))
        .expect("one registered question is shown");
    RecoveryAnswers {
        day: 12,
        month: 4,
        image: IMAGE.into(),
        question: question.into(),
        answer: typed.into(),
    }
}

/// Complete, among the options shown, and wrong in every part for María.
fn wrong_answers(view: &RecoveryChallengeView) -> RecoveryAnswers {
    let right = right_answers(view);
    let image = view.images.iter().find(|i| i.as_str() != IMAGE).expect("a decoy image");
    let question = view.questions.iter().find(|q| q.as_str() != right.question).expect("a decoy question");
    RecoveryAnswers {
        day: 1,
        month: 1,
        image: image.as_str().into(),
        question: question.as_str().into(),
        answer: "no me acuerdo".into(),
    }
}

fn retry(left_today: u32, left_total: u32) -> impl Fn(&ChallengeOutcome) -> bool {
    move |o| {
        matches!(o, ChallengeOutcome::Retry { attempts_left_today, attempts_left_total, .. }
            if (*attempts_left_today, *attempts_left_total) == (left_today, left_total))
    }
}

/// The token of the last link to `path` in a mail to `to`.
fn token_in(mails: &[(String, String, String)], to: &str, path: &str) -> PlainToken {
    let text =
        &mails.iter().rev().find(|(r, _, t)| r == to && t.contains(path)).expect("a mail with the link").2;
    let start = text.rfind(&format!("{path}#")).expect("link") + path.len() + 1;
    PlainToken::parse(&text[start..start + 43]).expect("a token")
}

const SECOND: Duration = Duration::from_secs(1);
