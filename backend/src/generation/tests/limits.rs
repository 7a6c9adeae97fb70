//! The attempt limits: 3 per calendar day in America/Guayaquil, 9 in total, refunds.

use super::*;

#[tokio::test]
async fn three_wrong_answers_reach_the_daily_limit_until_midnight_in_guayaquil() {
    let h = Harness::new().await;
    assert!(retry(2, 8)(&h.wrong_attempt(MARIA).await));
    assert!(retry(1, 7)(&h.wrong_attempt(MARIA).await));
    assert_eq!(h.wrong_attempt(MARIA).await, ChallengeOutcome::DailyLimitReached);
    assert_eq!(h.wrong_attempt(MARIA).await, ChallengeOutcome::DailyLimitReached, "a 4th try is refused");

    h.at_local(2026, 3, 2, 23, 59, 59);
    assert_eq!(h.wrong_attempt(MARIA).await, ChallengeOutcome::DailyLimitReached, "still the same day");
    assert_eq!((h.counter(MARIA).await.day_count, h.counter(MARIA).await.total), (3, 3));

    h.clock.advance(2 * SECOND); // 00:00:01 on the 3rd in Ecuador (05:00:01 UTC)
    assert!(retry(2, 5)(&h.wrong_attempt(MARIA).await), "a new day in Guayaquil allows more");
}

#[tokio::test]
async fn nine_wrong_answers_block_the_process_on_every_later_day_until_staff_clear_it() {
    let h = Harness::new().await;
    let mut outcomes = Vec::new();
    for day in 2..=4 {
        h.at_local(2026, 3, day, 9, 0, 0);
        for _ in 0..3 {
            outcomes.push(h.wrong_attempt(MARIA).await);
        }
    }
    assert!(retry(2, 2)(&outcomes[6]) && retry(1, 1)(&outcomes[7]), "{outcomes:?}");
    assert_eq!(outcomes[8], ChallengeOutcome::Blocked, "the 9th wrong answer blocks");

    for day in [5, 20] {
        h.at_local(2026, 3, day, 9, 0, 0);
        assert_eq!(h.wrong_attempt(MARIA).await, ChallengeOutcome::Blocked);
        assert_eq!(h.right_attempt(MARIA).await, ChallengeOutcome::Blocked, "even right answers");
    }
    assert_eq!(h.counter(MARIA).await.total, 9);

    assert!(h.generation.clear_attempts(&ident(MARIA)).await.expect("clear"));
    assert_eq!(h.right_attempt(MARIA).await, ChallengeOutcome::Passed { next: NextStep::PersonalData });
}

#[tokio::test]
async fn a_right_answer_after_two_wrong_ones_passes_and_costs_nothing() {
    let h = Harness::new().await;
    h.wrong_attempt(MARIA).await;
    h.wrong_attempt(MARIA).await;
    assert_eq!(h.right_attempt(MARIA).await, ChallengeOutcome::Passed { next: NextStep::PersonalData });
    let counter = h.counter(MARIA).await;
    assert_eq!((counter.day_count, counter.total), (2, 2), "the passing attempt was refunded");
    assert_eq!(
        h.wrong_attempt(MARIA).await,
        ChallengeOutcome::DailyLimitReached,
        "the refund left the third try of the day, and it was the last"
    );
}

#[tokio::test]
async fn an_affiliate_who_already_has_a_clave_passes_to_use_recovery() {
    let h = Harness::new().await;
    h.generate(JOSE, "Cotopaxi-nevado-azul-71").await;
    let mails_before = h.mails().await.len();
    assert_eq!(h.right_attempt(JOSE).await, ChallengeOutcome::Passed { next: NextStep::UseRecovery });
    let mails = h.mails().await;
    let (to, subject, text) = mails.last().expect("a notice");
    assert_eq!(
        (mails.len(), to.as_str()),
        (mails_before + 1, "jose.prueba@correo.example"),
        "to the email on file"
    );
    assert!(
        subject.contains("ya existe") && text.contains("Recuperar clave") && text.contains("/no-fui-yo#")
    );
    assert_eq!(h.right_attempt(MARIA).await, ChallengeOutcome::Passed { next: NextStep::PersonalData });
}

#[test]
fn one_hundred_parallel_wrong_answers_spend_exactly_the_attempts_left_today() {
    let runtime =
        tokio::runtime::Builder::new_multi_thread().worker_threads(4).enable_all().build().expect("rt");
    runtime.block_on(async {
        let h = Arc::new(Harness::on(TestDb::pooled(8).await).await);
        let mut flows = Vec::new();
        for _ in 0..100 {
            flows.push(h.generation.start(&ident(MARIA)).await.expect("start"));
        }
        let tasks: Vec<_> = flows
            .into_iter()
            .map(|(flow, view)| {
                let h = h.clone();
                tokio::spawn(async move { h.generation.answer(&flow, wrong_answers(&view)).await })
            })
            .collect();
        let mut outcomes = Vec::new();
        for task in tasks {
            outcomes.push(task.await.expect("join").expect("answer"));
        }
        let retries = outcomes.iter().filter(|o| matches!(o, ChallengeOutcome::Retry { .. })).count();
        let limited = outcomes.iter().filter(|o| **o == ChallengeOutcome::DailyLimitReached).count();
        // Three reservations succeed: two leave tries (Retry), the third spends the last one.
        assert_eq!((retries, limited), (2, 98));
        let counter = h.counter(MARIA).await;
        assert_eq!((counter.day_count, counter.total), (3, 3));
    });
}
