//! The billing engine's rules, free of storage and HTTP: subscription intervals, period
//! arithmetic without drift, which periods are due (catch-up after downtime included),
//! `renewsAt` and `status`, and the invoice number format with its gapless sequence.
//!
//! How the store and the background loop use these to bill every period exactly once is
//! described in `docs/design/billing.md`.

pub mod interval;
pub mod numbering;
pub mod period;
pub mod schedule;

pub use interval::{Interval, IntervalError};
pub use numbering::{DEFAULT_FORMAT, FormatError, NumberFormat, SequenceScope};
pub use period::{billing_instant, index_on_or_after, local_date, period_start};
pub use schedule::{DuePeriod, Period, Schedule, ScheduleError, Segment, Status};
