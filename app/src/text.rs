//! Translated text that follows the language switch.
//!
//! `leptos_i18n`'s `t!` makes a new closure type at every use, and the rendering code of a
//! reactive text (its effect, build, hydrate and rebuild) is compiled once per closure type: one
//! copy per text in the wasm. `tr!` gives every text the same closure type, so that code is
//! compiled once (docs/performance.md, "The bundle").

use crate::i18n::Locale;

/// The text `pick` gives for the current language, as a reactive view or attribute value.
pub fn text(
    i18n: leptos_i18n::I18nContext<Locale>,
    pick: fn(Locale) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || pick(i18n.get_locale())
}

/// `tr!(i18n, key)`: the translation of `key` in the current language, updated when it changes.
macro_rules! tr {
    ($i18n:expr, $key:ident) => {
        $crate::text::text($i18n, |locale| $crate::i18n::td_string!(locale, $key))
    };
}
