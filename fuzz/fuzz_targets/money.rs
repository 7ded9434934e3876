//! Fuzzes `Money::parse` and `Money::from_json`: no panic, only the documented grammar is
//! accepted, the value is the text's value, and parse -> format -> parse round-trips.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portaal::kernel::money::{Money, MoneyError};

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_text(text);
    }
    // The JSON path: numbers are read by their exact text (arbitrary_precision).
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) {
        let parsed = Money::from_json(&value);
        match &value {
            serde_json::Value::String(text) => assert_eq!(parsed, Money::parse(text)),
            serde_json::Value::Number(number) => {
                assert_eq!(parsed, Money::parse(&number.to_string()))
            }
            _ => assert_eq!(parsed, Err(MoneyError::WrongType)),
        }
    }
});

fn check_text(text: &str) {
    let parsed = Money::parse(text);
    match (reference_value(text), parsed) {
        (Some(cents), Ok(money)) => {
            assert_eq!(i128::from(money.cents()), cents, "{text:?}");
            assert!(money.cents().abs() <= Money::MAX_ABS_CENTS);
            let shown = money.to_string();
            assert_eq!(
                Money::parse(&shown),
                Ok(money),
                "{text:?} shown as {shown:?}"
            );
        }
        (Some(cents), Err(error)) => {
            // Well formed: only the range may refuse it.
            assert_eq!(error, MoneyError::OutOfRange, "{text:?}");
            assert!(cents.abs() > i128::from(Money::MAX_ABS_CENTS), "{text:?}");
        }
        (None, Ok(money)) => panic!("{text:?} is not an amount but parsed as {money}"),
        (None, Err(_)) => {}
    }
}

/// An independent reading of the grammar `-?[0-9]+(\.[0-9]{1,2})?`: the value in cents
/// (saturated far beyond the accepted range), or `None` when the text does not match.
fn reference_value(text: &str) -> Option<i128> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        _ => (false, text),
    };
    let mut parts = rest.splitn(2, '.');
    let euros = parts.next()?;
    let cents = parts.next();
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if !digits(euros) || cents.is_some_and(|c| !digits(c) || c.len() > 2) {
        return None;
    }
    let cents_text = format!("{:0<2}", cents.unwrap_or(""));
    let mut value: i128 = 0;
    for c in euros.chars().chain(cents_text.chars()) {
        value = (value * 10 + i128::from(c as u8 - b'0')).min(i128::from(i64::MAX));
    }
    Some(if negative { -value } else { value })
}
