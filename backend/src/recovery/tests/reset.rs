//! The new password from the link: what it writes, ends and records, and when it refuses.

use super::*;
use crate::{
    audit::{ACTOR_AFFILIATE, ClientInfo, EventKind},
    reports::{NotMeOutcome, Reports},
    store::{Browser, NewEvent, NewSession, SuccessWrites},
};

const NEW_PASSWORD: &str = "Tortuga-verde-Galápagos-58";

fn reset_form(password: &str) -> ResetForm {
    ResetForm { accepted_terms: true, password: password.into(), confirmation: password.into() }
}

impl Harness {
    /// Logs María in from a new browser: one more live session and trusted browser.
    async fn log_in(&self, affiliate_id: i64) -> crate::tokens::HashedToken {
        let now = self.world.clock.now();
        let (device, session) = (PlainToken::generate().hash(), PlainToken::generate().hash());
        let opened = NewSession {
            id: &session,
            idle_expires_at: now + chrono::Duration::minutes(15),
            expires_at: now + chrono::Duration::hours(8),
        };
        let event = NewEvent::new(EventKind::LoginSucceeded, ACTOR_AFFILIATE, &ClientInfo::default())
            .affiliate(affiliate_id);
        let writes = SuccessWrites {
            device: &device,
            trusted_until: now + chrono::Duration::days(90),
            session: opened,
            event: &event,
        };
        let store = &self.world.store;
        assert!(store.record_login_success(affiliate_id, Browser::Unknown, &writes, now).await.expect("db"));
        device
    }

    /// Locks María's clave both ways: everywhere ("No fui yo") and for unknown browsers.
    async fn lock_both_ways(&self, affiliate_id: i64) {
        self.world.lock_for_unknown_browsers(affiliate_id).await;
        self.world.store.lock_profile(&ident(MARIA), self.world.clock.now()).await.expect("db");
        let profile = self.profile(MARIA).await;
        assert!(profile.locked_at.is_some() && profile.unknown_locked_at.is_some());
    }
}

#[tokio::test]
async fn the_reset_sets_the_password_and_contacts_lifts_every_lock_ends_every_session_and_is_recorded() {
    let h = Harness::new().await;
    let affiliate_id = h.profile(MARIA).await.affiliate_id;
    let devices = [h.log_in(affiliate_id).await, h.log_in(affiliate_id).await];
    let now = h.world.clock.now();
    assert_eq!(h.world.store.live_sessions(affiliate_id, now).await.expect("db"), 2);
    h.lock_both_ways(affiliate_id).await;
    h.world.clock.advance(60 * SECOND);

    let form = ContactForm {
        email: Some("nueva.maria@otro.example".into()),
        mobile: Some("0987654321".into()),
        landline: Some(String::new()),
    };
    let (flow, token) = h.at_link(form).await;
    let view = h.recovery.reset_view(&token).await.expect("db").expect("the link works");
    assert_eq!(view.expires_at, h.world.clock.now() + chrono::Duration::minutes(15));
    assert_eq!(
        h.recovery.reset(&token, reset_form(NEW_PASSWORD), &client()).await.expect("db"),
        ResetOutcome::PasswordSet
    );

    let profile = h.profile(MARIA).await;
    assert!(!h.verifies(OLD_PASSWORD, &profile.password_hash).await, "the old password no longer works");
    assert!(h.verifies(NEW_PASSWORD, &profile.password_hash).await);
    assert_eq!(profile.password_changed_at, h.world.clock.now());
    assert_eq!(
        (profile.email.as_str(), profile.mobile.as_str(), profile.landline),
        ("nueva.maria@otro.example", "0987654321", None),
        "the contacts of step 3 are written"
    );
    assert_eq!((profile.locked_at, profile.unknown_locked_at), (None, None), "every lock lifted");
    let now = h.world.clock.now();
    assert_eq!(h.world.store.live_sessions(affiliate_id, now).await.expect("db"), 0, "every session ended");
    for device in &devices {
        assert!(
            !h.world.store.is_trusted(affiliate_id, device, now).await.expect("db"),
            "browsers forgotten"
        );
    }
    let kinds = h.world.event_kinds(affiliate_id).await;
    assert_eq!(&kinds[kinds.len() - 2..], ["password_reset", "contacts_changed"], "{kinds:?}");
    let event = &h.world.store.events_of(affiliate_id, 2).await.expect("db")[1];
    assert_eq!(event.ip.as_deref(), Some("190.152.10.20"));

    let mails = h.mails().await;
    let (_, subject, text) = mails.last().expect("a confirmation");
    assert_eq!(mails.last().map(|m| m.0.as_str()), Some("nueva.maria@otro.example"), "to the new address");
    assert!(subject.contains("restablecida") && text.contains("/no-fui-yo#") && text.contains("sesiones"));

    assert!(h.recovery.current(&flow).await.expect("db").is_none(), "the flow ended");
    assert!(h.recovery.reset_view(&token).await.expect("db").is_none(), "a used link never works again");
    let again =
        h.recovery.reset(&token, reset_form("Otra-clave-Chimborazo-33"), &client()).await.expect("db");
    assert_eq!(again, ResetOutcome::LinkNotValid);
    assert!(h.verifies(NEW_PASSWORD, &h.profile(MARIA).await.password_hash).await);
}

#[tokio::test]
async fn confirmed_contacts_change_nothing_but_the_password_and_record_no_contact_change() {
    let h = Harness::new().await;
    let before = h.profile(MARIA).await;
    let (_, token) = h.at_link(ContactForm::confirm()).await;
    assert_eq!(
        h.recovery.reset(&token, reset_form(NEW_PASSWORD), &client()).await.expect("db"),
        ResetOutcome::PasswordSet
    );
    let after = h.profile(MARIA).await;
    assert_eq!(
        (&after.email, &after.mobile, &after.landline),
        (&before.email, &before.mobile, &before.landline)
    );
    assert_eq!(h.world.event_kinds(before.affiliate_id).await, ["password_reset"]);
    assert_eq!(h.mails().await.last().map(|m| m.0.clone()), Some(MARIA_EMAIL.to_owned()));
}

#[tokio::test]
async fn the_link_works_at_14_59_and_not_at_15_01() {
    let h = Harness::new().await;
    let (_, token) = h.at_link(ContactForm::confirm()).await;
    h.world.clock.advance(Duration::from_secs(14 * 60 + 59));
    assert!(h.recovery.reset_view(&token).await.expect("db").is_some());
    assert_eq!(
        h.recovery.reset(&token, reset_form(NEW_PASSWORD), &client()).await.expect("db"),
        ResetOutcome::PasswordSet
    );

    let h = Harness::new().await;
    let (_, token) = h.at_link(ContactForm::confirm()).await;
    h.world.clock.advance(Duration::from_secs(15 * 60 + 1));
    assert!(h.recovery.reset_view(&token).await.expect("db").is_none());
    assert_eq!(
        h.recovery.reset(&token, reset_form(NEW_PASSWORD), &client()).await.expect("db"),
        ResetOutcome::LinkNotValid
    );
    assert!(h.verifies(OLD_PASSWORD, &h.profile(MARIA).await.password_hash).await, "nothing changed");
}

#[tokio::test]
async fn a_reset_without_the_emailed_link_changes_nothing() {
    let h = Harness::new().await;
    let flow = h.at_contacts().await;
    let now = h.world.clock.now();
    let flow_as_token = PlainToken::parse(flow.expose()).expect("a flow id has a token's shape");
    let other_purpose = crate::tokens::issue(
        &*h.world.store,
        "generation",
        &flow.hash().as_hex(),
        Duration::from_secs(900),
        now,
    )
    .await
    .expect("token");
    for token in [PlainToken::generate(), flow_as_token, other_purpose] {
        assert!(h.recovery.reset_view(&token).await.expect("db").is_none());
        let outcome = h.recovery.reset(&token, reset_form(NEW_PASSWORD), &client()).await.expect("db");
        assert_eq!(outcome, ResetOutcome::LinkNotValid);
    }
    assert!(h.verifies(OLD_PASSWORD, &h.profile(MARIA).await.password_hash).await);
    assert!(matches!(h.recovery.current(&flow).await.expect("db"), Some(CurrentStep::Contacts(_))));
    assert!(h.world.event_kinds(h.profile(MARIA).await.affiliate_id).await.is_empty());
}

#[tokio::test]
async fn a_wrong_form_changes_nothing_and_the_link_still_works() {
    let h = Harness::new().await;
    let (_, token) = h.at_link(ContactForm::confirm()).await;
    let cases = [
        (ResetForm { accepted_terms: false, ..reset_form(NEW_PASSWORD) }, "terms"),
        (reset_form("corta"), "password"),
        (reset_form("Andrade-2024-xyz!"), "password"), // a surname of the person
        (reset_form("ecuadorquito"), "password"),      // too weak for zxcvbn
        (
            ResetForm { confirmation: "Otra-clave-distinta-9".into(), ..reset_form(NEW_PASSWORD) },
            "confirmation",
        ),
    ];
    for (form, field) in cases {
        let ResetOutcome::Invalid(problems) = h.recovery.reset(&token, form, &client()).await.expect("db")
        else {
            panic!("refused at {field}")
        };
        assert_eq!(problems[0].field, field);
    }
    assert!(h.verifies(OLD_PASSWORD, &h.profile(MARIA).await.password_hash).await);
    assert_eq!(
        h.recovery.reset(&token, reset_form(NEW_PASSWORD), &client()).await.expect("db"),
        ResetOutcome::PasswordSet
    );
}

#[tokio::test]
async fn not_me_from_the_replaced_address_stops_the_reset_even_on_a_clave_locked_before() {
    let h = Harness::new().await;
    let affiliate_id = h.profile(MARIA).await.affiliate_id;
    // Locked before the flow: a lock the reset would otherwise lift, and whose time "No fui yo"
    // leaves as it is.
    h.lock_both_ways(affiliate_id).await;
    h.world.clock.advance(60 * SECOND);
    let replaced = ContactForm { email: Some("intruso@otro.example".into()), ..ContactForm::confirm() };
    let (_, token) = h.at_link(replaced).await;
    let not_me = token_in(&h.mails().await, MARIA_EMAIL, clave_domain::routes::NOT_ME);
    h.world.clock.advance(60 * SECOND);
    let reports = Reports::new(h.world.store.clone(), h.world.clock.clone());
    assert_eq!(reports.confirm(&not_me, &client()).await.expect("db"), NotMeOutcome::Locked);

    let outcome = h.recovery.reset(&token, reset_form(NEW_PASSWORD), &client()).await.expect("db");
    assert_eq!(outcome, ResetOutcome::LockedMeanwhile);
    let profile = h.profile(MARIA).await;
    assert!(h.verifies(OLD_PASSWORD, &profile.password_hash).await);
    assert_eq!(profile.email.as_str(), MARIA_EMAIL);
    assert!(profile.locked_at.is_some(), "still locked");
}

#[tokio::test]
async fn a_clave_locked_after_the_contacts_were_confirmed_is_not_unlocked_by_the_reset() {
    let h = Harness::new().await;
    let (_, token) = h.at_link(ContactForm::confirm()).await;
    h.world.clock.advance(60 * SECOND);
    h.world.store.lock_profile(&ident(MARIA), h.world.clock.now()).await.expect("db");
    let outcome = h.recovery.reset(&token, reset_form(NEW_PASSWORD), &client()).await.expect("db");
    assert_eq!(outcome, ResetOutcome::LockedMeanwhile);
    assert!(h.verifies(OLD_PASSWORD, &h.profile(MARIA).await.password_hash).await);
    assert!(h.profile(MARIA).await.locked_at.is_some());
}

#[tokio::test]
async fn a_token_spent_elsewhere_cannot_be_replayed_into_a_reset() {
    let h = Harness::new().await;
    let (_, token) = h.at_link(ContactForm::confirm()).await;
    let now = h.world.clock.now();
    assert!(h.world.store.consume_token(&token.hash(), "recovery", now).await.expect("db").is_some());
    assert_eq!(
        h.recovery.reset(&token, reset_form(NEW_PASSWORD), &client()).await.expect("db"),
        ResetOutcome::LinkNotValid
    );
    assert!(h.verifies(OLD_PASSWORD, &h.profile(MARIA).await.password_hash).await);
}
