//! What each key of the virtual keyboard types: the Spanish layout with ñ, the digits, the
//! symbols page, MAYÚS, the optional shuffled order, and the edits a key makes to the value.

use std::ops::Range;

/// The digits row, shown on both pages.
pub const DIGITS: [char; 10] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '0'];

/// The letters of the Spanish layout, row after row.
pub const LETTERS: [char; 27] = [
    'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', //
    'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', 'ñ', //
    'z', 'x', 'c', 'v', 'b', 'n', 'm',
];

/// How many of [`LETTERS`] each row of the letters page holds.
pub const LETTER_ROWS: [usize; 3] = [10, 10, 7];

/// Every printable ASCII symbol plus the Spanish opening marks `¡` and `¿`, row after row: the
/// password policy accepts any character of a keyboard, so each must be reachable. (The space
/// has its own key.)
pub const SYMBOLS: [char; 34] = [
    '!', '"', '#', '$', '%', '&', '/', '(', ')', '=', //
    '?', '¡', '¿', '@', '-', '_', '.', ',', ';', ':', //
    '+', '*', '<', '>', '[', ']', '{', '}', '\'', '^', //
    '~', '|', '\\', '`',
];

/// How many of [`SYMBOLS`] each row of the symbols page holds.
pub const SYMBOL_ROWS: [usize; 4] = [10, 10, 10, 4];

/// The two pages of character keys; the digits row and the control keys are on both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// The Spanish letters.
    Letters,
    /// Punctuation and other symbols.
    Symbols,
}

impl Page {
    /// The page the page key switches to.
    pub fn other(self) -> Self {
        match self {
            Self::Letters => Self::Symbols,
            Self::Symbols => Self::Letters,
        }
    }
}

/// One key of the keyboard. Character keys are named by their position (slot), not by their
/// character, so a key stays the same element when MAYÚS or the shuffle changes what it types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    /// A slot of the digits row.
    Digit(usize),
    /// A slot of the letters page.
    Letter(usize),
    /// A slot of the symbols page.
    Symbol(usize),
    /// Types a space.
    Space,
    /// MAYÚS: upper-case letters until pressed again.
    Caps,
    /// Switches between the letters and the symbols page.
    Page,
    /// Borrar: removes the last character.
    Delete,
    /// Limpiar: removes every character.
    Clear,
}

impl Key {
    /// Whether the key is on screen while `page` is shown.
    pub fn is_shown(self, page: Page) -> bool {
        match self {
            Self::Letter(_) => page == Page::Letters,
            Self::Symbol(_) => page == Page::Symbols,
            _ => true,
        }
    }
}

/// The key that is in the Tab order (roving tabindex): the last key that had the focus, or the
/// page key when that one left the screen with its page, so the keyboard is always reachable.
pub fn tab_stop(last_focused: Key, page: Page) -> Key {
    if last_focused.is_shown(page) { last_focused } else { Key::Page }
}

/// Which character sits on which slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOrder {
    digits: [char; 10],
    letters: [char; 27],
    symbols: [char; 34],
}

impl KeyOrder {
    /// The printed order: 1–0, qwerty with ñ, the symbols as in [`SYMBOLS`].
    pub fn standard() -> Self {
        Self { digits: DIGITS, letters: LETTERS, symbols: SYMBOLS }
    }

    /// A random order: digits, letters and symbols each shuffled among their own slots, so the
    /// rows keep their meaning. `below(n)` must return a random number in `0..n`.
    pub fn shuffled(mut below: impl FnMut(usize) -> usize) -> Self {
        let mut order = Self::standard();
        shuffle(&mut order.digits, &mut below);
        shuffle(&mut order.letters, &mut below);
        shuffle(&mut order.symbols, &mut below);
        order
    }

    /// The character a character key types without MAYÚS; `None` for the other keys.
    pub fn char_of(&self, key: Key) -> Option<char> {
        match key {
            Key::Digit(slot) => self.digits.get(slot).copied(),
            Key::Letter(slot) => self.letters.get(slot).copied(),
            Key::Symbol(slot) => self.symbols.get(slot).copied(),
            Key::Space | Key::Caps | Key::Page | Key::Delete | Key::Clear => None,
        }
    }
}

/// Fisher–Yates.
fn shuffle(items: &mut [char], below: &mut impl FnMut(usize) -> usize) {
    for i in (1..items.len()).rev() {
        let j = below(i + 1).min(i);
        items.swap(i, j);
    }
}

/// The slots of each row, given how many keys each row holds.
pub fn row_ranges(lengths: &[usize]) -> Vec<Range<usize>> {
    let mut start = 0;
    lengths
        .iter()
        .map(|&length| {
            let range = start..start + length;
            start += length;
            range
        })
        .collect()
}

/// What a key printed `c` types: its capital with MAYÚS on (`ñ` → `Ñ`), else `c` itself. Digits
/// and symbols have no capital and stay as they are.
pub fn with_caps(c: char, caps: bool) -> char {
    if !caps {
        return c;
    }
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Appends `c` to `value` unless it already has `max_len` characters. `true` when appended.
pub fn push_capped(value: &mut String, c: char, max_len: usize) -> bool {
    if value.chars().count() >= max_len {
        return false;
    }
    value.push(c);
    true
}

/// `text` cut to its first `max_len` characters (a paste may bring more than the field takes).
pub fn capped(mut text: String, max_len: usize) -> String {
    if let Some((end, _)) = text.char_indices().nth(max_len) {
        text.truncate(end);
    }
    text
}

/// How many characters have been typed, in the form the announcement needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypedCount {
    /// Nothing typed.
    None,
    /// Exactly one character.
    Single,
    /// Several characters, fewer than the maximum.
    Several(usize),
    /// The maximum: further keys type nothing.
    Full(usize),
}

/// The announcement for `chars` characters typed in a field that takes at most `max_len`.
pub fn typed_count(chars: usize, max_len: usize) -> TypedCount {
    match chars {
        0 => TypedCount::None,
        1 => TypedCount::Single,
        n if n >= max_len => TypedCount::Full(n),
        n => TypedCount::Several(n),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// A small deterministic generator standing in for `Math.random`.
    fn lcg(seed: u64) -> impl FnMut(usize) -> usize {
        let mut state = seed;
        move |n| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            usize::try_from(state >> 33).expect("31 bits fit") % n
        }
    }

    #[test]
    fn the_letters_page_is_the_spanish_layout_with_enye() {
        let rows: Vec<String> =
            row_ranges(&LETTER_ROWS).into_iter().map(|r| LETTERS[r].iter().collect()).collect();
        assert_eq!(rows, ["qwertyuiop", "asdfghjklñ", "zxcvbnm"]);
        assert_eq!(DIGITS.iter().collect::<String>(), "1234567890");
    }

    #[test]
    fn row_lengths_cover_every_key_exactly_once() {
        assert_eq!(LETTER_ROWS.iter().sum::<usize>(), LETTERS.len());
        assert_eq!(SYMBOL_ROWS.iter().sum::<usize>(), SYMBOLS.len());
        assert_eq!(row_ranges(&[2, 3, 1]), [0..2, 2..5, 5..6]);
    }

    #[test]
    fn every_printable_ascii_character_can_be_typed() {
        let typeable: BTreeSet<char> = DIGITS
            .iter()
            .chain(&SYMBOLS)
            .copied()
            .chain(LETTERS.iter().flat_map(|&c| [with_caps(c, false), with_caps(c, true)]))
            .chain([' '])
            .collect();
        for c in ' '..='~' {
            assert!(typeable.contains(&c), "{c:?} has no key");
        }
        assert!(typeable.is_superset(&BTreeSet::from(['ñ', 'Ñ', '¡', '¿'])));
    }

    #[test]
    fn no_character_has_two_keys() {
        let all: Vec<char> = DIGITS.iter().chain(&LETTERS).chain(&SYMBOLS).copied().collect();
        assert_eq!(all.iter().collect::<BTreeSet<_>>().len(), all.len());
    }

    #[test]
    fn mayus_capitalises_letters_including_enye_and_leaves_the_rest() {
        assert_eq!(with_caps('a', true), 'A');
        assert_eq!(with_caps('ñ', true), 'Ñ');
        assert_eq!(with_caps('ñ', false), 'ñ');
        for c in DIGITS.iter().chain(&SYMBOLS) {
            assert_eq!(with_caps(*c, true), *c);
        }
    }

    #[test]
    fn a_shuffle_only_moves_characters_within_their_own_group() {
        let order = KeyOrder::shuffled(lcg(7));
        assert_ne!(order, KeyOrder::standard());
        let mut digits = order.digits;
        let mut letters = order.letters;
        let mut symbols = order.symbols;
        digits.sort_unstable();
        letters.sort_unstable();
        symbols.sort_unstable();
        let mut expected = KeyOrder::standard();
        expected.digits.sort_unstable();
        expected.letters.sort_unstable();
        expected.symbols.sort_unstable();
        assert_eq!((digits, letters, symbols), (expected.digits, expected.letters, expected.symbols));
    }

    #[test]
    fn different_random_sources_give_different_orders() {
        assert_ne!(KeyOrder::shuffled(lcg(1)), KeyOrder::shuffled(lcg(2)));
        assert_eq!(KeyOrder::shuffled(lcg(3)), KeyOrder::shuffled(lcg(3)));
    }

    #[test]
    fn a_source_that_always_picks_the_last_slot_keeps_the_printed_order() {
        assert_eq!(KeyOrder::shuffled(|n| n - 1), KeyOrder::standard());
    }

    #[test]
    fn an_out_of_range_random_number_is_clamped_instead_of_panicking() {
        let order = KeyOrder::shuffled(|n| n + 5);
        assert_eq!(order, KeyOrder::standard());
    }

    #[test]
    fn character_keys_type_their_slot_and_control_keys_type_nothing() {
        let order = KeyOrder::standard();
        assert_eq!(order.char_of(Key::Digit(9)), Some('0'));
        assert_eq!(order.char_of(Key::Letter(19)), Some('ñ'));
        assert_eq!(order.char_of(Key::Symbol(33)), Some('`'));
        assert_eq!(order.char_of(Key::Symbol(34)), None);
        for key in [Key::Space, Key::Caps, Key::Page, Key::Delete, Key::Clear] {
            assert_eq!(order.char_of(key), None);
        }
    }

    #[test]
    fn the_tab_stop_falls_back_to_the_page_key_when_its_key_left_with_the_page() {
        assert_eq!(tab_stop(Key::Letter(3), Page::Letters), Key::Letter(3));
        assert_eq!(tab_stop(Key::Letter(3), Page::Symbols), Key::Page);
        assert_eq!(tab_stop(Key::Symbol(0), Page::Letters), Key::Page);
        assert_eq!(tab_stop(Key::Digit(0), Page::Symbols), Key::Digit(0));
        assert_eq!(tab_stop(Key::Clear, Page::Symbols), Key::Clear);
        assert_eq!(Page::Letters.other().other(), Page::Letters);
    }

    #[test]
    fn typing_stops_at_the_maximum_length() {
        let mut value = "ñandú".to_owned();
        assert!(push_capped(&mut value, 'x', 6));
        assert!(!push_capped(&mut value, 'y', 6));
        assert_eq!(value, "ñandúx");
    }

    #[test]
    fn a_long_paste_is_cut_by_characters_not_bytes() {
        assert_eq!(capped("ññññ".to_owned(), 2), "ññ");
        assert_eq!(capped("abc".to_owned(), 3), "abc");
        assert_eq!(capped("abc".to_owned(), 0), "");
    }

    #[test]
    fn the_count_announcement_has_a_form_for_none_one_several_and_the_maximum() {
        assert_eq!(typed_count(0, 64), TypedCount::None);
        assert_eq!(typed_count(1, 64), TypedCount::Single);
        assert_eq!(typed_count(8, 64), TypedCount::Several(8));
        assert_eq!(typed_count(64, 64), TypedCount::Full(64));
    }
}
