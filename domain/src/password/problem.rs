//! The reasons a password is refused.

use serde::{Deserialize, Serialize};

/// One reason a password is refused. The UI shows [`PasswordProblem::message_es`] (or `_en`) and
/// branches on the variant, never on the text.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, thiserror::Error,
)]
#[serde(rename_all = "snake_case")]
#[error("{}", self.message_es())]
pub enum PasswordProblem {
    /// Fewer than [`PasswordRules::MIN_CHARS`](super::PasswordRules::MIN_CHARS) characters.
    TooShort,
    /// More than [`PasswordRules::MAX_CHARS`](super::PasswordRules::MAX_CHARS) characters.
    TooLong,
    /// A control character (tab, line break, …): not something a keyboard key types.
    ControlCharacter,
    /// Contains the cédula or foreigner code (with or without its check digit or separators).
    ContainsIdentification,
    /// Contains a name or surname of 3 letters or more, ignoring case and accents.
    ContainsName,
    /// Contains the birth date in a common written form.
    ContainsBirthDate,
    /// Is one of the most common passwords.
    Common,
    /// Is too easy to guess (zxcvbn score below 3). Only the server reports it.
    TooWeak,
}

impl PasswordProblem {
    /// A short explanation in Spanish, written for the person choosing the password.
    pub fn message_es(&self) -> &'static str {
        match self {
            Self::TooShort => "La clave debe tener al menos 8 caracteres.",
            Self::TooLong => "La clave puede tener como máximo 64 caracteres.",
            Self::ControlCharacter => {
                "La clave tiene un carácter que no se puede usar. Use letras, números y símbolos del teclado."
            }
            Self::ContainsIdentification => {
                "La clave no puede contener su número de cédula o de identificación."
            }
            Self::ContainsName => "La clave no puede contener su nombre ni su apellido.",
            Self::ContainsBirthDate => "La clave no puede contener su fecha de nacimiento.",
            Self::Common => "Esa clave es muy común y fácil de adivinar. Escoja otra.",
            Self::TooWeak => {
                "La clave es fácil de adivinar. Use una frase, o mezcle palabras, números y símbolos."
            }
        }
    }

    /// A short explanation in English, written for the person choosing the password.
    pub fn message_en(&self) -> &'static str {
        match self {
            Self::TooShort => "The password must have at least 8 characters.",
            Self::TooLong => "The password can have at most 64 characters.",
            Self::ControlCharacter => {
                "The password has a character that cannot be used. Use letters, digits and keyboard symbols."
            }
            Self::ContainsIdentification => {
                "The password cannot contain your cédula or identification number."
            }
            Self::ContainsName => "The password cannot contain your name or surname.",
            Self::ContainsBirthDate => "The password cannot contain your date of birth.",
            Self::Common => "That password is very common and easy to guess. Please choose another.",
            Self::TooWeak => "The password is easy to guess. Use a phrase, or mix words, digits and symbols.",
        }
    }
}
