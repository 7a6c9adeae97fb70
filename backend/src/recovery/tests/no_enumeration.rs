//! DESIGN §5.1: people with a clave, without one, unknown, locked and blocked start the same way,
//! and only a person with a clave can ever pass.

use super::*;

fn shape(view: &RecoveryChallengeView) -> (usize, usize) {
    (view.images.len(), view.questions.len())
}

/// Limits high enough to try every combination of choices.
fn generous() -> Settings {
    let mut settings = Settings::default();
    settings.attempts.per_day = 1000;
    settings.attempts.total = 1000;
    settings
}

#[tokio::test]
async fn unknown_and_clave_less_numbers_get_a_stable_challenge_of_the_same_shape() {
    let h = Harness::new().await;
    let (_, real) = h.recovery.start(&ident(MARIA)).await.expect("start");
    for id in [UNKNOWN, JOSE] {
        let (flow_a, a) = h.recovery.start(&ident(id)).await.expect("start");
        let (flow_b, b) = h.recovery.start(&ident(id)).await.expect("start");
        assert_ne!(flow_a, flow_b);
        assert_eq!(a, b, "deterministic, like a real one");
        assert_eq!(shape(&a), shape(&real));
        assert_ne!(a, real);
    }
}

#[tokio::test]
async fn no_choice_ever_passes_for_an_unknown_number_or_a_person_without_a_clave() {
    let h = Harness::with(World::in_memory().await, generous()).await;
    // José's true birthday and María's image and answers, for all the good they do.
    let birthdays = [(30, 9), (12, 4)];
    for id in [UNKNOWN, JOSE] {
        let (flow, view) = h.recovery.start(&ident(id)).await.expect("start");
        for image in &view.images {
            for question in &view.questions {
                for (day, month) in birthdays {
                    for (_, _, answer) in ANSWERS {
                        let answers = RecoveryAnswers {
                            day,
                            month,
                            image: image.as_str().into(),
                            question: question.as_str().into(),
                            answer: answer.into(),
                        };
                        let outcome = h.recovery.answer(&flow, answers, &client()).await.expect("answer");
                        assert!(matches!(outcome, ChallengeOutcome::Retry { .. }), "{outcome:?}");
                    }
                }
            }
        }
    }
    assert!(
        matches!(h.right_attempt(MARIA).await, ChallengeOutcome::Passed { .. }),
        "the same checks pass María"
    );
}

#[tokio::test]
async fn an_unknown_number_runs_out_of_attempts_exactly_like_a_registered_one() {
    let h = Harness::new().await;
    let mut outcomes = Vec::new();
    for day in 2..=4 {
        h.at_local(2026, 3, day, 9, 0, 0);
        for _ in 0..3 {
            outcomes.push(h.wrong_attempt(UNKNOWN).await);
        }
    }
    let mut registered = Vec::new();
    for day in 2..=4 {
        h.at_local(2026, 3, day, 12, 0, 0);
        for _ in 0..3 {
            registered.push(h.wrong_attempt(MARIA).await);
        }
    }
    let left = |o: &ChallengeOutcome| match o {
        ChallengeOutcome::Retry { attempts_left_today, attempts_left_total, challenge } => {
            (Some((*attempts_left_today, *attempts_left_total)), shape(challenge))
        }
        other => (None, (usize::from(*other == ChallengeOutcome::Blocked), 0)),
    };
    assert_eq!(
        outcomes.iter().map(left).collect::<Vec<_>>(),
        registered.iter().map(left).collect::<Vec<_>>()
    );
    assert_eq!(outcomes[8], ChallengeOutcome::Blocked);
}

#[tokio::test]
async fn locked_and_blocked_people_start_like_anyone_else() {
    let h = Harness::new().await;
    let (_, before) = h.recovery.start(&ident(MARIA)).await.expect("start");
    let affiliate_id = h.profile(MARIA).await.affiliate_id;
    h.world.lock_for_unknown_browsers(affiliate_id).await;
    h.world.store.lock_profile(&ident(MARIA), h.world.clock.now()).await.expect("db");
    let (_, locked) = h.recovery.start(&ident(MARIA)).await.expect("a locked clave still starts");
    assert_eq!(locked, before);

    for day in 2..=4 {
        h.at_local(2026, 3, day, 9, 0, 0);
        for _ in 0..3 {
            h.wrong_attempt(MARIA).await;
        }
    }
    let (_, blocked) = h.recovery.start(&ident(MARIA)).await.expect("a blocked number still starts");
    assert_eq!(blocked, before);
}

#[tokio::test]
async fn the_counter_key_is_a_keyed_hash_that_names_nobody() {
    let h = Harness::new().await;
    h.wrong_attempt(MARIA).await;
    h.wrong_attempt(UNKNOWN).await;
    let subjects: Vec<(String,)> =
        h.world.db.rows("SELECT subject FROM attempt_counters WHERE process = 'recovery'").await;
    assert_eq!(subjects.len(), 2);
    for (subject,) in subjects {
        assert_eq!(subject.len(), 64);
        assert!(!subject.contains(MARIA) && !subject.contains(UNKNOWN));
    }
}
