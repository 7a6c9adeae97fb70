//! Steps 3–5: personal data, the emailed link with "reenviar", the activation, and "No fui yo".

use super::*;
use crate::{
    reports::{NotMeOutcome, Reports},
    tokens::PlainToken,
};

const PASSWORD: &str = "Tortuga-verde-Galápagos-58";

fn personal_form(email: &str) -> PersonalDataForm {
    PersonalDataForm {
        email: email.into(),
        mobile: "0991234567".into(),
        landline: "022345678".into(),
        questions: vec![
            ("primera-mascota".into(), "Firulais".into()),
            ("escuela-primaria".into(), "Escuela Simón Bolívar".into()),
            ("libro-favorito".into(), "Huasipungo".into()),
        ],
        image: clave_domain::security_images::CATALOGUE[3].id.into(),
    }
}

fn activation_form(password: &str) -> ActivationForm {
    ActivationForm {
        accepted_terms: true,
        password: password.into(),
        confirmation: password.into(),
        client: crate::audit::ClientInfo::default(),
    }
}

/// The token of the last link to `path` in a mail to `to`.
fn token_in(mails: &[(String, String, String)], to: &str, path: &str) -> PlainToken {
    let text =
        &mails.iter().rev().find(|(r, _, t)| r == to && t.contains(path)).expect("a mail with the link").2;
    let start = text.rfind(&format!("{path}#")).expect("link") + path.len() + 1;
    PlainToken::parse(&text[start..start + 43]).expect("a token")
}

impl Harness {
    /// Passes steps 1–2 for a registered person; returns the flow at step 3.
    async fn at_personal_data(&self, id: &str) -> FlowId {
        let affiliate = self.affiliate(id).await;
        let (flow, view) = self.generation.start(&ident(id)).await.expect("start");
        let passed = self.generation.answer(&flow, right_answers(&view, &affiliate)).await.expect("answer");
        assert_eq!(passed, ChallengeOutcome::Passed { next: NextStep::PersonalData });
        flow
    }

    /// Passes steps 1–4 with `email`; returns the flow and the emailed link's token.
    async fn at_link(&self, id: &str, email: &str) -> (FlowId, PlainToken) {
        let flow = self.at_personal_data(id).await;
        let sent = self.generation.personal_data(&flow, personal_form(email)).await.expect("step 3");
        assert!(matches!(sent, PersonalDataOutcome::Sent(_)), "{sent:?}");
        (flow, token_in(&self.mails().await, email, "/clave/activar"))
    }

    /// Runs the whole flow for `id` with its registry email and `password`.
    pub(super) async fn generate(&self, id: &str, password: &str) {
        let email = self.affiliate(id).await.email.expect("email on file").to_string();
        let (_, token) = self.at_link(id, &email).await;
        let done = self.generation.activate(&token, activation_form(password)).await.expect("activate");
        assert_eq!(done, ActivationOutcome::Activated);
    }

    async fn profile(&self) -> Vec<(String, String, String, String)> {
        self.db
            .rows("SELECT id_number, email, image, password_hash FROM security_profiles ORDER BY id_number")
            .await
    }
}

#[tokio::test]
async fn the_whole_flow_creates_the_profile_once_and_confirms_it_by_email() {
    let h = Harness::new().await;
    let (flow, token) = h.at_link(MARIA, "maria.nueva@correo.example").await;
    let sent_at = h.clock.now();
    let CurrentStep::EmailSent(sent) = h.generation.current(&flow).await.expect("db").expect("flow") else {
        panic!("a reload shows step 4")
    };
    assert_eq!(sent.email_masked, "m***@correo.example");
    assert_eq!(sent.expires_at, sent_at + chrono::Duration::minutes(15));
    assert_eq!((sent.resends_left, sent.next_resend_at), (3, None));

    let view = h.generation.activation(&token).await.expect("db").expect("the link works");
    assert_eq!(view.expires_at, sent.expires_at);
    assert_eq!(
        h.generation.activate(&token, activation_form(PASSWORD)).await.expect("db"),
        ActivationOutcome::Activated
    );

    let profiles = h.profile().await;
    assert_eq!(profiles.len(), 1);
    let events: Vec<(String,)> = h.db.rows("SELECT kind FROM security_events").await;
    assert_eq!(events, [("password_set".to_owned(),)], "the new clave is in the security activity");
    let (id, email, image, hash) = &profiles[0];
    assert_eq!((id.as_str(), email.as_str()), (MARIA, "maria.nueva@correo.example"));
    assert_eq!(image, clave_domain::security_images::CATALOGUE[3].id);
    let hasher = crate::hashing::PasswordHasher::new(&test_hashing()).expect("hasher");
    let verifies = |secret: &str, hash: &str| {
        hasher.verify(secrecy::SecretString::from(secret.to_owned()), Some(hash.to_owned()))
    };
    assert!(hash.starts_with("$argon2id$") && verifies(PASSWORD, hash).await.expect("verify"));
    let answers: Vec<(String, String)> =
        h.db.rows("SELECT question, answer_hash FROM security_answers ORDER BY question").await;
    assert_eq!(
        answers.iter().map(|(q, _)| q.as_str()).collect::<Vec<_>>(),
        ["escuela-primaria", "libro-favorito", "primera-mascota"]
    );
    assert!(verifies("firulais", &answers[2].1).await.expect("verify"), "stored normalised");
    assert!(!verifies("Firulais", &answers[2].1).await.expect("verify"));
    assert!(verifies("huasipungo", &answers[1].1).await.expect("verify"));
    assert!(h.store.has_clave(&ident(MARIA)).await.expect("db"));

    let mails = h.mails().await;
    let confirmation =
        mails.iter().find(|(to, s, _)| to == "maria.nueva@correo.example" && s.contains("fue generada"));
    assert!(confirmation.is_some_and(|(_, _, t)| t.contains("/no-fui-yo#")), "confirmation with No fui yo");
    let notice = mails.iter().find(|(to, _, _)| to == "maria.ejemplo@correo.example");
    assert!(notice.is_some_and(|(_, s, t)| s.contains("otro correo") && t.contains("m***@correo.example")));

    assert_eq!(
        h.generation.activate(&token, activation_form(PASSWORD)).await.expect("db"),
        ActivationOutcome::LinkNotValid,
        "a used link never works again"
    );
    assert!(h.generation.current(&flow).await.expect("db").is_none(), "the flow ended");
}

#[tokio::test]
async fn the_link_works_at_14_59_and_not_at_15_01() {
    let h = Harness::new().await;
    let (_, token) = h.at_link(MARIA, "maria.ejemplo@correo.example").await;
    h.clock.advance(Duration::from_secs(14 * 60 + 59));
    assert!(h.generation.activation(&token).await.expect("db").is_some());

    let h = Harness::new().await;
    let (_, token) = h.at_link(MARIA, "maria.ejemplo@correo.example").await;
    h.clock.advance(Duration::from_secs(15 * 60 + 1));
    assert!(h.generation.activation(&token).await.expect("db").is_none());
    assert_eq!(
        h.generation.activate(&token, activation_form(PASSWORD)).await.expect("db"),
        ActivationOutcome::LinkNotValid
    );
    assert!(h.profile().await.is_empty());
}

#[tokio::test]
async fn a_resend_replaces_the_link_at_most_three_times_an_hour() {
    let h = Harness::new().await;
    let email = "maria.ejemplo@correo.example";
    let (flow, first) = h.at_link(MARIA, email).await;
    h.clock.advance(Duration::from_secs(20 * 60)); // the first link has expired
    let mut tokens = vec![first];
    for left in [2, 1, 0] {
        let ResendOutcome::Sent(sent) = h.generation.resend(&flow).await.expect("resend") else {
            panic!("resends are allowed")
        };
        assert_eq!(
            (sent.resends_left, sent.expires_at),
            (left, h.clock.now() + chrono::Duration::minutes(15))
        );
        tokens.push(token_in(&h.mails().await, email, "/clave/activar"));
        h.clock.advance(Duration::from_secs(60));
    }
    let ResendOutcome::Limit(limit) = h.generation.resend(&flow).await.expect("resend") else {
        panic!("a 4th resend within the hour is refused")
    };
    let first_resend = h.clock.now() - chrono::Duration::minutes(3);
    assert_eq!(limit.next_resend_at, Some(first_resend + chrono::Duration::hours(1)));
    assert_eq!(h.mails().await.len(), 4, "nothing was sent for the refused press");

    for old in &tokens[..3] {
        assert!(h.generation.activation(old).await.expect("db").is_none(), "an earlier link stopped working");
    }
    h.clock.set(first_resend + chrono::Duration::hours(1) + chrono::Duration::seconds(1));
    assert!(
        matches!(h.generation.resend(&flow).await.expect("resend"), ResendOutcome::Sent(_)),
        "an hour later"
    );
    let newest = token_in(&h.mails().await, email, "/clave/activar");
    assert!(h.generation.activation(&tokens[3]).await.expect("db").is_none());
    assert_eq!(
        h.generation.activate(&newest, activation_form(PASSWORD)).await.expect("db"),
        ActivationOutcome::Activated
    );
}

#[tokio::test]
async fn steps_called_out_of_order_or_twice_are_refused_and_change_nothing() {
    let h = Harness::new().await;
    let (flow, _) = h.generation.start(&ident(MARIA)).await.expect("start");
    let early = h.generation.personal_data(&flow, personal_form("maria.ejemplo@correo.example")).await;
    assert!(matches!(early, Err(ServiceError::FlowNotFound)), "step 3 before passing step 2");
    assert!(
        matches!(h.generation.resend(&flow).await, Err(ServiceError::FlowNotFound)),
        "step 4 before step 3"
    );

    let flow = h.at_personal_data(MARIA).await;
    assert!(matches!(h.generation.resend(&flow).await, Err(ServiceError::FlowNotFound)));
    let invalid = PersonalDataForm { email: "no-es-correo".into(), ..personal_form("x@correo.example") };
    let PersonalDataOutcome::Invalid(problems) =
        h.generation.personal_data(&flow, invalid).await.expect("db")
    else {
        panic!("a wrong email is refused")
    };
    assert_eq!(problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(), ["email"]);
    assert!(h.mails().await.is_empty(), "nothing was sent");
    assert_eq!(
        h.generation.current(&flow).await.expect("db"),
        Some(CurrentStep::PersonalData),
        "still at step 3"
    );

    let form = personal_form("maria.ejemplo@correo.example");
    assert!(matches!(
        h.generation.personal_data(&flow, form.clone()).await,
        Ok(PersonalDataOutcome::Sent(_))
    ));
    let twice = h.generation.personal_data(&flow, personal_form("intruso@correo.example")).await;
    assert!(matches!(twice, Err(ServiceError::FlowNotFound)), "step 3 twice");
    assert_eq!(h.mails().await.len(), 1);

    let other = FlowId::generate();
    assert!(matches!(h.generation.personal_data(&other, form).await, Err(ServiceError::FlowNotFound)));
    assert!(matches!(h.generation.resend(&other).await, Err(ServiceError::FlowNotFound)));
}

#[tokio::test]
async fn a_wrong_activation_form_changes_nothing_and_the_link_still_works() {
    let h = Harness::new().await;
    let (_, token) = h.at_link(MARIA, "maria.ejemplo@correo.example").await;
    let cases = [
        (ActivationForm { accepted_terms: false, ..activation_form(PASSWORD) }, "terms"),
        (activation_form("corta"), "password"),
        (activation_form("Andrade-2024-xyz!"), "password"), // a surname of the person
        (activation_form("ecuadorquito"), "password"),      // too weak for zxcvbn
        (
            ActivationForm { confirmation: "Otra-clave-distinta-9".into(), ..activation_form(PASSWORD) },
            "confirmation",
        ),
    ];
    for (form, field) in cases {
        let ActivationOutcome::Invalid(problems) = h.generation.activate(&token, form).await.expect("db")
        else {
            panic!("refused at {field}")
        };
        assert_eq!(problems[0].field, field);
    }
    assert!(h.profile().await.is_empty());
    assert_eq!(
        h.generation.activate(&token, activation_form(PASSWORD)).await.expect("db"),
        ActivationOutcome::Activated
    );
}

#[tokio::test]
async fn generation_never_overwrites_an_existing_profile() {
    let h = Harness::new().await;
    let (_, first) = h.at_link(MARIA, "maria.ejemplo@correo.example").await;
    let (_, second) = h.at_link(MARIA, "intruso@correo.example").await;
    assert_eq!(
        h.generation.activate(&first, activation_form(PASSWORD)).await.expect("db"),
        ActivationOutcome::Activated
    );
    let before = h.profile().await;
    let other = activation_form("Otra-clave-Chimborazo-33");
    assert_eq!(h.generation.activate(&second, other).await.expect("db"), ActivationOutcome::AlreadyHasClave);
    assert_eq!(h.profile().await, before, "the first profile is untouched");
}

#[tokio::test]
async fn the_ninth_wrong_answer_emails_the_block_to_the_address_on_file_once() {
    let h = Harness::new().await;
    for day in 2..=4 {
        h.at_local(2026, 3, day, 9, 0, 0);
        for _ in 0..3 {
            h.wrong_attempt(MARIA).await;
            h.wrong_attempt(UNKNOWN).await;
        }
    }
    assert_eq!(h.wrong_attempt(MARIA).await, ChallengeOutcome::Blocked);
    let mails = h.mails().await;
    assert_eq!(mails.len(), 1, "one notice, for the registered person only: {mails:?}");
    let (to, subject, text) = &mails[0];
    assert_eq!(to, "maria.ejemplo@correo.example");
    assert!(subject.contains("bloqueado") && text.contains("Ventanilla Virtual") && text.contains("/ayuda"));
    assert!(!text.contains("/no-fui-yo#"), "no clave to lock");
    assert_eq!(h.wrong_attempt(MARIA).await, ChallengeOutcome::Blocked);
    assert_eq!(h.mails().await.len(), 1, "a 10th answer sends nothing more");
}

#[tokio::test]
async fn two_parallel_wrong_answers_on_the_last_attempt_send_the_block_notice_once() {
    let h = Harness::new().await;
    for day in 2..=4 {
        h.at_local(2026, 3, day, 9, 0, 0);
        for _ in 0..(if day == 4 { 1 } else { 3 }) {
            h.wrong_attempt(MARIA).await;
        }
    }
    assert_eq!(h.counter(MARIA).await.total, 7);
    let (flow, view) = h.generation.start(&ident(MARIA)).await.expect("start");
    let (a, b) = tokio::join!(
        h.generation.answer(&flow, wrong_answers(&view)),
        h.generation.answer(&flow, wrong_answers(&view))
    );
    // Whichever request took the last attempt may lose the flow update to the other one; the
    // notice goes out all the same, once.
    assert!(
        [a, b].iter().any(|o| matches!(o, Err(ServiceError::FlowNotFound) | Ok(ChallengeOutcome::Blocked)))
    );
    assert_eq!(h.counter(MARIA).await.total, 9);
    let notices = h.mails().await.into_iter().filter(|(_, s, _)| s.contains("bloqueado")).count();
    assert_eq!(notices, 1);
    assert_eq!(h.wrong_attempt(MARIA).await, ChallengeOutcome::Blocked);
}

#[tokio::test]
async fn only_the_newest_link_opens_the_activation() {
    let h = Harness::new().await;
    let email = "maria.ejemplo@correo.example";
    let (flow, first) = h.at_link(MARIA, email).await;
    assert!(matches!(h.generation.resend(&flow).await.expect("resend"), ResendOutcome::Sent(_)));
    let second = token_in(&h.mails().await, email, "/clave/activar");
    // Even a token of this flow that was never revoked is refused once it is not the newest.
    h.db.execute("UPDATE tokens SET used_at = NULL").await.expect("unrevoke");
    assert!(h.generation.activation(&first).await.expect("db").is_none());
    assert_eq!(
        h.generation.activate(&first, activation_form(PASSWORD)).await.expect("db"),
        ActivationOutcome::LinkNotValid
    );
    assert!(h.generation.activation(&second).await.expect("db").is_some());
}

#[tokio::test]
async fn not_me_locks_the_clave_only_when_confirmed_and_only_once() {
    let h = Harness::new().await;
    h.generate(MARIA, PASSWORD).await;
    let token = token_in(&h.mails().await, "maria.ejemplo@correo.example", "/no-fui-yo");
    let reports = Reports::new(h.store.clone(), h.clock.clone());
    assert!(reports.link_is_live(&token).await.expect("db"));
    assert!(reports.link_is_live(&token).await.expect("db"), "opening the page spends nothing");
    assert_eq!(h.store.locked_at(&ident(MARIA)).await.expect("db"), None);

    assert_eq!(
        reports.confirm(&token, &crate::audit::ClientInfo::default()).await.expect("db"),
        NotMeOutcome::Locked
    );
    assert_eq!(h.store.locked_at(&ident(MARIA)).await.expect("db"), Some(h.clock.now()));
    assert_eq!(
        reports.confirm(&token, &crate::audit::ClientInfo::default()).await.expect("db"),
        NotMeOutcome::LinkNotValid
    );
    assert!(!reports.link_is_live(&token).await.expect("db"));
}
