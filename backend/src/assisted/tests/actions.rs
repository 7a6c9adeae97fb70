//! Presencial: the actions need a live verification by the same agent, each is audited with its
//! actor, case and reason, and the unlock ends with a new password set online from the email.

use std::time::Duration;

use clave_domain::{Email, Mobile};

use super::*;
use crate::{recovery::ResetForm, tokens::PlainToken};

const REASON: &str = "Cédula original verificada en el CAU Quito Norte";

async fn verified(desk: &Desk, agent: &StaffActor, affiliate_id: i64) -> i64 {
    match desk
        .assisted
        .verify_in_person(agent, affiliate_id, true, true, &ClientInfo::default())
        .await
        .expect("db")
    {
        InPersonOutcome::Verified { verification, .. } => verification,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_in_person_unlock_lifts_both_locks_and_emails_a_link_that_sets_a_new_password() {
    let desk = Desk::new().await;
    let affiliate_id = desk.locked_with_clave(GABRIELA).await;
    let agent = desk.agent("ana.agente").await;
    let row = desk.row(GABRIELA).await;
    assert_eq!(row, affiliate_id);
    let client = ClientInfo::default();
    let refused = desk.assisted.verify_in_person(&agent, row, true, false, &client).await.expect("db");
    assert_eq!(refused, InPersonOutcome::NotConfirmed, "both boxes are needed");
    let verification = verified(&desk, &agent, row).await;
    let affiliate = desk.world.store.affiliate_by_row(row).await.expect("db").expect("row");
    assert!(affiliate.huella_registrada, "the fingerprint is on record now");

    let authority = Authority::Presencial { verification };
    let short = desk.assisted.perform(row, AssistedAction::Unlock, authority, &agent, "corto", &client).await;
    assert_eq!(short.expect("db"), ActionOutcome::Refused(ActionRefusal::ReasonLength));
    assert!(desk.profile(GABRIELA).await.locked_at.is_some(), "nothing done without a reason");

    let done = desk.assisted.perform(row, AssistedAction::Unlock, authority, &agent, REASON, &client).await;
    assert_eq!(done.expect("db"), ActionOutcome::Done);
    let profile = desk.profile(GABRIELA).await;
    assert_eq!((profile.locked_at, profile.unknown_locked_at), (None, None));
    let events = desk.events(row).await;
    let unlocked = events.iter().find(|e| e.0 == "unlocked").expect("audited");
    assert_eq!(
        (unlocked.1.as_str(), unlocked.2.as_deref(), unlocked.3.as_deref()),
        ("ana.agente", Some(format!("CAU-{verification:06}").as_str()), Some(REASON))
    );
    assert!(events.iter().any(|e| e.0 == "in_person_verified" && e.1 == "ana.agente"));

    let mails = desk.world.mails().await;
    let (to, _, text) = mails.last().expect("mail");
    assert_eq!(to, "gabriela.ensayo@correo.example");
    assert!(
        text.contains("presencial") && text.contains("No fui yo") && text.contains("desbloqueada"),
        "{text}"
    );
    let token =
        text.split("/clave/restablecer#").nth(1).and_then(|t| t.split_whitespace().next()).expect("link");
    let token = PlainToken::parse(token).expect("token");
    assert!(desk.recovery.reset_view(&token).await.expect("db").is_some(), "the usual page opens it");
    let form = ResetForm {
        accepted_terms: true,
        password: "Colibrí-Azul-Pichincha-77".into(),
        confirmation: "Colibrí-Azul-Pichincha-77".into(),
    };
    let outcome = desk.recovery.reset(&token, form, &client).await.expect("reset");
    assert_eq!(outcome, crate::recovery::ResetOutcome::PasswordSet);
}

#[tokio::test]
async fn an_action_needs_a_live_verification_by_the_same_agent_for_the_same_person() {
    let desk = Desk::new().await;
    desk.locked_with_clave(GABRIELA).await;
    desk.locked_with_clave(JORGE).await;
    let (ana, beto) = (desk.agent("ana.agente").await, desk.agent("beto.agente").await);
    let (gabriela, jorge) = (desk.row(GABRIELA).await, desk.row(JORGE).await);
    let verification = verified(&desk, &ana, gabriela).await;
    let client = ClientInfo::default();
    let authority = Authority::Presencial { verification };
    let not_valid = ActionOutcome::Refused(ActionRefusal::AuthorityNotValid);
    let other_agent =
        desk.assisted.perform(gabriela, AssistedAction::Unlock, authority, &beto, REASON, &client).await;
    assert_eq!(other_agent.expect("db"), not_valid, "another agent");
    let other_person =
        desk.assisted.perform(jorge, AssistedAction::Unlock, authority, &ana, REASON, &client).await;
    assert_eq!(other_person.expect("db"), not_valid, "another person");
    let made_up = Authority::Presencial { verification: verification + 100 };
    let none = desk.assisted.perform(gabriela, AssistedAction::Unlock, made_up, &ana, REASON, &client).await;
    assert_eq!(none.expect("db"), not_valid, "no such verification");
    desk.world.clock.advance(Duration::from_secs(30 * 60 + 1));
    let late =
        desk.assisted.perform(gabriela, AssistedAction::Unlock, authority, &ana, REASON, &client).await;
    assert_eq!(late.expect("db"), not_valid, "expired after 30 minutes");
    assert!(desk.profile(GABRIELA).await.locked_at.is_some(), "still locked");
    assert!(desk.profile(JORGE).await.locked_at.is_some(), "still locked");
}

#[tokio::test]
async fn clearing_blocks_and_updating_contacts_are_audited_and_the_old_address_is_told() {
    let desk = Desk::new().await;
    desk.locked_with_clave(GABRIELA).await;
    let agent = desk.agent("ana.agente").await;
    let row = desk.row(GABRIELA).await;
    let subject = desk.generation.subject(&ident(GABRIELA));
    let today = desk.world.clock.institute_day();
    let limits = crate::store::AttemptLimits { per_day: 3, total: 9 };
    let now = desk.world.clock.now();
    crate::store::AttemptStore::reserve_attempt(
        &*desk.world.store,
        &subject,
        crate::store::AttemptProcess::Generation,
        today,
        limits,
        now,
    )
    .await
    .expect("db");
    let verification = verified(&desk, &agent, row).await;
    let authority = Authority::Presencial { verification };
    let client = ClientInfo::default();
    let cleared =
        desk.assisted.perform(row, AssistedAction::ClearBlocks, authority, &agent, REASON, &client).await;
    assert_eq!(cleared.expect("db"), ActionOutcome::Done);
    let count = crate::store::AttemptStore::attempt_count(
        &*desk.world.store,
        &subject,
        crate::store::AttemptProcess::Generation,
    )
    .await
    .expect("db");
    assert_eq!(count.total, 0);

    let update = AssistedAction::UpdateContacts {
        email: Email::parse("gabriela.nueva@correo.example").expect("email"),
        mobile: Some(Mobile::parse("0998887776").expect("mobile")),
    };
    let done = desk.assisted.perform(row, update, authority, &agent, REASON, &client).await;
    assert_eq!(done.expect("db"), ActionOutcome::Done);
    let profile = desk.profile(GABRIELA).await;
    assert_eq!(
        (profile.email.as_str(), profile.mobile.as_str()),
        ("gabriela.nueva@correo.example", "0998887776")
    );
    let mails = desk.world.mails().await;
    let to_old = mails
        .iter()
        .find(|m| m.0 == "gabriela.ensayo@correo.example" && m.1.contains("contacto"))
        .expect("old told");
    assert!(to_old.2.contains("No fui yo") && !to_old.2.contains("gabriela.nueva@"), "masked: {}", to_old.2);
    assert!(mails.iter().any(|m| m.0 == "gabriela.nueva@correo.example"), "the new address is told");
    let kinds: Vec<_> =
        desk.events(row).await.into_iter().filter(|e| e.1 == "ana.agente").map(|e| e.0).collect();
    assert_eq!(kinds, ["in_person_verified", "blocks_cleared", "contacts_changed"]);
}

#[tokio::test]
async fn an_unlock_for_a_person_without_a_clave_is_refused_with_a_clear_reason() {
    let desk = Desk::new().await;
    let agent = desk.agent("ana.agente").await;
    let row = desk.row(GABRIELA).await;
    let verification = verified(&desk, &agent, row).await;
    let client = ClientInfo::default();
    let outcome = desk
        .assisted
        .perform(row, AssistedAction::Unlock, Authority::Presencial { verification }, &agent, REASON, &client)
        .await;
    assert_eq!(outcome.expect("db"), ActionOutcome::Refused(ActionRefusal::NoClave));
    let case = Authority::VentanillaCase { case_number: "VV-2026-000001" };
    let enable = desk
        .assisted
        .perform(row, AssistedAction::EnableForeignerGeneration, case, &agent, REASON, &client)
        .await;
    assert_eq!(enable.expect("db"), ActionOutcome::Refused(ActionRefusal::NotAForeigner));
}

#[tokio::test]
async fn a_ventanilla_case_unlocks_and_the_case_number_is_in_the_audit_trail() {
    let desk = Desk::new().await;
    let row = desk.locked_with_clave(JORGE).await;
    let agent = desk.agent("ana.agente").await;
    let case = Authority::VentanillaCase { case_number: "VV-2026-000042" };
    let done = desk
        .assisted
        .perform(row, AssistedAction::Unlock, case, &agent, REASON, &ClientInfo::default())
        .await;
    assert_eq!(done.expect("db"), ActionOutcome::Done);
    let events = desk.events(row).await;
    assert!(events.iter().any(|e| e.0 == "unlocked" && e.2.as_deref() == Some("VV-2026-000042")));
    let (_, _, text) = desk.world.mails().await.pop().expect("mail");
    assert!(text.contains("Ventanilla Virtual"), "{text}");
}

#[tokio::test]
async fn a_fingerprint_registered_at_the_counter_survives_the_next_registry_import() {
    let desk = Desk::new().await;
    let agent = desk.agent("ana.agente").await;
    let row = desk.row(GABRIELA).await;
    verified(&desk, &agent, row).await;
    // The operator imports the registry again, where Gabriela still says "no".
    let csv = crate::registry::DEMO_CSV.as_bytes();
    crate::registry::import(&*desk.world.store, csv, desk.world.clock.now(), false).await.expect("import");
    let affiliate = desk.world.store.affiliate_by_row(row).await.expect("db").expect("row");
    assert!(affiliate.huella_registrada, "the CAU's record is not undone by the import");
}
