//! The Ventanilla Virtual service: filing, the status lookup, decisions and retention.

use std::time::Duration;

use image::{RgbImage, codecs::jpeg::JpegEncoder};

use super::*;
use crate::{
    Services,
    clock::ManualClock,
    mail::OutgoingMail,
    test_support::{World, cheap_hashing, ident},
};

/// Registered, no fingerprint record.
const PATRICIA: &str = "1307654325";
/// Registered; used without a clave.
const JORGE: &str = "0908765431";
/// A valid cédula the registry does not know.
const UNKNOWN: &str = "1710034065";
const PASSWORD: &str = "Tortuga7Verde2Montaña";
const CONTACT: &str = "contacto.patricia@correo.example";

fn client() -> ClientInfo {
    ClientInfo::new(Some("190.152.10.20".into()), Some("Mozilla/5.0 (Windows NT 10.0) Firefox/128.0"))
}

fn agent(username: &str) -> StaffActor {
    StaffActor { id: 1, username: username.into(), role: crate::staff::StaffRole::Agente }
}

async fn services(world: &World) -> Services {
    let mut settings = (*world.settings).clone();
    settings.hashing = cheap_hashing();
    Services::new(settings, world.store.clone(), world.clock.clone()).await.expect("services")
}

fn jpeg() -> Vec<u8> {
    let picture = RgbImage::from_fn(32, 20, |x, y| image::Rgb([(x * 7) as u8, (y * 11) as u8, 90]));
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90).encode_image(&picture).expect("encode");
    out
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn form(kind: RequestType) -> FilingForm {
    FilingForm {
        request_type: kind.as_str().into(),
        contact_email: CONTACT.into(),
        description: "Mi clave se bloqueó y no tengo registro de huella.".into(),
        files: vec![
            (Slot::CedulaAnverso, Ok(jpeg())),
            (Slot::CedulaReverso, Ok(pdf())),
            (Slot::Selfie, Ok(jpeg())),
        ],
    }
}

async fn file(ventanilla: &Ventanilla, id: &str, kind: RequestType) -> CaseNumber {
    let filing = ventanilla.check(form(kind)).await.expect("checked").expect("valid");
    ventanilla.file(&ident(id), filing, &client()).await.expect("filed")
}

async fn count(world: &World, table: &str) -> i64 {
    world.db.scalar(&format!("SELECT COUNT(*) FROM {table}")).await
}

async fn locked_clave(world: &World, id: &str) -> i64 {
    let affiliate = world.with_clave(id, PASSWORD).await;
    world.store.lock_profile(&ident(id), world.clock.now()).await.expect("db");
    affiliate
}

/// (actor, kind, case number, reason) of every audit event about a case, oldest first.
async fn audit(world: &World) -> Vec<(String, String, Option<String>, Option<String>)> {
    world.db.rows("SELECT actor, kind, case_number, reason FROM security_events WHERE case_number IS NOT NULL ORDER BY id").await
}

#[tokio::test]
async fn a_filing_gets_a_number_of_the_year_its_documents_and_the_received_mail() {
    let world = World::in_memory().await;
    let services = services(&world).await;
    let number = file(&services.ventanilla, PATRICIA, RequestType::Desbloqueo).await;
    assert_eq!(number.as_str(), "VV-2026-000001");

    let case = world.store.case_by_number(&number).await.expect("db").expect("stored");
    assert_eq!((case.status, case.id_number.as_str()), (CaseStatus::Recibido, PATRICIA));
    let kinds: Vec<_> = case.documents.iter().map(|d| (d.slot, d.kind)).collect();
    assert_eq!(
        kinds,
        [
            (Slot::CedulaAnverso, DocumentKind::Jpeg),
            (Slot::CedulaReverso, DocumentKind::Pdf),
            (Slot::Selfie, DocumentKind::Jpeg)
        ]
    );
    let (kind, bytes) =
        world.store.case_document(&number, Slot::CedulaReverso).await.expect("db").expect("kept");
    assert_eq!((kind, bytes), (DocumentKind::Pdf, pdf()));

    let mail = world.mails().await.pop().expect("received mail");
    assert_eq!(mail.0, CONTACT);
    assert_eq!(mail.1, "Clave IESS: recibimos su trámite VV-2026-000001");
    assert!(mail.2.contains("VV-2026-000001") && mail.2.contains("/ventanilla/estado"));
    let events = audit(&world).await;
    assert_eq!(events, [("afiliado".into(), "ventanilla_filed".into(), Some(number.to_string()), None)]);
    assert_eq!(
        file(&services.ventanilla, PATRICIA, RequestType::Desbloqueo).await.as_str(),
        "VV-2026-000002"
    );
}

#[tokio::test]
async fn nothing_is_stored_for_a_refused_request() {
    let world = World::in_memory().await;
    let services = services(&world).await;
    let mut bad = form(RequestType::Desbloqueo);
    bad.files[0].1 = Ok(b"\x89PNG\r\n\x1a\n renamed to .jpg".to_vec());
    bad.files[2].1 = Err(TooLarge);
    let _reverso = bad.files.remove(1);
    bad.contact_email = "no-es-correo".into();
    bad.description = "x".repeat(501);
    let problems = services.ventanilla.check(bad).await.expect("checked").expect_err("refused");
    let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["contact_email", "description", "anverso", "reverso", "selfie"]);
    assert_eq!(problems[2].message_es, "Cédula (anverso): solo se aceptan archivos JPG o PDF de hasta 1 MB.");
    let (cases, documents, mails) = (
        count(&world, "ventanilla_cases").await,
        count(&world, "ventanilla_documents").await,
        world.mails().await,
    );
    assert_eq!((cases, documents, mails.len()), (0, 0, 0));
}

#[tokio::test]
async fn a_case_and_its_documents_are_stored_all_or_nothing() {
    let world = World::in_memory().await;
    let email = Email::parse(CONTACT).expect("email");
    let twice =
        [(Slot::CedulaAnverso, DocumentKind::Pdf, pdf()), (Slot::CedulaAnverso, DocumentKind::Pdf, pdf())];
    let event = NewEvent { kind: "ventanilla_filed".into(), actor: "afiliado".into(), ..NewEvent::default() };
    let receipt = |number: &CaseNumber| OutgoingMail {
        to: email.clone(),
        subject: format!("Trámite {number}"),
        text: String::new(),
        html: None,
    };
    let case = NewCase {
        year: 2026,
        request_type: RequestType::Desbloqueo,
        id_number: PATRICIA,
        affiliate_id: None,
        contact_email: &email,
        description: "x",
        documents: &twice,
        event: &event,
        receipt: &receipt,
    };
    let filed = || async {
        (
            count(&world, "ventanilla_cases").await,
            count(&world, "ventanilla_documents").await,
            count(&world, "security_events").await,
            world.mails().await.into_iter().map(|(_, subject, _)| subject).collect::<Vec<_>>(),
        )
    };
    assert!(world.store.insert_case(&case, world.clock.now()).await.is_err(), "the second document fails");
    assert_eq!(filed().await, (0, 0, 0, vec![]), "no case, no event, no receipt");
    let once = &twice[..1];
    let number =
        world.store.insert_case(&NewCase { documents: once, ..case }, world.clock.now()).await.expect("db");
    assert_eq!(number.as_str(), "VV-2026-000001", "the failed filing used no number");
    assert_eq!(filed().await, (1, 1, 1, vec!["Trámite VV-2026-000001".to_owned()]));
    let event: Option<String> = world.db.scalar("SELECT case_number FROM security_events").await;
    assert_eq!(event.as_deref(), Some("VV-2026-000001"), "the event names the case");
}

#[tokio::test]
async fn parallel_filings_never_share_a_number() {
    let world = World::on_file(cheap_hashing()).await;
    let services = services(&world).await;
    let filings = (0..12).map(|_| {
        let ventanilla = services.ventanilla.clone();
        tokio::spawn(async move { file(&ventanilla, UNKNOWN, RequestType::Recuperacion).await })
    });
    let mut numbers = Vec::new();
    for filing in filings {
        numbers.push(filing.await.expect("task").to_string());
    }
    numbers.sort();
    let expected: Vec<_> = (1..=12).map(|n| CaseNumber::new(2026, n).to_string()).collect();
    assert_eq!(numbers, expected);
}

#[tokio::test]
async fn the_year_of_the_number_is_the_year_in_ecuador() {
    let world = World::in_memory().await;
    let services = services(&world).await;
    let ecuador_new_years_eve = ManualClock::at_institute_time(2026, 12, 31, 23, 30, 0).now();
    world.clock.set(ecuador_new_years_eve);
    assert_eq!(ecuador_new_years_eve.year(), 2027, "already 2027 in UTC");
    assert_eq!(file(&services.ventanilla, UNKNOWN, RequestType::Desbloqueo).await.as_str(), "VV-2026-000001");
    world.clock.advance(Duration::from_secs(3600));
    assert_eq!(file(&services.ventanilla, UNKNOWN, RequestType::Desbloqueo).await.as_str(), "VV-2027-000001");
}

#[tokio::test]
async fn the_status_answers_a_wrong_pair_exactly_like_an_unknown_number() {
    let world = World::in_memory().await;
    let services = services(&world).await;
    let number = file(&services.ventanilla, PATRICIA, RequestType::Desbloqueo).await;
    let found = services.ventanilla.status(" vv-2026-000001 ", &ident(PATRICIA)).await.expect("db");
    assert_eq!(found.map(|s| (s.number, s.status)), Some((number.clone(), CaseStatus::Recibido)));

    let wrong_pair = services.ventanilla.status(number.as_str(), &ident(JORGE)).await.expect("db");
    let unknown = services.ventanilla.status("VV-2026-000999", &ident(PATRICIA)).await.expect("db");
    let malformed = services.ventanilla.status("123", &ident(PATRICIA)).await.expect("db");
    assert_eq!((wrong_pair.clone(), unknown.clone(), malformed), (None, None, None));
}

#[tokio::test]
async fn an_unregistered_identification_files_alike_but_only_a_person_with_a_clave_is_approved() {
    let world = World::in_memory().await;
    let services = services(&world).await;
    let unknown = file(&services.ventanilla, UNKNOWN, RequestType::Desbloqueo).await;
    let no_clave = file(&services.ventanilla, JORGE, RequestType::Desbloqueo).await;
    assert_eq!(world.mails().await.len(), 2, "both got the received mail");
    for number in [&unknown, &no_clave] {
        let outcome = services
            .ventanilla
            .decide(number, Verdict::Approve, "Documentos legibles y coinciden", &agent("ana"), &client())
            .await
            .expect("db");
        assert_eq!(outcome, DecisionOutcome::NotApprovable);
        let case = world.store.case_by_number(number).await.expect("db").expect("case");
        assert!(case.status.is_open(), "still open: the agent rejects instead");
    }
    let rejected = services
        .ventanilla
        .decide(&unknown, Verdict::Reject, "No consta en el registro", &agent("ana"), &client())
        .await
        .expect("db");
    assert_eq!(rejected, DecisionOutcome::Decided);
}

#[tokio::test]
async fn approving_an_unlock_case_unlocks_and_mails_the_contact_and_the_address_on_file() {
    let world = World::in_memory().await;
    let services = services(&world).await;
    let affiliate = locked_clave(&world, PATRICIA).await;
    let number = file(&services.ventanilla, PATRICIA, RequestType::Desbloqueo).await;

    let short = services.ventanilla.decide(&number, Verdict::Approve, "ok", &agent("ana"), &client()).await;
    assert_eq!(short.expect("db"), DecisionOutcome::ReasonLength);
    let detail = services.ventanilla.case(&number, &agent("ana")).await.expect("db").expect("case");
    assert_eq!(detail.case.status, CaseStatus::EnRevision, "opened by the reviewer");
    assert!(detail.person.as_ref().is_some_and(|p| p.has_clave && p.locked));

    let reason = "Cédula y selfie coinciden con el registro";
    let outcome =
        services.ventanilla.decide(&number, Verdict::Approve, reason, &agent("ana"), &client()).await;
    assert_eq!(outcome.expect("db"), DecisionOutcome::Decided);
    let profile = world.store.profile_by_affiliate(affiliate).await.expect("db").expect("profile");
    assert_eq!(profile.locked_at, None, "unlocked");

    let mails = world.mails().await;
    let approved = mails.iter().find(|m| m.1 == format!("Clave IESS: su trámite {number} fue aprobado"));
    assert_eq!(approved.map(|m| m.0.as_str()), Some(CONTACT));
    assert!(
        mails.iter().any(|m| m.0 == profile.email.as_str() && m.2.contains("/clave/restablecer#")),
        "the new-password link goes to the address on file"
    );
    let events = audit(&world).await;
    let decided = events.iter().find(|e| e.1 == "ventanilla_approved").expect("audited");
    assert_eq!(
        decided,
        &("ana".into(), "ventanilla_approved".into(), Some(number.to_string()), Some(reason.into()))
    );
    assert!(events.iter().any(|e| e.1 == "unlocked" && e.2.as_deref() == Some(number.as_str())));

    let again = services.ventanilla.decide(&number, Verdict::Reject, reason, &agent("luis"), &client()).await;
    assert_eq!(again.expect("db"), DecisionOutcome::AlreadyClosed);
    let status =
        services.ventanilla.status(number.as_str(), &ident(PATRICIA)).await.expect("db").expect("found");
    assert_eq!((status.status, status.reason), (CaseStatus::Aprobado, None));
}

#[tokio::test]
async fn a_rejection_mails_the_reason_which_the_status_shows() {
    let world = World::in_memory().await;
    let services = services(&world).await;
    let number = file(&services.ventanilla, PATRICIA, RequestType::ActualizacionCorreo).await;
    let reason = "La foto del reverso no es legible";
    let outcome =
        services.ventanilla.decide(&number, Verdict::Reject, reason, &agent("ana"), &client()).await;
    assert_eq!(outcome.expect("db"), DecisionOutcome::Decided);
    let mail = world.mails().await.pop().expect("mail");
    assert_eq!(
        (mail.0.as_str(), mail.1.as_str()),
        (CONTACT, "Clave IESS: su trámite VV-2026-000001 fue rechazado")
    );
    assert!(mail.2.contains(reason));
    let status =
        services.ventanilla.status(number.as_str(), &ident(PATRICIA)).await.expect("db").expect("found");
    assert_eq!((status.status, status.reason.as_deref()), (CaseStatus::Rechazado, Some(reason)));
    assert!(status.closed_at.is_some());
}

#[tokio::test]
async fn approving_an_email_update_makes_the_contact_email_the_one_on_file() {
    let world = World::in_memory().await;
    let services = services(&world).await;
    let affiliate = world.with_clave(PATRICIA, PASSWORD).await;
    let number = file(&services.ventanilla, PATRICIA, RequestType::ActualizacionCorreo).await;
    let outcome = services
        .ventanilla
        .decide(&number, Verdict::Approve, "Identidad verificada con la selfie", &agent("ana"), &client())
        .await;
    assert_eq!(outcome.expect("db"), DecisionOutcome::Decided);
    let profile = world.store.profile_by_affiliate(affiliate).await.expect("db").expect("profile");
    assert_eq!(profile.email.as_str(), CONTACT);
}

#[tokio::test]
async fn of_racing_decisions_exactly_one_is_made() {
    let world = World::on_file(cheap_hashing()).await;
    let services = services(&world).await;
    locked_clave(&world, PATRICIA).await;
    let number = file(&services.ventanilla, PATRICIA, RequestType::Desbloqueo).await;
    let decisions = [("ana", Verdict::Approve), ("luis", Verdict::Approve), ("eva", Verdict::Reject)].map(
        |(who, verdict)| {
            let (ventanilla, number) = (services.ventanilla.clone(), number.clone());
            tokio::spawn(async move {
                ventanilla
                    .decide(&number, verdict, "Revisión de los documentos", &agent(who), &client())
                    .await
            })
        },
    );
    let mut outcomes = Vec::new();
    for decision in decisions {
        outcomes.push(decision.await.expect("task").expect("db"));
    }
    assert_eq!(outcomes.iter().filter(|o| **o == DecisionOutcome::Decided).count(), 1, "{outcomes:?}");
    assert_eq!(outcomes.iter().filter(|o| **o == DecisionOutcome::AlreadyClosed).count(), 2);
    let decisions: Vec<_> = audit(&world)
        .await
        .into_iter()
        .filter(|e| e.1 == "ventanilla_approved" || e.1 == "ventanilla_rejected")
        .map(|e| e.1)
        .collect();
    assert_eq!(decisions.len(), 1);
    // The unlock is done exactly when the decision that won was an approval.
    let unlocks = audit(&world).await.into_iter().filter(|e| e.1 == "unlocked").count();
    assert_eq!(unlocks, usize::from(decisions[0] == "ventanilla_approved"), "{decisions:?}");
}

#[tokio::test]
async fn documents_are_deleted_the_set_number_of_days_after_the_case_closes() {
    let world = World::in_memory().await;
    let services = services(&world).await;
    let number = file(&services.ventanilla, PATRICIA, RequestType::Desbloqueo).await;
    let open_for_long = file(&services.ventanilla, JORGE, RequestType::Desbloqueo).await;
    let reason = "La foto del reverso no es legible";
    services.ventanilla.decide(&number, Verdict::Reject, reason, &agent("ana"), &client()).await.expect("db");
    let retention = world.settings.ventanilla.retention_after_close;
    assert_eq!(retention, Duration::from_secs(30 * 86_400), "30 days by default");

    world.clock.advance(Duration::from_secs(29 * 86_400));
    crate::purge::run_once(&*world.store, world.clock.now(), retention).await.expect("purge");
    let kept = world.store.case_by_number(&number).await.expect("db").expect("case");
    assert_eq!(kept.documents.len(), 3, "day 29: kept");

    world.clock.advance(Duration::from_secs(2 * 86_400));
    crate::purge::run_once(&*world.store, world.clock.now(), retention).await.expect("purge");
    let case = world.store.case_by_number(&number).await.expect("db").expect("the case row stays");
    assert!(case.documents.is_empty(), "day 31: gone");
    assert_eq!(world.store.case_document(&number, Slot::Selfie).await.expect("db"), None);
    assert_eq!(case.decision_reason.as_deref(), Some(reason));
    let open = world.store.case_by_number(&open_for_long).await.expect("db").expect("case");
    assert_eq!(open.documents.len(), 3, "an open case keeps its documents");
    let kinds: Vec<_> = audit(&world).await.into_iter().map(|e| e.1).collect();
    assert_eq!(kinds, ["ventanilla_filed", "ventanilla_filed", "ventanilla_rejected"], "the audit stays");
}

#[tokio::test]
async fn the_queue_lists_open_cases_oldest_first() {
    let world = World::in_memory().await;
    let services = services(&world).await;
    let first = file(&services.ventanilla, PATRICIA, RequestType::Desbloqueo).await;
    world.clock.advance(Duration::from_secs(60));
    let second = file(&services.ventanilla, UNKNOWN, RequestType::Recuperacion).await;
    world.clock.advance(Duration::from_secs(60));
    let third = file(&services.ventanilla, JORGE, RequestType::ActualizacionCorreo).await;
    services
        .ventanilla
        .decide(&second, Verdict::Reject, "No consta en el registro", &agent("ana"), &client())
        .await
        .expect("db");
    let queue: Vec<_> =
        services.ventanilla.open_cases().await.expect("db").into_iter().map(|c| c.number).collect();
    assert_eq!(queue, [first, third]);
}

#[tokio::test]
async fn opening_a_received_case_tells_the_contact_it_is_under_review_once() {
    let world = World::in_memory().await;
    let services = services(&world).await;
    let number = file(&services.ventanilla, PATRICIA, RequestType::Desbloqueo).await;
    for _ in 0..2 {
        services.ventanilla.case(&number, &agent("ana")).await.expect("db").expect("case");
    }
    let case = world.store.case_by_number(&number).await.expect("db").expect("stored");
    assert_eq!(case.status, CaseStatus::EnRevision);
    let subjects: Vec<_> = world.mails().await.into_iter().map(|(to, subject, _)| (to, subject)).collect();
    assert_eq!(
        subjects,
        [
            (CONTACT.to_owned(), "Clave IESS: recibimos su trámite VV-2026-000001".to_owned()),
            (CONTACT.to_owned(), "Clave IESS: su trámite VV-2026-000001 está en revisión".to_owned()),
        ]
    );
}
