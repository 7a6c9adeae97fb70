//! Identification numbers: the Ecuadorian cédula and the institute's foreigner code.

mod cedula;
mod compact;
mod foreigner;
mod kind;
mod mask;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use cedula::{Cedula, CedulaError};
pub use foreigner::{ForeignerCode, ForeignerCodeError, SerialOutOfRange};
pub use kind::{IdentificationKind, UnknownIdentificationKind};

/// What a person types in the single "cédula or code" field: a valid cédula or a valid foreigner
/// code.
///
/// Serialises as its normal form (`"1714307103"`, `"E123456782"`) and deserialises through
/// [`Identification::parse`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Identification {
    /// An Ecuadorian cédula.
    Cedula(Cedula),
    /// A foreigner code issued by the institute.
    Foreigner(ForeignerCode),
}

/// Why a text is neither a valid cédula nor a valid foreigner code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdentificationError {
    /// Nothing was typed (or only separators).
    #[error("{}", self.message_es())]
    Empty,
    /// The text starts with a digit and is not a valid cédula.
    #[error("{}", self.message_es())]
    Cedula(#[from] CedulaError),
    /// The text starts with a letter and is not a valid foreigner code.
    #[error("{}", self.message_es())]
    Foreigner(#[from] ForeignerCodeError),
}

impl Identification {
    /// Parses what a person typed: a text whose first character (after separators) is a letter
    /// is read as a foreigner code, anything else as a cédula.
    ///
    /// # Errors
    /// [`IdentificationError::Empty`], or the error of the parser the first character chose.
    pub fn parse(input: &str) -> Result<Self, IdentificationError> {
        let compacted = compact::compact(input);
        match compacted.chars().next() {
            None => Err(IdentificationError::Empty),
            Some(first) if first.is_alphabetic() => Ok(Self::Foreigner(ForeignerCode::parse(&compacted)?)),
            Some(_) => Ok(Self::Cedula(Cedula::parse(&compacted)?)),
        }
    }

    /// Which kind of identification this is.
    pub fn kind(&self) -> IdentificationKind {
        match self {
            Self::Cedula(_) => IdentificationKind::Cedula,
            Self::Foreigner(_) => IdentificationKind::Foreigner,
        }
    }

    /// The normal form, without separators.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Cedula(cedula) => cedula.as_str(),
            Self::Foreigner(code) => code.as_str(),
        }
    }

    /// The masked form for logs and screens (`*******103`, `E******782`).
    pub fn masked(&self) -> String {
        match self {
            Self::Cedula(cedula) => cedula.masked(),
            Self::Foreigner(code) => code.masked(),
        }
    }
}

impl IdentificationError {
    /// A short explanation in Spanish, written for the person typing the number.
    pub fn message_es(&self) -> &'static str {
        match self {
            Self::Empty => "Escriba su número de cédula o su código de identificación.",
            Self::Cedula(error) => error.message_es(),
            Self::Foreigner(error) => error.message_es(),
        }
    }

    /// A short explanation in English, written for the person typing the number.
    pub fn message_en(&self) -> &'static str {
        match self {
            Self::Empty => "Please enter your cédula number or your identification code.",
            Self::Cedula(error) => error.message_en(),
            Self::Foreigner(error) => error.message_en(),
        }
    }
}

impl fmt::Display for Identification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Identification {
    type Err = IdentificationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for Identification {
    type Error = IdentificationError;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Identification> for String {
    fn from(identification: Identification) -> Self {
        match identification {
            Identification::Cedula(cedula) => cedula.into(),
            Identification::Foreigner(code) => code.into(),
        }
    }
}

impl From<Cedula> for Identification {
    fn from(cedula: Cedula) -> Self {
        Self::Cedula(cedula)
    }
}

impl From<ForeignerCode> for Identification {
    fn from(code: ForeignerCode) -> Self {
        Self::Foreigner(code)
    }
}

impl AsRef<str> for Identification {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}
