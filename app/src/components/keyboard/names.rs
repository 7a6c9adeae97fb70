//! Spoken names of the symbol keys. Screen readers read a lone "." or "|" as nothing or as
//! something vague depending on their punctuation setting; a name always says what will be typed.

use crate::i18n::{Locale, td_string};

/// The accessible name of the key that types `c`, or `None` when the character itself is a good
/// name (letters and digits).
pub fn symbol_name(locale: Locale, c: char) -> Option<&'static str> {
    let name = match c {
        '!' => td_string!(locale, keyboard_sym_exclamation),
        '"' => td_string!(locale, keyboard_sym_quote),
        '#' => td_string!(locale, keyboard_sym_hash),
        '$' => td_string!(locale, keyboard_sym_dollar),
        '%' => td_string!(locale, keyboard_sym_percent),
        '&' => td_string!(locale, keyboard_sym_ampersand),
        '/' => td_string!(locale, keyboard_sym_slash),
        '(' => td_string!(locale, keyboard_sym_paren_open),
        ')' => td_string!(locale, keyboard_sym_paren_close),
        '=' => td_string!(locale, keyboard_sym_equals),
        '?' => td_string!(locale, keyboard_sym_question),
        '¡' => td_string!(locale, keyboard_sym_exclamation_open),
        '¿' => td_string!(locale, keyboard_sym_question_open),
        '@' => td_string!(locale, keyboard_sym_at),
        '-' => td_string!(locale, keyboard_sym_hyphen),
        '_' => td_string!(locale, keyboard_sym_underscore),
        '.' => td_string!(locale, keyboard_sym_period),
        ',' => td_string!(locale, keyboard_sym_comma),
        ';' => td_string!(locale, keyboard_sym_semicolon),
        ':' => td_string!(locale, keyboard_sym_colon),
        '+' => td_string!(locale, keyboard_sym_plus),
        '*' => td_string!(locale, keyboard_sym_asterisk),
        '<' => td_string!(locale, keyboard_sym_less),
        '>' => td_string!(locale, keyboard_sym_greater),
        '[' => td_string!(locale, keyboard_sym_bracket_open),
        ']' => td_string!(locale, keyboard_sym_bracket_close),
        '{' => td_string!(locale, keyboard_sym_brace_open),
        '}' => td_string!(locale, keyboard_sym_brace_close),
        '\'' => td_string!(locale, keyboard_sym_apostrophe),
        '^' => td_string!(locale, keyboard_sym_caret),
        '~' => td_string!(locale, keyboard_sym_tilde),
        '|' => td_string!(locale, keyboard_sym_bar),
        '\\' => td_string!(locale, keyboard_sym_backslash),
        '`' => td_string!(locale, keyboard_sym_grave),
        _ => return None,
    };
    Some(name)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::super::layout::{DIGITS, LETTERS, SYMBOLS};
    use super::*;

    #[test]
    fn every_symbol_key_has_a_distinct_spoken_name_in_both_languages() {
        for locale in [Locale::es, Locale::en] {
            let names: BTreeSet<&str> = SYMBOLS
                .iter()
                .map(|&c| symbol_name(locale, c).unwrap_or_else(|| panic!("{c:?} has no name")))
                .collect();
            assert_eq!(names.len(), SYMBOLS.len(), "{locale:?}");
        }
    }

    #[test]
    fn letters_and_digits_are_named_by_themselves() {
        for &c in LETTERS.iter().chain(&DIGITS) {
            assert_eq!(symbol_name(Locale::es, c), None);
            assert_eq!(symbol_name(Locale::es, c.to_ascii_uppercase()), None);
        }
        assert_eq!(symbol_name(Locale::es, '.'), Some("punto"));
        assert_eq!(symbol_name(Locale::en, '.'), Some("period"));
    }
}
