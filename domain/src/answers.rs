//! Normalisation of the free-text answers to personal security questions (DESIGN §5.3).
//!
//! An answer is stored (hashed) and later compared in its normal form, so that what an older
//! person types years later still matches: case, accents, extra spaces and a final full stop do
//! not matter.
//!
//! **`ñ` becomes `n`**, like every other accented letter: `"Peña"` and `"pena"` match. Many
//! phones and public computers make `ñ` hard to type, and a person locked out by a tilde would
//! have to go to an office. The few answer pairs this merges (`año`/`ano`) are not a realistic
//! guessing aid.

use std::fmt;

use crate::text::fold;

/// The longest normalised answer accepted, in characters.
pub const MAX_ANSWER_CHARS: usize = 100;

/// A security answer in normal form, non-empty and at most [`MAX_ANSWER_CHARS`] characters.
///
/// It is a secret: it is not `Serialize` and its `Debug` does not show it.
#[derive(Clone, PartialEq, Eq)]
pub struct NormalizedAnswer(String);

/// Why an answer cannot be registered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_es())]
pub enum AnswerError {
    /// Nothing remains after normalisation (only spaces or punctuation were typed).
    Empty,
    /// Longer than [`MAX_ANSWER_CHARS`] characters after normalisation.
    TooLong,
}

/// The normal form of an answer:
/// 1. compatibility decomposition (NFKD) and removal of every combining mark, so accents and the
///    tilde of `ñ` disappear (`"Peña"` → `"pena"`);
/// 2. lower-case;
/// 3. every run of whitespace becomes one space;
/// 4. anything that is not a letter or digit is removed from both ends (spaces, `.`, `¿`, `?`,
///    `¡`, `!`, quotes …); punctuation inside the answer is kept.
///
/// Applying it twice gives the same result as applying it once.
pub fn normalize_answer(answer: &str) -> String {
    let folded = fold(answer);
    let collapsed = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.trim_matches(|c: char| !c.is_alphanumeric()).to_owned()
}

impl NormalizedAnswer {
    /// Normalises `answer` with [`normalize_answer`] and checks the result's length.
    ///
    /// # Errors
    /// [`AnswerError::Empty`] or [`AnswerError::TooLong`].
    pub fn parse(answer: &str) -> Result<Self, AnswerError> {
        let normalized = normalize_answer(answer);
        if normalized.is_empty() {
            return Err(AnswerError::Empty);
        }
        if normalized.chars().count() > MAX_ANSWER_CHARS {
            return Err(AnswerError::TooLong);
        }
        Ok(Self(normalized))
    }

    /// The normal form, to be hashed or compared.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NormalizedAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NormalizedAnswer(<redacted>)")
    }
}

impl AnswerError {
    /// A short explanation in Spanish, written for the person answering.
    pub fn message_es(&self) -> &'static str {
        match self {
            Self::Empty => "Escriba una respuesta.",
            Self::TooLong => "La respuesta puede tener como máximo 100 caracteres.",
        }
    }

    /// A short explanation in English, written for the person answering.
    pub fn message_en(&self) -> &'static str {
        match self {
            Self::Empty => "Please write an answer.",
            Self::TooLong => "The answer can have at most 100 characters.",
        }
    }
}
