use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::Duration as ChronoDuration;
use serde::Deserialize;

use super::*;
use crate::{
    clock::{Clock as _, ManualClock},
    store::sqlite::SqliteStore,
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

#[tokio::test]
async fn a_step_applies_once_in_order_and_only_before_expiry() {
    let store = SqliteStore::in_memory().await.expect("store");
    let clock = ManualClock::at_institute_time(2026, 3, 2, 10, 0, 0);
    let id = create(&store, Step::One, &TestState { n: 1 }, TTL, clock.now()).await.expect("create");

    assert!(
        load::<TestState>(&store, &id, Step::Two, clock.now()).await.expect("db").is_none(),
        "wrong step"
    );
    assert!(
        load::<OtherKind>(&store, &id, Step::One, clock.now()).await.expect("db").is_none(),
        "wrong kind"
    );
    let other_kind = advance(&store, &id, 0, Step::One, Step::Two, &OtherKind { n: 9 }, clock.now());
    assert!(!other_kind.await.expect("db"), "another wizard's id changes nothing");
    let out_of_order = advance(&store, &id, 0, Step::Two, Step::One, &TestState { n: 9 }, clock.now());
    assert!(!out_of_order.await.expect("db"));

    let loaded = load::<TestState>(&store, &id, Step::One, clock.now()).await.expect("db").expect("flow");
    assert_eq!((loaded.state.n, loaded.version), (1, 0));
    let first = advance(&store, &id, loaded.version, Step::One, Step::Two, &TestState { n: 2 }, clock.now());
    assert!(first.await.expect("db"));
    let twice = advance(&store, &id, loaded.version, Step::One, Step::Two, &TestState { n: 3 }, clock.now());
    assert!(!twice.await.expect("db"), "the same step twice applies once");

    let now = load::<TestState>(&store, &id, Step::Two, clock.now()).await.expect("db").expect("flow");
    assert_eq!((now.state.n, now.version), (2, 1));

    clock.advance(TTL);
    assert!(load::<TestState>(&store, &id, Step::Two, clock.now()).await.expect("db").is_none(), "expired");
    let late = advance(&store, &id, 1, Step::Two, Step::Two, &TestState { n: 4 }, clock.now());
    assert!(!late.await.expect("db"));
    let before = clock.now() - ChronoDuration::seconds(1);
    let kept = load::<TestState>(&store, &id, Step::Two, before).await.expect("db").expect("row kept");
    assert_eq!(kept.state.n, 2, "nothing after expiry was written");
}

#[tokio::test]
async fn a_deleted_flow_is_gone_and_a_random_id_finds_nothing() {
    let store = SqliteStore::in_memory().await.expect("store");
    let clock = ManualClock::at_institute_time(2026, 3, 2, 10, 0, 0);
    let id = create(&store, Step::One, &TestState { n: 1 }, TTL, clock.now()).await.expect("create");
    let random = FlowId::generate();
    assert!(load::<TestState>(&store, &random, Step::One, clock.now()).await.expect("db").is_none());
    assert!(delete(&store, &id).await.expect("db"));
    assert!(!delete(&store, &id).await.expect("db"));
    assert!(load::<TestState>(&store, &id, Step::One, clock.now()).await.expect("db").is_none());
}
