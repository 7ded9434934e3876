//! Dates and date-times on the wire: `YYYY-MM-DD` dates, ATOM date-times in the deployment's
//! time zone, and the calendar month that the license limit counts in (DECISIONS.md).

use jiff::civil::{Date, DateTime};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// `2024-04-29T21:00:00+02:00`: RFC 3339 / PHP's `DATE_ATOM`, whole seconds, numeric offset.
pub fn format_atom(at: Timestamp, tz: &TimeZone) -> String {
    at.to_zoned(tz.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// `YYYY-MM-DD`, always ten characters.
pub fn format_date(date: Date) -> String {
    date.strftime("%Y-%m-%d").to_string()
}

/// Parses exactly `YYYY-MM-DD` naming a real calendar day: `2024-04-31` and `2025-13-01` fail.
pub fn parse_date(text: &str) -> Result<Date, &'static str> {
    const SHAPE: &str = "Must be a date in the format YYYY-MM-DD, like \"2025-04-14\".";
    let b = text.as_bytes();
    let shape_ok = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape_ok {
        return Err(SHAPE);
    }
    let num = |r: std::ops::Range<usize>| text[r].parse::<i16>().map_err(|_| SHAPE);
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&month) {
        return Err("Must be a real calendar date: the month must be between 01 and 12.");
    }
    if year < 1 {
        return Err(SHAPE);
    }
    Date::new(year, month as i8, day as i8)
        .map_err(|_| "Must be a real calendar date: that day does not exist in that month.")
}

/// Parses `YYYY-MM-DD HH:MM:SS` as local time in `tz` (the reference's form), or RFC 3339
/// with an explicit offset (`2024-05-11T12:59:00+02:00`).
pub fn parse_date_time(text: &str, tz: &TimeZone) -> Result<Timestamp, &'static str> {
    const MSG: &str = "Must be a date and time like \"2024-05-11 12:59:00\" (local time) or \"2024-05-11T12:59:00+02:00\".";
    let b = text.as_bytes();
    if b.len() == 19 && b[10] == b' ' {
        parse_date(&text[..10]).map_err(|_| MSG)?;
        let local: DateTime = text.replace(' ', "T").parse().map_err(|_| MSG)?;
        return local
            .to_zoned(tz.clone())
            .map(|z| z.timestamp())
            .map_err(|_| MSG);
    }
    if b.len() >= 20 && b[10] == b'T' {
        parse_date(&text[..10]).map_err(|_| MSG)?;
        return text.parse::<Timestamp>().map_err(|_| MSG);
    }
    Err(MSG)
}

/// The current calendar month of `tz` containing `now`, as a half-open range of timestamps.
pub fn month_window(now: Timestamp, tz: &TimeZone) -> (Timestamp, Timestamp) {
    let zoned = now.to_zoned(tz.clone());
    let first = zoned.date().first_of_month();
    let next = first
        .checked_add(1.month())
        .expect("a month after any supported date exists");
    let start = first
        .to_zoned(tz.clone())
        .expect("midnight exists in every supported zone")
        .timestamp();
    let end = next
        .to_zoned(tz.clone())
        .expect("midnight exists in every supported zone")
        .timestamp();
    (start, end)
}

/// The key of a calendar month, `YYYY-MM`, used by the license counter.
pub fn month_key(now: Timestamp, tz: &TimeZone) -> String {
    now.to_zoned(tz.clone()).strftime("%Y-%m").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ams() -> TimeZone {
        TimeZone::get("Europe/Amsterdam").unwrap()
    }

    #[test]
    fn atom_uses_the_zone_offset_and_whole_seconds() {
        let at: Timestamp = "2024-04-29T19:00:00.123456Z".parse().unwrap();
        assert_eq!(format_atom(at, &ams()), "2024-04-29T21:00:00+02:00");
        let winter: Timestamp = "2024-01-10T12:00:00Z".parse().unwrap();
        assert_eq!(format_atom(winter, &ams()), "2024-01-10T13:00:00+01:00");
    }

    #[test]
    fn only_real_dates_in_the_exact_shape_parse() {
        assert_eq!(format_date(parse_date("2024-02-29").unwrap()), "2024-02-29");
        for bad in [
            "2024-04-31",
            "2025-13-01",
            "2023-02-29",
            "2025-00-10",
            "2025-1-01",
            "20250101",
            "2025-01-01T00:00:00",
            "",
            "0000-01-01",
            "2025-01-0a",
            "２０２５-01-01",
        ] {
            assert!(parse_date(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn date_times_parse_as_local_time_or_with_offset() {
        let local = parse_date_time("2024-05-11 12:59:00", &ams()).unwrap();
        assert_eq!(local.to_string(), "2024-05-11T10:59:00Z");
        let offset = parse_date_time("2024-05-11T12:59:00+00:00", &ams()).unwrap();
        assert_eq!(offset.to_string(), "2024-05-11T12:59:00Z");
        for bad in [
            "2024-04-31 14:00:00",
            "2024-05-11",
            "2024-05-11 25:00:00",
            "yesterday",
        ] {
            assert!(
                parse_date_time(bad, &ams()).is_err(),
                "{bad} should be refused"
            );
        }
    }

    #[test]
    fn the_month_window_follows_the_local_calendar() {
        // 23:30 UTC on 31 January is already 1 February in Amsterdam.
        let at: Timestamp = "2025-01-31T23:30:00Z".parse().unwrap();
        let (start, end) = month_window(at, &ams());
        assert_eq!(start.to_string(), "2025-01-31T23:00:00Z");
        assert_eq!(end.to_string(), "2025-02-28T23:00:00Z");
        assert_eq!(month_key(at, &ams()), "2025-02");
    }
}
