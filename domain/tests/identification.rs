//! One field, two kinds: a leading letter means a foreigner code, anything else a cédula.

use clave_domain::{
    Cedula, CedulaError, ForeignerCode, ForeignerCodeError, Identification, IdentificationError,
    IdentificationKind,
};
use proptest::prelude::*;

#[test]
fn digits_are_read_as_a_cedula() {
    let id = Identification::parse("171430710-3").expect("valid");
    assert_eq!(id.kind(), IdentificationKind::Cedula);
    assert_eq!(id.as_str(), "1714307103");
    assert_eq!(id.masked(), "*******103");
    assert!(matches!(id, Identification::Cedula(_)));
}

#[test]
fn a_leading_letter_is_read_as_a_foreigner_code() {
    let id = Identification::parse(" e12345678-2").expect("valid");
    assert_eq!(id.kind(), IdentificationKind::Foreigner);
    assert_eq!(id.as_str(), "E123456782");
    assert_eq!(id.masked(), "E******782");
}

#[test]
fn the_error_comes_from_the_kind_the_first_character_chose() {
    let cases = [
        ("", IdentificationError::Empty),
        ("  - ", IdentificationError::Empty),
        ("17143O7103", CedulaError::InvalidCharacters.into()),
        ("1714307104", CedulaError::WrongCheckDigit.into()),
        ("+593987654321", CedulaError::InvalidCharacters.into()),
        ("X123456782", ForeignerCodeError::MissingPrefix.into()),
        ("ñ", ForeignerCodeError::MissingPrefix.into()),
        ("E12345678", ForeignerCodeError::WrongLength { found: 8 }.into()),
    ];
    for (typed, expected) in cases {
        assert_eq!(Identification::parse(typed), Err(expected), "{typed:?}");
    }
}

#[test]
fn wrapped_errors_keep_the_message_of_the_inner_error() {
    let error = IdentificationError::from(CedulaError::WrongCheckDigit);
    assert_eq!(error.message_es(), CedulaError::WrongCheckDigit.message_es());
    assert_eq!(error.message_en(), CedulaError::WrongCheckDigit.message_en());
    assert_eq!(error.to_string(), error.message_es());
    let empty = IdentificationError::Empty;
    assert_eq!(empty.to_string(), empty.message_es());
    assert!(!empty.message_en().is_empty());
}

#[test]
fn the_kind_is_stored_as_cedula_or_extranjero() {
    assert_eq!(IdentificationKind::Cedula.as_str(), "cedula");
    assert_eq!(IdentificationKind::Foreigner.as_str(), "extranjero");
    assert_eq!(serde_json::to_string(&IdentificationKind::Foreigner).expect("serialize"), r#""extranjero""#);
    let kind: IdentificationKind = serde_json::from_str(r#""cedula""#).expect("deserialize");
    assert_eq!(kind, IdentificationKind::Cedula);
    assert_eq!("extranjero".parse(), Ok(IdentificationKind::Foreigner));
    assert!("Cedula".parse::<IdentificationKind>().is_err());
}

#[test]
fn it_serializes_as_a_plain_string_and_deserializes_only_through_parse() {
    let cedula = Identification::parse("1714307103").expect("valid");
    let code = Identification::parse("E123456782").expect("valid");
    assert_eq!(serde_json::to_string(&cedula).expect("serialize"), r#""1714307103""#);
    assert_eq!(serde_json::to_string(&code).expect("serialize"), r#""E123456782""#);
    let back: Identification = serde_json::from_str(r#""e12345678-2""#).expect("deserialize");
    assert_eq!(back, code);
    assert!(serde_json::from_str::<Identification>(r#""1714307104""#).is_err());
    assert!(serde_json::from_str::<Identification>(r#""""#).is_err());
}

#[test]
fn both_newtypes_convert_into_an_identification() {
    let cedula = Cedula::parse("1714307103").expect("valid");
    let code = ForeignerCode::parse("E123456782").expect("valid");
    assert_eq!(Identification::from(cedula.clone()), Identification::Cedula(cedula));
    assert_eq!(Identification::from(code.clone()), Identification::Foreigner(code));
}

proptest! {
    #[test]
    fn parse_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = Identification::parse(&text);
    }

    #[test]
    fn parsing_the_displayed_form_of_a_foreigner_code_gives_it_back(serial in 0..=ForeignerCode::MAX_SERIAL) {
        let id = Identification::from(ForeignerCode::from_serial(serial).expect("in range"));
        prop_assert_eq!(Identification::parse(&format!("{id}")), Ok(id));
    }

    #[test]
    fn parsing_the_displayed_form_of_a_cedula_gives_it_back(
        prefix in "(0[1-9]|1[0-9]|2[0-4]|30|50)[0-6][0-9]{6}"
    ) {
        // Exactly one of the ten possible check digits makes the prefix valid.
        let cedulas: Vec<Cedula> = (0..=9)
            .filter_map(|check| Cedula::parse(&format!("{prefix}{check}")).ok())
            .collect();
        prop_assert_eq!(cedulas.len(), 1);
        let id = Identification::from(cedulas[0].clone());
        prop_assert_eq!(Identification::parse(&format!("{id}")), Ok(id));
    }
}
