//! The password policy of DESIGN §5.2 (the rules that need no strength estimator).

use clave_domain::{BirthDate, PasswordContext, PasswordProblem, PasswordRules, check_password};
use proptest::prelude::*;

fn maria() -> PasswordContext {
    PasswordContext {
        identification: "171430710-3".to_owned(),
        names: vec!["María José".to_owned(), "Muñoz de la Torre".to_owned()],
        birth_date: Some(BirthDate::new(1958, 3, 7).expect("valid date")),
    }
}

fn problems(password: &str) -> Vec<PasswordProblem> {
    check_password(password, &maria())
}

#[test]
fn a_good_password_passes_every_rule() {
    for password in ["Tortuga-Azul-Galápagos-7", "mi casa tiene 3 ventanas!", "ñandú€¿?{}~"] {
        assert_eq!(problems(password), vec![], "{password}");
    }
}

#[test]
fn fewer_than_eight_characters_is_too_short() {
    assert_eq!(problems("Ab3$xyz"), vec![PasswordProblem::TooShort]);
    assert_eq!(problems("Ab3$xyzw"), vec![]);
}

#[test]
fn more_than_sixty_four_characters_is_too_long() {
    let at_limit = "Ab3$".repeat(16);
    assert_eq!(problems(&at_limit), vec![]);
    assert_eq!(problems(&format!("{at_limit}x")), vec![PasswordProblem::TooLong]);
}

#[test]
fn length_counts_characters_not_bytes() {
    assert_eq!(problems("ñÑáéíóú"), vec![PasswordProblem::TooShort]);
    let sixty_four_two_byte_chars = "ñÁ".repeat(32);
    assert_eq!(problems(&sixty_four_two_byte_chars), vec![]);
}

#[test]
fn control_characters_are_refused() {
    for password in ["buena\tclave-2024", "buena\nclave-2024", "buena\u{7f}clave-2024", "\u{0}Abcdefgh1"] {
        assert_eq!(problems(password), vec![PasswordProblem::ControlCharacter], "{password:?}");
    }
}

#[test]
fn the_identification_number_is_refused_in_any_written_form() {
    for password in ["x1714307103y", "17-1430-7103!", "mi171430710", "1714 307 103"] {
        assert_eq!(problems(password), vec![PasswordProblem::ContainsIdentification], "{password}");
    }
}

#[test]
fn a_foreigner_code_is_refused_with_or_without_its_letter_and_check_digit() {
    let ctx = PasswordContext { identification: "E12345678-2".to_owned(), ..PasswordContext::default() };
    for password in ["clave e123456782", "x123456782x", "Gato12345678"] {
        assert_eq!(
            check_password(password, &ctx),
            vec![PasswordProblem::ContainsIdentification],
            "{password}"
        );
    }
}

#[test]
fn a_missing_identification_refuses_nothing() {
    let ctx = PasswordContext::default();
    assert_eq!(check_password("Tortuga-Azul-7", &ctx), vec![]);
}

#[test]
fn a_surname_is_refused_ignoring_case_and_accents() {
    assert_eq!(problems("munoz2024!"), vec![PasswordProblem::ContainsName]);
    assert_eq!(problems("MUÑOZ-2024"), vec![PasswordProblem::ContainsName]);
    assert_eq!(problems("Torre!Alta99"), vec![PasswordProblem::ContainsName]);
}

#[test]
fn a_first_name_is_refused_ignoring_case_and_accents() {
    assert_eq!(problems("xx-MARIA-xx"), vec![PasswordProblem::ContainsName]);
    assert_eq!(problems("Jose.Perro.9"), vec![PasswordProblem::ContainsName]);
}

#[test]
fn words_shorter_than_three_letters_and_surname_particles_are_not_names() {
    let ctx = PasswordContext {
        names: vec!["Li de los Ríos".to_owned(), "Ana del Pezo".to_owned()],
        ..PasswordContext::default()
    };
    assert_eq!(check_password("delgado-lista-modelos", &ctx), vec![]);
    assert_eq!(check_password("banana-split-77", &ctx), vec![PasswordProblem::ContainsName]);
    assert_eq!(check_password("Rios-del-Norte", &ctx), vec![PasswordProblem::ContainsName]);
}

#[test]
fn the_birth_date_is_refused_in_common_forms() {
    for password in [
        "gato07031958",
        "19580307gato",
        "gato070358!",
        "1958-03-07 gato",
        "07/03/1958 gato",
        "07.03.1958 gato",
        "gato 7/3/1958",
    ] {
        assert_eq!(problems(password), vec![PasswordProblem::ContainsBirthDate], "{password}");
    }
}

#[test]
fn the_birth_year_alone_is_allowed() {
    assert_eq!(problems("Gato-de-1958!"), vec![]);
}

#[test]
fn common_passwords_are_refused_ignoring_case_and_accents() {
    let ctx = PasswordContext::default();
    for password in [
        "contraseña",
        "CONTRASENA",
        "Contraseña123",
        "ecuador123",
        "IESS1234",
        "Password1",
        "clave123",
        "123456789",
        "qwerty123",
        "abc12345",
    ] {
        assert_eq!(check_password(password, &ctx), vec![PasswordProblem::Common], "{password}");
    }
}

#[test]
fn several_problems_are_all_reported_in_a_fixed_order() {
    assert_eq!(
        problems("Munoz\t1714307103"),
        vec![
            PasswordProblem::ControlCharacter,
            PasswordProblem::ContainsIdentification,
            PasswordProblem::ContainsName,
        ]
    );
}

#[test]
fn the_length_messages_state_the_limits_the_rules_use() {
    let min = PasswordRules::MIN_CHARS.to_string();
    let max = PasswordRules::MAX_CHARS.to_string();
    assert!(PasswordProblem::TooShort.message_es().contains(&min));
    assert!(PasswordProblem::TooShort.message_en().contains(&min));
    assert!(PasswordProblem::TooLong.message_es().contains(&max));
    assert!(PasswordProblem::TooLong.message_en().contains(&max));
}

#[test]
fn every_problem_has_both_messages_and_a_stable_serialized_name() {
    let all = [
        (PasswordProblem::TooShort, "too_short"),
        (PasswordProblem::TooLong, "too_long"),
        (PasswordProblem::ControlCharacter, "control_character"),
        (PasswordProblem::ContainsIdentification, "contains_identification"),
        (PasswordProblem::ContainsName, "contains_name"),
        (PasswordProblem::ContainsBirthDate, "contains_birth_date"),
        (PasswordProblem::Common, "common"),
        (PasswordProblem::TooWeak, "too_weak"),
    ];
    for (problem, name) in all {
        assert!(!problem.message_es().is_empty() && !problem.message_en().is_empty());
        assert_eq!(problem.to_string(), problem.message_es());
        assert_eq!(serde_json::to_string(&problem).expect("serialize"), format!("\"{name}\""));
    }
}

proptest! {
    #[test]
    fn checking_never_panics_never_reports_too_weak_and_never_repeats_a_problem(
        password in any::<String>(),
        names in proptest::collection::vec(any::<String>(), 0..3),
        identification in any::<String>(),
    ) {
        let ctx = PasswordContext { identification, names, birth_date: BirthDate::new(2000, 2, 29).ok() };
        let found = check_password(&password, &ctx);
        prop_assert!(!found.contains(&PasswordProblem::TooWeak));
        let mut unique = found.clone();
        unique.sort();
        unique.dedup();
        prop_assert_eq!(unique.len(), found.len());
    }

    #[test]
    fn printable_ascii_of_a_valid_length_never_has_a_length_or_control_problem(
        password in "[ -~]{8,64}"
    ) {
        let found = check_password(&password, &PasswordContext::default());
        prop_assert!(!found.contains(&PasswordProblem::TooShort));
        prop_assert!(!found.contains(&PasswordProblem::TooLong));
        prop_assert!(!found.contains(&PasswordProblem::ControlCharacter));
    }
}
