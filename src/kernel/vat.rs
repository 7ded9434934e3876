//! Dutch VAT rates and the one function that computes invoice totals from invoice lines.
//!
//! The rounding rule comes from EN 16931, business rule BR-CO-17: the VAT of a
//! VAT category is its taxable amount (the sum of that rate's line amounts)
//! times the rate, rounded to two decimals. We round half away from zero
//! (0.045 -> 0.05, -0.045 -> -0.05), never half to even ("banker's rounding"),
//! so a credit note is always the exact mirror image of its invoice.
//! All arithmetic is on integer cents, with products taken in `i128`.

use serde::{Serialize, Serializer};
use serde_json::Value;

use super::money::Money;

/// A Dutch VAT rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VatRate {
    /// 0%: exempt goods and services, exports.
    Zero,
    /// 9%: the reduced rate.
    Reduced,
    /// 21%: the standard rate.
    Standard,
}

/// Why a value could not be read as a VAT rate.
///
/// Each message is a full sentence shown to the API client next to the name of
/// the offending field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum VatRateError {
    /// A number or string, but not exactly `0`, `9` or `21`.
    #[error("Must be one of 0, 9 or 21.")]
    Unknown,
    /// Neither a number nor a string.
    #[error("Must be a number or string: one of 0, 9 or 21.")]
    WrongType,
}

impl VatRate {
    /// Every rate, in ascending order of percentage.
    pub const ALL: [VatRate; 3] = [VatRate::Zero, VatRate::Reduced, VatRate::Standard];

    /// The rate as a whole percentage: 0, 9 or 21.
    pub const fn percent(self) -> u8 {
        match self {
            VatRate::Zero => 0,
            VatRate::Reduced => 9,
            VatRate::Standard => 21,
        }
    }

    /// The rate with this whole percentage, if there is one.
    pub fn from_percent(percent: i64) -> Option<VatRate> {
        VatRate::ALL
            .into_iter()
            .find(|rate| i64::from(rate.percent()) == percent)
    }

    /// Reads a rate from a JSON integer `0`, `9` or `21`, or from a JSON
    /// string with exactly that text.
    ///
    /// Matching on the exact text (kept by `serde_json`'s
    /// `arbitrary_precision`) rejects `21.0`, `2.1e1`, `-0` and `" 21"`: a
    /// rate is a code, not a quantity, so only its one spelling is accepted.
    pub fn from_json(value: &Value) -> Result<VatRate, VatRateError> {
        let rate = match value {
            Value::Number(number) => VatRate::from_exact_text(&number.to_string()),
            Value::String(text) => VatRate::from_exact_text(text),
            Value::Null | Value::Bool(_) | Value::Array(_) | Value::Object(_) => {
                return Err(VatRateError::WrongType);
            }
        };
        rate.ok_or(VatRateError::Unknown)
    }

    /// The rate spelled exactly `0`, `9` or `21`.
    fn from_exact_text(text: &str) -> Option<VatRate> {
        match text {
            "0" => Some(VatRate::Zero),
            "9" => Some(VatRate::Reduced),
            "21" => Some(VatRate::Standard),
            _ => None,
        }
    }
}

impl Serialize for VatRate {
    /// Serialises as the integer percentage: `0`, `9` or `21`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_u8(self.percent())
    }
}

/// One invoice line as far as the totals are concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineInput {
    /// The line amount excluding VAT; negative for discounts and credits.
    pub amount_excl_vat: Money,
    /// The VAT rate that applies to the line.
    pub rate: VatRate,
}

/// The totals of one line.
///
/// The per-line VAT is informational only: the invoice VAT is computed per
/// rate (see [`RateTotal`]), and may differ from the sum of these figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineTotals {
    /// The line amount excluding VAT, as given.
    pub amount_excl_vat: Money,
    /// The VAT rate of the line, as given.
    pub rate: VatRate,
    /// This line's own VAT, rounded half away from zero to cents.
    pub vat: Money,
    /// `amount_excl_vat + vat`.
    pub amount_incl_vat: Money,
}

/// The VAT breakdown for one rate (EN 16931 group BG-23, "VAT breakdown").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RateTotal {
    /// The rate.
    pub rate: VatRate,
    /// The sum of the line amounts with this rate (BT-116).
    pub taxable: Money,
    /// `taxable * rate`, rounded half away from zero to cents (BT-117, BR-CO-17).
    pub vat: Money,
}

/// The totals of a whole invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// Per-line totals, in the same order as the input lines.
    pub lines: Vec<LineTotals>,
    /// One entry per rate that occurs in the lines, ordered by rate
    /// descending (21, 9, 0).
    pub breakdown: Vec<RateTotal>,
    /// The sum of the line amounts excluding VAT.
    pub subtotal: Money,
    /// The sum of the breakdown VAT amounts.
    pub vat: Money,
    /// `subtotal + vat`.
    pub total: Money,
}

/// Computes the totals of an invoice with these lines.
///
/// VAT is computed once per rate, on the sum of that rate's line amounts, and
/// rounded half away from zero to cents (EN 16931 BR-CO-17). Rounding each
/// line and adding the results would let rounding errors accumulate, and would
/// give a different figure than the tax authority's own calculation.
///
/// Negative lines and a zero or negative total are allowed. Inputs within the
/// contract (at most 1000 lines of at most 999999999.99 each) give totals far
/// inside `i64` cents; sums are taken in `i128` so that no input can panic.
pub fn compute_totals(lines: &[LineInput]) -> Totals {
    let line_totals = lines
        .iter()
        .map(|line| {
            let vat = vat_on(line.amount_excl_vat, line.rate);
            LineTotals {
                amount_excl_vat: line.amount_excl_vat,
                rate: line.rate,
                vat,
                amount_incl_vat: money_from_i128(
                    i128::from(line.amount_excl_vat.cents()) + i128::from(vat.cents()),
                ),
            }
        })
        .collect();

    let breakdown: Vec<RateTotal> = VatRate::ALL
        .into_iter()
        .rev()
        .filter(|&rate| lines.iter().any(|line| line.rate == rate))
        .map(|rate| {
            let taxable = money_from_i128(sum_cents(
                lines
                    .iter()
                    .filter(|line| line.rate == rate)
                    .map(|line| line.amount_excl_vat),
            ));
            RateTotal {
                rate,
                taxable,
                vat: vat_on(taxable, rate),
            }
        })
        .collect();

    let subtotal = sum_cents(lines.iter().map(|line| line.amount_excl_vat));
    let vat = sum_cents(breakdown.iter().map(|rate_total| rate_total.vat));
    Totals {
        lines: line_totals,
        breakdown,
        subtotal: money_from_i128(subtotal),
        vat: money_from_i128(vat),
        total: money_from_i128(subtotal + vat),
    }
}

/// The VAT on `amount` at `rate`: `amount * percent / 100`, rounded half away
/// from zero to cents (EN 16931 BR-CO-17).
pub fn vat_on(amount: Money, rate: VatRate) -> Money {
    // In i128 the product cannot overflow, and the quotient is at most 21% of
    // an i64, so it always fits back into one.
    let hundredths_of_cents = i128::from(amount.cents()) * i128::from(rate.percent());
    money_from_i128(div_round_half_away_from_zero(hundredths_of_cents, 100))
}

/// `numerator / denominator` rounded to the nearest integer, with exact halves
/// rounded away from zero. `denominator` must be positive.
fn div_round_half_away_from_zero(numerator: i128, denominator: i128) -> i128 {
    // Rust's `/` truncates toward zero and `%` takes the numerator's sign, so
    // the quotient only needs a step away from zero when the dropped
    // remainder is at least half the denominator.
    let quotient = numerator / denominator;
    let remainder = numerator % denominator;
    if 2 * remainder.abs() >= denominator {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

/// The exact sum of some amounts, in cents.
///
/// An `i128` cannot overflow here: even `usize::MAX` amounts of `i64::MAX`
/// cents stay below 2^127.
fn sum_cents(amounts: impl Iterator<Item = Money>) -> i128 {
    amounts.map(|amount| i128::from(amount.cents())).sum()
}

/// Money from an `i128` of cents.
///
/// Within the contract's bounds every total fits in `i64` (at most about
/// 1.21e14 cents); saturating only keeps out-of-contract input from panicking.
fn money_from_i128(cents: i128) -> Money {
    let saturated = if cents < 0 { i64::MIN } else { i64::MAX };
    Money::from_cents(i64::try_from(cents).unwrap_or(saturated))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    const MAX: i64 = Money::MAX_ABS_CENTS;

    fn eur(text: &str) -> Money {
        Money::parse(text).expect("test amount is valid")
    }

    fn line(amount: &str, rate: VatRate) -> LineInput {
        LineInput {
            amount_excl_vat: eur(amount),
            rate,
        }
    }

    fn negate(money: Money) -> Money {
        Money::from_cents(-money.cents())
    }

    #[test]
    fn single_line_examples() {
        use VatRate::{Reduced, Standard, Zero};
        // (amount, rate, expected VAT, expected total); the exact VAT is in each comment.
        let cases = [
            // 12.95 * 0.21 = 2.7195 -> 2.72; 12.95 + 2.72 = 15.67
            ("12.95", Standard, "2.72", "15.67"),
            // 100.00 * 0.09 = 9.00 exactly; 100.00 + 9.00 = 109.00
            ("100.00", Reduced, "9.00", "109.00"),
            // 0.05 * 0.09 = 0.0045 -> 0.00 (below half a cent)
            ("0.05", Reduced, "0.00", "0.05"),
            // 0.50 * 0.09 = 0.045 -> 0.05 (exactly half a cent: away from zero)
            ("0.50", Reduced, "0.05", "0.55"),
            // -0.50 * 0.09 = -0.045 -> -0.05 (away from zero, not toward it)
            ("-0.50", Reduced, "-0.05", "-0.55"),
            // 0.10 * 0.21 = 0.021 -> 0.02
            ("0.10", Standard, "0.02", "0.12"),
            // 2.50 * 0.21 = 0.525 -> 0.53 (half to even would give 0.52)
            ("2.50", Standard, "0.53", "3.03"),
            // -2.50 * 0.21 = -0.525 -> -0.53
            ("-2.50", Standard, "-0.53", "-3.03"),
            // 0.30 * 0.21 = 0.063 -> 0.06
            ("0.30", Standard, "0.06", "0.36"),
            // 0% never has VAT
            ("12.95", Zero, "0.00", "12.95"),
            // 0.00 at any rate is 0.00
            ("0.00", Standard, "0.00", "0.00"),
        ];
        for (amount, rate, vat, total) in cases {
            assert_eq!(vat_on(eur(amount), rate), eur(vat), "{amount} @ {rate:?}");
            let totals = compute_totals(&[line(amount, rate)]);
            assert_eq!(totals.vat, eur(vat), "{amount} @ {rate:?}");
            assert_eq!(totals.total, eur(total), "{amount} @ {rate:?}");
            assert_eq!(totals.subtotal, eur(amount));
            assert_eq!(
                totals.lines,
                vec![LineTotals {
                    amount_excl_vat: eur(amount),
                    rate,
                    vat: eur(vat),
                    amount_incl_vat: eur(total),
                }]
            );
            assert_eq!(
                totals.breakdown,
                vec![RateTotal {
                    rate,
                    taxable: eur(amount),
                    vat: eur(vat),
                }]
            );
        }
    }

    #[test]
    fn mixed_invoice() {
        use VatRate::{Reduced, Standard, Zero};
        let lines = [
            line("10.00", Standard),
            line("5.55", Standard),
            line("20.00", Reduced),
            line("3.00", Zero),
            line("-2.00", Standard),
        ];
        let totals = compute_totals(&lines);

        // 21%: taxable 10.00 + 5.55 - 2.00 = 13.55; 13.55 * 0.21 = 2.8455 -> 2.85
        //  9%: taxable 20.00;                      20.00 * 0.09 = 1.80
        //  0%: taxable 3.00;                        3.00 * 0.00 = 0.00
        assert_eq!(
            totals.breakdown,
            vec![
                RateTotal {
                    rate: Standard,
                    taxable: eur("13.55"),
                    vat: eur("2.85"),
                },
                RateTotal {
                    rate: Reduced,
                    taxable: eur("20.00"),
                    vat: eur("1.80"),
                },
                RateTotal {
                    rate: Zero,
                    taxable: eur("3.00"),
                    vat: eur("0.00"),
                },
            ]
        );
        // subtotal: 13.55 + 20.00 + 3.00 = 36.55
        // vat:       2.85 +  1.80 + 0.00 =  4.65
        // total:    36.55 +  4.65        = 41.20
        assert_eq!(totals.subtotal, eur("36.55"));
        assert_eq!(totals.vat, eur("4.65"));
        assert_eq!(totals.total, eur("41.20"));

        // Per-line, informational: 10.00 -> 2.10, 5.55 -> 1.1655 -> 1.17,
        // 20.00 -> 1.80, 3.00 -> 0.00, -2.00 -> -0.42.
        let line_vat: Vec<Money> = totals.lines.iter().map(|l| l.vat).collect();
        assert_eq!(
            line_vat,
            ["2.10", "1.17", "1.80", "0.00", "-0.42"].map(eur).to_vec()
        );
        let line_incl: Vec<Money> = totals.lines.iter().map(|l| l.amount_incl_vat).collect();
        assert_eq!(
            line_incl,
            ["12.10", "6.72", "21.80", "3.00", "-2.42"]
                .map(eur)
                .to_vec()
        );
        assert!(
            totals
                .lines
                .iter()
                .zip(&lines)
                .all(|(t, l)| { t.amount_excl_vat == l.amount_excl_vat && t.rate == l.rate })
        );
    }

    #[test]
    fn per_rate_rounding_wins_over_summed_line_rounding() {
        use VatRate::{Reduced, Standard};

        // Two lines of 0.50 @ 9%: each line's VAT is 0.045 -> 0.05, so the
        // rounded lines add up to 0.10; but per rate the taxable 1.00 * 0.09
        // is exactly 0.09. BR-CO-17 says 0.09.
        let totals = compute_totals(&[line("0.50", Reduced), line("0.50", Reduced)]);
        let summed_line_vat = totals.lines.iter().map(|l| l.vat.cents()).sum::<i64>();
        assert_eq!(Money::from_cents(summed_line_vat), eur("0.10"));
        assert_eq!(totals.vat, eur("0.09"));
        assert_eq!(totals.total, eur("1.09"));

        // Three lines of 0.02 @ 21%: each 0.0042 -> 0.00, adding up to 0.00;
        // per rate 0.06 * 0.21 = 0.0126 -> 0.01.
        let totals = compute_totals(&[line("0.02", Standard); 3]);
        let summed_line_vat = totals.lines.iter().map(|l| l.vat.cents()).sum::<i64>();
        assert_eq!(summed_line_vat, 0);
        assert_eq!(totals.vat, eur("0.01"));
        assert_eq!(totals.total, eur("0.07"));
    }

    #[test]
    fn negative_and_zero_totals_are_allowed() {
        use VatRate::Standard;
        // A credit: -10.00 * 0.21 = -2.10; total -12.10.
        let totals = compute_totals(&[line("-10.00", Standard)]);
        assert_eq!(totals.total, eur("-12.10"));

        // A discount cancelling the line exactly: everything is zero.
        let totals = compute_totals(&[line("10.00", Standard), line("-10.00", Standard)]);
        assert_eq!(totals.subtotal, Money::ZERO);
        assert_eq!(totals.vat, Money::ZERO);
        assert_eq!(totals.total, Money::ZERO);
        // The rate still occurs, so it is still in the breakdown.
        assert_eq!(
            totals.breakdown,
            vec![RateTotal {
                rate: Standard,
                taxable: Money::ZERO,
                vat: Money::ZERO,
            }]
        );
    }

    #[test]
    fn no_lines_give_empty_totals() {
        let totals = compute_totals(&[]);
        assert!(totals.lines.is_empty());
        assert!(totals.breakdown.is_empty());
        assert_eq!(
            (totals.subtotal, totals.vat, totals.total),
            (Money::ZERO, Money::ZERO, Money::ZERO)
        );
    }

    #[test]
    fn largest_invoice_does_not_overflow() {
        // 999999999.99 * 0.21 = 209999999.9979 -> 210000000.00, so the line
        // total 1209999999.99 is above the input bound, which is fine.
        let largest = compute_totals(&[line("999999999.99", VatRate::Standard)]);
        assert_eq!(largest.vat, eur("210000000.00"));
        assert_eq!(
            largest.lines[0].amount_incl_vat,
            Money::from_cents(120_999_999_999)
        );
        assert_eq!(largest.total, Money::from_cents(120_999_999_999));

        // 1000 lines of 999999999.99 @ 21%: subtotal 999999999990.00,
        // VAT 999999999990.00 * 0.21 = 209999999997.90, total 1209999999987.90.
        let lines = [line("999999999.99", VatRate::Standard); 1000];
        let totals = compute_totals(&lines);
        assert_eq!(totals.subtotal, Money::from_cents(99_999_999_999_000));
        assert_eq!(totals.vat, Money::from_cents(20_999_999_999_790));
        assert_eq!(totals.total, Money::from_cents(120_999_999_998_790));
    }

    #[test]
    fn out_of_contract_amounts_do_not_panic() {
        let lines = [
            LineInput {
                amount_excl_vat: Money::from_cents(i64::MAX),
                rate: VatRate::Standard,
            },
            LineInput {
                amount_excl_vat: Money::from_cents(i64::MAX),
                rate: VatRate::Standard,
            },
        ];
        let totals = compute_totals(&lines);
        assert_eq!(totals.total, Money::from_cents(i64::MAX));
        assert_eq!(
            vat_on(Money::from_cents(i64::MIN), VatRate::Standard),
            Money::from_cents(-1_936_908_127_739_502_920)
        );
    }

    #[test]
    fn rate_percentages() {
        let percents = VatRate::ALL.map(VatRate::percent);
        assert_eq!(percents, [0, 9, 21]);
        for rate in VatRate::ALL {
            assert_eq!(VatRate::from_percent(i64::from(rate.percent())), Some(rate));
        }
        for percent in [-21, -1, 1, 6, 19, 20, 22, 100, i64::MIN, i64::MAX] {
            assert_eq!(VatRate::from_percent(percent), None, "{percent}");
        }
    }

    #[test]
    fn rate_from_json() {
        let accepted = [
            (json!(0), VatRate::Zero),
            (json!(9), VatRate::Reduced),
            (json!(21), VatRate::Standard),
            (json!("0"), VatRate::Zero),
            (json!("9"), VatRate::Reduced),
            (json!("21"), VatRate::Standard),
        ];
        for (value, rate) in accepted {
            assert_eq!(VatRate::from_json(&value), Ok(rate), "{value}");
        }
        for text in ["0", "9", "21"] {
            let value: Value = serde_json::from_str(text).unwrap();
            assert!(VatRate::from_json(&value).is_ok(), "{text}");
        }

        for text in [
            "21.0",
            "2.1e1",
            "21e0",
            "-0",
            "-21",
            "6",
            "19",
            "100",
            r#""21.0""#,
            r#"" 21""#,
            r#""21 ""#,
            r#""21%""#,
            r#""""#,
            r#""nine""#,
            r#""０""#,
        ] {
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                VatRate::from_json(&value),
                Err(VatRateError::Unknown),
                "{text}"
            );
        }
        for text in ["true", "null", "[21]", r#"{"rate":21}"#] {
            let value: Value = serde_json::from_str(text).unwrap();
            assert_eq!(
                VatRate::from_json(&value),
                Err(VatRateError::WrongType),
                "{text}"
            );
        }
        assert_eq!(
            VatRateError::Unknown.to_string(),
            "Must be one of 0, 9 or 21."
        );
    }

    #[test]
    fn rate_serialises_as_integer_percent() {
        let json = serde_json::to_string(&VatRate::ALL).unwrap();
        assert_eq!(json, "[0,9,21]");
    }

    /// The exact sum in cents, independent of the code under test.
    fn exact_sum(amounts: impl Iterator<Item = Money>) -> i128 {
        amounts.map(|m| i128::from(m.cents())).sum()
    }

    fn rate_strategy() -> impl Strategy<Value = VatRate> {
        prop::sample::select(VatRate::ALL.to_vec())
    }

    fn amount_strategy() -> impl Strategy<Value = Money> {
        // Small amounts hit exact half cents often; the full range checks the
        // bounds.
        prop_oneof![-1_000_i64..=1_000, -MAX..=MAX].prop_map(Money::from_cents)
    }

    fn lines_strategy() -> impl Strategy<Value = Vec<LineInput>> {
        prop::collection::vec(
            (amount_strategy(), rate_strategy()).prop_map(|(amount_excl_vat, rate)| LineInput {
                amount_excl_vat,
                rate,
            }),
            1..50,
        )
    }

    proptest! {
        #[test]
        fn totals_add_up(lines in lines_strategy()) {
            let totals = compute_totals(&lines);

            prop_assert_eq!(
                i128::from(totals.total.cents()),
                i128::from(totals.subtotal.cents()) + i128::from(totals.vat.cents())
            );
            prop_assert_eq!(
                i128::from(totals.subtotal.cents()),
                exact_sum(lines.iter().map(|l| l.amount_excl_vat))
            );
            prop_assert_eq!(
                i128::from(totals.vat.cents()),
                exact_sum(totals.breakdown.iter().map(|r| r.vat))
            );
            prop_assert_eq!(
                i128::from(totals.subtotal.cents()),
                exact_sum(totals.breakdown.iter().map(|r| r.taxable))
            );
        }

        #[test]
        fn breakdown_vat_is_within_half_a_cent(lines in lines_strategy()) {
            let totals = compute_totals(&lines);
            for rate_total in &totals.breakdown {
                // In hundredths of a cent: the exact VAT is taxable * percent.
                let exact = i128::from(rate_total.taxable.cents())
                    * i128::from(rate_total.rate.percent());
                let rounded = i128::from(rate_total.vat.cents()) * 100;
                prop_assert!((rounded - exact).abs() <= 50, "{:?}", rate_total);
            }
        }

        #[test]
        fn breakdown_has_each_occurring_rate_once_in_descending_order(
            lines in lines_strategy()
        ) {
            let totals = compute_totals(&lines);
            let rates: Vec<VatRate> = totals.breakdown.iter().map(|r| r.rate).collect();
            let expected: Vec<VatRate> = VatRate::ALL
                .into_iter()
                .rev()
                .filter(|rate| lines.iter().any(|l| l.rate == *rate))
                .collect();
            prop_assert_eq!(rates, expected);
            for rate_total in &totals.breakdown {
                let taxable: i64 = lines
                    .iter()
                    .filter(|l| l.rate == rate_total.rate)
                    .map(|l| l.amount_excl_vat.cents())
                    .sum();
                prop_assert_eq!(rate_total.taxable.cents(), taxable);
                prop_assert_eq!(rate_total.vat, vat_on(rate_total.taxable, rate_total.rate));
            }
        }

        #[test]
        fn lines_keep_input_order_and_add_their_own_vat(lines in lines_strategy()) {
            let totals = compute_totals(&lines);
            prop_assert_eq!(totals.lines.len(), lines.len());
            for (line_totals, input) in totals.lines.iter().zip(&lines) {
                prop_assert_eq!(line_totals.amount_excl_vat, input.amount_excl_vat);
                prop_assert_eq!(line_totals.rate, input.rate);
                prop_assert_eq!(line_totals.vat, vat_on(input.amount_excl_vat, input.rate));
                prop_assert_eq!(
                    line_totals.amount_incl_vat.cents(),
                    input.amount_excl_vat.cents() + line_totals.vat.cents()
                );
            }
        }

        #[test]
        fn negating_every_line_negates_every_total(lines in lines_strategy()) {
            let negated: Vec<LineInput> = lines
                .iter()
                .map(|l| LineInput { amount_excl_vat: negate(l.amount_excl_vat), ..*l })
                .collect();
            let totals = compute_totals(&lines);
            let mirrored = compute_totals(&negated);

            prop_assert_eq!(mirrored.subtotal, negate(totals.subtotal));
            prop_assert_eq!(mirrored.vat, negate(totals.vat));
            prop_assert_eq!(mirrored.total, negate(totals.total));
            let expected_breakdown: Vec<RateTotal> = totals
                .breakdown
                .iter()
                .map(|r| RateTotal { rate: r.rate, taxable: negate(r.taxable), vat: negate(r.vat) })
                .collect();
            prop_assert_eq!(mirrored.breakdown, expected_breakdown);
            let expected_lines: Vec<LineTotals> = totals
                .lines
                .iter()
                .map(|l| LineTotals {
                    amount_excl_vat: negate(l.amount_excl_vat),
                    rate: l.rate,
                    vat: negate(l.vat),
                    amount_incl_vat: negate(l.amount_incl_vat),
                })
                .collect();
            prop_assert_eq!(mirrored.lines, expected_lines);
        }
    }
}
