//! The cédula accepts exactly what python-stdnum's `stdnum.ec.ci` accepts.
//!
//! The tables were cross-checked with python-stdnum 2.2 (`ci.is_valid` / `ci.validate`).

use clave_domain::{Cedula, CedulaError};
use proptest::prelude::*;

/// Valid cédulas generated for these tests and confirmed valid by `stdnum.ec.ci.is_valid`: every
/// province range, the abroad code 30, code 50, and third digits 0–6.
const VALID: [&str; 15] = [
    "1714307103", // stdnum's own doctest example
    "0105260186",
    "0231590837",
    "0910166131",
    "0961860913",
    "1023909961",
    "1300308242",
    "1716281942",
    "1758219933",
    "1845181906",
    "2409378656",
    "3027975436",
    "5002319480",
    "1167574910",
    "0701862526",
];

/// The spec's checksum, written independently of the crate: weights 2,1,2,1,… from the left,
/// products above 9 reduced by 9, total a multiple of 10.
fn check_digit_for(prefix: &[u8; 9]) -> u8 {
    let sum: u32 = prefix
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let p = u32::from(d) * if i % 2 == 0 { 2 } else { 1 };
            if p > 9 { p - 9 } else { p }
        })
        .sum();
    // Position 9 has weight 1, so the check digit is what tops the sum up to a multiple of 10.
    u8::try_from((10 - sum % 10) % 10).expect("a digit")
}

fn number_from(prefix: &[u8; 9], check: u8) -> String {
    prefix.iter().chain(std::iter::once(&check)).map(|d| char::from(b'0' + d)).collect()
}

#[test]
fn every_cedula_in_the_table_is_accepted_unchanged() {
    for number in VALID {
        let cedula = Cedula::parse(number).expect(number);
        assert_eq!(cedula.as_str(), number);
        assert_eq!(cedula.to_string(), number);
    }
}

#[test]
fn spaces_hyphens_and_surrounding_whitespace_are_ignored() {
    for typed in ["171430710-3", " 17 1430 7103 ", "1714-307-103", "\t1714307103\n", "1-7-1-4-3-0-7-1-0-3"] {
        assert_eq!(Cedula::parse(typed).expect(typed).as_str(), "1714307103");
    }
}

#[test]
fn unicode_dashes_spaces_and_full_width_digits_are_accepted_like_stdnum_does() {
    for typed in [
        "171430710\u{2013}3",
        "1714\u{00A0}307103",
        "\u{FF11}\u{FF17}\u{FF11}\u{FF14}\u{FF13}\u{FF10}\u{FF17}\u{FF11}\u{FF10}\u{FF13}",
    ] {
        assert_eq!(Cedula::parse(typed).expect(typed).as_str(), "1714307103");
    }
}

#[test]
fn each_rule_reports_its_own_error() {
    // Every number below is also rejected by stdnum.ec.ci.validate.
    let cases = [
        ("", CedulaError::Empty),
        (" - ", CedulaError::Empty),
        ("17143O7103", CedulaError::InvalidCharacters),
        ("1714\t307103", CedulaError::InvalidCharacters),
        ("1714.307.103", CedulaError::InvalidCharacters),
        ("+1714307103", CedulaError::InvalidCharacters),
        ("171430710", CedulaError::WrongLength { found: 9 }),
        ("17143071033", CedulaError::WrongLength { found: 11 }),
        ("0014307103", CedulaError::UnknownProvince { code: 0 }),
        ("2514307103", CedulaError::UnknownProvince { code: 25 }),
        ("2914307103", CedulaError::UnknownProvince { code: 29 }),
        ("3114307103", CedulaError::UnknownProvince { code: 31 }),
        ("4914307103", CedulaError::UnknownProvince { code: 49 }),
        ("5114307103", CedulaError::UnknownProvince { code: 51 }),
        ("9914307103", CedulaError::UnknownProvince { code: 99 }),
        ("1774307103", CedulaError::InvalidThirdDigit { digit: 7 }),
        ("1794307103", CedulaError::InvalidThirdDigit { digit: 9 }),
        ("1714307104", CedulaError::WrongCheckDigit),
        ("1714307100", CedulaError::WrongCheckDigit),
    ];
    for (typed, expected) in cases {
        assert_eq!(Cedula::parse(typed), Err(expected), "{typed:?}");
    }
}

#[test]
fn the_masked_form_shows_only_the_last_three_digits() {
    let cedula = Cedula::parse("1714307103").expect("valid");
    assert_eq!(cedula.masked(), "*******103");
}

#[test]
fn debug_output_never_shows_the_full_number() {
    let cedula = Cedula::parse("1714307103").expect("valid");
    let debug = format!("{cedula:?}");
    assert!(!debug.contains("1714307103"), "{debug}");
    assert!(debug.contains("*******103"), "{debug}");
}

#[test]
fn it_serializes_as_its_digits_and_deserializes_only_through_parse() {
    let cedula = Cedula::parse("171430710-3").expect("valid");
    assert_eq!(serde_json::to_string(&cedula).expect("serialize"), r#""1714307103""#);
    let back: Cedula = serde_json::from_str(r#""171430710-3""#).expect("deserialize");
    assert_eq!(back, cedula);
    assert!(serde_json::from_str::<Cedula>(r#""1714307104""#).is_err());
    assert!(serde_json::from_str::<Cedula>("1714307103").is_err());
}

#[test]
fn every_error_has_a_spanish_and_an_english_message_and_displays_in_spanish() {
    let errors = [
        CedulaError::Empty,
        CedulaError::InvalidCharacters,
        CedulaError::WrongLength { found: 9 },
        CedulaError::UnknownProvince { code: 25 },
        CedulaError::InvalidThirdDigit { digit: 7 },
        CedulaError::WrongCheckDigit,
    ];
    for error in errors {
        assert!(!error.message_es().is_empty() && !error.message_en().is_empty());
        assert_eq!(error.to_string(), error.message_es());
    }
    assert_eq!(CedulaError::WrongLength { found: 9 }.message_es(), "La cédula debe tener 10 dígitos.");
    assert_eq!(
        CedulaError::WrongCheckDigit.message_es(),
        "El último dígito de la cédula no es correcto. Revise el número."
    );
}

fn valid_prefix() -> impl Strategy<Value = [u8; 9]> {
    (prop_oneof![1u8..=24, Just(30u8), Just(50u8)], 0u8..=6, proptest::array::uniform6(0u8..=9)).prop_map(
        |(province, third, rest)| {
            let mut prefix = [0u8; 9];
            prefix[0] = province / 10;
            prefix[1] = province % 10;
            prefix[2] = third;
            prefix[3..].copy_from_slice(&rest);
            prefix
        },
    )
}

fn valid_cedula() -> impl Strategy<Value = Cedula> {
    valid_prefix().prop_map(|prefix| {
        Cedula::parse(&number_from(&prefix, check_digit_for(&prefix))).expect("valid by construction")
    })
}

proptest! {
    #[test]
    fn a_valid_prefix_with_its_check_digit_parses_and_any_other_check_digit_fails(
        prefix in valid_prefix()
    ) {
        let check = check_digit_for(&prefix);
        let number = number_from(&prefix, check);
        prop_assert_eq!(Cedula::parse(&number).map(|c| c.to_string()), Ok(number));
        for other in (0u8..=9).filter(|&d| d != check) {
            prop_assert_eq!(
                Cedula::parse(&number_from(&prefix, other)),
                Err(CedulaError::WrongCheckDigit)
            );
        }
    }

    #[test]
    fn parse_never_panics_on_arbitrary_text(text in any::<String>()) {
        let _ = Cedula::parse(&text);
    }

    #[test]
    fn parse_never_panics_on_digit_heavy_text(text in "[0-9 \\-\t.]{0,14}") {
        let _ = Cedula::parse(&text);
    }

    #[test]
    fn parsing_the_displayed_form_gives_back_the_same_cedula(cedula in valid_cedula()) {
        let displayed = format!("{cedula}");
        prop_assert_eq!(Cedula::parse(&displayed), Ok(cedula));
    }

    #[test]
    fn separators_inserted_anywhere_do_not_change_the_result(
        cedula in valid_cedula(),
        cuts in proptest::collection::vec((0usize..=10, prop_oneof![Just(" "), Just("-")]), 0..5),
    ) {
        let mut typed = cedula.to_string();
        let mut cuts = cuts;
        cuts.sort_by_key(|cut| std::cmp::Reverse(cut.0));
        for (at, separator) in cuts {
            typed.insert_str(at, separator);
        }
        prop_assert_eq!(Cedula::parse(&typed), Ok(cedula));
    }
}
