//! The registry challenge as the browser shows it (DESIGN §2.1 step 2): the wire format between
//! the server, which builds it, and the page, which renders it. It never says which option is
//! right.

use serde::{Deserialize, Serialize};

/// What the browser shows: never contains which option is right.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeView {
    /// Always two questions; the birth date is asked besides them.
    pub questions: Vec<QuestionView>,
}

/// One multiple-choice question in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionView {
    /// Names the fact asked about (`employer`, `first-contribution-year`, `mobile-ending`).
    pub id: String,
    pub text_es: String,
    pub text_en: String,
    /// Four options, one of them right for a registered person.
    pub options: Vec<ChallengeOption>,
}

/// One option; its label reads the same in Spanish and English (a name, a year, digits).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeOption {
    pub id: String,
    pub label: String,
}
