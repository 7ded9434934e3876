//! The reference's five billing intervals, read from and written as their wire strings
//! (`14 days`, `1 month`, `2 months`, `6 months`, `1 year`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

/// How often a subscription renews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Interval {
    FourteenDays,
    OneMonth,
    TwoMonths,
    SixMonths,
    OneYear,
}

/// Why a value could not be read as an interval; each message is shown beside the field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum IntervalError {
    /// A string, but not one of the five spellings.
    #[error("Must be one of \"14 days\", \"1 month\", \"2 months\", \"6 months\" or \"1 year\".")]
    Unknown,
    /// Not a string at all.
    #[error(
        "Must be a string: one of \"14 days\", \"1 month\", \"2 months\", \"6 months\" or \"1 year\"."
    )]
    WrongType,
}

/// How one interval moves the calendar: a fixed number of days, or whole months (a year is
/// twelve), where a day that the target month lacks becomes that month's last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Days(i64),
    Months(i64),
}

impl Interval {
    /// Every interval, shortest first.
    pub const ALL: [Interval; 5] = [
        Interval::FourteenDays,
        Interval::OneMonth,
        Interval::TwoMonths,
        Interval::SixMonths,
        Interval::OneYear,
    ];

    /// The wire spelling, exactly as the reference writes it.
    pub const fn as_str(self) -> &'static str {
        match self {
            Interval::FourteenDays => "14 days",
            Interval::OneMonth => "1 month",
            Interval::TwoMonths => "2 months",
            Interval::SixMonths => "6 months",
            Interval::OneYear => "1 year",
        }
    }

    /// Reads exactly one of the five spellings. An interval is a code, not free text, so
    /// `"1 Month"`, `" 1 month"` and `"12 months"` are refused rather than guessed at.
    pub fn parse(text: &str) -> Result<Interval, IntervalError> {
        Interval::ALL
            .into_iter()
            .find(|interval| interval.as_str() == text)
            .ok_or(IntervalError::Unknown)
    }

    /// Reads the interval from a JSON request value.
    pub fn from_json(value: &Value) -> Result<Interval, IntervalError> {
        match value {
            Value::String(text) => Interval::parse(text),
            _ => Err(IntervalError::WrongType),
        }
    }

    /// What one interval adds to a date.
    pub const fn step(self) -> Step {
        match self {
            Interval::FourteenDays => Step::Days(14),
            Interval::OneMonth => Step::Months(1),
            Interval::TwoMonths => Step::Months(2),
            Interval::SixMonths => Step::Months(6),
            // Twelve months, not 365 days: 29 February gives 28 February, then 29 February
            // again in the next leap year.
            Interval::OneYear => Step::Months(12),
        }
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Interval {
    type Err = IntervalError;

    fn from_str(text: &str) -> Result<Interval, IntervalError> {
        Interval::parse(text)
    }
}

impl Serialize for Interval {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Reads the wire spelling, as stored in a schedule's segments.
impl<'de> Deserialize<'de> for Interval {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Interval, D::Error> {
        let text = String::deserialize(deserializer)?;
        Interval::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_wire_spelling_reads_back_as_itself() {
        for interval in Interval::ALL {
            assert_eq!(Interval::parse(interval.as_str()), Ok(interval));
            assert_eq!(interval.to_string().parse(), Ok(interval));
            assert_eq!(
                serde_json::to_value(interval).unwrap(),
                json!(interval.as_str())
            );
            assert_eq!(
                serde_json::from_value::<Interval>(json!(interval.as_str())).unwrap(),
                interval
            );
        }
    }

    #[test]
    fn near_misses_are_refused_with_the_list_of_choices() {
        for bad in [
            "",
            "1 Month",
            " 1 month",
            "1 month ",
            "1 months",
            "12 months",
            "2 weeks",
            "14 day",
            "1 jaar",
            "14  days",
            "1\u{a0}month",
        ] {
            assert_eq!(Interval::parse(bad), Err(IntervalError::Unknown), "{bad:?}");
        }
        assert_eq!(
            Interval::parse("weekly").unwrap_err().to_string(),
            "Must be one of \"14 days\", \"1 month\", \"2 months\", \"6 months\" or \"1 year\"."
        );
        for wrong in [json!(1), json!(null), json!(["1 month"]), json!({"a": 1})] {
            assert_eq!(Interval::from_json(&wrong), Err(IntervalError::WrongType));
        }
        assert_eq!(
            Interval::from_json(&json!("6 months")),
            Ok(Interval::SixMonths)
        );
    }
}
