//! DESIGN §5.1: registered, unknown and blocked identifications start the same way.

use super::*;

fn shape(view: &ChallengeView) -> Vec<usize> {
    view.questions.iter().map(|q| q.options.len()).collect()
}

#[tokio::test]
async fn an_unknown_identification_gets_the_same_plausible_challenge_on_every_start() {
    let h = Harness::new().await;
    let (flow_a, a) = h.generation.start(&ident(UNKNOWN)).await.expect("start");
    let (flow_b, b) = h.generation.start(&ident(UNKNOWN)).await.expect("start");
    assert_ne!(flow_a, flow_b);
    assert_eq!(a, b, "deterministic");
    assert_eq!(shape(&a), vec![4, 4]);
    let (_, real) = h.generation.start(&ident(MARIA)).await.expect("start");
    assert_eq!(shape(&real), shape(&a));
    let (_, real_again) = h.generation.start(&ident(MARIA)).await.expect("start");
    assert_eq!(real, real_again, "a registered number is just as stable, so stability reveals nothing");
}

#[tokio::test]
async fn an_unknown_identification_never_passes_and_blocks_after_nine_like_a_registered_one() {
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
            registered.push(h.wrong_attempt(JOSE).await);
        }
    }
    let left = |o: &ChallengeOutcome| match o {
        ChallengeOutcome::Retry { attempts_left_today, attempts_left_total, challenge } => {
            (Some((*attempts_left_today, *attempts_left_total)), shape(challenge))
        }
        other => (None, vec![usize::from(*other == ChallengeOutcome::Blocked)]),
    };
    assert_eq!(
        outcomes.iter().map(left).collect::<Vec<_>>(),
        registered.iter().map(left).collect::<Vec<_>>()
    );
    assert_eq!(outcomes[8], ChallengeOutcome::Blocked);
    h.at_local(2026, 3, 9, 9, 0, 0);
    assert_eq!(h.wrong_attempt(UNKNOWN).await, ChallengeOutcome::Blocked);
}

#[tokio::test]
async fn a_blocked_identification_starts_like_any_other() {
    let h = Harness::new().await;
    for day in 2..=4 {
        h.at_local(2026, 3, day, 9, 0, 0);
        for _ in 0..3 {
            h.wrong_attempt(JOSE).await;
        }
    }
    let (_, view) = h.generation.start(&ident(JOSE)).await.expect("a blocked number still starts");
    assert_eq!(shape(&view), vec![4, 4]);
}

#[tokio::test]
async fn the_counter_key_is_a_keyed_hash_that_names_nobody() {
    let h = Harness::new().await;
    h.wrong_attempt(MARIA).await;
    h.wrong_attempt(UNKNOWN).await;
    let subjects: Vec<(String,)> = h.db.rows("SELECT subject FROM attempt_counters").await;
    assert_eq!(subjects.len(), 2);
    for (subject,) in subjects {
        assert_eq!(subject.len(), 64);
        assert!(!subject.contains(MARIA) && !subject.contains(UNKNOWN));
    }
}
