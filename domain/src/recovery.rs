//! "Recuperar clave" as the browser shows it (DESIGN §2.2): the wire format of the challenge
//! (day and month of birth, the security image among decoys, which question was registered and
//! its answer) and of the contact step. Nothing here says which option is right.

use serde::{Deserialize, Serialize};

use crate::{BirthDate, security_images::SecurityImageId, security_questions::SecurityQuestionId};

/// Images in the security-image grid: the registered one and decoys (a 3 × 3 grid on a phone).
pub const IMAGE_GRID: usize = 9;
/// Questions in the "which question did you register" select: one registered, the rest decoys.
pub const QUESTION_OPTIONS: usize = 4;

/// Month names for the month select, January first.
pub const MONTHS_ES: [&str; 12] = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
];
/// Month names in English, January first.
pub const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Step 2 as the browser shows it. The day and month of birth and the free-text answer are asked
/// besides these choices.
///
/// The same person always gets the same view (on every start, after every wrong answer): a grid
/// that changed between tries would give the registered image away as the one that stays.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecoveryChallengeView {
    /// [`IMAGE_GRID`] images in display order; the person picks the one they registered.
    pub images: Vec<SecurityImageId>,
    /// [`QUESTION_OPTIONS`] catalogue questions in display order; exactly one of them was
    /// registered by the person (texts via [`SecurityQuestionId::question`]).
    pub questions: Vec<SecurityQuestionId>,
}

/// A day and month of birth that exist together in some year (29 February included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "(u8, u8)", into = "(u8, u8)")]
pub struct DayMonth {
    day: u8,
    month: u8,
}

/// Why a day and month do not go together.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_es())]
pub enum DayMonthError {
    /// The month is not 1–12.
    Month,
    /// The month does not have that day (31 April, 30 February).
    Day,
}

/// A leap year, so that 29 February is a day of birth.
const LEAP_YEAR: u16 = 2000;

impl DayMonth {
    /// The `day` of `month` (1–12).
    ///
    /// # Errors
    /// [`DayMonthError`] naming the part that does not exist.
    pub fn new(day: u8, month: u8) -> Result<Self, DayMonthError> {
        match BirthDate::new(LEAP_YEAR, month, day) {
            Ok(_) => Ok(Self { day, month }),
            Err(crate::BirthDateError::MonthOutOfRange) => Err(DayMonthError::Month),
            Err(_) => Err(DayMonthError::Day),
        }
    }

    /// The day of the month (1–31).
    pub fn day(self) -> u8 {
        self.day
    }

    /// The month (1–12).
    pub fn month(self) -> u8 {
        self.month
    }
}

impl TryFrom<(u8, u8)> for DayMonth {
    type Error = DayMonthError;

    fn try_from((day, month): (u8, u8)) -> Result<Self, Self::Error> {
        Self::new(day, month)
    }
}

impl From<DayMonth> for (u8, u8) {
    fn from(value: DayMonth) -> Self {
        (value.day, value.month)
    }
}

impl DayMonthError {
    /// A short explanation in Spanish.
    pub fn message_es(&self) -> &'static str {
        match self {
            Self::Month => "Elija el mes de su nacimiento.",
            Self::Day => "Ese día no existe en el mes elegido.",
        }
    }

    /// A short explanation in English.
    pub fn message_en(&self) -> &'static str {
        match self {
            Self::Month => "Choose the month of your birth.",
            Self::Day => "That day does not exist in the chosen month.",
        }
    }
}

/// Step 3 as the browser shows it: the contact data on file, masked (`j***@gmail.com`,
/// `09******67`), for the person to confirm or replace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaskedContacts {
    pub email: String,
    pub mobile: String,
    /// `None` when no landline is on file.
    pub landline: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_must_exist_in_its_month_and_29_february_does() {
        assert_eq!(DayMonth::new(29, 2).map(|d| (d.day(), d.month())), Ok((29, 2)));
        assert_eq!(DayMonth::new(30, 2), Err(DayMonthError::Day));
        assert_eq!(DayMonth::new(31, 4), Err(DayMonthError::Day));
        assert_eq!(DayMonth::new(0, 5), Err(DayMonthError::Day));
        assert_eq!(DayMonth::new(12, 13), Err(DayMonthError::Month));
        assert_eq!(DayMonth::new(12, 0), Err(DayMonthError::Month));
    }

    #[test]
    fn a_day_month_travels_as_a_pair_and_an_impossible_one_does_not_read() {
        let json = serde_json::to_string(&DayMonth::new(12, 4).expect("valid")).expect("json");
        assert_eq!(json, "[12,4]");
        assert!(serde_json::from_str::<DayMonth>("[31,4]").is_err());
    }

    #[test]
    fn the_view_reads_back_and_an_unknown_image_does_not() {
        let view = RecoveryChallengeView {
            images: vec![SecurityImageId::parse("perro").expect("catalogue")],
            questions: vec![SecurityQuestionId::parse("primera-mascota").expect("catalogue")],
        };
        let json = serde_json::to_string(&view).expect("json");
        assert_eq!(json, r#"{"images":["perro"],"questions":["primera-mascota"]}"#);
        assert_eq!(serde_json::from_str::<RecoveryChallengeView>(&json).expect("reads"), view);
        assert!(
            serde_json::from_str::<RecoveryChallengeView>(r#"{"images":["dragon"],"questions":[]}"#).is_err()
        );
    }
}
