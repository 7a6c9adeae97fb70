use chrono::{DateTime, NaiveDate};

use crate::{
    store::{AttemptCount, AttemptLimits, AttemptProcess, AttemptStore, Reservation},
    testing::TestDb,
};

const LIMITS: AttemptLimits = AttemptLimits { per_day: 3, total: 9 };

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, d).expect("date")
}

async fn reserve(store: &dyn AttemptStore, process: AttemptProcess, d: u32) -> Reservation {
    store.reserve_attempt("s", process, day(d), LIMITS, DateTime::default()).await.expect("db")
}

#[tokio::test]
async fn reservations_count_per_day_and_in_total_per_process() {
    let db = TestDb::new().await;
    let store = &*db.store;
    let left = |today, total| Reservation::Reserved { left_today: today, left_total: total };
    assert_eq!(reserve(store, AttemptProcess::Generation, 2).await, left(2, 8));
    assert_eq!(reserve(store, AttemptProcess::Generation, 2).await, left(1, 7));
    assert_eq!(reserve(store, AttemptProcess::Generation, 2).await, left(0, 6));
    assert_eq!(reserve(store, AttemptProcess::Generation, 2).await, Reservation::DailyLimitReached);
    assert_eq!(reserve(store, AttemptProcess::Recovery, 2).await, left(2, 8), "a separate counter");
    assert_eq!(reserve(store, AttemptProcess::Generation, 3).await, left(2, 5));
    let count = store.attempt_count("s", AttemptProcess::Generation).await.expect("db");
    assert_eq!(count, AttemptCount { day: Some(day(3)), day_count: 1, total: 4 });
}

#[tokio::test]
async fn the_total_blocks_whatever_the_day_until_cleared() {
    let db = TestDb::new().await;
    let store = &*db.store;
    for d in [2, 2, 2, 3, 3, 3, 4, 4] {
        assert!(matches!(reserve(store, AttemptProcess::Generation, d).await, Reservation::Reserved { .. }));
    }
    assert_eq!(
        reserve(store, AttemptProcess::Generation, 4).await,
        Reservation::Reserved { left_today: 0, left_total: 0 }
    );
    assert_eq!(reserve(store, AttemptProcess::Generation, 5).await, Reservation::Blocked);
    assert!(store.clear_attempts("s", AttemptProcess::Generation).await.expect("db"));
    assert_eq!(
        reserve(store, AttemptProcess::Generation, 5).await,
        Reservation::Reserved { left_today: 2, left_total: 8 }
    );
}

#[tokio::test]
async fn a_refund_gives_back_the_day_it_was_reserved_on_and_never_goes_below_zero() {
    let db = TestDb::new().await;
    let store = &*db.store;
    let refund = |d| store.refund_attempt("s", AttemptProcess::Generation, day(d), DateTime::default());
    refund(2).await.expect("a refund without a row is harmless");
    reserve(store, AttemptProcess::Generation, 2).await;
    reserve(store, AttemptProcess::Generation, 2).await;
    refund(2).await.expect("db");
    let count = store.attempt_count("s", AttemptProcess::Generation).await.expect("db");
    assert_eq!((count.day_count, count.total), (1, 1));
    refund(1).await.expect("db");
    let count = store.attempt_count("s", AttemptProcess::Generation).await.expect("db");
    assert_eq!((count.day_count, count.total), (1, 0), "another day's refund only returns the total");
    refund(2).await.expect("db");
    let count = store.attempt_count("s", AttemptProcess::Generation).await.expect("db");
    assert_eq!((count.day_count, count.total), (1, 0));
}
