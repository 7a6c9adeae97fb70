use super::*;

const HEADER: &str = "tipo_identificacion,numero_identificacion,nombres,apellidos,fecha_nacimiento,correo,celular,convencional,empleador,fecha_primer_aporte,huella_registrada,nacionalidad";

fn file(lines: &[&str]) -> Vec<u8> {
    let mut s = String::from(HEADER);
    for l in lines {
        s.push('\n');
        s.push_str(l);
    }
    s.into_bytes()
}

#[test]
fn the_demo_registry_parses() {
    let rows = parse_csv(super::super::DEMO_CSV.as_bytes()).expect("demo is valid");
    assert!(rows.len() >= 5);
    assert!(rows.iter().any(|a| a.huella_registrada));
    assert!(rows.iter().any(|a| !a.huella_registrada));
    assert!(rows.iter().any(|a| a.identification.kind() == IdentificationKind::Foreigner));
}

#[test]
fn a_valid_line_becomes_an_affiliate_with_normalised_contacts() {
    let rows = parse_csv(&file(&[
        "cedula,170123456-7,Ana,Prueba,1980-01-02, ANA@Correo.Example ,099 123 4567,,Empresa,2001-05-01,sí,Ecuatoriana",
    ]))
    .expect("valid");
    let a = &rows[0];
    assert_eq!(a.identification.as_str(), "1701234567");
    assert_eq!(a.email.as_ref().map(|e| e.as_str()), Some("ANA@correo.example"));
    assert_eq!(a.mobile.as_ref().map(|m| m.as_str()), Some("0991234567"));
    assert_eq!(a.landline, None);
    assert!(a.huella_registrada);
}

#[test]
fn every_bad_line_is_reported_with_its_number_and_reason() {
    let errors = parse_csv(&file(&[
        "cedula,1701234567,Ana,Prueba,1980-01-02,,,,,,no,Ecuatoriana",
        "cedula,1701234568,Luis,Prueba,1980-01-02,,,,,,no,Ecuatoriana",
        "cedula,1701234567,Ana,Otra,1980-01-02,,,,,,no,Ecuatoriana",
        "cedula,0902345677,Eva,Prueba,02/01/1980,,,,,,no,Ecuatoriana",
        "extranjero,0103456786,Eva,Prueba,1980-01-02,,,,,,no,Peruana",
        "cedula,1104567894,Eva,Prueba,1980-01-02,eva@,,,,,no,Ecuatoriana",
        "cedula,1104567894",
    ]))
    .expect_err("invalid");
    let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![3, 4, 5, 6, 7, 8], "{errors:?}");
    assert!(errors[0].reason.contains("numero_identificacion"), "{}", errors[0]);
    assert!(errors[1].reason.contains("repetida") && errors[1].reason.contains("línea 2"), "{}", errors[1]);
    assert!(errors[2].reason.contains("AAAA-MM-DD"), "{}", errors[2]);
    assert!(errors[3].reason.contains("no corresponde"), "{}", errors[3]);
    assert!(errors[4].reason.contains("correo"), "{}", errors[4]);
    assert!(errors[5].reason.contains("columnas"), "{}", errors[5]);
}

#[test]
fn a_file_without_the_expected_columns_is_refused() {
    let errors = parse_csv(b"cedula,nombre\n1701234567,Ana").expect_err("invalid");
    assert_eq!(errors[0].line, 2, "{errors:?}");
    assert!(errors[0].reason.contains("columna"), "{}", errors[0]);
}

#[test]
fn an_empty_file_is_refused() {
    assert!(parse_csv(HEADER.as_bytes()).is_err());
    assert!(parse_csv(b"").is_err());
}
