//! Step 2: what passes, what fails, and that the choices shown never change.

use super::*;

#[tokio::test]
async fn the_right_answers_pass_in_any_case_accents_and_spacing_and_cost_nothing() {
    let h = Harness::new().await;
    let (flow, view) = h.recovery.start(&ident(MARIA)).await.expect("start");
    let answers = right_answers(&view);
    assert_ne!(clave_domain::normalize_answer(&answers.answer), answers.answer, "typed un-normalised");
    let outcome = h.recovery.answer(&flow, answers, &client()).await.expect("answer");
    assert_eq!(
        outcome,
        ChallengeOutcome::Passed {
            contacts: MaskedContacts {
                email: "m***@correo.example".into(),
                mobile: "09******67".into(),
                landline: Some("02*****78".into()),
            }
        }
    );
    assert_eq!(h.counter(MARIA).await.total, 0, "the attempt was given back");
    assert!(matches!(h.recovery.current(&flow).await.expect("db"), Some(CurrentStep::Contacts(_))));
}

#[tokio::test]
async fn each_registered_question_is_checked_against_its_own_answer() {
    // Which registered question is shown is a keyed choice; whichever it is, its own answer
    // passes and another registered question's answer does not.
    let h = Harness::new().await;
    let profile = h.profile(MARIA).await;
    let subject = h.recovery.subject(&ident(MARIA));
    for (question, _, typed) in ANSWERS {
        let only = [SecurityQuestionId::parse(question).expect("question")];
        let facts = crate::recovery::challenge::Facts {
            birth_date: chrono::NaiveDate::from_ymd_opt(1975, 4, 12),
            image: SecurityImageId::parse(IMAGE).ok(),
            questions: &only,
        };
        let built = h.recovery.challenger.build(&subject, facts);
        let view = built.view.clone();
        let state = RecoveryState {
            identification: ident(MARIA),
            subject: subject.clone(),
            affiliate_id: Some(profile.affiliate_id),
            expected: built.expected,
            view: built.view,
            pending: None,
        };
        let form = |answer: &str| RecoveryAnswers {
            day: 12,
            month: 4,
            image: IMAGE.into(),
            question: question.into(),
            answer: answer.into(),
        };
        let passes = |answer: &str| {
            let submitted = crate::recovery::challenge::validate(&form(answer), &view).expect("valid");
            let (recovery, state) = (&h.recovery, &state);
            async move { recovery.check(state, &submitted).await.expect("check").is_some() }
        };
        assert!(passes(typed).await, "{question}");
        let other = ANSWERS.iter().find(|(q, _, _)| *q != question).expect("another").2;
        assert!(!passes(other).await, "{question} with another question's answer");
    }
}

#[tokio::test]
async fn each_single_wrong_part_fails_and_costs_an_attempt() {
    type Spoil = fn(RecoveryAnswers, &RecoveryChallengeView) -> RecoveryAnswers;
    let cases: [(&str, Spoil); 5] = [
        ("day", |a, _| RecoveryAnswers { day: 13, ..a }),
        ("month", |a, _| RecoveryAnswers { month: 5, ..a }),
        ("image", |a, v| {
            let other = v.images.iter().find(|i| i.as_str() != IMAGE).expect("a decoy");
            RecoveryAnswers { image: other.as_str().into(), ..a }
        }),
        ("question", |a, v| {
            let other = v.questions.iter().find(|q| q.as_str() != a.question).expect("a decoy");
            RecoveryAnswers { question: other.as_str().into(), ..a }
        }),
        ("answer", |a, _| RecoveryAnswers { answer: "Firulais Segundo".into(), ..a }),
    ];
    for (part, spoil) in cases {
        let h = Harness::new().await;
        let (flow, view) = h.recovery.start(&ident(MARIA)).await.expect("start");
        let wrong = spoil(right_answers(&view), &view);
        let outcome = h.recovery.answer(&flow, wrong, &client()).await.expect("answer");
        assert!(retry(2, 8)(&outcome), "a wrong {part} fails: {outcome:?}");
        assert_eq!(h.counter(MARIA).await.total, 1, "a wrong {part} costs an attempt");
        let again = h.recovery.answer(&flow, right_answers(&view), &client()).await.expect("answer");
        assert!(matches!(again, ChallengeOutcome::Passed { .. }), "the rest was right ({part})");
    }
}

#[tokio::test]
async fn an_incomplete_form_is_refused_at_its_fields_and_costs_nothing() {
    let h = Harness::new().await;
    let (flow, view) = h.recovery.start(&ident(MARIA)).await.expect("start");
    let outside = SecurityImageId::all().find(|i| !view.images.contains(i)).expect("an image not shown");
    let incomplete = RecoveryAnswers {
        day: 30,
        month: 2,
        image: outside.as_str().into(),
        question: String::new(),
        answer: "   ".into(),
    };
    let ChallengeOutcome::Invalid(problems) =
        h.recovery.answer(&flow, incomplete, &client()).await.expect("answer")
    else {
        panic!("refused")
    };
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["birth", "image", "question", "answer"]);
    assert_eq!(h.counter(MARIA).await, AttemptCount::default(), "nothing was counted");
    assert!(matches!(
        h.recovery.answer(&flow, right_answers(&view), &client()).await.expect("answer"),
        ChallengeOutcome::Passed { .. }
    ));
}

#[tokio::test]
async fn the_grid_and_the_questions_are_the_same_on_every_start_and_after_every_wrong_answer() {
    let h = Harness::new().await;
    let (flow, first) = h.recovery.start(&ident(MARIA)).await.expect("start");
    assert_eq!(first.images.len(), clave_domain::recovery::IMAGE_GRID);
    assert_eq!(
        first.images.iter().filter(|i| i.as_str() == IMAGE).count(),
        1,
        "the registered image is shown"
    );
    let registered = first.questions.iter().filter(|q| ANSWERS.iter().any(|(id, _, _)| q.as_str() == *id));
    assert_eq!(registered.count(), 1, "one registered question among decoys");

    let mut views = vec![first.clone()];
    for _ in 0..2 {
        let ChallengeOutcome::Retry { challenge, .. } =
            h.recovery.answer(&flow, wrong_answers(&first), &client()).await.expect("answer")
        else {
            panic!("retried")
        };
        views.push(challenge);
    }
    let Some(CurrentStep::Challenge(reloaded)) = h.recovery.current(&flow).await.expect("db") else {
        panic!("still at the challenge")
    };
    views.push(reloaded);
    // Another day, another flow, a later round of the counter.
    h.world.clock.advance(Duration::from_secs(24 * 3600));
    let (flow, again) = h.recovery.start(&ident(MARIA)).await.expect("start");
    views.push(again);
    let ChallengeOutcome::Retry { challenge, .. } =
        h.recovery.answer(&flow, wrong_answers(&first), &client()).await.expect("answer")
    else {
        panic!("retried")
    };
    views.push(challenge);
    assert_eq!(h.counter(MARIA).await.total, 3);
    assert!(views.iter().all(|v| *v == first), "{views:?}");
}

#[tokio::test]
async fn the_same_flow_cannot_be_answered_again_after_passing() {
    let h = Harness::new().await;
    let (flow, view) = h.recovery.start(&ident(MARIA)).await.expect("start");
    let answers = right_answers(&view);
    assert!(matches!(
        h.recovery.answer(&flow, answers.clone(), &client()).await,
        Ok(ChallengeOutcome::Passed { .. })
    ));
    for again in [answers, wrong_answers(&view)] {
        assert!(matches!(h.recovery.answer(&flow, again, &client()).await, Err(ServiceError::FlowNotFound)));
    }
    assert_eq!(h.counter(MARIA).await.total, 0, "nothing was counted");
}

#[tokio::test]
async fn an_unknown_expired_or_foreign_flow_id_is_not_found_and_changes_nothing() {
    let h = Harness::new().await;
    let (flow, view) = h.recovery.start(&ident(MARIA)).await.expect("start");
    let random = FlowId::generate();
    assert!(matches!(
        h.recovery.answer(&random, right_answers(&view), &client()).await,
        Err(ServiceError::FlowNotFound)
    ));
    assert!(h.recovery.current(&random).await.expect("db").is_none());

    h.world.clock.advance(Settings::default().links.flow_ttl);
    assert!(matches!(
        h.recovery.answer(&flow, right_answers(&view), &client()).await,
        Err(ServiceError::FlowNotFound)
    ));
    assert_eq!(h.counter(MARIA).await, AttemptCount::default());

    let (flow, view) = h.recovery.start(&ident(MARIA)).await.expect("start");
    assert!(h.recovery.abandon(&flow).await.expect("db"));
    assert!(matches!(
        h.recovery.answer(&flow, right_answers(&view), &client()).await,
        Err(ServiceError::FlowNotFound)
    ));
}
