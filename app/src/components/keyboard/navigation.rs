//! Arrow-key movement between the keys (roving tabindex). Rows wrap differently on a phone and on
//! a desktop, so "up" and "down" are decided from where the keys are drawn, not from the layout.

/// Where a key is drawn, in CSS pixels relative to a common origin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct KeyBox {
    /// Distance of the left edge from the origin.
    pub left: f64,
    /// Distance of the top edge from the origin.
    pub top: f64,
    /// Width of the key.
    pub width: f64,
    /// Height of the key.
    pub height: f64,
}

impl KeyBox {
    fn center_x(&self) -> f64 {
        self.left + self.width / 2.0
    }

    fn center_y(&self) -> f64 {
        self.top + self.height / 2.0
    }

    /// Whether `other` is drawn on the same line as `self`.
    fn shares_line_with(&self, other: &Self) -> bool {
        (self.top..self.top + self.height).contains(&other.center_y())
    }
}

/// A focus movement requested from the keyboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// ← : the previous key in reading order.
    Previous,
    /// → : the next key in reading order.
    Next,
    /// ↑ : the nearest key on the line above.
    Up,
    /// ↓ : the nearest key on the line below.
    Down,
    /// Home: the first key of the line.
    LineStart,
    /// End: the last key of the line.
    LineEnd,
    /// Ctrl+Home: the first key.
    First,
    /// Ctrl+End: the last key.
    Last,
}

impl Move {
    /// The movement a `KeyboardEvent.key` asks for, if any.
    pub fn from_key(key: &str, ctrl: bool) -> Option<Self> {
        Some(match key {
            "ArrowLeft" => Self::Previous,
            "ArrowRight" => Self::Next,
            "ArrowUp" => Self::Up,
            "ArrowDown" => Self::Down,
            "Home" if ctrl => Self::First,
            "End" if ctrl => Self::Last,
            "Home" => Self::LineStart,
            "End" => Self::LineEnd,
            _ => return None,
        })
    }
}

/// The index of the key the focus moves to from key `from`, given where every key is drawn
/// (`keys` in document order, which is reading order). Stays on `from` at the edges: focus does
/// not wrap around.
pub fn target(keys: &[KeyBox], from: usize, movement: Move) -> usize {
    let Some(current) = keys.get(from) else {
        return from;
    };
    let last = keys.len() - 1;
    match movement {
        Move::Previous => from.saturating_sub(1),
        Move::Next => (from + 1).min(last),
        Move::First => 0,
        Move::Last => last,
        Move::LineStart => line_of(keys, current).min().unwrap_or(from),
        Move::LineEnd => line_of(keys, current).max().unwrap_or(from),
        Move::Up => vertical(keys, current, |y| y < current.top).unwrap_or(from),
        Move::Down => vertical(keys, current, |y| y > current.top + current.height).unwrap_or(from),
    }
}

/// Indices of the keys on the same line as `current`.
fn line_of<'a>(keys: &'a [KeyBox], current: &'a KeyBox) -> impl Iterator<Item = usize> + 'a {
    keys.iter().enumerate().filter(|(_, k)| current.shares_line_with(k)).map(|(i, _)| i)
}

/// The key on the nearest line whose centre satisfies `beyond`, horizontally closest to
/// `current`; the first one in reading order on a tie.
fn vertical(keys: &[KeyBox], current: &KeyBox, beyond: impl Fn(f64) -> bool) -> Option<usize> {
    let candidates = || keys.iter().enumerate().filter(|(_, k)| beyond(k.center_y()));
    let (_, nearest_line) = candidates().min_by(|(_, a), (_, b)| {
        let distance = |k: &KeyBox| (k.center_y() - current.center_y()).abs();
        distance(a).total_cmp(&distance(b))
    })?;
    candidates()
        .filter(|(_, k)| nearest_line.shares_line_with(k))
        .min_by(|(_, a), (_, b)| {
            let distance = |k: &KeyBox| (k.center_x() - current.center_x()).abs();
            distance(a).total_cmp(&distance(b))
        })
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys 40 px square with 8 px gaps, `per_line` to a line, the last line possibly shorter.
    fn grid(count: usize, per_line: usize) -> Vec<KeyBox> {
        (0..count)
            .map(|i| KeyBox {
                left: f64::from(u32::try_from(i % per_line).expect("small")) * 48.0,
                top: f64::from(u32::try_from(i / per_line).expect("small")) * 48.0,
                width: 40.0,
                height: 40.0,
            })
            .collect()
    }

    #[test]
    fn left_and_right_follow_reading_order_across_lines_and_stop_at_the_ends() {
        let keys = grid(10, 5);
        assert_eq!(target(&keys, 4, Move::Next), 5);
        assert_eq!(target(&keys, 5, Move::Previous), 4);
        assert_eq!(target(&keys, 0, Move::Previous), 0);
        assert_eq!(target(&keys, 9, Move::Next), 9);
    }

    #[test]
    fn up_and_down_keep_the_column() {
        let keys = grid(15, 5);
        assert_eq!(target(&keys, 7, Move::Down), 12);
        assert_eq!(target(&keys, 7, Move::Up), 2);
        assert_eq!(target(&keys, 2, Move::Up), 2);
        assert_eq!(target(&keys, 12, Move::Down), 12);
    }

    #[test]
    fn down_into_a_shorter_line_goes_to_the_nearest_key() {
        let keys = grid(12, 5);
        assert_eq!(target(&keys, 9, Move::Down), 11);
        assert_eq!(target(&keys, 11, Move::Up), 6);
    }

    #[test]
    fn wide_keys_below_are_reached_by_their_horizontal_centre() {
        let mut keys = grid(5, 5);
        keys.push(KeyBox { left: 0.0, top: 48.0, width: 112.0, height: 40.0 });
        keys.push(KeyBox { left: 120.0, top: 48.0, width: 112.0, height: 40.0 });
        assert_eq!(target(&keys, 0, Move::Down), 5);
        assert_eq!(target(&keys, 4, Move::Down), 6);
        assert_eq!(target(&keys, 6, Move::Up), 3);
    }

    #[test]
    fn the_nearest_line_wins_over_a_closer_column_further_away() {
        let mut keys = grid(10, 5);
        keys.push(KeyBox { left: 0.0, top: 200.0, width: 40.0, height: 40.0 });
        assert_eq!(target(&keys, 0, Move::Down), 5);
    }

    #[test]
    fn home_and_end_go_to_the_ends_of_the_line_or_with_ctrl_of_the_keyboard() {
        let keys = grid(12, 5);
        assert_eq!(target(&keys, 7, Move::LineStart), 5);
        assert_eq!(target(&keys, 7, Move::LineEnd), 9);
        assert_eq!(target(&keys, 7, Move::First), 0);
        assert_eq!(target(&keys, 7, Move::Last), 11);
    }

    #[test]
    fn an_unknown_starting_key_stays_put() {
        assert_eq!(target(&grid(3, 3), 5, Move::Next), 5);
        assert_eq!(target(&[], 0, Move::Down), 0);
    }

    #[test]
    fn browser_key_names_map_to_moves() {
        assert_eq!(Move::from_key("ArrowUp", false), Some(Move::Up));
        assert_eq!(Move::from_key("Home", false), Some(Move::LineStart));
        assert_eq!(Move::from_key("Home", true), Some(Move::First));
        assert_eq!(Move::from_key("End", true), Some(Move::Last));
        assert_eq!(Move::from_key("a", false), None);
        assert_eq!(Move::from_key("Enter", false), None);
    }
}
