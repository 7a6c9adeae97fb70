//! Normalisation of security answers (DESIGN §5.3).

use clave_domain::{AnswerError, MAX_ANSWER_CHARS, NormalizedAnswer, normalize_answer};
use proptest::prelude::*;

#[test]
fn accents_and_the_tilde_of_enye_are_removed() {
    assert_eq!(normalize_answer("Peña"), "pena");
    assert_eq!(normalize_answer("pena"), normalize_answer("PEÑA"));
    assert_eq!(normalize_answer("Año"), "ano");
    assert_eq!(normalize_answer("Ibarra, Imbabura — Ecuador"), "ibarra, imbabura — ecuador");
    assert_eq!(normalize_answer("SAN JOSÉ"), "san jose");
}

#[test]
fn surrounding_spaces_are_trimmed_and_inner_runs_become_one_space() {
    assert_eq!(normalize_answer("   la   Tola \t alta\n"), "la tola alta");
}

#[test]
fn punctuation_at_the_ends_is_removed_but_kept_inside() {
    assert_eq!(normalize_answer("¿Quito?"), "quito");
    assert_eq!(normalize_answer("«Firulais»."), "firulais");
    assert_eq!(normalize_answer("...Dr. House!!"), "dr. house");
    assert_eq!(normalize_answer("O'Higgins"), "o'higgins");
}

#[test]
fn compatibility_forms_match_their_plain_letters() {
    assert_eq!(normalize_answer("ＱＵＩＴＯ"), "quito");
    assert_eq!(normalize_answer("ﬁdel\u{00A0}castro"), "fidel castro");
}

#[test]
fn an_answer_of_only_spaces_or_punctuation_is_empty() {
    for answer in ["", "   ", " ¿?. ", "\t\n"] {
        assert_eq!(NormalizedAnswer::parse(answer), Err(AnswerError::Empty), "{answer:?}");
    }
}

#[test]
fn the_length_limit_applies_to_the_normalised_answer() {
    let at_limit = "a".repeat(MAX_ANSWER_CHARS);
    assert_eq!(NormalizedAnswer::parse(&at_limit).map(|a| a.as_str().len()), Ok(MAX_ANSWER_CHARS));
    assert_eq!(NormalizedAnswer::parse(&format!("{at_limit}b")), Err(AnswerError::TooLong));
    let padded = format!("   {at_limit}   ...");
    assert!(NormalizedAnswer::parse(&padded).is_ok());
    let accented = "é".repeat(MAX_ANSWER_CHARS);
    assert!(NormalizedAnswer::parse(&accented).is_ok());
}

#[test]
fn a_normalized_answer_holds_the_normal_form() {
    let answer = NormalizedAnswer::parse("  Peña  Blanca. ").expect("valid");
    assert_eq!(answer.as_str(), "pena blanca");
}

#[test]
fn debug_output_never_shows_the_answer() {
    let answer = NormalizedAnswer::parse("Firulais").expect("valid");
    assert!(!format!("{answer:?}").contains("firulais"));
}

#[test]
fn every_error_has_both_messages_and_displays_in_spanish() {
    for error in [AnswerError::Empty, AnswerError::TooLong] {
        assert!(!error.message_es().is_empty() && !error.message_en().is_empty());
        assert_eq!(error.to_string(), error.message_es());
    }
    assert!(AnswerError::TooLong.message_es().contains(&MAX_ANSWER_CHARS.to_string()));
}

proptest! {
    #[test]
    fn normalizing_twice_gives_the_same_result_as_once(answer in any::<String>()) {
        let once = normalize_answer(&answer);
        prop_assert_eq!(normalize_answer(&once), once);
    }

    #[test]
    fn normalizing_spanish_like_text_twice_gives_the_same_result(
        answer in "[ a-zA-ZáéíóúÁÉÍÓÚñÑüÜ.,;:¿?¡!'\t-]{0,40}"
    ) {
        let once = normalize_answer(&answer);
        prop_assert_eq!(normalize_answer(&once), once);
    }

    #[test]
    fn the_result_has_no_surrounding_or_doubled_whitespace(answer in any::<String>()) {
        let normalized = normalize_answer(&answer);
        prop_assert_eq!(normalized.trim(), normalized.as_str());
        prop_assert!(!normalized.contains("  "));
        prop_assert!(!normalized.chars().any(|c| c.is_whitespace() && c != ' '));
    }

    #[test]
    fn case_and_accents_never_change_the_result(answer in "[a-zñ ]{0,30}") {
        let shouted = answer.to_uppercase();
        prop_assert_eq!(normalize_answer(&shouted), normalize_answer(&answer));
    }
}
