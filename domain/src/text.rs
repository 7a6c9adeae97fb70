//! Text folding shared by the password rules and the answer normalisation.
//!
//! The server folds with the `unicode-normalization` tables. In the browser the same steps run on
//! the browser's own Unicode data (ECMAScript's `toLowerCase`, `normalize` and `\p{M}`): the
//! decomposition and mark tables, with the code that walks them, were 145 KB of the wasm (60 KB
//! brotli), for the instant check only. The server checks every rule again with its own fold, so
//! a browser on an older Unicode version can only make the instant message differ, never let a
//! password through.

/// Lower-case and accent-free form of `text`, for comparisons a person would call "the same
/// word": `"Muñoz"`, `"MUNOZ"` and `"muñoz"` all fold to `"munoz"`.
///
/// Compatibility decomposition (NFKD) also turns look-alikes into their plain letter or digit
/// (`ﬁ` → `fi`, `²` → `2`, full-width `Ａ` → `a`). Every combining mark is dropped, the tilde of
/// `ñ` included. Lower-casing runs before and after the decomposition because each can produce
/// characters the other changes (`İ` lower-cases to `i` + a combining dot; `ℌ` decomposes to
/// `H`), which keeps the result stable when folded again.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) fn fold(text: &str) -> String {
    use unicode_normalization::{UnicodeNormalization, char::is_combining_mark};
    text.to_lowercase().nfkd().filter(|&c| !is_combining_mark(c)).flat_map(char::to_lowercase).collect()
}

/// [`fold`] with the browser's Unicode data: the same four steps (`\p{M}` is every combining
/// mark, as `is_combining_mark` is). One difference: the second lower-casing takes the whole
/// string, so a capital sigma that only the decomposition makes (`𝚺` → `Σ`) and that ends a word
/// becomes `ς` here and `σ` on the server. Playwright's `generate.spec.ts` checks the steps in the
/// browser.
#[cfg(target_arch = "wasm32")]
pub(crate) fn fold(text: &str) -> String {
    let marks = js_sys::RegExp::new(r"\p{M}", "gu");
    let text = js_sys::JsString::from(text).to_lower_case().normalize("NFKD");
    text.replace_by_pattern(&marks, "").to_lower_case().into()
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
