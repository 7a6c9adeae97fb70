//! The Ecuadorian cédula de identidad.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::compact::compact;
use super::mask::mask_all_but_last_three;

/// A valid Ecuadorian cédula: exactly 10 ASCII digits, stored without separators.
///
/// Accepts exactly what `python-stdnum`'s `stdnum.ec.ci` accepts: separators (spaces, `-` and
/// their Unicode look-alikes) and surrounding whitespace are ignored; the first two digits are a
/// province code `01`–`24`, `30` (Ecuadorians registered abroad) or `50`; the third digit is
/// `0`–`6` (foreigners' cédulas carry a `6`); and the last digit is the modulo-10 check digit.
///
/// It is only built by [`Cedula::parse`], including when deserialised, so holding one proves the
/// number is well-formed (not that it belongs to anybody).
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Cedula(String);

/// Why a text is not a valid cédula.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_es())]
pub enum CedulaError {
    /// Nothing was typed (or only separators).
    Empty,
    /// Something other than digits, spaces or `-` was typed.
    InvalidCharacters,
    /// The number does not have 10 digits.
    WrongLength {
        /// How many digits were typed.
        found: usize,
    },
    /// The first two digits are not a province code.
    UnknownProvince {
        /// The two digits that were typed, as a number (`0`–`99`).
        code: u8,
    },
    /// The third digit is 7, 8 or 9.
    InvalidThirdDigit {
        /// The digit that was typed.
        digit: u8,
    },
    /// The check digit does not match the other nine: most often a typing mistake.
    WrongCheckDigit,
}

impl Cedula {
    /// Number of digits of a cédula.
    pub const LENGTH: usize = 10;

    /// Parses a cédula as typed by a person, e.g. `"1714307103"`, `"171430710-3"` or
    /// `" 17 1430 7103 "`.
    ///
    /// # Errors
    /// The [`CedulaError`] that names the first rule the text breaks, checked in the order of
    /// the variants.
    pub fn parse(input: &str) -> Result<Self, CedulaError> {
        let number = compact(input);
        if number.is_empty() {
            return Err(CedulaError::Empty);
        }
        let digits = to_digits(&number).ok_or(CedulaError::InvalidCharacters)?;
        let digits: [u8; Self::LENGTH] =
            digits.try_into().map_err(|digits: Vec<u8>| CedulaError::WrongLength { found: digits.len() })?;
        let [first, second, third, ..] = digits;
        let code = first * 10 + second;
        if !is_province_code(code) {
            return Err(CedulaError::UnknownProvince { code });
        }
        if third > 6 {
            return Err(CedulaError::InvalidThirdDigit { digit: third });
        }
        if checksum(&digits) != 0 {
            return Err(CedulaError::WrongCheckDigit);
        }
        Ok(Self(number))
    }

    /// The 10 digits, without separators.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number with all but the last 3 digits hidden, e.g. `*******103`: safe for logs and
    /// for showing back to the user.
    pub fn masked(&self) -> String {
        mask_all_but_last_three(&self.0)
    }
}

/// The digit values of `number`, or `None` if it holds anything but ASCII digits.
fn to_digits(number: &str) -> Option<Vec<u8>> {
    number.bytes().map(|b| b.is_ascii_digit().then(|| b - b'0')).collect()
}

fn is_province_code(code: u8) -> bool {
    matches!(code, 1..=24 | 30 | 50)
}

/// Weights 2,1,2,1,… from the left, products above 9 reduced by 9; a valid cédula sums to a
/// multiple of 10.
fn checksum(digits: &[u8; Cedula::LENGTH]) -> u8 {
    // At most 9 per digit, so the sum (at most 90) fits in a u8.
    let sum: u8 = digits
        .iter()
        .enumerate()
        .map(|(i, &d)| {
            let weighted = if i % 2 == 0 { d * 2 } else { d };
            if weighted > 9 { weighted - 9 } else { weighted }
        })
        .sum();
    sum % 10
}

impl CedulaError {
    /// A short explanation in Spanish, written for the person typing the number.
    pub fn message_es(&self) -> &'static str {
        match self {
            Self::Empty => "Escriba su número de cédula.",
            Self::InvalidCharacters => "La cédula solo puede tener números.",
            Self::WrongLength { .. } => "La cédula debe tener 10 dígitos.",
            Self::UnknownProvince { .. } => {
                "Los dos primeros dígitos de la cédula no son correctos. Revise el número."
            }
            Self::InvalidThirdDigit { .. } => {
                "El tercer dígito de la cédula no es correcto. Revise el número."
            }
            Self::WrongCheckDigit => "El último dígito de la cédula no es correcto. Revise el número.",
        }
    }

    /// A short explanation in English, written for the person typing the number.
    pub fn message_en(&self) -> &'static str {
        match self {
            Self::Empty => "Please enter your cédula (ID card) number.",
            Self::InvalidCharacters => "The cédula number can only contain digits.",
            Self::WrongLength { .. } => "The cédula number must have 10 digits.",
            Self::UnknownProvince { .. } => {
                "The first two digits of the cédula number are not correct. Please check it."
            }
            Self::InvalidThirdDigit { .. } => {
                "The third digit of the cédula number is not correct. Please check it."
            }
            Self::WrongCheckDigit => "The last digit of the cédula number is not correct. Please check it.",
        }
    }
}

/// Prints only the masked form, so a cédula never reaches a log through `{:?}`.
impl fmt::Debug for Cedula {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Cedula").field(&self.masked()).finish()
    }
}

crate::newtype::parsed_string!(Cedula: CedulaError);

#[cfg(test)]
mod tests {
    use super::{checksum, is_province_code};

    #[test]
    fn the_checksum_of_the_stdnum_example_is_zero() {
        assert_eq!(checksum(&[1, 7, 1, 4, 3, 0, 7, 1, 0, 3]), 0);
        assert_eq!(checksum(&[1, 7, 1, 4, 3, 0, 7, 1, 0, 4]), 1);
    }

    #[test]
    fn province_codes_are_01_to_24_30_and_50() {
        let accepted: Vec<u8> = (0..100).filter(|&c| is_province_code(c)).collect();
        let mut expected: Vec<u8> = (1..=24).collect();
        expected.extend([30, 50]);
        assert_eq!(accepted, expected);
    }
}
