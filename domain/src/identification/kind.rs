//! The kind of an identification, as stored in the database.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Which kind of identification a person has. Stored as `"cedula"` or `"extranjero"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum IdentificationKind {
    /// An Ecuadorian cédula.
    #[serde(rename = "cedula")]
    Cedula,
    /// A foreigner code issued by the institute.
    #[serde(rename = "extranjero")]
    Foreigner,
}

/// A stored kind string was neither `"cedula"` nor `"extranjero"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_es())]
pub struct UnknownIdentificationKind;

impl IdentificationKind {
    /// The database string: `"cedula"` or `"extranjero"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cedula => "cedula",
            Self::Foreigner => "extranjero",
        }
    }
}

impl UnknownIdentificationKind {
    /// A short explanation in Spanish (for operators: users never type a kind).
    pub fn message_es(&self) -> &'static str {
        "El tipo de identificación debe ser «cedula» o «extranjero»."
    }

    /// A short explanation in English (for operators: users never type a kind).
    pub fn message_en(&self) -> &'static str {
        "The identification type must be \"cedula\" or \"extranjero\"."
    }
}

impl fmt::Display for IdentificationKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Reads the database string; exact match, like the serde form.
impl FromStr for IdentificationKind {
    type Err = UnknownIdentificationKind;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cedula" => Ok(Self::Cedula),
            "extranjero" => Ok(Self::Foreigner),
            _ => Err(UnknownIdentificationKind),
        }
    }
}
