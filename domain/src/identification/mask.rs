//! Masking of identification numbers for logs and screens.

/// How many trailing characters stay visible.
const VISIBLE: usize = 3;

/// Replaces every character but the last three with `*`: `1714307103` → `*******103`.
pub(crate) fn mask_all_but_last_three(value: &str) -> String {
    let hidden = value.chars().count().saturating_sub(VISIBLE);
    value.chars().enumerate().map(|(i, c)| if i < hidden { '*' } else { c }).collect()
}

#[cfg(test)]
mod tests {
    use super::mask_all_but_last_three;

    #[test]
    fn only_the_last_three_characters_stay_visible() {
        assert_eq!(mask_all_but_last_three("1714307103"), "*******103");
    }

    #[test]
    fn a_value_of_three_characters_or_fewer_is_shown_as_is() {
        assert_eq!(mask_all_but_last_three("103"), "103");
        assert_eq!(mask_all_but_last_three(""), "");
    }
}
