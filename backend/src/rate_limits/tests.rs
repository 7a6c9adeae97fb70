use std::time::Duration;

use chrono::{TimeZone as _, Utc};

use super::*;
use crate::{clock::ManualClock, config::RateLimit, testing::TestDb};

const IP: &str = "203.0.113.7";
const MARIA: &str = "1701234567";

fn settings() -> RateLimitSettings {
    RateLimitSettings {
        per_ip: RateLimit { requests: 6, window: Duration::from_secs(600) },
        per_identification: RateLimit { requests: 3, window: Duration::from_secs(60) },
    }
}

fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 15, 0, 0).single().expect("date")))
}

fn limits(db: &TestDb, clock: &Arc<ManualClock>) -> RateLimits {
    RateLimits::new(db.store.clone(), clock.clone(), &SecretKey::for_tests(), settings())
}

async fn check(limits: &RateLimits, ip: Option<&str>, id: &str) -> Result<(), Limited> {
    limits.check(ip, Some(Subject::Identification(id))).await.expect("db")
}

#[tokio::test]
async fn an_identification_gets_its_limit_per_window_from_any_address_then_waits_for_the_window_to_end() {
    let db = TestDb::new().await;
    let clock = clock();
    let limits = limits(&db, &clock);
    for n in 0..3 {
        // A different address each time: the number's own limit still counts them all.
        assert_eq!(check(&limits, Some(&format!("198.51.100.{n}")), MARIA).await, Ok(()));
    }
    clock.advance(Duration::from_secs(20));
    let refused = check(&limits, Some("198.51.100.9"), MARIA).await;
    assert_eq!(refused, Err(Limited { retry_after: Duration::from_secs(40) }));
    assert_eq!(check(&limits, None, "0912345675").await, Ok(()), "another number is not affected");

    clock.advance(Duration::from_millis(39_999));
    assert!(check(&limits, None, MARIA).await.is_err(), "one millisecond before the window ends");
    clock.advance(Duration::from_millis(1));
    assert_eq!(check(&limits, None, MARIA).await, Ok(()), "a new window");
}

#[tokio::test]
async fn an_address_gets_its_limit_whatever_the_numbers_it_sends() {
    let db = TestDb::new().await;
    let clock = clock();
    let limits = limits(&db, &clock);
    for n in 0..6 {
        assert_eq!(check(&limits, Some(IP), &format!("17000000{n:02}")).await, Ok(()));
    }
    let refused = check(&limits, Some(IP), "1700000099").await.expect_err("seventh from one address");
    assert_eq!(refused.retry_after, Duration::from_secs(600));
    assert_eq!(check(&limits, Some("203.0.113.8"), "1700000099").await, Ok(()), "another address");
    // A staff user name is counted apart from identification numbers, under the same limit.
    let staff = limits.check(None, Some(Subject::StaffUser(MARIA))).await.expect("db");
    assert_eq!(staff, Ok(()));
}

#[tokio::test]
async fn a_refused_request_still_counts_so_hammering_never_shortens_the_wait() {
    let db = TestDb::new().await;
    let clock = clock();
    let limits = limits(&db, &clock);
    for _ in 0..10 {
        let _ = check(&limits, None, MARIA).await;
    }
    clock.advance(Duration::from_secs(60));
    for _ in 0..3 {
        assert_eq!(check(&limits, None, MARIA).await, Ok(()), "the new window starts from zero");
    }
    assert!(check(&limits, None, MARIA).await.is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_requests_on_two_instances_share_one_count() {
    let db = TestDb::pooled(8).await;
    let clock = clock();
    let one = limits(&db, &clock);
    let two = RateLimits::new(db.second_store(8).await, clock.clone(), &SecretKey::for_tests(), settings());
    let jobs: Vec<_> = (0..24)
        .map(|n| {
            let limits = if n % 2 == 0 { one.clone() } else { two.clone() };
            tokio::spawn(async move { check(&limits, None, MARIA).await.is_ok() })
        })
        .collect();
    let mut allowed = 0;
    for job in jobs {
        allowed += usize::from(job.await.expect("join"));
    }
    assert_eq!(allowed, 3, "exactly the limit, across both instances");
}

#[tokio::test]
async fn the_counters_name_no_address_and_no_number_and_ended_windows_are_purged() {
    let db = TestDb::new().await;
    let clock = clock();
    let limits = limits(&db, &clock);
    assert_eq!(check(&limits, Some(IP), MARIA).await, Ok(()));
    let keys: Vec<(String,)> = db.rows("SELECT key FROM rate_limits ORDER BY key").await;
    assert_eq!(keys.len(), 2);
    for (key,) in &keys {
        assert!(!key.contains(IP) && !key.contains(MARIA), "{key}");
    }
    clock.advance(Duration::from_secs(60));
    assert_eq!(db.store.purge_expired(clock.now()).await.expect("purge"), 1, "the number's window ended");
    clock.advance(Duration::from_secs(540));
    assert_eq!(db.store.purge_expired(clock.now()).await.expect("purge"), 1, "then the address's");
}
