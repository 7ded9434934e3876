//! Period arithmetic: where period `k` starts, which period a date falls on, and the instant
//! at which a period is billed (the first moment of its start day in the deployment's zone).
//!
//! Period `k` is always computed from the anchor in one step, `anchor + k × interval`, never
//! by adding an interval to the previous period. Stepping from the previous period drifts:
//! 31 January + 1 month is 29 February, and 29 February + 1 month is 29 March, so a customer
//! who started on the 31st would be billed on the 29th forever after. From the anchor,
//! monthly gives 31 Jan, 29 Feb, 31 Mar, 30 Apr, ...

use jiff::civil::{Date, Time};
use jiff::tz::{AmbiguousOffset, TimeZone};
use jiff::{Span, Timestamp};

use super::interval::{Interval, Step};

/// The start day of period `k` (0-based) of a schedule anchored at `anchor`; `None` past the
/// last representable date (year 9999).
pub fn period_start(anchor: Date, interval: Interval, k: u32) -> Option<Date> {
    let span = match interval.step() {
        Step::Days(days) => Span::new().try_days(days.checked_mul(i64::from(k))?),
        Step::Months(months) => Span::new().try_months(months.checked_mul(i64::from(k))?),
    };
    // jiff adds months on the calendar and turns a day the month lacks into its last day.
    anchor.checked_add(span.ok()?).ok()
}

/// The index of the first period that starts on or after `day`: 0 for any day up to the
/// anchor. `None` when that period would start past year 9999.
pub fn index_on_or_after(anchor: Date, interval: Interval, day: Date) -> Option<u32> {
    if day <= anchor {
        return Some(0);
    }
    let mut k = match interval.step() {
        Step::Days(days) => {
            let elapsed = i64::from(anchor.until(day).ok()?.get_days());
            // The smallest k with k × days ≥ elapsed; exact, no correction needed.
            return u32::try_from((elapsed + days - 1) / days).ok();
        }
        Step::Months(months) => {
            let elapsed = (i64::from(day.year()) - i64::from(anchor.year())) * 12
                + i64::from(day.month())
                - i64::from(anchor.month());
            // Period floor(elapsed / months) starts in `day`'s month or earlier and the next
            // one in a later month, so the answer is that period or the next.
            u32::try_from(elapsed / months).ok()?
        }
    };
    while period_start(anchor, interval, k)? < day {
        k = k.checked_add(1)?;
    }
    Some(k)
}

/// The instant a period starting on `day` is billed: the first instant of that day in `tz`.
///
/// That is 00:00 on almost every day. Where 00:00 happens twice (a clock set back from 01:00
/// to 00:00, as in Cuba each November) it is the first of the two. Where 00:00 does not
/// happen (a clock set forward at midnight, as in Cuba each March, or a whole day skipped, as
/// Samoa did on 30 December 2011) it is the moment the clock jumps, which is the first
/// instant whose local date is `day` or later. Distinct days therefore never share an
/// instant unless a whole day was skipped; periods are at least 14 days apart, so billing
/// instants of one schedule are always strictly increasing. `None` only at the edges of
/// jiff's range.
pub fn billing_instant(day: Date, tz: &TimeZone) -> Option<Timestamp> {
    let midnight = day.to_datetime(Time::midnight());
    match tz.to_ambiguous_timestamp(midnight).offset() {
        AmbiguousOffset::Unambiguous { offset } => offset.to_timestamp(midnight).ok(),
        AmbiguousOffset::Fold { before, .. } => before.to_timestamp(midnight).ok(),
        AmbiguousOffset::Gap { after, .. } => {
            // Read with the offset after the gap, midnight is an instant before the jump
            // (the clock still showed the previous day); the next transition is the jump.
            let early = after.to_timestamp(midnight).ok()?;
            tz.following(early).next().map(|t| t.timestamp())
        }
    }
}

/// The calendar day of `at` in `tz` (the creation day of a subscription, "today").
pub fn local_date(at: Timestamp, tz: &TimeZone) -> Date {
    at.to_zoned(tz.clone()).date()
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    fn starts(anchor: Date, interval: Interval, n: u32) -> Vec<String> {
        (0..n)
            .map(|k| period_start(anchor, interval, k).unwrap().to_string())
            .collect()
    }

    #[test]
    fn monthly_from_the_31st_clamps_each_month_without_drifting() {
        assert_eq!(
            starts(date(2024, 1, 31), Interval::OneMonth, 5),
            [
                "2024-01-31",
                "2024-02-29",
                "2024-03-31",
                "2024-04-30",
                "2024-05-31"
            ]
        );
        assert_eq!(
            starts(date(2025, 1, 31), Interval::OneMonth, 3),
            ["2025-01-31", "2025-02-28", "2025-03-31"]
        );
        assert_eq!(
            starts(date(2024, 8, 31), Interval::SixMonths, 3),
            ["2024-08-31", "2025-02-28", "2025-08-31"]
        );
        assert_eq!(
            starts(date(2023, 12, 31), Interval::TwoMonths, 4),
            ["2023-12-31", "2024-02-29", "2024-04-30", "2024-06-30"]
        );
    }

    #[test]
    fn yearly_from_29_february_returns_to_it_in_leap_years() {
        assert_eq!(
            starts(date(2024, 2, 29), Interval::OneYear, 5),
            [
                "2024-02-29",
                "2025-02-28",
                "2026-02-28",
                "2027-02-28",
                "2028-02-29"
            ]
        );
    }

    #[test]
    fn fourteen_days_is_exact_across_month_and_year_ends() {
        assert_eq!(
            starts(date(2024, 12, 20), Interval::FourteenDays, 4),
            ["2024-12-20", "2025-01-03", "2025-01-17", "2025-01-31"]
        );
    }

    #[test]
    fn the_last_representable_period_ends_the_schedule() {
        assert_eq!(
            period_start(date(9999, 6, 1), Interval::SixMonths, 1),
            Some(date(9999, 12, 1))
        );
        assert_eq!(period_start(date(9999, 6, 1), Interval::SixMonths, 2), None);
        assert_eq!(
            period_start(date(2024, 1, 1), Interval::OneYear, u32::MAX),
            None
        );
        assert_eq!(
            index_on_or_after(date(9999, 6, 1), Interval::SixMonths, date(9999, 12, 2)),
            None
        );
    }

    #[test]
    fn index_on_or_after_finds_the_first_period_not_before_a_day() {
        let anchor = date(2024, 1, 31);
        let monthly = |day| index_on_or_after(anchor, Interval::OneMonth, day).unwrap();
        assert_eq!(monthly(date(2020, 5, 5)), 0);
        assert_eq!(monthly(date(2024, 1, 31)), 0);
        assert_eq!(monthly(date(2024, 2, 1)), 1);
        assert_eq!(monthly(date(2024, 2, 29)), 1);
        assert_eq!(monthly(date(2024, 3, 1)), 2);
        assert_eq!(monthly(date(2024, 3, 31)), 2);
        let fortnight =
            |day| index_on_or_after(date(2025, 1, 1), Interval::FourteenDays, day).unwrap();
        assert_eq!(fortnight(date(2025, 1, 15)), 1);
        assert_eq!(fortnight(date(2025, 1, 16)), 2);
    }

    fn at(day: Date, zone: &str) -> String {
        billing_instant(day, &TimeZone::get(zone).unwrap())
            .unwrap()
            .to_string()
    }

    #[test]
    fn a_period_is_billed_at_local_midnight_of_its_start_day() {
        assert_eq!(
            at(date(2025, 3, 1), "Europe/Amsterdam"),
            "2025-02-28T23:00:00Z"
        );
        assert_eq!(
            at(date(2025, 7, 1), "Europe/Amsterdam"),
            "2025-06-30T22:00:00Z"
        );
        // The day Amsterdam moves its clocks (at 02:00) still starts at 00:00.
        assert_eq!(
            at(date(2025, 3, 30), "Europe/Amsterdam"),
            "2025-03-29T23:00:00Z"
        );
        assert_eq!(at(date(2025, 3, 1), "UTC"), "2025-03-01T00:00:00Z");
    }

    #[test]
    fn where_midnight_is_skipped_the_day_starts_when_the_clock_jumps() {
        // Cuba: 10 March 2024, 00:00 -05:00 became 01:00 -04:00.
        assert_eq!(
            at(date(2024, 3, 10), "America/Havana"),
            "2024-03-10T05:00:00Z"
        );
        // Sao Paulo: 4 November 2018, 00:00 -03:00 became 01:00 -02:00.
        assert_eq!(
            at(date(2018, 11, 4), "America/Sao_Paulo"),
            "2018-11-04T03:00:00Z"
        );
        // Samoa skipped 30 December 2011: it is billed when 31 December began, like the
        // 31st itself (periods are at least 14 days apart, so never both).
        assert_eq!(
            at(date(2011, 12, 30), "Pacific/Apia"),
            "2011-12-30T10:00:00Z"
        );
        assert_eq!(
            at(date(2011, 12, 31), "Pacific/Apia"),
            "2011-12-30T10:00:00Z"
        );
    }

    #[test]
    fn where_midnight_happens_twice_the_first_one_counts() {
        // Cuba: 5 November 2023, 01:00 -04:00 became 00:00 -05:00.
        assert_eq!(
            at(date(2023, 11, 5), "America/Havana"),
            "2023-11-05T04:00:00Z"
        );
    }

    #[test]
    fn the_local_date_follows_the_zone() {
        let ams = TimeZone::get("Europe/Amsterdam").unwrap();
        let late: Timestamp = "2025-01-31T23:30:00Z".parse().unwrap();
        assert_eq!(local_date(late, &ams), date(2025, 2, 1));
        assert_eq!(local_date(late, &TimeZone::UTC), date(2025, 1, 31));
    }
}
