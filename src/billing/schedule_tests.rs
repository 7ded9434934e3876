//! Tests of the schedule: examples of each rule, then properties over ten years of every
//! interval and start day, and catch-up over random downtimes.

use jiff::civil::{Date, date};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

use super::*;
use crate::billing::interval::Step;

fn ams() -> TimeZone {
    TimeZone::get("Europe/Amsterdam").unwrap()
}

/// A local time in Amsterdam as an instant.
fn local(text: &str) -> Timestamp {
    text.parse::<jiff::civil::DateTime>()
        .unwrap()
        .to_zoned(ams())
        .unwrap()
        .timestamp()
}

fn starts(periods: impl Iterator<Item = Period>, n: usize) -> Vec<String> {
    periods.take(n).map(|p| p.start.to_string()).collect()
}

#[test]
fn each_period_ends_where_the_next_begins() {
    let schedule = Schedule::new(date(2024, 1, 31), Interval::OneMonth, date(2024, 1, 1));
    let periods: Vec<Period> = schedule.periods_from(date(2024, 1, 1)).take(3).collect();
    assert_eq!(
        periods,
        [
            Period {
                start: date(2024, 1, 31),
                end: date(2024, 2, 29)
            },
            Period {
                start: date(2024, 2, 29),
                end: date(2024, 3, 31)
            },
            Period {
                start: date(2024, 3, 31),
                end: date(2024, 4, 30)
            },
        ]
    );
    assert_eq!(
        starts(schedule.periods_from(date(2024, 3, 1)), 2),
        ["2024-03-31", "2024-04-30"]
    );
}

#[test]
fn periods_before_the_creation_day_are_not_billed_but_one_on_it_is() {
    let tz = ams();
    // An import: the subscription has run since 15 January; created on 15 March.
    let imported = Schedule::new(date(2024, 1, 15), Interval::OneMonth, date(2024, 3, 15));
    let first = imported.next_to_bill(imported.starts_at(), &tz).unwrap();
    assert_eq!(first.period.start, date(2024, 3, 15));
    assert_eq!(first.bill_at, local("2024-03-15T00:00:00"));
    // Created a day later, the March period is not billed.
    let later = Schedule::new(date(2024, 1, 15), Interval::OneMonth, date(2024, 3, 16));
    let first = later.next_to_bill(later.starts_at(), &tz).unwrap();
    assert_eq!(first.period.start, date(2024, 4, 15));
    assert!(!later.is_billed(
        &Period {
            start: date(2024, 3, 15),
            end: date(2024, 4, 15)
        },
        &tz
    ));
}

#[test]
fn no_period_starting_at_or_after_termination_is_billed() {
    let tz = ams();
    let mut schedule = Schedule::new(date(2024, 1, 4), Interval::OneMonth, date(2024, 1, 4));
    schedule.set_terminated_at(Some(local("2024-07-04T22:01:00")));
    let billed: Vec<Date> = schedule
        .due(schedule.starts_at(), local("2030-01-01T00:00:00"), &tz)
        .map(|due| due.period.start)
        .collect();
    assert_eq!(billed.len(), 7, "January to July");
    assert_eq!(billed.last(), Some(&date(2024, 7, 4)));
    // Terminated at the very first instant of 4 July: July is not billed.
    schedule.set_terminated_at(Some(local("2024-07-04T00:00:00")));
    let last = schedule
        .due(schedule.starts_at(), local("2030-01-01T00:00:00"), &tz)
        .last()
        .unwrap();
    assert_eq!(last.period.start, date(2024, 6, 4));
    assert_eq!(schedule.next_to_bill(date(2024, 7, 4), &tz), None);
}

#[test]
fn after_downtime_every_missed_period_is_due_once_in_order() {
    let tz = ams();
    let schedule = Schedule::new(date(2025, 1, 31), Interval::OneMonth, date(2025, 1, 20));
    let now = local("2025-04-15T10:00:00");
    let due: Vec<DuePeriod> = schedule.due(schedule.starts_at(), now, &tz).collect();
    assert_eq!(
        due.iter()
            .map(|d| d.period.start.to_string())
            .collect::<Vec<_>>(),
        ["2025-01-31", "2025-02-28", "2025-03-31"]
    );
    // With the cursor moved past the first two, only March remains.
    let rest: Vec<DuePeriod> = schedule.due(due[1].period.end, now, &tz).collect();
    assert_eq!(rest, due[2..]);
    // Exactly at local midnight the period is due, a nanosecond before it is not.
    let april = local("2025-04-30T00:00:00");
    assert_eq!(schedule.due(date(2025, 4, 30), april, &tz).count(), 1);
    let before = april.checked_sub(SignedDuration::from_nanos(1)).unwrap();
    assert_eq!(schedule.due(date(2025, 4, 30), before, &tz).count(), 0);
    // By time: due in (March's instant, April's instant] is April alone.
    let march = local("2025-03-31T00:00:00");
    let window: Vec<Date> = schedule
        .due_between(march, april, &tz)
        .map(|due| due.period.start)
        .collect();
    assert_eq!(window, [date(2025, 4, 30)]);
    assert_eq!(schedule.due_between(before, before, &tz).count(), 0);
}

#[test]
fn status_follows_start_and_termination() {
    let tz = ams();
    let mut schedule = Schedule::new(date(2025, 6, 1), Interval::OneYear, date(2025, 5, 1));
    assert_eq!(
        schedule.status(local("2025-05-31T23:59:59"), &tz),
        Status::Planned
    );
    assert_eq!(
        schedule.status(local("2025-06-01T00:00:00"), &tz),
        Status::InProgress
    );
    schedule.set_terminated_at(Some(local("2026-03-01T12:00:00")));
    assert_eq!(
        schedule.status(local("2025-05-20T00:00:00"), &tz),
        Status::Terminated
    );
    assert_eq!(
        schedule.status(local("2026-03-01T11:59:59"), &tz),
        Status::Terminated
    );
    assert_eq!(
        schedule.status(local("2026-03-01T12:00:00"), &tz),
        Status::Ended
    );
    assert_eq!(Status::InProgress.as_str(), "in_progress");
}

#[test]
fn renews_at_is_the_next_billed_start_after_today() {
    let tz = ams();
    let mut schedule = Schedule::new(date(2024, 4, 29), Interval::OneYear, date(2024, 4, 29));
    // Planned: the start itself.
    assert_eq!(
        schedule.renews_at(local("2024-04-01T09:00:00"), &tz),
        Some(date(2024, 4, 29))
    );
    // On a start day the renewal is the next one.
    assert_eq!(
        schedule.renews_at(local("2024-04-29T21:00:00"), &tz),
        Some(date(2025, 4, 29))
    );
    // Terminated within the term: no renewal any more.
    schedule.set_terminated_at(Some(local("2025-04-28T12:00:00")));
    assert_eq!(schedule.renews_at(local("2024-06-01T00:00:00"), &tz), None);
    // Terminated a term later: one renewal still comes.
    schedule.set_terminated_at(Some(local("2026-01-01T00:00:00")));
    assert_eq!(
        schedule.renews_at(local("2024-06-01T00:00:00"), &tz),
        Some(date(2025, 4, 29))
    );
    assert_eq!(schedule.renews_at(local("2025-06-01T00:00:00"), &tz), None);
}

#[test]
fn a_new_interval_counts_from_the_next_renewal() {
    let mut schedule = Schedule::new(date(2024, 1, 31), Interval::OneMonth, date(2024, 1, 31));
    // Changed on 15 May: the term that began on 30 April runs to 31 May.
    let from = schedule.change_interval(Interval::OneYear, date(2024, 5, 15));
    assert_eq!(from, Some(date(2024, 5, 31)));
    assert_eq!(schedule.interval(), Interval::OneYear);
    assert_eq!(
        starts(schedule.periods_from(date(2024, 3, 1)), 5),
        [
            "2024-03-31",
            "2024-04-30",
            "2024-05-31",
            "2025-05-31",
            "2026-05-31"
        ]
    );
    // Changed again the same day: the last change wins, from the same renewal.
    assert_eq!(
        schedule.change_interval(Interval::FourteenDays, date(2024, 5, 15)),
        Some(date(2024, 5, 31))
    );
    assert_eq!(
        starts(schedule.periods_from(date(2024, 5, 31)), 3),
        ["2024-05-31", "2024-06-14", "2024-06-28"]
    );
    // And back to monthly: the original schedule again, one segment.
    schedule.change_interval(Interval::OneMonth, date(2024, 5, 15));
    assert_eq!(
        schedule,
        Schedule::new(date(2024, 1, 31), Interval::OneMonth, date(2024, 1, 31))
    );
    // Before the start, a change simply replaces the interval.
    let mut planned = Schedule::new(date(2025, 1, 1), Interval::OneMonth, date(2024, 12, 1));
    planned.change_interval(Interval::SixMonths, date(2024, 12, 10));
    assert_eq!(
        planned.segments(),
        [Segment {
            from: date(2025, 1, 1),
            interval: Interval::SixMonths
        }]
    );
}

#[test]
fn restore_refuses_segments_that_do_not_join() {
    let monthly = Segment {
        from: date(2024, 1, 31),
        interval: Interval::OneMonth,
    };
    let joined = Segment {
        from: date(2024, 2, 29),
        interval: Interval::OneYear,
    };
    assert!(Schedule::restore(vec![monthly, joined], date(2024, 1, 1), None).is_ok());
    let off = Segment {
        from: date(2024, 3, 1),
        interval: Interval::OneYear,
    };
    assert_eq!(
        Schedule::restore(vec![monthly, off], date(2024, 1, 1), None),
        Err(ScheduleError::Misaligned(1))
    );
    assert_eq!(
        Schedule::restore(vec![], date(2024, 1, 1), None),
        Err(ScheduleError::Empty)
    );
}

#[test]
fn segments_are_stored_as_json_with_wire_spellings() {
    let segments = [Segment {
        from: date(2024, 5, 31),
        interval: Interval::OneYear,
    }];
    let json = serde_json::to_string(&segments).unwrap();
    assert_eq!(json, r#"[{"from":"2024-05-31","interval":"1 year"}]"#);
    assert_eq!(
        serde_json::from_str::<Vec<Segment>>(&json).unwrap(),
        segments
    );
    assert!(
        serde_json::from_str::<Vec<Segment>>(r#"[{"from":"2024-05-31","interval":"1 jaar"}]"#)
            .is_err()
    );
}

// ---- Properties -------------------------------------------------------------------------

/// The length of a month, by the Gregorian rule, written out independently of jiff.
fn month_length(year: i32, month: i32) -> i32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The count of months since year 0, so consecutive months differ by one.
fn month_number(day: Date) -> i32 {
    i32::from(day.year()) * 12 + i32::from(day.month()) - 1
}

/// Checks ten years of one interval from one start day against the rules in the calendar's
/// own terms, and that the iterator the engine walks (resumable from any cursor) gives
/// exactly the periods computed directly from the start.
fn check_ten_years(start: Date, interval: Interval) {
    let schedule = Schedule::new(start, interval, start);
    let horizon = start.checked_add(jiff::Span::new().years(10)).unwrap();
    let walked: Vec<Period> = schedule
        .periods_from(start)
        .take_while(|p| p.start < horizon)
        .collect();
    assert!(walked.len() >= 10, "{start} {interval}");
    for (k, period) in walked.iter().enumerate() {
        let k32 = u32::try_from(k).unwrap();
        let direct = period_start(start, interval, k32).unwrap();
        assert_eq!(period.start, direct, "{start} {interval} period {k}");
        assert_eq!(
            Some(period.end),
            period_start(start, interval, k32 + 1),
            "{start} {interval} end of period {k}"
        );
        assert!(period.end > period.start, "{start} {interval} period {k}");
        match interval.step() {
            Step::Days(days) => {
                let elapsed = i64::from(start.until(period.start).unwrap().get_days());
                assert_eq!(elapsed, days * i64::from(k32), "{start} {interval} {k}");
            }
            Step::Months(months) => {
                let months = i32::try_from(months).unwrap();
                let k = i32::try_from(k).unwrap();
                // No month skipped, none used twice.
                assert_eq!(
                    month_number(period.start),
                    month_number(start) + k * months,
                    "{start} {interval} {k}"
                );
                let length = month_length(period.start.year().into(), period.start.month().into());
                assert_eq!(
                    i32::from(period.start.day()),
                    i32::from(start.day()).min(length),
                    "{start} {interval} {k}"
                );
            }
        }
        // Resuming from this period's start, or from the day after the previous one,
        // finds this period.
        assert_eq!(schedule.periods_from(period.start).next(), Some(*period));
        let day_before = period.start.yesterday().unwrap();
        if k > 0 {
            assert_eq!(schedule.periods_from(day_before).next(), Some(*period));
        }
    }
}

#[test]
fn ten_years_of_every_interval_from_every_day_of_a_common_and_a_leap_year() {
    for interval in Interval::ALL {
        let mut day = date(2023, 1, 1);
        while day < date(2025, 1, 1) {
            check_ten_years(day, interval);
            day = day.tomorrow().unwrap();
        }
    }
}

fn interval_strategy() -> impl Strategy<Value = Interval> {
    prop::sample::select(Interval::ALL.to_vec())
}

/// Any real day from 1900 to 2399 (four century rules), the 29th-31st often.
fn day_strategy() -> impl Strategy<Value = Date> {
    (1900i16..2400, 1i8..=12, prop_oneof![1i8..=31, 28i8..=31]).prop_map(|(y, m, d)| {
        let last = date(y, m, 1).days_in_month();
        date(y, m, d.min(last))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_drift_from_any_start_in_five_centuries(start in day_strategy(), interval in interval_strategy()) {
        check_ten_years(start, interval);
    }

    #[test]
    fn index_on_or_after_agrees_with_a_linear_search(
        anchor in day_strategy(),
        interval in interval_strategy(),
        offset in 0i64..4000,
    ) {
        let day = anchor.checked_add(jiff::Span::new().days(offset)).unwrap();
        let linear = (0u32..)
            .find(|&k| period_start(anchor, interval, k).unwrap() >= day)
            .unwrap();
        prop_assert_eq!(index_on_or_after(anchor, interval, day), Some(linear));
    }
}

/// A subscription in a random situation, and the moments a server was up to bill it.
#[derive(Debug, Clone)]
struct Run {
    zone: &'static str,
    schedule: Schedule,
    /// Instants the billing loop ran, increasing, with how many due periods it managed to
    /// bill each time before the process died (`None`: all of them).
    wakes: Vec<(Timestamp, Option<usize>)>,
}

fn run_strategy() -> impl Strategy<Value = Run> {
    (
        prop::sample::select(vec!["Europe/Amsterdam", "America/Havana", "UTC"]),
        interval_strategy(),
        (2020i16..2030, 1i8..=12, 1i8..=31),
        -400i64..60,
        prop::option::of((0i64..1500, 0i64..86_400)),
        prop::collection::vec((1i64..200 * 86_400, prop::option::of(0usize..3)), 1..40),
    )
        .prop_map(|(zone, interval, (y, m, d), created, end, gaps)| {
            let tz = TimeZone::get(zone).unwrap();
            let start = date(y, m, d.min(date(y, m, 1).days_in_month()));
            let created_on = start.checked_add(jiff::Span::new().days(created)).unwrap();
            let mut schedule = Schedule::new(start, interval, created_on);
            // The server first runs when the subscription is created, during that day.
            let mut at = billing_instant(created_on, &tz)
                .unwrap()
                .checked_add(SignedDuration::from_hours(9))
                .unwrap();
            schedule.set_terminated_at(end.map(|(days, secs)| {
                billing_instant(start, &tz)
                    .unwrap()
                    .checked_add(SignedDuration::from_secs(days * 86_400 + secs))
                    .unwrap()
            }));
            let mut wakes = vec![(at, None)];
            for (gap, crash) in gaps {
                at = at.checked_add(SignedDuration::from_secs(gap)).unwrap();
                wakes.push((at, crash));
            }
            // The last run finishes its work.
            wakes.last_mut().unwrap().1 = None;
            Run {
                zone,
                schedule,
                wakes,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn catch_up_over_random_downtimes_bills_each_period_exactly_once(run in run_strategy()) {
        let tz = TimeZone::get(run.zone).unwrap();
        let schedule = &run.schedule;
        let mut cursor = schedule.starts_at();
        let mut billed: Vec<(Date, Timestamp)> = Vec::new();
        for &(now, crash_after) in &run.wakes {
            let due: Vec<DuePeriod> = schedule.due(cursor, now, &tz).collect();
            for due in due.iter().take(crash_after.unwrap_or(usize::MAX)) {
                prop_assert!(due.bill_at <= now);
                billed.push((due.period.start, due.bill_at));
                cursor = due.period.end;
            }
        }
        // What should have been billed by the end, straight from the definition: every
        // period k with a start on or after the creation day, billed before termination,
        // due by the last run.
        let last = run.wakes.last().unwrap().0;
        let expected: Vec<(Date, Timestamp)> = (0u32..)
            .map_while(|k| period_start(schedule.starts_at(), schedule.interval(), k))
            .map(|start| (start, billing_instant(start, &tz).unwrap()))
            .take_while(|&(_, at)| at <= last)
            .filter(|&(start, at)| {
                start >= schedule.created_on()
                    && schedule.terminated_at().is_none_or(|end| at < end)
            })
            .collect();
        prop_assert_eq!(&billed, &expected);
        // The same periods stated by time: what fell due between consecutive runs.
        let mut since = Timestamp::MIN;
        let mut by_window: Vec<(Date, Timestamp)> = Vec::new();
        for &(now, _) in &run.wakes {
            by_window.extend(
                schedule
                    .due_between(since, now, &tz)
                    .map(|due| (due.period.start, due.bill_at)),
            );
            since = now;
        }
        prop_assert_eq!(by_window, expected);
    }

    #[test]
    fn interval_changes_keep_periods_joined_and_the_past_unchanged(
        start in day_strategy(),
        first in interval_strategy(),
        changes in prop::collection::vec((interval_strategy(), 0i64..800), 0..4),
    ) {
        let mut schedule = Schedule::new(start, first, start);
        let original = schedule.clone();
        let mut after = start;
        let mut earliest_change: Option<Date> = None;
        for (interval, gap) in changes {
            after = after.checked_add(jiff::Span::new().days(gap)).unwrap();
            if let Some(from) = schedule.change_interval(interval, after) {
                prop_assert!(from > after);
                earliest_change = Some(earliest_change.map_or(from, |e| e.min(from)));
            }
            let restored = Schedule::restore(schedule.segments().to_vec(), start, None);
            prop_assert_eq!(restored, Ok(schedule.clone()));
        }
        let periods: Vec<Period> = schedule.periods_from(start).take(80).collect();
        for pair in periods.windows(2) {
            prop_assert_eq!(pair[0].end, pair[1].start);
            prop_assert!(pair[0].start < pair[1].start);
        }
        // Up to the first change the periods are those of the original schedule.
        let unchanged = |p: &Period| earliest_change.is_none_or(|from| p.start < from);
        let before: Vec<Period> = periods.iter().copied().take_while(unchanged).collect();
        let original: Vec<Period> =
            original.periods_from(start).take(before.len()).collect();
        prop_assert_eq!(before, original);
    }
}
