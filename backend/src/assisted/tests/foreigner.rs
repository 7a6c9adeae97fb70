//! The foreigner gate (DESIGN §2.1): a foreigner without an enablement gets the decoy challenge,
//! answered exactly as for an unknown code, until a CAU agent enables the first generation.

use chrono::{Datelike as _, NaiveDate};
use clave_domain::{BirthDate, ForeignerCode, Identification, challenge::ChallengeView};

use super::*;
use crate::{
    challenge::SubmittedAnswers,
    generation::{ChallengeOutcome, NextStep},
    registry::Affiliate,
};

const REASON: &str = "Pasaporte original verificado en el CAU Guayaquil";

fn amelie() -> Affiliate {
    let code = ForeignerCode::from_serial(4_242_424).expect("serial");
    Affiliate {
        identification: Identification::Foreigner(code),
        names: "Amélie".into(),
        surnames: "Prueba Martin".into(),
        birth_date: NaiveDate::from_ymd_opt(1984, 6, 15).expect("date"),
        email: Some(clave_domain::Email::parse("amelie.prueba@correo.example").expect("email")),
        mobile: Some(clave_domain::Mobile::parse("0990001112").expect("mobile")),
        landline: None,
        employer: Some("Comercial Demostración S.A.".into()),
        first_contribution: NaiveDate::from_ymd_opt(2016, 2, 1),
        huella_registrada: false,
        nationality: "Francesa".into(),
    }
}

fn right_answers(view: &ChallengeView, affiliate: &Affiliate) -> SubmittedAnswers {
    let choices = view
        .questions
        .iter()
        .map(|q| {
            let truth = match q.id.as_str() {
                "employer" => affiliate.employer.clone().expect("employer"),
                "first-contribution-year" => affiliate.first_contribution.expect("date").year().to_string(),
                "mobile-ending" => "112".to_owned(),
                other => panic!("{other}"),
            };
            let option = q.options.iter().find(|o| o.label == truth);
            (q.id.clone(), option.map_or_else(|| q.options[0].id.clone(), |o| o.id.clone()))
        })
        .collect();
    let d = affiliate.birth_date;
    let birth = BirthDate::new(d.year() as u16, d.month() as u8, d.day() as u8).expect("date");
    SubmittedAnswers { birth_date: birth, choices }
}

async fn attempt(desk: &Desk, affiliate: &Affiliate) -> ChallengeOutcome {
    let (flow, view) = desk.generation.start(&affiliate.identification).await.expect("start");
    desk.generation.answer(&flow, right_answers(&view, affiliate)).await.expect("answer")
}

#[tokio::test]
async fn a_foreigner_not_enabled_gets_the_decoy_and_a_cau_agent_lifts_the_gate() {
    let desk = Desk::new().await;
    let amelie = amelie();
    let now = desk.world.clock.now();
    desk.world.store.upsert_affiliates(std::slice::from_ref(&amelie), now, false).await.expect("row");

    let (_, gated) = desk.generation.start(&amelie.identification).await.expect("start");
    let unknown = Identification::Foreigner(ForeignerCode::from_serial(4_242_425).expect("serial"));
    let (_, decoy) = desk.generation.start(&unknown).await.expect("start");
    assert_eq!(
        gated.questions.iter().map(|q| q.options.len()).collect::<Vec<_>>(),
        decoy.questions.iter().map(|q| q.options.len()).collect::<Vec<_>>(),
        "the page sees the same shape as for an unknown code"
    );
    assert!(
        matches!(attempt(&desk, &amelie).await, ChallengeOutcome::Retry { .. }),
        "the real facts do not pass"
    );
    let mails = desk.world.mails().await;
    assert!(
        mails.iter().any(|m| m.0 == "amelie.prueba@correo.example" && m.2.contains("pasaporte o visa")),
        "the email on file learns why"
    );

    let agent = desk.agent("ana.agente").await;
    let row = desk.row(amelie.identification.as_str()).await;
    let client = ClientInfo::default();
    let InPersonOutcome::Verified { verification, .. } =
        desk.assisted.verify_in_person(&agent, row, true, true, &client).await.expect("db")
    else {
        panic!("not verified")
    };
    let enable = AssistedAction::EnableForeignerGeneration;
    let done = desk
        .assisted
        .perform(row, enable, Authority::Presencial { verification }, &agent, REASON, &client)
        .await;
    assert_eq!(done.expect("db"), ActionOutcome::Done);
    assert_eq!(attempt(&desk, &amelie).await, ChallengeOutcome::Passed { next: NextStep::PersonalData });
    let status = desk.assisted.search(&amelie.identification).await.expect("db").expect("found");
    assert_eq!(status.foreigner_enabled, Some(true));
}

#[tokio::test]
async fn the_demo_foreigner_is_enabled_by_the_system_seed() {
    let desk = Desk::new().await;
    assert!(desk.world.store.foreigner_enabled(&ident("E000000422")).await.expect("db"));
    let row = desk.row("E000000422").await;
    let by: String = desk
        .world
        .db
        .scalar(&format!("SELECT enabled_by FROM foreigner_enablements WHERE affiliate_id = {row}"))
        .await;
    assert_eq!(by, "sistema");
}
