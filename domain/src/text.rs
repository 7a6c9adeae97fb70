//! Text folding shared by the password rules and the answer normalisation.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Lower-case and accent-free form of `text`, for comparisons a person would call "the same
/// word": `"Muñoz"`, `"MUNOZ"` and `"muñoz"` all fold to `"munoz"`.
///
/// Compatibility decomposition (NFKD) also turns look-alikes into their plain letter or digit
/// (`ﬁ` → `fi`, `²` → `2`, full-width `Ａ` → `a`). Every combining mark is dropped, the tilde of
/// `ñ` included. Lower-casing runs before and after the decomposition because each can produce
/// characters the other changes (`İ` lower-cases to `i` + a combining dot; `ℌ` decomposes to
/// `H`), which keeps the result stable when folded again.
pub(crate) fn fold(text: &str) -> String {
    text.to_lowercase().nfkd().filter(|&c| !is_combining_mark(c)).flat_map(char::to_lowercase).collect()
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn accents_and_the_tilde_of_enye_are_removed() {
        assert_eq!(fold("Muñoz Pérez"), "munoz perez");
        assert_eq!(fold("ÑANDÚ"), "nandu");
    }

    #[test]
    fn compatibility_characters_become_plain_ones() {
        assert_eq!(fold("\u{FB01}n\u{00B2}"), "fin2");
        assert_eq!(fold("\u{FF21}"), "a");
    }

    #[test]
    fn folding_twice_changes_nothing() {
        for text in ["İstanbul", "ℌola", "ǅemal", "Straße", "ΣΊΣΥΦΟΣ"] {
            let once = fold(text);
            assert_eq!(fold(&once), once, "{text}");
        }
    }
}
