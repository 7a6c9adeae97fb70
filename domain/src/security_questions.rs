//! The catalogue of personal security questions (DESIGN §2.1 step 3, §2.2): the affiliate picks
//! [`MIN_CHOSEN`] or more at registration and answers them in free text; recovery and the
//! video-call desk ask them back.
//!
//! Questions are about things a person remembers and a stranger cannot read off a social
//! profile or the registry: no birth date, no cédula, no employer.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One question of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityQuestion {
    /// Stable id, stored with the answer's hash.
    pub id: &'static str,
    pub text_es: &'static str,
    pub text_en: &'static str,
}

/// Questions a person must choose at registration.
pub const MIN_CHOSEN: usize = 3;
/// Questions a person may choose at most (every one is asked back at recovery).
pub const MAX_CHOSEN: usize = 5;

/// The catalogue, in display order.
pub const CATALOGUE: [SecurityQuestion; 14] = [
    q("primera-mascota", "¿Cómo se llamaba su primera mascota?", "What was the name of your first pet?"),
    q(
        "escuela-primaria",
        "¿En qué escuela terminó la primaria?",
        "At which school did you finish primary school?",
    ),
    q(
        "mejor-amigo-infancia",
        "¿Cómo se llama su mejor amigo o amiga de la infancia?",
        "What is the name of your best childhood friend?",
    ),
    q(
        "ciudad-padres-conocieron",
        "¿En qué ciudad se conocieron sus padres?",
        "In which city did your parents meet?",
    ),
    q(
        "comida-favorita-nino",
        "¿Cuál era su comida favorita de niño?",
        "What was your favourite food as a child?",
    ),
    q(
        "primer-trabajo",
        "¿Cuál fue el nombre del lugar de su primer trabajo?",
        "What was the name of the place of your first job?",
    ),
    q("apodo-infancia", "¿Cuál era su apodo cuando era niño o niña?", "What was your nickname as a child?"),
    q(
        "calle-infancia",
        "¿En qué calle vivía cuando tenía diez años?",
        "On which street did you live when you were ten?",
    ),
    q(
        "profesor-favorito",
        "¿Cuál es el apellido de su profesor o profesora favorita?",
        "What is the surname of your favourite teacher?",
    ),
    q(
        "primer-viaje",
        "¿A qué lugar fue en su primer viaje fuera de su ciudad?",
        "Where did you go on your first trip outside your city?",
    ),
    q("libro-favorito", "¿Cuál es su libro favorito?", "What is your favourite book?"),
    q(
        "abuelo-nombre",
        "¿Cuál es el nombre de pila de su abuelo materno?",
        "What is the first name of your maternal grandfather?",
    ),
    q(
        "primer-auto",
        "¿De qué marca fue el primer vehículo de su familia?",
        "What make was your family's first vehicle?",
    ),
    q("deporte-favorito", "¿Qué deporte practicaba en el colegio?", "Which sport did you play at school?"),
];

const fn q(id: &'static str, text_es: &'static str, text_en: &'static str) -> SecurityQuestion {
    SecurityQuestion { id, text_es, text_en }
}

/// The question with this id.
pub fn find(id: &str) -> Option<&'static SecurityQuestion> {
    CATALOGUE.iter().find(|question| question.id == id)
}

/// The id of a catalogue question: only ids of [`CATALOGUE`] parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SecurityQuestionId(&'static str);

impl Serialize for SecurityQuestionId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for SecurityQuestionId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let id = String::deserialize(deserializer)?;
        Self::parse(&id).map_err(serde::de::Error::custom)
    }
}

/// A question id that is not in the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_es())]
pub struct UnknownQuestion;

impl UnknownQuestion {
    pub fn message_es(self) -> &'static str {
        "Elija una pregunta de la lista."
    }

    pub fn message_en(self) -> &'static str {
        "Choose a question from the list."
    }
}

impl SecurityQuestionId {
    pub fn parse(input: &str) -> Result<Self, UnknownQuestion> {
        find(input).map(|question| Self(question.id)).ok_or(UnknownQuestion)
    }

    pub fn as_str(self) -> &'static str {
        self.0
    }

    /// The question this id names.
    pub fn question(self) -> &'static SecurityQuestion {
        find(self.0).unwrap_or_else(|| unreachable!("only catalogue ids parse"))
    }
}

impl TryFrom<String> for SecurityQuestionId {
    type Error = UnknownQuestion;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<SecurityQuestionId> for String {
    fn from(value: SecurityQuestionId) -> Self {
        value.0.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn the_catalogue_has_at_least_twelve_distinct_questions() {
        assert!(CATALOGUE.len() >= 12);
        let ids: HashSet<_> = CATALOGUE.iter().map(|q| q.id).collect();
        let es: HashSet<_> = CATALOGUE.iter().map(|q| q.text_es).collect();
        let en: HashSet<_> = CATALOGUE.iter().map(|q| q.text_en).collect();
        assert_eq!((ids.len(), es.len(), en.len()), (CATALOGUE.len(), CATALOGUE.len(), CATALOGUE.len()));
        assert!(MIN_CHOSEN <= MAX_CHOSEN && MAX_CHOSEN <= CATALOGUE.len());
    }

    #[test]
    fn only_catalogue_ids_parse_and_they_round_trip_through_serde() {
        let id = SecurityQuestionId::parse("primera-mascota").expect("known");
        assert_eq!(id.question().text_es, "¿Cómo se llamaba su primera mascota?");
        assert_eq!(SecurityQuestionId::parse("PRIMERA-MASCOTA"), Err(UnknownQuestion));
        assert_eq!(SecurityQuestionId::parse(""), Err(UnknownQuestion));
        let json = serde_json::to_string(&id).expect("serialise");
        assert_eq!(json, "\"primera-mascota\"");
        assert_eq!(serde_json::from_str::<SecurityQuestionId>(&json).expect("deserialise"), id);
        assert!(serde_json::from_str::<SecurityQuestionId>("\"otra\"").is_err());
    }
}
