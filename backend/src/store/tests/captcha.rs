use chrono::TimeZone as _;

use chrono::{DateTime, Utc};

use crate::testing::TestDb;

fn at(seconds: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_790_000_000 + seconds, 0).single().expect("valid instant")
}

async fn spent_count(db: &TestDb) -> i64 {
    db.scalar("SELECT COUNT(*) FROM spent_captchas").await
}

#[tokio::test]
async fn a_challenge_is_spent_only_once() {
    let db = TestDb::new().await;
    let store = &db.store;
    assert!(store.spend_captcha("c1", at(300)).await.expect("spend"));
    assert!(!store.spend_captcha("c1", at(300)).await.expect("spend"));
    assert!(store.spend_captcha("c2", at(300)).await.expect("spend"));
}

#[tokio::test]
async fn purge_removes_only_records_whose_challenge_has_expired() {
    let db = TestDb::new().await;
    let store = &db.store;
    store.spend_captcha("expired", at(100)).await.expect("spend");
    store.spend_captcha("expires-now", at(200)).await.expect("spend");
    store.spend_captcha("live", at(201)).await.expect("spend");

    assert_eq!(store.purge_expired(at(200)).await.expect("purge"), 2);
    assert_eq!(spent_count(&db).await, 1);
    assert!(!store.spend_captcha("live", at(201)).await.expect("spend"), "the live record is kept");
    assert_eq!(store.purge_expired(at(200)).await.expect("purge"), 0);
}
