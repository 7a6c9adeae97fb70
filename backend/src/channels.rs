//! Facts about the assisted channels that the pages show (guide 000).

use chrono::{DateTime, Datelike as _, Timelike as _, Utc, Weekday};

use crate::clock::INSTITUTE_TZ;

/// The video-call desk answers Monday to Friday from 08:00 to 17:00, Ecuador time.
pub const VIDEOCALL_OPENS_AT_HOUR: u32 = 8;
pub const VIDEOCALL_CLOSES_AT_HOUR: u32 = 17;

/// Whether the video-call desk is answering at `now`. Outside these hours people may leave a
/// message for an adviser.
pub fn videocall_desk_open(now: DateTime<Utc>) -> bool {
    let local = now.with_timezone(&INSTITUTE_TZ);
    let weekday = !matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
    weekday && (VIDEOCALL_OPENS_AT_HOUR..VIDEOCALL_CLOSES_AT_HOUR).contains(&local.hour())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, ManualClock};

    fn open_at(y: i32, m: u32, d: u32, h: u32, min: u32) -> bool {
        videocall_desk_open(ManualClock::at_institute_time(y, m, d, h, min, 0).now())
    }

    #[test]
    fn the_desk_opens_at_eight_and_closes_at_five_ecuador_time() {
        // Friday 2026-11-20.
        assert!(!open_at(2026, 11, 20, 7, 59));
        assert!(open_at(2026, 11, 20, 8, 0));
        assert!(open_at(2026, 11, 20, 16, 59));
        assert!(!open_at(2026, 11, 20, 17, 0));
    }

    #[test]
    fn the_desk_is_closed_on_weekends() {
        assert!(!open_at(2026, 11, 21, 10, 0));
        assert!(!open_at(2026, 11, 22, 10, 0));
    }

    #[test]
    fn ecuador_time_not_utc_decides() {
        // 13:30 UTC on a Monday is 08:30 in Guayaquil: open; 22:30 UTC is 17:30 there: closed.
        let monday = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert!(videocall_desk_open(monday.and_hms_opt(13, 30, 0).unwrap().and_utc()));
        assert!(!videocall_desk_open(monday.and_hms_opt(22, 30, 0).unwrap().and_utc()));
    }
}
