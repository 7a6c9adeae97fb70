//! The foreigner code: `E`, an 8-digit serial and a Luhn check digit.
//!
//! Check digits were cross-checked with python-stdnum's `stdnum.luhn.calc_check_digit`.

use clave_domain::{ForeignerCode, ForeignerCodeError, SerialOutOfRange};
use proptest::prelude::*;

#[test]
fn issuing_a_serial_appends_its_luhn_check_digit() {
    let cases = [
        (12_345_678, "E123456782"),
        (0, "E000000000"),
        (1, "E000000018"),
        (20_240_017, "E202400172"),
        (99_999_999, "E999999998"),
    ];
    for (serial, expected) in cases {
        let code = ForeignerCode::from_serial(serial).expect("in range");
        assert_eq!(code.as_str(), expected);
        assert_eq!(code.serial(), serial);
    }
}

#[test]
fn a_serial_above_eight_digits_cannot_be_issued() {
    assert_eq!(ForeignerCode::from_serial(100_000_000), Err(SerialOutOfRange { serial: 100_000_000 }));
    assert!(ForeignerCode::from_serial(u32::MAX).is_err());
}

#[test]
fn case_spaces_and_hyphens_do_not_matter_and_the_form_is_normalised() {
    for typed in
        ["E123456782", "e123456782", "E12345678-2", " e 1234 5678 - 2 ", "E-12345678-2", "E12345678\u{2014}2"]
    {
        let code = ForeignerCode::parse(typed).expect(typed);
        assert_eq!(code.as_str(), "E123456782", "{typed:?}");
    }
}

#[test]
fn each_rule_reports_its_own_error() {
    let cases = [
        ("", ForeignerCodeError::Empty),
        (" -- ", ForeignerCodeError::Empty),
        ("123456782", ForeignerCodeError::MissingPrefix),
        ("X123456782", ForeignerCodeError::MissingPrefix),
        ("É123456782", ForeignerCodeError::MissingPrefix),
        ("E1234S6782", ForeignerCodeError::InvalidCharacters),
        ("EE123456782", ForeignerCodeError::InvalidCharacters),
        ("E", ForeignerCodeError::WrongLength { found: 0 }),
        ("E12345678", ForeignerCodeError::WrongLength { found: 8 }),
        ("E1234567820", ForeignerCodeError::WrongLength { found: 10 }),
        ("E123456783", ForeignerCodeError::WrongCheckDigit),
        ("E213456782", ForeignerCodeError::WrongCheckDigit),
    ];
    for (typed, expected) in cases {
        assert_eq!(ForeignerCode::parse(typed), Err(expected), "{typed:?}");
    }
}

#[test]
fn the_masked_form_keeps_the_letter_and_the_last_three_digits() {
    let code = ForeignerCode::parse("E123456782").expect("valid");
    assert_eq!(code.masked(), "E******782");
    assert!(!format!("{code:?}").contains("123456782"));
}

#[test]
fn it_serializes_as_its_normal_form_and_deserializes_only_through_parse() {
    let code = ForeignerCode::parse("e12345678-2").expect("valid");
    assert_eq!(serde_json::to_string(&code).expect("serialize"), r#""E123456782""#);
    let back: ForeignerCode = serde_json::from_str(r#""e 12345678 2""#).expect("deserialize");
    assert_eq!(back, code);
    assert!(serde_json::from_str::<ForeignerCode>(r#""E123456783""#).is_err());
}

#[test]
fn every_error_has_a_spanish_and_an_english_message_and_displays_in_spanish() {
    let errors = [
        ForeignerCodeError::Empty,
        ForeignerCodeError::MissingPrefix,
        ForeignerCodeError::InvalidCharacters,
        ForeignerCodeError::WrongLength { found: 3 },
        ForeignerCodeError::WrongCheckDigit,
    ];
    for error in errors {
        assert!(!error.message_es().is_empty() && !error.message_en().is_empty());
        assert_eq!(error.to_string(), error.message_es());
    }
    let out_of_range = SerialOutOfRange { serial: u32::MAX };
    assert_eq!(out_of_range.to_string(), out_of_range.message_es());
    assert!(!out_of_range.message_en().is_empty());
}

fn serial() -> impl Strategy<Value = u32> {
    0..=ForeignerCode::MAX_SERIAL
}

proptest! {
    #[test]
    fn an_issued_code_parses_back_to_itself_and_its_serial(serial in serial()) {
        let code = ForeignerCode::from_serial(serial).expect("in range");
        prop_assert_eq!(code.serial(), serial);
        prop_assert_eq!(ForeignerCode::parse(&format!("{code}")), Ok(code));
    }

    #[test]
    fn any_other_check_digit_is_refused(serial in serial()) {
        let code = ForeignerCode::from_serial(serial).expect("in range");
        let (body, check) = code.as_str().split_at(9);
        for other in ('0'..='9').filter(|&d| d.to_string() != check) {
            prop_assert_eq!(
                ForeignerCode::parse(&format!("{body}{other}")),
                Err(ForeignerCodeError::WrongCheckDigit)
            );
        }
    }

    #[test]
    fn a_single_mistyped_serial_digit_is_always_caught(
        serial in serial(),
        position in 1usize..=8,
        shift in 1u8..=9,
    ) {
        let mut bytes = ForeignerCode::from_serial(serial).expect("in range").to_string().into_bytes();
        bytes[position] = b'0' + (bytes[position] - b'0' + shift) % 10;
        let typo = String::from_utf8(bytes).expect("ascii");
        prop_assert_eq!(ForeignerCode::parse(&typo), Err(ForeignerCodeError::WrongCheckDigit));
    }

    #[test]
    fn parse_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = ForeignerCode::parse(&text);
    }

    #[test]
    fn parse_never_panics_on_code_like_text(text in "[eE0-9 \\-xé]{0,14}") {
        let _ = ForeignerCode::parse(&text);
    }
}
