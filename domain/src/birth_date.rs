//! A calendar date of birth, without a date library (the domain stays free of chrono).

use std::fmt;

/// A valid date of the Gregorian calendar (year 1–9999), used for birth dates.
///
/// Built only by [`BirthDate::new`], so the day always exists in its month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BirthDate {
    year: u16,
    month: u8,
    day: u8,
}

/// Why a year, month and day do not make a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.message_es())]
pub enum BirthDateError {
    /// The year is 0 or above 9999.
    YearOutOfRange,
    /// The month is not 1–12.
    MonthOutOfRange,
    /// The month does not have that day (e.g. 31 April, 29 February 2023).
    DayOutOfRange,
}

impl BirthDate {
    /// The date `year-month-day`.
    ///
    /// # Errors
    /// [`BirthDateError`] naming the first part that does not exist.
    pub fn new(year: u16, month: u8, day: u8) -> Result<Self, BirthDateError> {
        if !(1..=9999).contains(&year) {
            return Err(BirthDateError::YearOutOfRange);
        }
        if !(1..=12).contains(&month) {
            return Err(BirthDateError::MonthOutOfRange);
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(BirthDateError::DayOutOfRange);
        }
        Ok(Self { year, month, day })
    }

    /// The year (1–9999).
    pub fn year(self) -> u16 {
        self.year
    }

    /// The month (1–12).
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month (1–31).
    pub fn day(self) -> u8 {
        self.day
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn is_leap_year(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

impl BirthDateError {
    /// A short explanation in Spanish.
    pub fn message_es(&self) -> &'static str {
        match self {
            Self::YearOutOfRange => "El año de nacimiento no es correcto.",
            Self::MonthOutOfRange => "El mes de nacimiento no es correcto.",
            Self::DayOutOfRange => "Ese día no existe en el mes indicado.",
        }
    }

    /// A short explanation in English.
    pub fn message_en(&self) -> &'static str {
        match self {
            Self::YearOutOfRange => "The year of birth is not correct.",
            Self::MonthOutOfRange => "The month of birth is not correct.",
            Self::DayOutOfRange => "That day does not exist in the given month.",
        }
    }
}

/// ISO 8601, `yyyy-mm-dd`.
impl fmt::Display for BirthDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::{BirthDate, BirthDateError};

    #[test]
    fn a_real_date_is_accepted_and_printed_in_iso_form() {
        let date = BirthDate::new(1958, 3, 7).expect("valid date");
        assert_eq!(date.to_string(), "1958-03-07");
        assert_eq!((date.year(), date.month(), date.day()), (1958, 3, 7));
    }

    #[test]
    fn february_29_exists_only_in_leap_years() {
        assert!(BirthDate::new(2000, 2, 29).is_ok());
        assert!(BirthDate::new(1960, 2, 29).is_ok());
        assert_eq!(BirthDate::new(1900, 2, 29), Err(BirthDateError::DayOutOfRange));
        assert_eq!(BirthDate::new(2023, 2, 29), Err(BirthDateError::DayOutOfRange));
    }

    #[test]
    fn impossible_parts_are_rejected_with_the_part_named() {
        assert_eq!(BirthDate::new(0, 1, 1), Err(BirthDateError::YearOutOfRange));
        assert_eq!(BirthDate::new(1980, 13, 1), Err(BirthDateError::MonthOutOfRange));
        assert_eq!(BirthDate::new(1980, 4, 31), Err(BirthDateError::DayOutOfRange));
        assert_eq!(BirthDate::new(1980, 1, 0), Err(BirthDateError::DayOutOfRange));
    }
}
