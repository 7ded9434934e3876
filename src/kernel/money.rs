//! Exact euro amounts held as whole cents, with strict parsing from text and JSON.
//!
//! Amounts are never floating point: a binary float cannot represent most
//! decimal cent values exactly, and the invoice totals built from them must be
//! reproducible to the cent (EN 16931 works with amounts of at most two
//! decimals). Input is therefore parsed from its exact decimal text, including
//! JSON numbers, whose original text `serde_json` keeps because the
//! `arbitrary_precision` feature is on.

use std::fmt;

use serde::{Serialize, Serializer};
use serde_json::Value;

/// An exact euro amount, stored as a whole number of cents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

/// Why a value could not be read as an amount of money.
///
/// Each message is a full sentence shown to the API client next to the name of
/// the offending field, so it says what a valid value looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum MoneyError {
    /// The text is not of the form `-?digits(.d|.dd)?`.
    #[error("Must be an amount with at most two decimals, like \"12.95\".")]
    Syntax,
    /// The text is a decimal number, but with three or more decimals.
    #[error("Must not have more than two decimals.")]
    TooManyDecimals,
    /// The amount is well formed but larger than [`Money::MAX_ABS_CENTS`].
    #[error("Must be at most 999999999.99 in absolute value.")]
    OutOfRange,
    /// The JSON value is neither a string nor a number.
    #[error("Must be a string or number.")]
    WrongType,
}

impl Money {
    /// Zero euros.
    pub const ZERO: Money = Money(0);

    /// The largest absolute amount accepted as input: 999999999.99.
    ///
    /// This bounds each parsed amount, not sums of amounts: an invoice total
    /// over many lines may legitimately exceed it.
    pub const MAX_ABS_CENTS: i64 = 99_999_999_999;

    /// The amount of `cents` hundredths of a euro.
    pub const fn from_cents(cents: i64) -> Money {
        Money(cents)
    }

    /// The amount in cents.
    pub const fn cents(self) -> i64 {
        self.0
    }

    /// `self + other`, or `None` if the sum does not fit in an `i64` of cents.
    ///
    /// Only integer overflow is checked, not [`Money::MAX_ABS_CENTS`], because
    /// sums are allowed to be larger than a single input amount.
    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }

    /// Parses money text: an optional leading `-`, one or more ASCII digits,
    /// and optionally a `.` followed by one or two digits.
    ///
    /// Rejected: `+`, exponents, thousands separators, `,` as decimal
    /// separator, whitespace, a leading or trailing `.`, non-ASCII digits, the
    /// empty string, and amounts above 999999999.99 in absolute value. Leading
    /// zeros (`"007.5"`) are accepted and `"-0.00"` is zero.
    pub fn parse(text: &str) -> Result<Money, MoneyError> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int_part, frac_part) = match unsigned.split_once('.') {
            Some((int_part, frac_part)) => (int_part, Some(frac_part)),
            None => (unsigned, None),
        };

        if !is_ascii_digits(int_part) {
            return Err(MoneyError::Syntax);
        }
        let frac_cents = match frac_part {
            None => 0,
            Some(frac) if !is_ascii_digits(frac) => return Err(MoneyError::Syntax),
            Some(frac) => match frac.as_bytes() {
                [tenths] => 10 * digit_value(*tenths),
                [tenths, hundredths] => 10 * digit_value(*tenths) + digit_value(*hundredths),
                _ => return Err(MoneyError::TooManyDecimals),
            },
        };

        // Leading zeros carry no value; more than nine significant digits in
        // the euro part is always above 999999999.99. Checking the length
        // first keeps arbitrarily long inputs from overflowing.
        let significant = int_part.trim_start_matches('0');
        if significant.len() > 9 {
            return Err(MoneyError::OutOfRange);
        }
        let euros = significant
            .bytes()
            .fold(0, |acc, digit| acc * 10 + digit_value(digit));

        // At most 999_999_999 * 100 + 99 == MAX_ABS_CENTS, so this fits.
        let cents = euros * 100 + frac_cents;
        Ok(Money(if negative { -cents } else { cents }))
    }

    /// Reads an amount from a JSON value: either a string, parsed with
    /// [`Money::parse`], or a number, whose exact original text is parsed by
    /// the same rules (so `1e3` and `12.955` are rejected, `12.5` is fine).
    ///
    /// Any other kind of value is a [`MoneyError::WrongType`].
    pub fn from_json(value: &Value) -> Result<Money, MoneyError> {
        match value {
            Value::String(text) => Money::parse(text),
            // With `arbitrary_precision`, `to_string` gives back the number's
            // original text, never a float rendering of it.
            Value::Number(number) => Money::parse(&number.to_string()),
            Value::Null | Value::Bool(_) | Value::Array(_) | Value::Object(_) => {
                Err(MoneyError::WrongType)
            }
        }
    }
}

/// Whether `text` is one or more ASCII digits (so not empty, no full-width digits).
fn is_ascii_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The value of one ASCII digit byte.
fn digit_value(digit: u8) -> i64 {
    i64::from(digit - b'0')
}

impl fmt::Display for Money {
    /// Always two decimals with a `.` separator, and a leading `-` for
    /// negative amounts: `12.95`, `-5.00`, `0.00`, `-0.05`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        // `unsigned_abs` is total, even for `i64::MIN`.
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl Serialize for Money {
    /// Serialises as the [`Display`](fmt::Display) string, e.g. `"12.95"`, so
    /// clients never have to round-trip the amount through a float.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn json(text: &str) -> Value {
        serde_json::from_str(text).expect("test JSON is valid")
    }

    #[test]
    fn parse_accepts_well_formed_amounts() {
        let cases = [
            ("12.95", 1295),
            ("12.9", 1290),
            ("12", 1200),
            ("-0.01", -1),
            ("0", 0),
            ("-0.00", 0),
            ("007.5", 750),
            ("0.05", 5),
            ("-5", -500),
            ("999999999.99", 99_999_999_999),
            ("-999999999.99", -99_999_999_999),
            ("0000000000000999999999.99", 99_999_999_999),
        ];
        for (text, cents) in cases {
            assert_eq!(Money::parse(text), Ok(Money::from_cents(cents)), "{text:?}");
        }
    }

    #[test]
    fn parse_rejects_malformed_amounts() {
        use MoneyError::{OutOfRange, Syntax, TooManyDecimals};
        let cases = [
            ("12.955", TooManyDecimals),
            ("12.950", TooManyDecimals),
            ("1e3", Syntax),
            ("12,95", Syntax),
            ("", Syntax),
            ("-", Syntax),
            (".", Syntax),
            (".5", Syntax),
            ("-.5", Syntax),
            (" 12.95", Syntax),
            ("12.95 ", Syntax),
            ("+1.00", Syntax),
            ("1.", Syntax),
            ("\u{200b}.5", Syntax),
            ("1,000.00", Syntax),
            ("1.2.3", Syntax),
            ("1000000000.00", OutOfRange),
            ("-1000000000", OutOfRange),
            ("99999999999999999999999999", OutOfRange),
            ("0x10", Syntax),
            ("１２", Syntax),
            ("--1", Syntax),
            ("NaN", Syntax),
        ];
        for (text, error) in cases {
            assert_eq!(Money::parse(text), Err(error), "{text:?}");
        }
    }

    #[test]
    fn from_json_reads_numbers_by_their_exact_text() {
        let accepted = [
            ("12.95", 1295),
            ("12.5", 1250),
            ("12", 1200),
            ("-0.01", -1),
            ("-0", 0),
        ];
        for (text, cents) in accepted {
            assert_eq!(
                Money::from_json(&json(text)),
                Ok(Money::from_cents(cents)),
                "{text}"
            );
        }
        let rejected = [
            ("1e3", MoneyError::Syntax),
            ("1E3", MoneyError::Syntax),
            ("12.955", MoneyError::TooManyDecimals),
            ("12.950", MoneyError::TooManyDecimals),
            ("1000000000", MoneyError::OutOfRange),
        ];
        for (text, error) in rejected {
            assert_eq!(Money::from_json(&json(text)), Err(error), "{text}");
        }
    }

    #[test]
    fn from_json_reads_strings_with_parse() {
        assert_eq!(
            Money::from_json(&json(r#""12.95""#)),
            Ok(Money::from_cents(1295))
        );
        assert_eq!(
            Money::from_json(&json(r#""12.955""#)),
            Err(MoneyError::TooManyDecimals)
        );
        assert_eq!(Money::from_json(&json(r#"" 1""#)), Err(MoneyError::Syntax));
    }

    #[test]
    fn from_json_rejects_other_value_kinds() {
        for text in ["true", "false", "null", "[]", "[12.95]", "{}", r#"{"a":1}"#] {
            assert_eq!(
                Money::from_json(&json(text)),
                Err(MoneyError::WrongType),
                "{text}"
            );
        }
    }

    #[test]
    fn from_json_rejects_a_number_built_from_a_float() {
        // The only f64 in this module: a float has no exact decimal text of
        // two decimals (0.1 + 0.2 is 0.30000000000000004), so it is refused.
        let value = serde_json::json!(0.1_f64 + 0.2_f64);
        assert_eq!(Money::from_json(&value), Err(MoneyError::TooManyDecimals));
    }

    #[test]
    fn display_always_shows_two_decimals() {
        let cases = [
            (1295, "12.95"),
            (-500, "-5.00"),
            (0, "0.00"),
            (-5, "-0.05"),
            (5, "0.05"),
            (1290, "12.90"),
            (99_999_999_999, "999999999.99"),
            (-99_999_999_999, "-999999999.99"),
            (i64::MIN, "-92233720368547758.08"),
        ];
        for (cents, text) in cases {
            assert_eq!(Money::from_cents(cents).to_string(), text);
        }
    }

    #[test]
    fn serialises_as_the_display_string() {
        let json = serde_json::to_string(&Money::from_cents(-1295)).unwrap();
        assert_eq!(json, r#""-12.95""#);
    }

    #[test]
    fn checked_add_detects_overflow_only() {
        let max = Money::from_cents(Money::MAX_ABS_CENTS);
        assert_eq!(
            max.checked_add(max),
            Some(Money::from_cents(2 * Money::MAX_ABS_CENTS))
        );
        assert_eq!(
            Money::from_cents(i64::MAX).checked_add(Money::from_cents(1)),
            None
        );
        assert_eq!(Money::ZERO.checked_add(Money::ZERO), Some(Money::ZERO));
    }

    #[test]
    fn error_messages_are_sentences() {
        let errors = [
            MoneyError::Syntax,
            MoneyError::TooManyDecimals,
            MoneyError::OutOfRange,
            MoneyError::WrongType,
        ];
        for error in errors {
            let message = error.to_string();
            assert!(message.starts_with("Must "), "{message}");
            assert!(message.ends_with('.'), "{message}");
        }
    }

    proptest! {
        #[test]
        fn display_round_trips_through_parse(
            cents in -Money::MAX_ABS_CENTS..=Money::MAX_ABS_CENTS
        ) {
            let money = Money::from_cents(cents);
            prop_assert_eq!(Money::parse(&money.to_string()), Ok(money));
        }

        #[test]
        fn parse_never_panics(text in "\\PC{0,20}") {
            let _ = Money::parse(&text);
        }
    }
}
