//! The personal identification code the institute issues to foreigners without a cédula.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::compact::compact;
use super::mask::mask_all_but_last_three;

/// A valid foreigner code: the letter `E`, an 8-digit serial and a Luhn check digit over the
/// serial, stored upper-case without separators (`E123456782`).
///
/// Staff issue it at an office (DESIGN §2.1, §3) to foreigners who have neither a cédula nor a
/// refugee ID. People may type it as `E12345678-2`, `e 1234 5678 2`, …: case, spaces and `-` (and
/// their Unicode look-alikes, as for the cédula) do not matter. The check digit catches every
/// single mistyped digit and most swaps of neighbouring digits.
///
/// Built only by [`ForeignerCode::parse`] (also when deserialised) and
/// [`ForeignerCode::from_serial`].
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ForeignerCode(String);

/// Why a text is not a valid foreigner code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_es())]
pub enum ForeignerCodeError {
    /// Nothing was typed (or only separators).
    Empty,
    /// The code does not start with the letter `E`.
    MissingPrefix,
    /// Something other than digits, spaces or `-` follows the `E`.
    InvalidCharacters,
    /// The `E` is not followed by exactly 9 digits.
    WrongLength {
        /// How many digits follow the `E`.
        found: usize,
    },
    /// The last digit does not match the other eight: most often a typing mistake.
    WrongCheckDigit,
}

/// A serial above [`ForeignerCode::MAX_SERIAL`] was given to [`ForeignerCode::from_serial`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_es())]
pub struct SerialOutOfRange {
    /// The serial that was given.
    pub serial: u32,
}

impl ForeignerCode {
    /// The letter every code starts with.
    pub const PREFIX: char = 'E';
    /// Number of digits after the prefix: 8 of serial and 1 check digit.
    pub const DIGITS: usize = 9;
    /// The largest serial that fits in 8 digits.
    pub const MAX_SERIAL: u32 = 99_999_999;

    /// Parses a code as typed by a person, e.g. `"E123456782"`, `"e12345678-2"`.
    ///
    /// # Errors
    /// The [`ForeignerCodeError`] that names the first rule the text breaks, checked in the order
    /// of the variants.
    pub fn parse(input: &str) -> Result<Self, ForeignerCodeError> {
        let code = compact(input);
        let mut chars = code.chars();
        let prefix = chars.next().ok_or(ForeignerCodeError::Empty)?;
        if prefix.to_ascii_uppercase() != Self::PREFIX {
            return Err(ForeignerCodeError::MissingPrefix);
        }
        let digit_text = chars.as_str();
        if !digit_text.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ForeignerCodeError::InvalidCharacters);
        }
        let digits: [u8; Self::DIGITS] = digit_text
            .bytes()
            .map(|b| b - b'0')
            .collect::<Vec<u8>>()
            .try_into()
            .map_err(|digits: Vec<u8>| ForeignerCodeError::WrongLength { found: digits.len() })?;
        let [serial @ .., check] = digits;
        if luhn_check_digit(&serial) != check {
            return Err(ForeignerCodeError::WrongCheckDigit);
        }
        Ok(Self(format!("{}{digit_text}", Self::PREFIX)))
    }

    /// Issues the code for `serial`, computing its check digit: `from_serial(12_345_678)` is
    /// `E123456782`. Serials are zero-padded to 8 digits.
    ///
    /// # Errors
    /// [`SerialOutOfRange`] if `serial` is above [`ForeignerCode::MAX_SERIAL`].
    pub fn from_serial(serial: u32) -> Result<Self, SerialOutOfRange> {
        if serial > Self::MAX_SERIAL {
            return Err(SerialOutOfRange { serial });
        }
        let padded = format!("{serial:08}");
        let mut digits = [0u8; 8];
        for (digit, b) in digits.iter_mut().zip(padded.bytes()) {
            *digit = b - b'0';
        }
        let check = luhn_check_digit(&digits);
        Ok(Self(format!("{}{padded}{check}", Self::PREFIX)))
    }

    /// The 8-digit serial the code was issued from.
    pub fn serial(&self) -> u32 {
        self.0.bytes().skip(1).take(8).fold(0, |serial, b| serial * 10 + u32::from(b - b'0'))
    }

    /// The code in its normal form: upper-case, no separators (`E123456782`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The code with all but the letter and the last 3 digits hidden, e.g. `E******782`.
    pub fn masked(&self) -> String {
        let digits = self.0.get(1..).unwrap_or_default();
        format!("{}{}", Self::PREFIX, mask_all_but_last_three(digits))
    }
}

/// The Luhn check digit of `payload`: from the right, every other digit (starting with the
/// rightmost) is doubled and reduced by 9 if above 9; the check digit tops the sum up to a
/// multiple of 10.
fn luhn_check_digit(payload: &[u8; 8]) -> u8 {
    // At most 9 per digit, so the sum (at most 72) fits in a u8.
    let sum: u8 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| {
            let weighted = if i % 2 == 0 { d * 2 } else { d };
            if weighted > 9 { weighted - 9 } else { weighted }
        })
        .sum();
    (10 - sum % 10) % 10
}

impl ForeignerCodeError {
    /// A short explanation in Spanish, written for the person typing the code.
    pub fn message_es(&self) -> &'static str {
        match self {
            Self::Empty => "Escriba su código de identificación.",
            Self::MissingPrefix => "El código de identificación empieza con la letra E.",
            Self::InvalidCharacters => "Después de la letra E, el código solo puede tener números.",
            Self::WrongLength { .. } => {
                "El código de identificación tiene la letra E y 9 números, por ejemplo E12345678-2."
            }
            Self::WrongCheckDigit => "El último número del código no es correcto. Revise el código.",
        }
    }

    /// A short explanation in English, written for the person typing the code.
    pub fn message_en(&self) -> &'static str {
        match self {
            Self::Empty => "Please enter your identification code.",
            Self::MissingPrefix => "The identification code starts with the letter E.",
            Self::InvalidCharacters => "After the letter E, the code can only contain digits.",
            Self::WrongLength { .. } => {
                "The identification code is the letter E and 9 digits, for example E12345678-2."
            }
            Self::WrongCheckDigit => "The last digit of the code is not correct. Please check it.",
        }
    }
}

impl SerialOutOfRange {
    /// A short explanation in Spanish, for the staff console.
    pub fn message_es(&self) -> &'static str {
        "El número de serie del código debe estar entre 0 y 99.999.999."
    }

    /// A short explanation in English, for the staff console.
    pub fn message_en(&self) -> &'static str {
        "The serial of the code must be between 0 and 99,999,999."
    }
}

/// Prints only the masked form, so a code never reaches a log through `{:?}`.
impl fmt::Debug for ForeignerCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ForeignerCode").field(&self.masked()).finish()
    }
}

crate::newtype::parsed_string!(ForeignerCode: ForeignerCodeError);

#[cfg(test)]
mod tests {
    use super::luhn_check_digit;

    #[test]
    fn luhn_check_digits_match_python_stdnum() {
        // Values from `stdnum.luhn.calc_check_digit`.
        assert_eq!(luhn_check_digit(&[1, 2, 3, 4, 5, 6, 7, 8]), 2);
        assert_eq!(luhn_check_digit(&[0; 8]), 0);
        assert_eq!(luhn_check_digit(&[9; 8]), 8);
        assert_eq!(luhn_check_digit(&[0, 0, 0, 0, 0, 0, 0, 1]), 8);
        assert_eq!(luhn_check_digit(&[2, 0, 2, 4, 0, 0, 1, 7]), 2);
    }
}
