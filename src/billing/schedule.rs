//! A subscription's schedule: its periods, which of them are billed, which are due at a given
//! moment (catch-up after downtime included), `renewsAt` and `status`.
//!
//! The engine keeps one cursor per subscription: the day from which periods are still to be
//! billed. Billing period `p` moves the cursor to `p.end` in the same transaction that makes
//! the invoice, so whatever happened in between (downtime, a crash, a second server), the
//! periods due at any moment are exactly [`Schedule::due`] from the stored cursor.
//!
//! A schedule is a list of segments, each anchored at its first day: the first at `startsAt`,
//! and one more each time the interval is changed, anchored at the next renewal (the running
//! term ends as sold; the new interval counts from its end). Inside a segment period `k` is
//! `anchor + k × interval`, computed from the anchor (see [`super::period`]).

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use super::interval::Interval;
use super::period::{billing_instant, index_on_or_after, local_date, period_start};

/// A stretch of periods at one interval, starting on `from`. Stored as JSON:
/// `{"from":"2024-05-31","interval":"1 year"}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Segment {
    pub from: Date,
    pub interval: Interval,
}

/// One term: from `start` (inclusive) to `end` (exclusive, the next period's start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

/// A period the engine bills, with the instant it becomes due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DuePeriod {
    pub period: Period,
    pub bill_at: Timestamp,
}

/// The reference's `status` of a subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    Planned,
    InProgress,
    Terminated,
    Ended,
}

impl Status {
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Planned => "planned",
            Status::InProgress => "in_progress",
            Status::Terminated => "terminated",
            Status::Ended => "ended",
        }
    }
}

/// Why stored segments do not form a schedule (a bug or a hand-edited row, never input).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("a schedule needs at least one segment")]
    Empty,
    #[error("segment {0} does not start on a period start of the segment before it")]
    Misaligned(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Non-empty; each `from` is later than the one before and is a period start of the
    /// segment before it, so the periods of consecutive segments join without a gap.
    segments: Vec<Segment>,
    /// The subscription's creation day in the deployment's zone: periods starting before it
    /// are not billed (an import of a running subscription), one starting on it is.
    created_on: Date,
    /// No period whose billing instant is at or after this is billed.
    terminated_at: Option<Timestamp>,
}

/// Where a period is: segment `i`, period `k` of it, starting on `start`.
#[derive(Debug, Clone, Copy)]
struct Position {
    segment: usize,
    k: u32,
    start: Date,
}

impl Schedule {
    /// A new subscription's schedule.
    pub fn new(starts_at: Date, interval: Interval, created_on: Date) -> Schedule {
        Schedule {
            segments: vec![Segment {
                from: starts_at,
                interval,
            }],
            created_on,
            terminated_at: None,
        }
    }

    /// A schedule read back from storage, checked.
    pub fn restore(
        segments: Vec<Segment>,
        created_on: Date,
        terminated_at: Option<Timestamp>,
    ) -> Result<Schedule, ScheduleError> {
        if segments.is_empty() {
            return Err(ScheduleError::Empty);
        }
        for (i, pair) in segments.windows(2).enumerate() {
            let (before, next) = (pair[0], pair[1]);
            let aligned = next.from > before.from
                && index_on_or_after(before.from, before.interval, next.from)
                    .and_then(|k| period_start(before.from, before.interval, k))
                    == Some(next.from);
            if !aligned {
                return Err(ScheduleError::Misaligned(i + 1));
            }
        }
        Ok(Schedule {
            segments,
            created_on,
            terminated_at,
        })
    }

    pub fn starts_at(&self) -> Date {
        self.segments[0].from
    }

    /// The interval the subscription has now (the one the API shows).
    pub fn interval(&self) -> Interval {
        self.segments[self.segments.len() - 1].interval
    }

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    pub fn created_on(&self) -> Date {
        self.created_on
    }

    pub fn terminated_at(&self) -> Option<Timestamp> {
        self.terminated_at
    }

    /// Sets or clears `terminatedAt`. Periods already billed stay billed.
    pub fn set_terminated_at(&mut self, at: Option<Timestamp>) {
        self.terminated_at = at;
    }

    /// Changes the interval from the first period start after `after`: the store passes the
    /// later of today and the last billed period's start, so a term that has begun (or been
    /// billed) keeps its length. Returns the day the new interval counts from, or `None`
    /// (nothing changed) when no period starts after `after` before year 9999.
    pub fn change_interval(&mut self, interval: Interval, after: Date) -> Option<Date> {
        let from = self.position(after.tomorrow().ok()?)?.start;
        self.segments.retain(|segment| segment.from < from);
        // Changing back to the interval of the segment that continues needs no new segment:
        // `from` is one of its period starts.
        if self.segments.last().map(|s| s.interval) != Some(interval) {
            self.segments.push(Segment { from, interval });
        }
        Some(from)
    }

    /// Every period that starts on or after `day`, in order.
    pub fn periods_from(&self, day: Date) -> impl Iterator<Item = Period> + '_ {
        let mut next = self.position(day);
        std::iter::from_fn(move || {
            let here = next?;
            let after = self.advance(here);
            next = after;
            Some(Period {
                start: here.start,
                end: after?.start,
            })
        })
    }

    /// Whether a period is billed at all: it starts on or after the creation day, and its
    /// billing instant is before `terminatedAt`.
    pub fn is_billed(&self, period: &Period, tz: &TimeZone) -> bool {
        self.billed_at(period, tz).is_some()
    }

    fn billed_at(&self, period: &Period, tz: &TimeZone) -> Option<Timestamp> {
        if period.start < self.created_on {
            return None;
        }
        let at = billing_instant(period.start, tz)?;
        self.terminated_at.is_none_or(|end| at < end).then_some(at)
    }

    /// The next period the engine will bill from `cursor`, due or not; `None` when no
    /// period will ever be billed again (terminated, or past year 9999). Its `bill_at` is
    /// what the store keeps as the subscription's next due instant.
    pub fn next_to_bill(&self, cursor: Date, tz: &TimeZone) -> Option<DuePeriod> {
        let period = self.periods_from(cursor.max(self.created_on)).next()?;
        // Termination is a single cut-off: once a period is past it, so are all later ones.
        let bill_at = self.billed_at(&period, tz)?;
        Some(DuePeriod { period, bill_at })
    }

    /// The periods due at `now` from `cursor`, oldest first: after downtime, every period
    /// missed. Billing each moves the cursor to its `end`.
    pub fn due<'a>(
        &'a self,
        cursor: Date,
        now: Timestamp,
        tz: &'a TimeZone,
    ) -> impl Iterator<Item = DuePeriod> + 'a {
        let mut cursor = Some(cursor);
        std::iter::from_fn(move || {
            let due = self
                .next_to_bill(cursor?, tz)
                .filter(|due| due.bill_at <= now)?;
            cursor = Some(due.period.end);
            Some(due)
        })
    }

    /// The billed periods whose billing instant lies in `(after, upto]`, oldest first: what
    /// a server that last billed at `after` owes at `upto`, without a cursor. The engine uses
    /// the cursor ([`Schedule::due`]); this is the same set stated by time, for reports and
    /// as the tests' second opinion.
    pub fn due_between<'a>(
        &'a self,
        after: Timestamp,
        upto: Timestamp,
        tz: &'a TimeZone,
    ) -> impl Iterator<Item = DuePeriod> + 'a {
        // Billing instants grow with the start day, so a period starting before the day of
        // `after` was due by `after` already.
        self.periods_from(local_date(after, tz).max(self.created_on))
            .map_while(move |period| {
                let at = billing_instant(period.start, tz)?;
                (at <= upto).then_some(period)
            })
            .filter_map(move |period| {
                let bill_at = self.billed_at(&period, tz)?;
                (bill_at > after).then_some(DuePeriod { period, bill_at })
            })
    }

    /// `renewsAt`: the first period start after today that will be billed. `None` once
    /// termination stops the renewals (so `None` whenever the subscription is `ended`, and
    /// while `terminated` unless a renewal still comes before `terminatedAt`).
    pub fn renews_at(&self, now: Timestamp, tz: &TimeZone) -> Option<Date> {
        let tomorrow = local_date(now, tz).tomorrow().ok()?;
        let period = self.periods_from(tomorrow).next()?;
        let at = billing_instant(period.start, tz)?;
        self.terminated_at
            .is_none_or(|end| at < end)
            .then_some(period.start)
    }

    /// `status` at `now`: `ended` from `terminatedAt` on, `terminated` while it is ahead,
    /// otherwise `planned` before the start day begins and `in_progress` after. A planned
    /// subscription that is already given a `terminatedAt` shows `terminated`: the
    /// cancellation is the news.
    pub fn status(&self, now: Timestamp, tz: &TimeZone) -> Status {
        match self.terminated_at {
            Some(end) if now >= end => Status::Ended,
            Some(_) => Status::Terminated,
            None if billing_instant(self.starts_at(), tz).is_none_or(|start| now < start) => {
                Status::Planned
            }
            None => Status::InProgress,
        }
    }

    /// The first period starting on or after `day`.
    fn position(&self, day: Date) -> Option<Position> {
        let i = self
            .segments
            .partition_point(|segment| segment.from <= day)
            .saturating_sub(1);
        let segment = self.segments[i];
        match index_on_or_after(segment.from, segment.interval, day) {
            Some(k) => self.settle(i, k),
            None => self.first_of(i + 1),
        }
    }

    /// The period after `here`.
    fn advance(&self, here: Position) -> Option<Position> {
        match here.k.checked_add(1) {
            Some(k) => self.settle(here.segment, k),
            None => self.first_of(here.segment + 1),
        }
    }

    /// Period `k` of segment `i`, or the next segment's first period when that one has
    /// taken over by then.
    fn settle(&self, i: usize, k: u32) -> Option<Position> {
        let segment = self.segments[i];
        match period_start(segment.from, segment.interval, k) {
            Some(start)
                if self
                    .segments
                    .get(i + 1)
                    .is_none_or(|next| start < next.from) =>
            {
                Some(Position {
                    segment: i,
                    k,
                    start,
                })
            }
            _ => self.first_of(i + 1),
        }
    }

    fn first_of(&self, i: usize) -> Option<Position> {
        self.segments.get(i).map(|segment| Position {
            segment: i,
            k: 0,
            start: segment.from,
        })
    }
}

#[cfg(test)]
#[path = "schedule_tests.rs"]
mod tests;
