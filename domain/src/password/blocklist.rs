//! A small built-in list of very common passwords.
//!
//! The server's zxcvbn check covers the long tail; this list keeps the worst choices out already
//! in the browser, including the Spanish and Ecuadorian favourites an English list misses.
//! Entries shorter than the minimum length are pointless (refused anyway), so none is listed.

use std::sync::LazyLock;

use crate::text::fold;

/// Very common passwords of 8 characters or more, written as people type them.
const COMMON_PASSWORDS: [&str; 60] = [
    // Digit and keyboard runs.
    "12345678",
    "123456789",
    "1234567890",
    "0123456789",
    "87654321",
    "987654321",
    "11111111",
    "00000000",
    "12341234",
    "123123123",
    "11223344",
    "qwertyui",
    "qwertyuiop",
    "qwerty123",
    "asdfghjk",
    "asdfghjkl",
    "1q2w3e4r",
    "1qaz2wsx",
    "zxcvbnm1",
    "abcd1234",
    "abc12345",
    "abc123456",
    "a1b2c3d4",
    "123456789a",
    // English classics.
    "password",
    "password1",
    "password123",
    "iloveyou",
    "superman",
    // Spanish words for "password", and the institute itself.
    "contraseña",
    "contraseña1",
    "contraseña123",
    "micontraseña",
    "clave123",
    "clave1234",
    "clave12345",
    "miclave123",
    "iess1234",
    "iess12345",
    "iessclave",
    "afiliado",
    "afiliado1",
    "jubilado",
    "pensionista",
    // Ecuadorian places, clubs and affection.
    "ecuador1",
    "ecuador123",
    "ecuador1234",
    "guayaquil",
    "pichincha",
    "quito1234",
    "barcelona",
    "emelec123",
    "ligadequito",
    "teamo123",
    "teamo1234",
    "tequiero",
    "tequieromucho",
    "hola1234",
    "bienvenido",
    "diosesamor",
];

/// [`COMMON_PASSWORDS`] folded, once: the browser checks the list at every key press.
static FOLDED: LazyLock<Vec<String>> = LazyLock::new(|| COMMON_PASSWORDS.iter().map(|c| fold(c)).collect());

/// Whether the folded password is one of [`COMMON_PASSWORDS`], ignoring case and accents.
pub(super) fn is_common(folded_password: &str) -> bool {
    FOLDED.iter().any(|common| common == folded_password)
}

#[cfg(test)]
mod tests {
    use super::COMMON_PASSWORDS;
    use crate::password::PasswordRules;

    #[test]
    fn every_entry_is_long_enough_to_matter() {
        for entry in COMMON_PASSWORDS {
            assert!(entry.chars().count() >= PasswordRules::MIN_CHARS, "{entry}");
        }
    }

    #[test]
    fn no_entry_is_listed_twice() {
        let mut entries = COMMON_PASSWORDS.to_vec();
        entries.sort_unstable();
        entries.dedup();
        assert_eq!(entries.len(), COMMON_PASSWORDS.len());
    }
}
