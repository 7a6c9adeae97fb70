//! The separator clean-up that `python-stdnum` applies before it checks a number, reproduced
//! character for character so that our acceptance is exactly theirs.
//!
//! `stdnum.util.clean` first maps look-alike Unicode characters to ASCII (dashes to `-`, the many
//! spaces to ` `, full-width and mathematical digits to `0`–`9`), then deletes `-` and ` `, and
//! `compact` finally trims whatever Python's `str.strip()` calls whitespace. Phones and word
//! processors produce exactly those look-alikes, so accepting them spares users a confusing error.

/// What one input character becomes after the look-alike mapping.
enum Mapped {
    /// A separator (`-`, ` ` or a look-alike): dropped.
    Separator,
    /// Any other character, possibly replaced by its ASCII equivalent.
    Keep(char),
}

/// Removes separators and surrounding whitespace the way `stdnum.ec.ci.compact` does, without its
/// final upper-casing (callers that accept letters upper-case themselves).
pub(crate) fn compact(input: &str) -> String {
    let kept: String = input
        .chars()
        .filter_map(|c| match map_look_alike(c) {
            Mapped::Separator => None,
            Mapped::Keep(kept) => Some(kept),
        })
        .collect();
    kept.trim_matches(is_python_whitespace).to_owned()
}

/// The subset of `stdnum.util._char_map` that can change whether an identification is accepted:
/// the entries that map to `-`, to ` ` or to a digit. (Its other entries map to `*`, `,`, `.`,
/// `/`, `:` or `'`, which are rejected just like the original characters.)
fn map_look_alike(c: char) -> Mapped {
    match u32::from(c) {
        0x2D
        | 0xAF
        | 0x02D7
        | 0x058A
        | 0x05BE
        | 0x1680
        | 0x180A
        | 0x2010..=0x2015
        | 0x203E
        | 0x2043
        | 0x207B
        | 0x208B
        | 0x2212
        | 0x23AF
        | 0x23BA..=0x23BD
        | 0x23E4
        | 0xFE63
        | 0xFF0D
        | 0xFFE3 => Mapped::Separator,
        0x20 | 0xA0 | 0x2000..=0x200A | 0x202F | 0x205F | 0x3000 => Mapped::Separator,
        // Full-width digits.
        code @ 0xFF10..=0xFF19 => Mapped::Keep(ascii_digit(code - 0xFF10)),
        // Mathematical bold, double-struck, sans-serif, sans-serif bold and monospace digits:
        // five consecutive runs of ten.
        code @ 0x1D7CE..=0x1D7FF => Mapped::Keep(ascii_digit((code - 0x1D7CE) % 10)),
        _ => Mapped::Keep(c),
    }
}

fn ascii_digit(value: u32) -> char {
    char::from_digit(value, 10).unwrap_or('0')
}

/// Python's `str.isspace()`: Rust's `White_Space` plus the four ASCII information separators.
fn is_python_whitespace(c: char) -> bool {
    c.is_whitespace() || ('\u{1C}'..='\u{1F}').contains(&c)
}

#[cfg(test)]
mod tests {
    use super::compact;

    #[test]
    fn spaces_and_hyphens_anywhere_are_removed() {
        assert_eq!(compact(" 17 1430-710 - 3 "), "1714307103");
    }

    #[test]
    fn unicode_dashes_and_spaces_count_as_separators() {
        assert_eq!(compact("171430710\u{2013}3"), "1714307103");
        assert_eq!(compact("1714\u{00A0}307103"), "1714307103");
        assert_eq!(compact("1714\u{3000}307103"), "1714307103");
    }

    #[test]
    fn full_width_and_mathematical_digits_become_ascii() {
        assert_eq!(compact("\u{FF11}\u{FF17}"), "17");
        assert_eq!(compact("\u{1D7CF}\u{1D7E9}\u{1D7FF}"), "179");
    }

    #[test]
    fn only_surrounding_whitespace_is_trimmed() {
        assert_eq!(compact("\t1714307103\n"), "1714307103");
        assert_eq!(compact("\u{1C}17\t14\u{1F}"), "17\t14");
    }

    #[test]
    fn other_characters_are_kept_as_typed() {
        assert_eq!(compact("e1234.5"), "e1234.5");
    }
}
