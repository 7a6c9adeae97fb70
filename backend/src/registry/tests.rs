use chrono::{DateTime, Utc};
use clave_domain::Identification;

use super::*;
use crate::{
    clock::{Clock as _, ManualClock},
    testing::TestDb,
};

const HEADER: &str = "tipo_identificacion,numero_identificacion,nombres,apellidos,fecha_nacimiento,correo,celular,convencional,empleador,fecha_primer_aporte,huella_registrada,nacionalidad\n";

fn now() -> DateTime<Utc> {
    ManualClock::at_institute_time(2026, 11, 21, 9, 0, 0).now()
}

fn csv(lines: &[&str]) -> Vec<u8> {
    format!("{HEADER}{}", lines.join("\n")).into_bytes()
}

const ANA: &str = "cedula,1701234567,Ana,Prueba,1980-01-02,ana@correo.example,0991234567,,Empresa A,2001-05-01,no,Ecuatoriana";
const LUIS: &str = "cedula,0902345677,Luis,Prueba,1970-03-04,,,,,,si,Ecuatoriana";

#[tokio::test]
async fn importing_the_same_file_twice_changes_nothing_the_second_time() {
    let store = TestDb::new().await.store;
    let first = import(&*store, &csv(&[ANA, LUIS]), now(), false).await.expect("import");
    assert_eq!((first.inserted, first.updated, first.unchanged), (2, 0, 0));
    let again = import(&*store, &csv(&[ANA, LUIS]), now(), false).await.expect("import");
    assert_eq!((again.inserted, again.updated, again.unchanged), (0, 0, 2));
    assert_eq!(store.count_affiliates().await.expect("count"), 2);
}

#[tokio::test]
async fn a_changed_row_is_updated_in_place() {
    let store = TestDb::new().await.store;
    import(&*store, &csv(&[ANA]), now(), false).await.expect("import");
    let moved = ANA.replace("Empresa A", "Empresa B").replace(",no,", ",si,");
    let report = import(&*store, &csv(&[&moved]), now(), false).await.expect("import");
    assert_eq!((report.inserted, report.updated), (0, 1));
    let ana = store
        .find_affiliate(&Identification::parse("1701234567").expect("id"))
        .await
        .expect("db")
        .expect("found");
    assert_eq!(ana.employer.as_deref(), Some("Empresa B"));
    assert!(ana.huella_registrada);
    assert_eq!(ana.email.map(|e| e.as_str().to_owned()).as_deref(), Some("ana@correo.example"));
}

#[tokio::test]
async fn a_dry_run_reports_exactly_and_saves_nothing() {
    let store = TestDb::new().await.store;
    import(&*store, &csv(&[ANA]), now(), false).await.expect("import");
    let report = import(&*store, &csv(&[&ANA.replace("Empresa A", "Otra"), LUIS]), now(), true)
        .await
        .expect("dry run");
    assert_eq!((report.inserted, report.updated, report.unchanged, report.dry_run), (1, 1, 0, true));
    assert_eq!(store.count_affiliates().await.expect("count"), 1);
    let ana = store.find_affiliate(&Identification::parse("1701234567").expect("id")).await.expect("db");
    assert_eq!(ana.and_then(|a| a.employer).as_deref(), Some("Empresa A"));
}

#[tokio::test]
async fn a_file_with_one_bad_line_imports_nothing() {
    let store = TestDb::new().await.store;
    let bad = "cedula,1701234568,Mal,Prueba,1980-01-02,,,,,,no,Ecuatoriana";
    let err = import(&*store, &csv(&[LUIS, bad]), now(), false).await.expect_err("must refuse");
    let ImportError::InvalidLines(lines) = err else { panic!("expected line errors") };
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].line, 3);
    assert_eq!(store.count_affiliates().await.expect("count"), 0, "the valid line was not imported either");
}

#[tokio::test]
async fn the_demo_registry_is_seeded_only_into_an_empty_database() {
    let store = TestDb::new().await.store;
    assert!(seed_demo_if_empty(&*store, now()).await.expect("seed"));
    let n = store.count_affiliates().await.expect("count");
    assert!(n >= 5);
    assert!(!seed_demo_if_empty(&*store, now()).await.expect("seed"), "never twice");
    assert_eq!(store.count_affiliates().await.expect("count"), n);

    let other = TestDb::new().await.store;
    import(&*other, &csv(&[ANA]), now(), false).await.expect("import");
    assert!(
        !seed_demo_if_empty(&*other, now()).await.expect("seed"),
        "a real registry is never mixed with demo people"
    );
}

#[tokio::test]
async fn employers_are_sampled_by_row_id_skipping_blanks_and_wrapping_around() {
    let store = TestDb::new().await.store;
    assert_eq!(store.affiliate_id_range().await.expect("range"), None);
    assert!(store.employers_near(&[1, 2]).await.expect("employers").is_empty());
    let third = "cedula,1710034065,Eva,Prueba,1991-05-06,,,,Empresa C,2012-01-01,no,Ecuatoriana";
    import(&*store, &csv(&[ANA, LUIS, third]), now(), false).await.expect("import");
    let ids = store.affiliate_id_range().await.expect("range").expect("not empty");
    let (first, last) = (*ids.start(), *ids.end());
    assert_eq!(last - first, 2, "three rows in a row");
    let found = store.employers_near(&[first, first + 1, last, last + 1, i64::MIN]).await.expect("employers");
    assert_eq!(found, ["Empresa A", "Empresa C", "Empresa C", "Empresa A", "Empresa A"]);
}
