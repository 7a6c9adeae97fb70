//! Videollamada: 4 questions, right or wrong per question, 4/4 allows one unlock by that agent, a
//! wrong answer blocks the channel for 24 hours, and racing agents get one call.

use std::time::Duration;

use clave_domain::staff::CallQuestion;

use super::*;

const REASON: &str = "Identidad verificada por videollamada, 4 de 4";

/// What Jorge (demo registry, and the answers `locked_with_clave` registered) says.
fn jorge_says(question: CallQuestion) -> String {
    match question {
        CallQuestion::Security(id) => match id.as_str() {
            "primera-mascota" => "Firulais",
            "escuela-primaria" => "Escuela Simón  Bolívar.",
            "libro-favorito" => "HUASIPUNGO",
            other => panic!("{other} was not registered"),
        }
        .to_owned(),
        CallQuestion::BirthDate => "02/12/1963".into(),
        CallQuestion::Employer => "astillero figurado de guayaquil".into(),
        CallQuestion::FirstContributionYear => "1985".into(),
        CallQuestion::MobileEnding => "567".into(),
    }
}

async fn started(desk: &Desk, agent: &StaffActor, row: i64) -> (i64, Vec<CallQuestion>) {
    match desk.assisted.start_call(agent, row).await.expect("db") {
        CallStart::Started { call, questions } => (call, questions),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn four_right_answers_verify_the_call_and_allow_one_unlock_by_that_agent() {
    let desk = Desk::new().await;
    let row = desk.locked_with_clave(JORGE).await;
    let agent = desk.agent("ana.agente").await;
    let (call, questions) = started(&desk, &agent, row).await;
    assert_eq!(questions.len(), QUESTIONS_PER_CALL);
    let security = questions.iter().filter(|q| matches!(q, CallQuestion::Security(_))).count();
    assert_eq!(security, 2, "two registered questions, two registry facts");
    let answers: Vec<String> = questions.iter().map(|q| jorge_says(*q)).collect();
    let client = ClientInfo::default();
    let answered = desk.assisted.answer_call(&agent, call, &answers, &client).await.expect("db");
    assert_eq!(
        answered,
        CallAnswer::Answered { correct: vec![true; 4], verified: true, blocked_until: None }
    );
    let again = desk.assisted.answer_call(&agent, call, &answers, &client).await.expect("db");
    assert_eq!(again, CallAnswer::NotOpen, "a call is answered once");

    let authority = Authority::Videollamada { call };
    let other = desk.agent("beto.agente").await;
    let by_other =
        desk.assisted.perform(row, AssistedAction::Unlock, authority, &other, REASON, &client).await;
    assert_eq!(by_other.expect("db"), ActionOutcome::Refused(ActionRefusal::AuthorityNotValid));
    let clear =
        desk.assisted.perform(row, AssistedAction::ClearBlocks, authority, &agent, REASON, &client).await;
    assert_eq!(
        clear.expect("db"),
        ActionOutcome::Refused(ActionRefusal::NotAllowedByCall),
        "only the unlock"
    );
    let unlock = desk.assisted.perform(row, AssistedAction::Unlock, authority, &agent, REASON, &client).await;
    assert_eq!(unlock.expect("db"), ActionOutcome::Done);
    assert_eq!(desk.profile(JORGE).await.locked_at, None);
    let twice = desk.assisted.perform(row, AssistedAction::Unlock, authority, &agent, REASON, &client).await;
    assert_eq!(
        twice.expect("db"),
        ActionOutcome::Refused(ActionRefusal::AuthorityNotValid),
        "one unlock per call"
    );
    let (_, _, text) = desk.world.mails().await.pop().expect("mail");
    assert!(text.contains("videollamada") && text.contains("/clave/restablecer#"), "{text}");
    let events = desk.events(row).await;
    assert!(events.iter().any(|e| e.0 == "video_call_verified" && e.2 == Some(format!("VID-{call:06}"))));
}

#[tokio::test]
async fn a_wrong_answer_blocks_the_channel_for_twenty_four_hours() {
    let desk = Desk::new().await;
    let row = desk.locked_with_clave(JORGE).await;
    let agent = desk.agent("ana.agente").await;
    let (call, questions) = started(&desk, &agent, row).await;
    let mut answers: Vec<String> = questions.iter().map(|q| jorge_says(*q)).collect();
    answers[2] = "no recuerdo".into();
    let client = ClientInfo::default();
    let CallAnswer::Answered { correct, verified, blocked_until } =
        desk.assisted.answer_call(&agent, call, &answers, &client).await.expect("db")
    else {
        panic!("not answered")
    };
    assert_eq!((correct, verified), (vec![true, true, false, true], false));
    let start = desk.world.clock.now();
    assert_eq!(blocked_until, Some(start + chrono::Duration::hours(24)));
    let unlock = desk
        .assisted
        .perform(row, AssistedAction::Unlock, Authority::Videollamada { call }, &agent, REASON, &client)
        .await;
    assert_eq!(unlock.expect("db"), ActionOutcome::Refused(ActionRefusal::AuthorityNotValid));

    let other = desk.agent("beto.agente").await;
    desk.world.clock.advance(Duration::from_secs(23 * 3600 + 59 * 60));
    assert!(
        matches!(desk.assisted.start_call(&other, row).await.expect("db"), CallStart::Blocked { .. }),
        "23:59"
    );
    let status = desk.assisted.search(&ident(JORGE)).await.expect("db").expect("found");
    assert!(status.video_blocked_until.is_some());
    desk.world.clock.advance(Duration::from_secs(2 * 60));
    assert!(
        matches!(desk.assisted.start_call(&other, row).await.expect("db"), CallStart::Started { .. }),
        "24:01"
    );
}

#[tokio::test]
async fn an_incomplete_answer_spends_nothing() {
    let desk = Desk::new().await;
    let row = desk.locked_with_clave(JORGE).await;
    let agent = desk.agent("ana.agente").await;
    let (call, questions) = started(&desk, &agent, row).await;
    let mut answers: Vec<String> = questions.iter().map(|q| jorge_says(*q)).collect();
    answers[0] = "  ".into();
    let client = ClientInfo::default();
    assert_eq!(
        desk.assisted.answer_call(&agent, call, &answers, &client).await.expect("db"),
        CallAnswer::Incomplete
    );
    answers[0] = jorge_says(questions[0]);
    assert!(matches!(
        desk.assisted.answer_call(&agent, call, &answers, &client).await.expect("db"),
        CallAnswer::Answered { verified: true, .. }
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_agents_racing_get_one_call_between_them() {
    let desk = Desk::on(World::on_file(crate::test_support::cheap_hashing()).await);
    let row = desk.locked_with_clave(JORGE).await;
    let agents =
        [desk.agent("ana.agente").await, desk.agent("beto.agente").await, desk.agent("caro.agente").await];
    let desk = std::sync::Arc::new(desk);
    let tries: Vec<_> = agents
        .into_iter()
        .flat_map(|a| [a.clone(), a])
        .map(|agent| {
            let desk = desk.clone();
            tokio::spawn(async move { desk.assisted.start_call(&agent, row).await })
        })
        .collect();
    let mut started = 0;
    for t in tries {
        match t.await.expect("join").expect("db") {
            CallStart::Started { .. } => started += 1,
            CallStart::InProgress => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(started, 1);
    desk.world.clock.advance(Duration::from_secs(30 * 60 + 1));
    let late = desk.agent("dani.agente").await;
    assert!(
        matches!(desk.assisted.start_call(&late, row).await.expect("db"), CallStart::Started { .. }),
        "an expired call is abandoned"
    );
}
