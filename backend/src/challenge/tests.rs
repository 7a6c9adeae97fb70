use chrono::NaiveDate;
use clave_domain::contact::Mobile;

use super::*;

const SUBJECT: &str = "subject-of-the-test";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).expect("date")
}

fn affiliate() -> Affiliate {
    Affiliate {
        identification: Identification::parse("1701234567").expect("id"),
        names: "María Fernanda".into(),
        surnames: "Ejemplo Andrade".into(),
        birth_date: NaiveDate::from_ymd_opt(1975, 4, 12).expect("date"),
        email: None,
        mobile: Some(Mobile::parse("0991234567").expect("mobile")),
        landline: None,
        employer: Some("Comercial Demostración S.A.".into()),
        first_contribution: NaiveDate::from_ymd_opt(1998, 3, 1),
        huella_registrada: false,
        nationality: "Ecuatoriana".into(),
    }
}

/// Employers sampled from a registry: the affiliate's own among others, one repeated.
fn registry() -> Vec<String> {
    [
        "Comercial Demostración S.A.",
        "Hospital Ficticio del Austro",
        "Universidad Ejemplar",
        "Hospital Ficticio del Austro",
        "Cooperativa Imaginaria de Loja",
        "Industrias Ficticias del Guayas",
    ]
    .map(String::from)
    .to_vec()
}

fn challenger() -> Challenger {
    Challenger::new(&SecretKey::for_tests())
}

fn birth(y: u16, m: u8, d: u8) -> BirthDate {
    BirthDate::new(y, m, d).expect("date")
}

/// Every combination of options of the view, with `date`.
fn every_submission(view: &ChallengeView, date: BirthDate) -> Vec<SubmittedAnswers> {
    let [first, second] = view.questions.as_slice() else { panic!("two questions") };
    let mut all = Vec::new();
    for a in &first.options {
        for b in &second.options {
            let choices = vec![(first.id.clone(), a.id.clone()), (second.id.clone(), b.id.clone())];
            all.push(SubmittedAnswers { birth_date: date, choices });
        }
    }
    all
}

#[test]
fn a_challenge_has_two_questions_of_four_distinct_options_in_both_languages() {
    for round in 0..6 {
        let view = challenger().for_affiliate(&affiliate(), &registry(), SUBJECT, round, today()).view;
        assert_eq!(view.questions.len(), 2);
        for q in &view.questions {
            let mut labels: Vec<&str> = q.options.iter().map(|o| o.label.as_str()).collect();
            labels.dedup();
            assert_eq!(labels.len(), 4, "{q:?}");
            assert!(q.text_es.starts_with('¿') && q.text_en.ends_with('?'));
        }
    }
}

#[test]
fn exactly_one_combination_passes_for_a_registered_affiliate_and_only_with_the_full_birth_date() {
    let challenge = challenger().for_affiliate(&affiliate(), &registry(), SUBJECT, 0, today());
    let passing = every_submission(&challenge.view, birth(1975, 4, 12))
        .into_iter()
        .filter(|s| challenge.answers.accept(s))
        .collect::<Vec<_>>();
    assert_eq!(passing.len(), 1);
    for near in [birth(1975, 4, 13), birth(1975, 12, 4), birth(1976, 4, 12)] {
        let mut wrong = passing[0].clone();
        wrong.birth_date = near;
        assert!(!challenge.answers.accept(&wrong));
    }
    let mut extra = passing[0].clone();
    extra.choices.push(("employer".into(), "a".into()));
    assert!(!challenge.answers.accept(&extra), "nothing but the expected choices");
}

#[test]
fn consecutive_rounds_ask_other_facts_but_keep_each_facts_options() {
    let c = challenger();
    let views: Vec<ChallengeView> =
        (0..6).map(|r| c.for_affiliate(&affiliate(), &registry(), SUBJECT, r, today()).view).collect();
    let mut options_by_fact = std::collections::HashMap::<String, Vec<String>>::new();
    for pair in views.windows(2) {
        let ids = |v: &ChallengeView| {
            let mut ids: Vec<String> = v.questions.iter().map(|q| q.id.clone()).collect();
            ids.sort();
            ids
        };
        assert_ne!(ids(&pair[0]), ids(&pair[1]));
    }
    for q in views.iter().flat_map(|v| &v.questions) {
        let mut labels: Vec<String> = q.options.iter().map(|o| o.label.clone()).collect();
        labels.sort();
        let known = options_by_fact.entry(q.id.clone()).or_insert_with(|| labels.clone());
        assert_eq!(*known, labels, "the decoys of {} never change, so they cannot be intersected away", q.id);
    }
}

#[test]
fn the_decoy_challenge_is_deterministic_plausible_and_never_passes() {
    let c = challenger();
    let unknown = Identification::parse("1710034065").expect("id");
    for round in 0..6 {
        let challenge = c.for_unknown(&unknown, &registry(), SUBJECT, round, today());
        assert_eq!(challenge.view, c.for_unknown(&unknown, &registry(), SUBJECT, round, today()).view);
        assert_eq!(challenge.view.questions.iter().map(|q| q.options.len()).collect::<Vec<_>>(), [4, 4]);
        for year in (1940..=2010).step_by(7) {
            for submission in every_submission(&challenge.view, birth(year, 6, 15)) {
                assert!(!challenge.answers.accept(&submission));
            }
        }
    }
    let other = Identification::parse("1104567894").expect("id");
    assert_ne!(
        c.for_unknown(&unknown, &registry(), SUBJECT, 0, today()).view,
        c.for_unknown(&other, &registry(), "other", 0, today()).view
    );
}

#[test]
fn an_affiliate_missing_a_registry_fact_cannot_pass_that_question() {
    let mut without_employer = affiliate();
    without_employer.employer = None;
    let c = challenger();
    let round = (0..6)
        .find(|&r| {
            c.for_affiliate(&without_employer, &registry(), SUBJECT, r, today())
                .view
                .questions
                .iter()
                .any(|q| q.id == "employer")
        })
        .expect("some round asks for the employer");
    let challenge = c.for_affiliate(&without_employer, &registry(), SUBJECT, round, today());
    assert!(
        every_submission(&challenge.view, birth(1975, 4, 12)).iter().all(|s| !challenge.answers.accept(s))
    );
}

#[test]
fn expected_and_submitted_answers_never_print() {
    let challenge = challenger().for_affiliate(&affiliate(), &registry(), SUBJECT, 0, today());
    let printed = format!("{:?} {:?}", challenge.answers, challenge);
    assert!(!printed.contains("1975"), "{printed}");
    assert!(printed.contains("ChallengeAnswers([REDACTED])"));
    let submitted =
        SubmittedAnswers { birth_date: birth(1975, 4, 12), choices: vec![("employer".into(), "b".into())] };
    let printed = format!("{submitted:?}");
    assert!(!printed.contains("1975") && !printed.contains("employer"), "{printed}");
    assert_eq!(format!("{:?}", challenger()), "Challenger([REDACTED])");
}

fn employer_labels(view: &ChallengeView) -> Option<Vec<String>> {
    let question = view.questions.iter().find(|q| q.id == "employer")?;
    let mut labels: Vec<String> = question.options.iter().map(|o| o.label.clone()).collect();
    labels.sort();
    Some(labels)
}

#[test]
fn every_employer_option_comes_from_the_registry_for_registered_and_unknown_numbers_alike() {
    let c = challenger();
    let unknown = Identification::parse("1710034065").expect("id");
    let views = (0..6).flat_map(|round| {
        [
            c.for_affiliate(&affiliate(), &registry(), SUBJECT, round, today()).view,
            c.for_unknown(&unknown, &registry(), "unknown-subject", round, today()).view,
        ]
    });
    let mut asked = 0;
    for labels in views.filter_map(|v| employer_labels(&v)) {
        asked += 1;
        assert_eq!(labels.len(), 4);
        assert!(labels.iter().all(|l| registry().contains(l)), "{labels:?}");
    }
    assert!(asked >= 4, "both numbers were asked about the employer");
}

#[test]
fn the_built_in_employers_only_fill_in_when_the_registry_has_too_few() {
    let c = challenger();
    let few = vec!["Comercial Demostración S.A.".to_owned(), "Universidad Ejemplar".to_owned()];
    let labels = (0..6)
        .find_map(|r| employer_labels(&c.for_affiliate(&affiliate(), &few, SUBJECT, r, today()).view))
        .expect("some round asks for the employer");
    assert!(few.iter().all(|e| labels.contains(e)), "the registry's employers come first: {labels:?}");
    assert!(labels.iter().filter(|l| decoys::EMPLOYERS.contains(&l.as_str())).count() == 2, "{labels:?}");
}

#[test]
fn employer_probes_are_fixed_per_person_and_inside_the_registry() {
    let c = challenger();
    let probes = c.employer_probes(SUBJECT, 5..=40);
    assert_eq!(probes, c.employer_probes(SUBJECT, 5..=40));
    assert_ne!(probes, c.employer_probes("another-subject", 5..=40));
    assert!(!probes.is_empty() && probes.iter().all(|p| (5..=40).contains(p)));
    assert_eq!(c.employer_probes(SUBJECT, 7..=7), vec![7; probes.len()]);
}
