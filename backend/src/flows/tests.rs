use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Duration as ChronoDuration;
use serde::Deserialize;

use super::*;
use crate::{
    clock::{Clock as _, ManualClock},
    testing::TestDb,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    One,
    Two,
}

impl FlowStep for Step {
    fn as_str(self) -> &'static str {
        match self {
            Self::One => "one",
            Self::Two => "two",
        }
    }

    fn parse(stored: &str) -> Option<Self> {
        [Self::One, Self::Two].into_iter().find(|s| s.as_str() == stored)
    }
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct TestState {
    n: u32,
}

impl FlowState for TestState {
    const KIND: FlowKind = FlowKind::Recovery;
    type Step = Step;
}

/// Same steps, another wizard.
#[derive(Debug, Serialize, Deserialize)]
struct OtherKind {
    n: u32,
}

impl FlowState for OtherKind {
    const KIND: FlowKind = FlowKind::Unlock;
    type Step = Step;
}

const TTL: Duration = Duration::from_secs(600);

#[test]
fn flow_ids_carry_256_random_bits_parse_only_in_their_exact_shape_and_never_print() {
    let id = FlowId::generate();
    assert_ne!(id, FlowId::generate());
    assert_eq!(URL_SAFE_NO_PAD.decode(id.expose()).expect("base64").len(), 32);
    assert_eq!(FlowId::parse(id.expose()), Some(id.clone()));
    let padded = format!("{}=", id.expose());
    let spaced = format!(" {}", id.expose());
    let standard = id.expose().replace('-', "+").replace('_', "/");
    for bad in ["", "abc", "' OR 1=1 --", &"A".repeat(500), &padded, &spaced, &id.expose()[1..]] {
        assert!(FlowId::parse(bad).is_none(), "{bad}");
    }
    if standard != id.expose() {
        assert!(FlowId::parse(&standard).is_none());
    }
    assert!(!format!("{id:?}").contains(id.expose()));
    assert_ne!(id.hash().as_hex(), id.expose());
}

/// A position the caller claims the flow is at, as a forged or stale request would.
fn at(id: &FlowId, step: Step, version: i64, clock: &ManualClock) -> FlowAt<Step> {
    FlowAt { hash: id.hash(), step, version, expires_at: clock.now() }
}

#[tokio::test]
async fn a_step_applies_once_in_order_and_only_before_expiry() {
    let store = TestDb::new().await.store;
    let clock = ManualClock::at_institute_time(2026, 3, 2, 10, 0, 0);
    let id = create(&*store, Step::One, &TestState { n: 1 }, TTL, clock.now()).await.expect("create");
    let now = clock.now();

    assert!(load::<TestState>(&*store, &id, Step::Two, now).await.expect("db").is_none(), "wrong step");
    assert!(load::<OtherKind>(&*store, &id, Step::One, now).await.expect("db").is_none(), "wrong kind");
    let (at_one, at_two) = (at(&id, Step::One, 0, &clock), at(&id, Step::Two, 0, &clock));
    let other_kind = advance(&*store, &at_one, Step::Two, &OtherKind { n: 9 }, None, now);
    assert!(!other_kind.await.expect("db"), "another wizard's id changes nothing");
    let out_of_order = advance(&*store, &at_two, Step::One, &TestState { n: 9 }, None, now);
    assert!(!out_of_order.await.expect("db"));

    let loaded = load::<TestState>(&*store, &id, Step::One, now).await.expect("db").expect("flow");
    assert_eq!((loaded.state.n, loaded.at.version), (1, 0));
    let first = advance(&*store, &loaded.at, Step::Two, &TestState { n: 2 }, None, now);
    assert!(first.await.expect("db"));
    let twice = advance(&*store, &loaded.at, Step::Two, &TestState { n: 3 }, None, now);
    assert!(!twice.await.expect("db"), "the same step twice applies once");

    let moved = load::<TestState>(&*store, &id, Step::Two, now).await.expect("db").expect("flow");
    assert_eq!((moved.state.n, moved.at.version), (2, 1));
    assert_eq!(
        load_by_hash::<TestState>(&*store, &id.hash(), now).await.expect("db").map(|f| f.at.step),
        Some(Step::Two)
    );

    clock.advance(TTL);
    assert!(load::<TestState>(&*store, &id, Step::Two, clock.now()).await.expect("db").is_none(), "expired");
    let late = advance(&*store, &moved.at, Step::Two, &TestState { n: 4 }, None, clock.now());
    assert!(!late.await.expect("db"));
    let before = clock.now() - ChronoDuration::seconds(1);
    let kept = load::<TestState>(&*store, &id, Step::Two, before).await.expect("db").expect("row kept");
    assert_eq!(kept.state.n, 2, "nothing after expiry was written");
}

#[tokio::test]
async fn a_step_may_extend_the_flow_and_only_then_it_lives_longer() {
    let store = TestDb::new().await.store;
    let clock = ManualClock::at_institute_time(2026, 3, 2, 10, 0, 0);
    let id = create(&*store, Step::One, &TestState { n: 1 }, TTL, clock.now()).await.expect("create");
    let loaded = load::<TestState>(&*store, &id, Step::One, clock.now()).await.expect("db").expect("flow");
    let later = clock.now() + ChronoDuration::seconds(1200);
    assert!(
        advance(&*store, &loaded.at, Step::Two, &TestState { n: 2 }, Some(later), clock.now())
            .await
            .expect("db")
    );
    clock.advance(TTL);
    let extended = load::<TestState>(&*store, &id, Step::Two, clock.now()).await.expect("db").expect("alive");
    assert_eq!(extended.at.expires_at, later);
    clock.advance(TTL);
    assert!(load::<TestState>(&*store, &id, Step::Two, clock.now()).await.expect("db").is_none());
}

#[tokio::test]
async fn a_deleted_flow_is_gone_and_a_random_id_finds_nothing() {
    let store = TestDb::new().await.store;
    let clock = ManualClock::at_institute_time(2026, 3, 2, 10, 0, 0);
    let id = create(&*store, Step::One, &TestState { n: 1 }, TTL, clock.now()).await.expect("create");
    let random = FlowId::generate();
    assert!(load::<TestState>(&*store, &random, Step::One, clock.now()).await.expect("db").is_none());
    assert!(delete(&*store, &id).await.expect("db"));
    assert!(!delete(&*store, &id).await.expect("db"));
    assert!(load::<TestState>(&*store, &id, Step::One, clock.now()).await.expect("db").is_none());
}
