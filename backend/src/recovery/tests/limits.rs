//! The attempt limits: 3 per calendar day in America/Guayaquil, 9 in total, then blocked until
//! staff clear it, with one notice and one audit event.

use super::*;
use crate::test_support::cheap_hashing;

#[tokio::test]
async fn three_wrong_answers_reach_the_daily_limit_until_midnight_in_guayaquil() {
    let h = Harness::new().await;
    assert!(retry(2, 8)(&h.wrong_attempt(MARIA).await));
    assert!(retry(1, 7)(&h.wrong_attempt(MARIA).await));
    assert_eq!(h.wrong_attempt(MARIA).await, ChallengeOutcome::DailyLimitReached);
    assert_eq!(h.right_attempt(MARIA).await, ChallengeOutcome::DailyLimitReached, "even right answers");

    h.at_local(2026, 3, 2, 23, 59, 59);
    assert_eq!(h.right_attempt(MARIA).await, ChallengeOutcome::DailyLimitReached, "still the same day");
    let counter = h.counter(MARIA).await;
    assert_eq!((counter.day_count, counter.total), (3, 3));

    h.world.clock.advance(2 * SECOND); // 00:00:01 on the 3rd in Ecuador (05:00:01 UTC)
    assert!(retry(2, 5)(&h.wrong_attempt(MARIA).await), "a new day in Guayaquil allows more");
    assert!(matches!(h.right_attempt(MARIA).await, ChallengeOutcome::Passed { .. }));
}

#[tokio::test]
async fn the_recovery_counter_is_separate_from_the_generation_counter() {
    let h = Harness::new().await;
    h.wrong_attempt(MARIA).await;
    let generation = h
        .world
        .store
        .attempt_count(&h.recovery.subject(&ident(MARIA)), AttemptProcess::Generation)
        .await
        .expect("db");
    assert_eq!((generation.total, h.counter(MARIA).await.total), (0, 1));
}

#[tokio::test]
async fn nine_wrong_answers_block_recovery_until_staff_clear_it_with_one_notice_and_one_event() {
    let h = Harness::new().await;
    let affiliate_id = h.profile(MARIA).await.affiliate_id;
    let mut outcomes = Vec::new();
    for day in 2..=4 {
        h.at_local(2026, 3, day, 9, 0, 0);
        for _ in 0..3 {
            outcomes.push(h.wrong_attempt(MARIA).await);
        }
    }
    assert!(retry(2, 2)(&outcomes[6]) && retry(1, 1)(&outcomes[7]), "{outcomes:?}");
    assert_eq!(outcomes[8], ChallengeOutcome::Blocked, "the 9th wrong answer blocks");

    let mails = h.mails().await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let (to, subject, text) = &mails[0];
    assert_eq!(to, MARIA_EMAIL, "to the email on file");
    assert!(subject.contains("bloqueado") && text.contains("Ventanilla Virtual") && text.contains("/ayuda"));
    assert!(text.contains("/no-fui-yo#"), "with a No fui yo link");
    assert_eq!(h.world.event_kinds(affiliate_id).await, ["recovery_blocked"]);
    let event = &h.world.store.events_of(affiliate_id, 1).await.expect("db")[0];
    assert_eq!(event.ip.as_deref(), Some("190.152.10.20"), "the source of the last attempt is recorded");

    for day in [5, 20] {
        h.at_local(2026, 3, day, 9, 0, 0);
        assert_eq!(h.wrong_attempt(MARIA).await, ChallengeOutcome::Blocked);
        assert_eq!(h.right_attempt(MARIA).await, ChallengeOutcome::Blocked, "even right answers");
    }
    assert_eq!(h.counter(MARIA).await.total, 9);
    assert_eq!(h.mails().await.len(), 1, "later answers send nothing more");
    assert_eq!(h.world.event_kinds(affiliate_id).await.len(), 1);

    assert!(h.recovery.clear_attempts(&ident(MARIA)).await.expect("clear"));
    assert!(matches!(h.right_attempt(MARIA).await, ChallengeOutcome::Passed { .. }));
}

#[tokio::test]
async fn a_right_answer_after_two_wrong_ones_passes_and_costs_nothing() {
    let h = Harness::new().await;
    h.wrong_attempt(MARIA).await;
    h.wrong_attempt(MARIA).await;
    assert!(matches!(h.right_attempt(MARIA).await, ChallengeOutcome::Passed { .. }));
    let counter = h.counter(MARIA).await;
    assert_eq!((counter.day_count, counter.total), (2, 2), "the passing attempt was refunded");
    assert_eq!(h.wrong_attempt(MARIA).await, ChallengeOutcome::DailyLimitReached, "the third try was left");
}

#[test]
fn parallel_wrong_answers_racing_for_the_last_attempt_block_once_and_notify_once() {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("rt");
    runtime.block_on(async {
        let h = Arc::new(Harness::with(World::on_file(cheap_hashing()).await, Settings::default()).await);
        for day in 2..=4 {
            h.at_local(2026, 3, day, 9, 0, 0);
            for _ in 0..(if day == 4 { 2 } else { 3 }) {
                h.wrong_attempt(MARIA).await;
            }
        }
        assert_eq!(h.counter(MARIA).await.total, 8);
        let mut flows = Vec::new();
        for _ in 0..12 {
            flows.push(h.recovery.start(&ident(MARIA)).await.expect("start"));
        }
        let tasks: Vec<_> = flows
            .into_iter()
            .map(|(flow, view)| {
                let h = h.clone();
                tokio::spawn(async move { h.recovery.answer(&flow, wrong_answers(&view), &client()).await })
            })
            .collect();
        for task in tasks {
            let outcome = task.await.expect("join").expect("answer");
            assert_eq!(outcome, ChallengeOutcome::Blocked);
        }
        assert_eq!(h.counter(MARIA).await.total, 9);
        let notices = h.mails().await.into_iter().filter(|(_, s, _)| s.contains("bloqueado")).count();
        assert_eq!(notices, 1);
        let affiliate_id = h.profile(MARIA).await.affiliate_id;
        assert_eq!(h.world.event_kinds(affiliate_id).await, ["recovery_blocked"]);
    });
}

#[tokio::test]
async fn a_registered_person_without_a_clave_is_told_at_the_registry_address_without_not_me() {
    let h = Harness::new().await;
    for day in 2..=4 {
        h.at_local(2026, 3, day, 9, 0, 0);
        for _ in 0..3 {
            h.wrong_attempt(JOSE).await;
            h.wrong_attempt(UNKNOWN).await;
        }
    }
    let mails = h.mails().await;
    assert_eq!(mails.len(), 1, "nothing for the unknown number: {mails:?}");
    let (to, subject, text) = &mails[0];
    assert_eq!(to, "jose.prueba@correo.example");
    assert!(subject.contains("bloqueado") && !text.contains("/no-fui-yo#"), "no clave to lock");
}

#[test]
fn an_answer_turned_away_by_a_busy_hasher_costs_no_attempt() {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("rt");
    runtime.block_on(async {
        // One argon2 slot, no waiting room, real cost: parallel answers are turned away as busy.
        let hashing =
            crate::config::HashingSettings { max_concurrent: 1, max_waiting: 0, ..Default::default() };
        let mut settings = Settings::default();
        settings.attempts.per_day = 1000;
        settings.attempts.total = 1000;
        let h = Arc::new(Harness::with(World::on_file(hashing).await, settings).await);
        let (mut answered, mut busy) = (0, 0);
        for _ in 0..10 {
            let mut tasks = Vec::new();
            for _ in 0..4 {
                let (flow, view) = h.recovery.start(&ident(MARIA)).await.expect("start");
                let h = h.clone();
                tasks.push(tokio::spawn(async move {
                    h.recovery.answer(&flow, wrong_answers(&view), &client()).await
                }));
            }
            for task in tasks {
                match task.await.expect("join") {
                    Ok(outcome) => {
                        assert!(matches!(outcome, ChallengeOutcome::Retry { .. }), "{outcome:?}");
                        answered += 1;
                    }
                    Err(ServiceError::Hashing(crate::hashing::HashError::Busy { .. })) => busy += 1,
                    Err(other) => panic!("{other:?}"),
                }
            }
            assert_eq!(h.counter(MARIA).await.total, answered, "only decided answers are counted");
            if busy > 0 {
                break;
            }
        }
        assert!(busy > 0, "the hasher was never busy");
    });
}
