//! The employer question draws every option from the registry (DESIGN §5.1): a decoy list of
//! its own would single out the real employer, and mark an unknown number by having no real one.

use super::*;

/// Twelve affiliates, each with an employer of its own.
const EMPLOYERS: usize = 12;

/// The `n`th cédula of the test registry: province 17, the check digit found by trying.
fn cedula(n: usize) -> Identification {
    (0..10)
        .find_map(|check| Identification::parse(&format!("17{n:07}{check}")).ok())
        .expect("one check digit fits")
}

fn employer(n: usize) -> String {
    format!("Empleador Registrado Número {n} S.A.")
}

/// A harness whose registry has [`EMPLOYERS`] affiliates with distinct employers, and the first
/// of them.
async fn registry_of_distinct_employers() -> (Harness, Affiliate) {
    let db = TestDb::new().await;
    let template = Harness::new().await.affiliate(MARIA).await;
    let rows: Vec<Affiliate> = (1..=EMPLOYERS)
        .map(|n| Affiliate { identification: cedula(n), employer: Some(employer(n)), ..template.clone() })
        .collect();
    db.store.upsert_affiliates(&rows, template_time(), false).await.expect("registry");
    (Harness::on(db).await, rows[0].clone())
}

fn template_time() -> chrono::DateTime<chrono::Utc> {
    ManualClock::at_institute_time(2026, 3, 1, 9, 0, 0).now()
}

fn employer_labels(view: &ChallengeView) -> Option<Vec<String>> {
    let question = view.questions.iter().find(|q| q.id == "employer")?;
    let mut labels: Vec<String> = question.options.iter().map(|o| o.label.clone()).collect();
    labels.sort();
    Some(labels)
}

/// The views of two starts and of the two wrong-answer rounds that follow: three consecutive
/// rounds, two of which ask for the employer.
async fn views_of(h: &Harness, id: &Identification) -> Vec<ChallengeView> {
    let (_, first) = h.generation.start(id).await.expect("start");
    let (flow, again) = h.generation.start(id).await.expect("start");
    assert_eq!(first, again, "a second start shows the same questions");
    let mut views = vec![first, again];
    for _ in 0..2 {
        let last = views.last().expect("a view");
        let ChallengeOutcome::Retry { challenge, .. } =
            h.generation.answer(&flow, wrong_answers(last)).await.expect("answer")
        else {
            panic!("a wrong answer is retried")
        };
        views.push(challenge);
    }
    views
}

#[tokio::test]
async fn every_employer_option_is_a_registry_employer_for_registered_and_unknown_numbers() {
    let (h, registered) = registry_of_distinct_employers().await;
    let in_registry: Vec<String> = (1..=EMPLOYERS).map(employer).collect();
    for id in [registered.identification.clone(), ident(UNKNOWN)] {
        let asked: Vec<Vec<String>> = views_of(&h, &id).await.iter().filter_map(employer_labels).collect();
        assert!(asked.len() >= 2, "two of three consecutive rounds ask for the employer");
        for labels in asked {
            assert_eq!(labels.len(), 4);
            assert!(labels.iter().all(|l| in_registry.contains(l)), "{labels:?}");
        }
    }
}

#[tokio::test]
async fn the_employer_options_stay_the_same_across_starts_and_wrong_answer_rounds() {
    let (h, registered) = registry_of_distinct_employers().await;
    for id in [registered.identification.clone(), ident(UNKNOWN)] {
        let asked: Vec<Vec<String>> = views_of(&h, &id).await.iter().filter_map(employer_labels).collect();
        assert!(asked.len() >= 2, "two of three consecutive rounds ask for the employer");
        assert!(asked.windows(2).all(|w| w[0] == w[1]), "{asked:?}");
    }
}

#[tokio::test]
async fn the_real_employer_is_always_an_option_and_the_right_answers_pass() {
    let (h, registered) = registry_of_distinct_employers().await;
    for labels in views_of(&h, &registered.identification).await.iter().filter_map(employer_labels) {
        assert!(labels.contains(&employer(1)), "{labels:?}");
    }
    let (flow, view) = h.generation.start(&registered.identification).await.expect("start");
    // `right_answers` looks every true value up among the options.
    assert_eq!(
        h.generation.answer(&flow, right_answers(&view, &registered)).await.expect("answer"),
        ChallengeOutcome::Passed { next: NextStep::PersonalData }
    );
}

#[tokio::test]
async fn a_registry_without_employers_still_gives_four_employer_options() {
    let db = TestDb::new().await;
    let mut nobody_employed = Harness::new().await.affiliate(MARIA).await;
    nobody_employed.employer = None;
    db.store.upsert_affiliates(&[nobody_employed], template_time(), false).await.expect("registry");
    let h = Harness::on(db).await;
    for id in [ident(MARIA), ident(UNKNOWN)] {
        for view in views_of(&h, &id).await {
            assert!(employer_labels(&view).is_none_or(|labels| labels.len() == 4));
        }
    }
}
