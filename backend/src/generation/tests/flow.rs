//! The flow rules: one step at a time, nothing after expiry, nothing with a foreign id.

use super::*;

#[tokio::test]
async fn a_wrong_answer_replaces_the_questions() {
    let h = Harness::new().await;
    let (flow, first) = h.generation.start(&ident(MARIA)).await.expect("start");
    let ChallengeOutcome::Retry { challenge: second, .. } =
        h.generation.answer(&flow, wrong_answers(&first)).await.expect("answer")
    else {
        panic!("a first wrong answer is retried")
    };
    assert_ne!(first, second);
    let ids = |v: &ChallengeView| v.questions.iter().map(|q| q.id.clone()).collect::<Vec<_>>();
    assert_ne!(ids(&first), ids(&second), "other facts are asked");

    let affiliate = h.affiliate(MARIA).await;
    assert_eq!(
        h.generation.answer(&flow, right_answers(&first, &affiliate)).await.expect("answer"),
        ChallengeOutcome::Retry {
            attempts_left_today: 1,
            attempts_left_total: 7,
            challenge: h.next_view(&flow).await
        },
        "answers to the replaced questions no longer count"
    );
}

#[tokio::test]
async fn the_same_flow_cannot_be_answered_again_after_passing() {
    let h = Harness::new().await;
    let affiliate = h.affiliate(MARIA).await;
    let (flow, view) = h.generation.start(&ident(MARIA)).await.expect("start");
    let answers = right_answers(&view, &affiliate);
    assert!(matches!(h.generation.answer(&flow, answers.clone()).await, Ok(ChallengeOutcome::Passed { .. })));
    let before = h.counter(MARIA).await;
    for again in [answers, wrong_answers(&view)] {
        assert!(matches!(h.generation.answer(&flow, again).await, Err(ServiceError::FlowNotFound)));
    }
    assert_eq!(h.counter(MARIA).await, before, "nothing was counted");
}

#[tokio::test]
async fn an_unknown_or_expired_flow_id_is_not_found_and_changes_nothing() {
    let h = Harness::new().await;
    let (flow, view) = h.generation.start(&ident(MARIA)).await.expect("start");
    let before = h.counter(MARIA).await;

    let random = FlowId::generate();
    assert!(matches!(
        h.generation.answer(&random, wrong_answers(&view)).await,
        Err(ServiceError::FlowNotFound)
    ));

    h.clock.advance(Settings::default().links.flow_ttl);
    assert!(matches!(
        h.generation.answer(&flow, wrong_answers(&view)).await,
        Err(ServiceError::FlowNotFound)
    ));
    assert_eq!(h.counter(MARIA).await, before);
}

#[tokio::test]
async fn a_flow_answers_until_just_before_its_ttl() {
    let h = Harness::new().await;
    let (flow, view) = h.generation.start(&ident(MARIA)).await.expect("start");
    h.clock.advance(Settings::default().links.flow_ttl - SECOND);
    assert!(retry(2, 8)(&h.generation.answer(&flow, wrong_answers(&view)).await.expect("answer")));
}

impl Harness {
    /// The questions the flow now shows, rebuilt the way the service builds them.
    async fn next_view(&self, flow: &FlowId) -> ChallengeView {
        let loaded =
            flows::load::<GenerationState>(&*self.store, flow, GenerationStep::Challenge, self.clock.now())
                .await
                .expect("db")
                .expect("flow at the challenge");
        let id = loaded.state.identification;
        self.generation
            .challenge(&id, &loaded.state.subject, loaded.state.round)
            .await
            .expect("challenge")
            .0
            .view
    }
}
