//! Tests of `invoiceNumberFormat`: examples, refusals, and a model of the store's sequence
//! (generated invoices interleaved with API-made ones) that must stay gapless and unique.

use std::collections::{HashMap, HashSet};

use jiff::civil::date;
use proptest::prelude::*;

use super::*;

fn format(text: &str) -> NumberFormat {
    NumberFormat::parse(text).unwrap()
}

#[test]
fn the_default_format_numbers_per_year_with_four_digits() {
    let f = NumberFormat::default();
    assert_eq!(f.as_str(), "{YYYY}-{SEQ:4}");
    assert_eq!(f.render(date(2025, 3, 1), 7), "2025-0007");
    assert_eq!(f.render(date(2025, 3, 1), 12345), "2025-12345");
    assert_eq!(f.scope(date(2025, 3, 1)), SequenceScope::Year(2025));
    assert_eq!(f.scope(date(2025, 3, 1)).key(), "2025");
}

#[test]
fn every_placeholder_renders() {
    let f = format("INV/{YY}{MM}/{SEQ:6} (web)");
    assert_eq!(f.render(date(2026, 1, 9), 42), "INV/2601/000042 (web)");
    assert_eq!(format("{SEQ}").render(date(2025, 1, 1), 3), "3");
    assert_eq!(format("F{SEQ:1}").render(date(2025, 1, 1), 30), "F30");
    assert_eq!(format("F-{SEQ:3}").render(date(2025, 1, 1), 5), "F-005");
    assert_eq!(format("{YY}{SEQ:3}").render(date(2009, 1, 1), 1), "09001");
    assert_eq!(format("ÄB{SEQ:2}").render(date(2009, 1, 1), 1), "ÄB01");
}

#[test]
fn without_the_year_in_the_number_one_sequence_spans_all_years() {
    assert_eq!(
        format("F{SEQ:5}").scope(date(2025, 1, 1)),
        SequenceScope::AllYears
    );
    assert_eq!(format("{MM}-{SEQ}").scope(date(2025, 1, 1)).key(), "all");
    assert_eq!(
        format("{YY}-{SEQ}").scope(date(2025, 1, 1)),
        SequenceScope::Year(2025)
    );
}

#[test]
fn bad_formats_are_refused_with_a_message_that_says_what_to_do() {
    let cases = [
        ("", FormatError::NoSequence),
        ("INV-{YYYY}", FormatError::NoSequence),
        ("{SEQ}-{SEQ:4}", FormatError::TwoSequences),
        (
            "{YEAR}-{SEQ}",
            FormatError::UnknownPlaceholder("YEAR".into()),
        ),
        (
            "{yyyy}-{SEQ}",
            FormatError::UnknownPlaceholder("yyyy".into()),
        ),
        ("{}{SEQ}", FormatError::UnknownPlaceholder(String::new())),
        ("{DD}{SEQ}", FormatError::UnknownPlaceholder("DD".into())),
        ("{SEQ:0}", FormatError::BadWidth),
        ("{SEQ:10}", FormatError::BadWidth),
        ("{SEQ:04}", FormatError::BadWidth),
        ("{SEQ:+4}", FormatError::BadWidth),
        ("{SEQ:}", FormatError::BadWidth),
        ("{SEQ", FormatError::Unclosed),
        ("{{SEQ}}", FormatError::Unclosed),
        ("A}{SEQ}", FormatError::StrayClose),
        ("{SEQ}}", FormatError::StrayClose),
        ("A\t{SEQ}", FormatError::ControlCharacter),
        ("{SEQ}\n", FormatError::ControlCharacter),
        (" {SEQ}", FormatError::OuterSpace),
        ("{SEQ} ", FormatError::OuterSpace),
        (&"x".repeat(55), FormatError::NoSequence),
    ];
    for (text, error) in cases {
        assert_eq!(NumberFormat::parse(text), Err(error), "{text:?}");
    }
    let long = format!("{}{{SEQ}}", "x".repeat(55));
    assert_eq!(NumberFormat::parse(&long), Err(FormatError::TooLong));
    assert!(NumberFormat::parse(&format!("{}{{SEQ}}", "x".repeat(54))).is_ok());
    assert_eq!(
        FormatError::UnknownPlaceholder("YEAR".into()).to_string(),
        "Unknown placeholder {YEAR}: use {YYYY}, {YY}, {MM}, {SEQ} or {SEQ:n} (upper case)."
    );
    assert_eq!(
        FormatError::NoSequence.to_string(),
        "Must contain {SEQ} or {SEQ:n}, for the sequence number, like \"{YYYY}-{SEQ:4}\"."
    );
}

#[test]
fn first_free_skips_numbers_taken_by_api_invoices() {
    let f = NumberFormat::default();
    let taken: HashSet<&str> = ["2025-0003", "2025-0004", "2025-0006"].into();
    let day = date(2025, 5, 1);
    assert_eq!(
        f.first_free(day, 3, |n| taken.contains(n)),
        (5, "2025-0005".to_owned())
    );
    assert_eq!(
        f.first_free(day, 1, |n| taken.contains(n)),
        (1, "2025-0001".to_owned())
    );
    // A counter that was never written starts at 1.
    assert_eq!(f.first_free(day, 0, |_| false).0, 1);
}

/// One step of an account's invoicing, in the order the store commits them.
#[derive(Debug, Clone)]
enum Step {
    /// The engine numbers an invoice dated (year, month).
    Generate(i16, i8),
    /// An API client creates an invoice with a number of its choosing: one the sequence will
    /// produce (year, month, seq), or anything else.
    ApiLike(i16, i8, u64),
    ApiOther(String),
}

fn step_strategy() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (2024i16..2027, 1i8..=12).prop_map(|(y, m)| Step::Generate(y, m)),
        2 => (2024i16..2027, 1i8..=12, 1u64..30).prop_map(|(y, m, s)| Step::ApiLike(y, m, s)),
        1 => "[A-Z0-9-]{1,8}".prop_map(Step::ApiOther),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The store's algorithm, modelled: per scope a counter `next`; a generated invoice takes
    /// the first free number from `next` and sets `next` past it; an API invoice takes any
    /// number still free. Afterwards every number is unique, and each scope's sequence
    /// 1..next is gapless: every value was either given to a generated invoice or skipped
    /// because an API invoice already held the number it would have produced.
    #[test]
    fn generated_numbers_are_unique_and_each_yearly_sequence_is_gapless(
        text in prop::sample::select(vec![
            "{YYYY}-{SEQ:4}", "F{SEQ:5}", "{YY}{MM}{SEQ:2}", "{MM}/{SEQ}", "{SEQ}",
        ]),
        steps in prop::collection::vec(step_strategy(), 1..120),
    ) {
        let f = format(text);
        let mut numbers: HashSet<String> = HashSet::new();
        let mut next: HashMap<SequenceScope, u64> = HashMap::new();
        let mut accounted: HashMap<SequenceScope, Vec<u64>> = HashMap::new();
        for step in steps {
            match step {
                Step::Generate(y, m) => {
                    let day = date(y, m, 1);
                    let scope = f.scope(day);
                    let from = next.get(&scope).copied().unwrap_or(1);
                    let (seq, number) = f.first_free(day, from, |n| numbers.contains(n));
                    prop_assert!(seq >= from);
                    for skipped in from..seq {
                        prop_assert!(numbers.contains(&f.render(day, skipped)));
                    }
                    prop_assert!(numbers.insert(number), "a generated number was reused");
                    accounted.entry(scope).or_default().extend(from..=seq);
                    next.insert(scope, seq + 1);
                }
                Step::ApiLike(y, m, seq) => {
                    numbers.insert(f.render(date(y, m, 1), seq));
                }
                Step::ApiOther(number) => {
                    numbers.insert(number);
                }
            }
        }
        for (scope, seqs) in accounted {
            let expected: Vec<u64> = (1..next[&scope]).collect();
            prop_assert_eq!(seqs, expected, "{:?}", scope);
        }
    }
}
