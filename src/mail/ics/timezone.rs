//! The `VTIMEZONE` of the deployment's zone, built from jiff's transitions (tzdb), so a
//! calendar that does not know the zone by name still turns the event's local times into
//! the right instants (RFC 5545 §3.6.5).
//!
//! It covers the year before the event's first year to the year after its last. When every
//! change to and from daylight saving time in that span falls on the same weekday of the
//! same month at the same local time (Europe/Amsterdam: last Sunday of March, 02:00, and of
//! October, 03:00), each kind becomes one STANDARD or DAYLIGHT with a yearly `RRULE`, the
//! form Outlook and Google write and every client reads. Otherwise (a zone that changed its
//! rules in the span, or follows no weekday rule) every change is listed explicitly: one
//! component per kind and offset pair, its first change as `DTSTART`, the others as `RDATE`.

use calcard::icalendar::{
    ICalendarComponentType, ICalendarDay, ICalendarFrequency, ICalendarMonth, ICalendarProperty,
    ICalendarRecurrenceRule, ICalendarValue, ICalendarWeekday,
};
use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Weekday};
use jiff::tz::{Offset, TimeZone};

use super::{Component, local_date_time, text_entry};

/// One change of offset, as RFC 5545 describes it: the local time it happens at (in the
/// offset before it), the offsets before and after, the name after.
#[derive(Debug, Clone, PartialEq)]
struct Change {
    onset: DateTime,
    from: Offset,
    to: Offset,
    name: String,
    daylight: bool,
}

/// The `VTIMEZONE` (with its STANDARD / DAYLIGHT children) for `tz`, named `tzid`, valid
/// for every instant from `first` to `last`; `None` when an offset has seconds, which the
/// writer cannot express (no modern zone has one).
pub(super) fn vtimezone(
    tz: &TimeZone,
    tzid: &str,
    first: Timestamp,
    last: Timestamp,
) -> Option<Component> {
    let first_year = first.to_zoned(tz.clone()).year();
    let last_year = last.to_zoned(tz.clone()).year();
    let span_start = year_start(tz, first_year - 1)?;
    let span_end = year_start(tz, last_year + 2)?;

    let mut changes = Vec::new();
    let mut offset = tz.to_offset(span_start);
    for transition in tz.following(span_start) {
        if transition.timestamp() >= span_end {
            break;
        }
        changes.push(Change {
            onset: offset.to_datetime(transition.timestamp()),
            from: offset,
            to: transition.offset(),
            name: transition.abbreviation().to_string(),
            daylight: is_daylight(offset, transition.offset(), transition.dst().is_dst()),
        });
        offset = transition.offset();
    }
    if changes
        .iter()
        .any(|c| has_seconds(c.from) || has_seconds(c.to))
    {
        return None;
    }

    let mut vtimezone = Component::new(ICalendarComponentType::VTimezone);
    vtimezone.entry(text_entry(ICalendarProperty::Tzid, tzid));
    let years = (first_year - 1)..=(last_year + 1);
    match (
        yearly_rule(&changes, false, &years),
        yearly_rule(&changes, true, &years),
    ) {
        (Some(standard), Some(daylight)) => {
            // Daylight first: its first onset (spring) precedes standard's (autumn).
            for (change, rule) in [daylight, standard] {
                let mut child = observance(&change);
                child.entry(super::entry(
                    ICalendarProperty::Rrule,
                    ICalendarValue::RecurrenceRule(Box::new(rule)),
                ));
                vtimezone.child(order_like_rfc(child));
            }
        }
        _ => {
            if changes.is_empty() {
                // No change in the span (a zone without daylight saving time): the offset
                // in force, from the changes before the span.
                changes.push(in_force_at(tz, span_start)?);
            }
            for child in explicit(&changes) {
                vtimezone.child(child);
            }
        }
    }
    Some(vtimezone)
}

/// The start of `year` in `tz` as an instant.
fn year_start(tz: &TimeZone, year: i16) -> Option<Timestamp> {
    Date::new(year, 1, 1)
        .ok()?
        .to_zoned(tz.clone())
        .ok()
        .map(|z| z.timestamp())
}

/// Whether a change starts daylight saving time as calendars understand it: the clocks go
/// forward. The tz database marks some zones' winter time as the daylight time, with a
/// negative saving (Europe/Dublin, Africa/Casablanca during Ramadan); calendar libraries
/// that take DAYLIGHT to mean "ahead of standard" get the hour around such a change wrong
/// (dateutil did, in tests/ics/check_calendars.py), so only a change of no size goes by the
/// database's flag.
fn is_daylight(from: Offset, to: Offset, tzdb_dst: bool) -> bool {
    if from == to { tzdb_dst } else { to > from }
}

fn has_seconds(offset: Offset) -> bool {
    offset.seconds() % 60 != 0
}

/// The change that set the offset in force at `at` (or, for a zone that never changed, a
/// change from and to its one offset at the start of 1970).
fn in_force_at(tz: &TimeZone, at: Timestamp) -> Option<Change> {
    let info = tz.to_offset_info(at);
    let change = match tz.preceding(at).next() {
        Some(previous) => {
            let from = tz.to_offset(previous.timestamp() - jiff::SignedDuration::from_secs(1));
            Change {
                onset: from.to_datetime(previous.timestamp()),
                from,
                to: previous.offset(),
                name: previous.abbreviation().to_string(),
                daylight: is_daylight(from, previous.offset(), previous.dst().is_dst()),
            }
        }
        None => Change {
            onset: DateTime::constant(1970, 1, 1, 0, 0, 0, 0),
            from: info.offset(),
            to: info.offset(),
            name: info.abbreviation().to_string(),
            daylight: info.dst().is_dst(),
        },
    };
    (!has_seconds(change.from) && !has_seconds(change.to)).then_some(change)
}

/// The yearly rule every change of one kind (`daylight` or not) in `years` follows, with the
/// first such change: one change in each of the years, all with the same offsets and name,
/// in the same month, on the same weekday counted from the start (`2SU`) or the end
/// (`-1SU`) of the month, at the same local time.
fn yearly_rule(
    changes: &[Change],
    daylight: bool,
    years: &std::ops::RangeInclusive<i16>,
) -> Option<(Change, ICalendarRecurrenceRule)> {
    let kind: Vec<&Change> = changes.iter().filter(|c| c.daylight == daylight).collect();
    let first = *kind.first()?;
    let in_years: Vec<i16> = kind.iter().map(|c| c.onset.year()).collect();
    if in_years != years.clone().collect::<Vec<_>>() {
        return None;
    }
    let same_shape = kind.iter().all(|c| {
        c.from == first.from
            && c.to == first.to
            && c.name == first.name
            && c.onset.month() == first.onset.month()
            && c.onset.weekday() == first.onset.weekday()
            && c.onset.time() == first.onset.time()
    });
    if !same_shape {
        return None;
    }
    let is_last = |c: &Change| c.onset.day() + 7 > c.onset.date().days_in_month();
    let nth = |c: &Change| (c.onset.day() - 1) / 7 + 1;
    let ordwk = if kind.iter().all(|c| is_last(c)) {
        -1
    } else if kind.iter().all(|c| nth(c) == nth(first)) {
        i16::from(nth(first))
    } else {
        return None;
    };
    let rule = ICalendarRecurrenceRule {
        freq: ICalendarFrequency::Yearly,
        bymonth: vec![ICalendarMonth::new(first.onset.month() as u8, false)],
        byday: vec![ICalendarDay {
            ordwk: Some(ordwk),
            weekday: weekday(first.onset.weekday()),
        }],
        ..Default::default()
    };
    Some((first.clone(), rule))
}

fn weekday(day: Weekday) -> ICalendarWeekday {
    match day {
        Weekday::Monday => ICalendarWeekday::Monday,
        Weekday::Tuesday => ICalendarWeekday::Tuesday,
        Weekday::Wednesday => ICalendarWeekday::Wednesday,
        Weekday::Thursday => ICalendarWeekday::Thursday,
        Weekday::Friday => ICalendarWeekday::Friday,
        Weekday::Saturday => ICalendarWeekday::Saturday,
        Weekday::Sunday => ICalendarWeekday::Sunday,
    }
}

/// The changes as STANDARD / DAYLIGHT components: one per kind, offsets and name, its first
/// change as `DTSTART` and the later ones as `RDATE`s.
fn explicit(changes: &[Change]) -> Vec<Component> {
    let mut groups: Vec<(&Change, Vec<DateTime>)> = Vec::new();
    for change in changes {
        let same = |(g, _): &&mut (&Change, Vec<DateTime>)| {
            g.daylight == change.daylight
                && g.from == change.from
                && g.to == change.to
                && g.name == change.name
        };
        match groups.iter_mut().find(same) {
            Some((_, later)) => later.push(change.onset),
            None => groups.push((change, Vec::new())),
        }
    }
    groups
        .into_iter()
        .map(|(first, later)| {
            let mut child = observance(first);
            if !later.is_empty() {
                child.entry(super::entry_values(
                    ICalendarProperty::Rdate,
                    later
                        .into_iter()
                        .map(|onset| {
                            ICalendarValue::PartialDateTime(Box::new(local_date_time(onset)))
                        })
                        .collect(),
                ));
            }
            order_like_rfc(child)
        })
        .collect()
}

/// A STANDARD or DAYLIGHT component for `change`, without its recurrence.
fn observance(change: &Change) -> Component {
    let kind = if change.daylight {
        ICalendarComponentType::Daylight
    } else {
        ICalendarComponentType::Standard
    };
    let mut child = Component::new(kind);
    child.entry(super::entry(
        ICalendarProperty::Dtstart,
        ICalendarValue::PartialDateTime(Box::new(local_date_time(change.onset))),
    ));
    child.entry(super::entry(
        ICalendarProperty::Tzoffsetfrom,
        ICalendarValue::PartialDateTime(Box::new(utc_offset(change.from))),
    ));
    child.entry(super::entry(
        ICalendarProperty::Tzoffsetto,
        ICalendarValue::PartialDateTime(Box::new(utc_offset(change.to))),
    ));
    if !change.name.is_empty() {
        child.entry(text_entry(ICalendarProperty::Tzname, &change.name));
    }
    child
}

/// DTSTART, then RRULE / RDATE, then the offsets and name, the order RFC 5545's examples use.
fn order_like_rfc(mut component: Component) -> Component {
    let rank = |p: &ICalendarProperty| match p {
        ICalendarProperty::Dtstart => 0,
        ICalendarProperty::Rrule | ICalendarProperty::Rdate => 1,
        _ => 2,
    };
    component.entries.sort_by_key(|e| rank(&e.name));
    component
}

/// A UTC offset value (`+0100`, `-0330`) for TZOFFSETFROM / TZOFFSETTO.
fn utc_offset(offset: Offset) -> calcard::common::PartialDateTime {
    let seconds = offset.seconds();
    let minutes = seconds.unsigned_abs() / 60;
    calcard::common::PartialDateTime {
        tz_hour: Some((minutes / 60) as u8),
        tz_minute: Some((minutes % 60) as u8),
        tz_minus: seconds < 0,
        ..Default::default()
    }
}
