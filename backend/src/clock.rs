//! Time as an injected dependency: production reads the system clock, tests move a manual one.

use std::sync::Mutex;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;

/// The institute's calendar: daily attempt limits reset at midnight in Ecuador.
pub const INSTITUTE_TZ: Tz = chrono_tz::America::Guayaquil;

/// An instant as an email states it: Ecuador's time, day first ("21/11/2026 14:05 (hora de Ecuador)").
pub fn institute_time_text(at: DateTime<Utc>) -> String {
    at.with_timezone(&INSTITUTE_TZ).format("%d/%m/%Y %H:%M (hora de Ecuador)").to_string()
}

/// A source of the current instant.
pub trait Clock: Send + Sync + 'static {
    /// The current instant in UTC.
    fn now(&self) -> DateTime<Utc>;

    /// The calendar day in America/Guayaquil that `now` falls on.
    fn institute_day(&self) -> NaiveDate {
        self.now().with_timezone(&INSTITUTE_TZ).date_naive()
    }
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to; for tests.
#[derive(Debug)]
pub struct ManualClock {
    now: Mutex<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock stopped at `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self { now: Mutex::new(start) }
    }

    /// A clock stopped at the given local time in America/Guayaquil.
    ///
    /// # Panics
    /// If the date or time does not exist (only used with literal test dates).
    #[expect(clippy::unwrap_used, reason = "test helper called with literal dates")]
    pub fn at_institute_time(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> Self {
        let local = INSTITUTE_TZ.with_ymd_and_hms(y, m, d, h, min, s).single().unwrap();
        Self::new(local.with_timezone(&Utc))
    }

    /// Moves the clock forward.
    pub fn advance(&self, by: std::time::Duration) {
        let mut now = self.lock();
        *now += chrono_duration(by);
    }

    /// Sets the clock to `to`.
    pub fn set(&self, to: DateTime<Utc>) {
        *self.lock() = to;
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, DateTime<Utc>> {
        // A poisoned lock only means another test thread panicked; the instant inside is intact.
        self.now.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.lock()
    }
}

/// Milliseconds since the Unix epoch: how every instant is stored, identically in SQLite and
/// PostgreSQL, so range comparisons are plain integer comparisons.
pub fn to_millis(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// The inverse of [`to_millis`]; out-of-range values clamp to the epoch.
pub fn from_millis(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// A setting's `std` duration as a `chrono` one, saturating (a huge setting means "never").
pub fn chrono_duration(d: std::time::Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn the_institute_day_changes_at_midnight_in_guayaquil_not_utc() {
        let clock = ManualClock::at_institute_time(2026, 3, 1, 23, 59, 59);
        assert_eq!(clock.institute_day(), NaiveDate::from_ymd_opt(2026, 3, 1).unwrap());
        // 04:59:59 UTC on the 2nd is still the 1st in Ecuador (UTC-5).
        assert_eq!(clock.now().date_naive(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
        clock.advance(Duration::from_secs(1));
        assert_eq!(clock.institute_day(), NaiveDate::from_ymd_opt(2026, 3, 2).unwrap());
    }

    #[test]
    fn millis_round_trip() {
        let clock = ManualClock::at_institute_time(2026, 11, 21, 8, 30, 0);
        assert_eq!(from_millis(to_millis(clock.now())), clock.now());
    }
}
