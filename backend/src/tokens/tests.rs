use std::{sync::Arc, time::Duration};

use super::*;
use crate::{
    clock::{Clock, ManualClock},
    store::Store,
    testing::TestDb,
};

const PURPOSE: &str = "desbloqueo";

async fn store() -> Arc<dyn Store> {
    TestDb::new().await.store
}

#[test]
fn tokens_carry_at_least_128_random_bits_and_never_print() {
    let a = PlainToken::generate();
    let b = PlainToken::generate();
    assert_ne!(a.expose(), b.expose());
    assert!(URL_SAFE_NO_PAD.decode(a.expose()).expect("base64").len() * 8 >= 128);
    assert!(!format!("{a:?}").contains(a.expose()));
}

#[test]
fn only_well_formed_tokens_parse() {
    let t = PlainToken::generate();
    assert!(PlainToken::parse(t.expose()).is_some());
    for bad in ["", "abc", "' OR 1=1 --", &"A".repeat(500)] {
        assert!(PlainToken::parse(bad).is_none(), "{bad}");
    }
}

#[tokio::test]
async fn a_token_works_until_just_before_expiry_and_never_after() {
    let store = store().await;
    let clock = ManualClock::at_institute_time(2026, 5, 4, 10, 0, 0);
    let early = issue(&*store, PURPOSE, "a1", Duration::from_secs(180), clock.now()).await.expect("issue");
    let late = issue(&*store, PURPOSE, "a2", Duration::from_secs(180), clock.now()).await.expect("issue");

    clock.advance(Duration::from_secs(179));
    assert_eq!(
        store.consume_token(&early.hash(), PURPOSE, clock.now()).await.expect("db"),
        Some("a1".into())
    );
    clock.advance(Duration::from_secs(2));
    assert_eq!(store.consume_token(&late.hash(), PURPOSE, clock.now()).await.expect("db"), None);
}

#[tokio::test]
async fn a_used_token_never_works_again() {
    let store = store().await;
    let clock = ManualClock::at_institute_time(2026, 5, 4, 10, 0, 0);
    let t = issue(&*store, PURPOSE, "a1", Duration::from_secs(900), clock.now()).await.expect("issue");
    assert!(store.consume_token(&t.hash(), PURPOSE, clock.now()).await.expect("db").is_some());
    assert!(store.live_token_subject(&t.hash(), PURPOSE, clock.now()).await.expect("db").is_none());
    assert!(store.consume_token(&t.hash(), PURPOSE, clock.now()).await.expect("db").is_none());
}

#[tokio::test]
async fn a_token_is_only_good_for_its_own_purpose() {
    let store = store().await;
    let clock = ManualClock::at_institute_time(2026, 5, 4, 10, 0, 0);
    let t = issue(&*store, PURPOSE, "a1", Duration::from_secs(900), clock.now()).await.expect("issue");
    assert!(store.consume_token(&t.hash(), "recuperacion", clock.now()).await.expect("db").is_none());
    assert!(store.live_token_subject(&t.hash(), PURPOSE, clock.now()).await.expect("db").is_some());
}

#[tokio::test]
async fn racing_requests_spend_a_token_exactly_once() {
    let db = TestDb::pooled(8).await;
    let store = db.store.clone();
    let clock = Arc::new(ManualClock::at_institute_time(2026, 5, 4, 10, 0, 0));
    let t = issue(&*store, PURPOSE, "a1", Duration::from_secs(900), clock.now()).await.expect("issue");
    let hash = t.hash();
    let attempts = (0..50).map(|_| {
        let (store, clock, hash) = (store.clone(), clock.clone(), hash.clone());
        tokio::spawn(async move { store.consume_token(&hash, PURPOSE, clock.now()).await })
    });
    let mut spent = 0;
    for a in attempts {
        if a.await.expect("join").expect("db").is_some() {
            spent += 1;
        }
    }
    assert_eq!(spent, 1);
}

#[tokio::test]
async fn revoking_invalidates_earlier_links_of_the_subject() {
    let store = store().await;
    let clock = ManualClock::at_institute_time(2026, 5, 4, 10, 0, 0);
    let old = issue(&*store, PURPOSE, "a1", Duration::from_secs(900), clock.now()).await.expect("issue");
    let other = issue(&*store, PURPOSE, "a2", Duration::from_secs(900), clock.now()).await.expect("issue");
    assert_eq!(store.revoke_tokens(PURPOSE, "a1", clock.now()).await.expect("db"), 1);
    let new = issue(&*store, PURPOSE, "a1", Duration::from_secs(900), clock.now()).await.expect("issue");
    assert!(store.consume_token(&old.hash(), PURPOSE, clock.now()).await.expect("db").is_none());
    assert!(store.consume_token(&new.hash(), PURPOSE, clock.now()).await.expect("db").is_some());
    assert!(store.consume_token(&other.hash(), PURPOSE, clock.now()).await.expect("db").is_some());
}
