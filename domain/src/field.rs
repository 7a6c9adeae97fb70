//! A problem with one form field, in both languages, named by the field it belongs to, so the page
//! shows it at that field (and links it with `aria-describedby`).

use serde::{Deserialize, Serialize};

/// What is wrong with the value of `field`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    /// The field's name in the form (e.g. `email`, `respuesta-2`).
    pub field: String,
    pub message_es: String,
    pub message_en: String,
}

impl FieldProblem {
    pub fn new(field: impl Into<String>, message_es: &str, message_en: &str) -> Self {
        Self { field: field.into(), message_es: message_es.to_owned(), message_en: message_en.to_owned() }
    }

    /// The message in English when `english`, else in Spanish.
    pub fn message(&self, english: bool) -> &str {
        if english { &self.message_en } else { &self.message_es }
    }
}

/// The first problem of `field` among `problems`.
pub fn problem_of<'a>(problems: &'a [FieldProblem], field: &str) -> Option<&'a FieldProblem> {
    problems.iter().find(|p| p.field == field)
}
