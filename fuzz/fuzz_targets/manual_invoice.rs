//! Fuzzes the manual-invoice request parser exactly as the handler runs it (strict JSON,
//! into the documented request type, then `NewManualInvoice::try_from`): no panic, and every accepted invoice respects the limits
//! and has totals that agree with an independent VAT computation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portaal::areas::customer_invoices::request::{
    CreateManualInvoiceRequest, MAX_INVOICE_NUMBER, NewManualInvoice,
};
use portaal::kernel::lines::{self, MAX_DESCRIPTION, MAX_LINES};
use portaal::kernel::money::Money;
use portaal::web::json::parse_object;

fuzz_target!(|data: &[u8]| {
    let Ok(body @ serde_json::Value::Object(_)) = parse_object(data) else {
        return;
    };
    let request: CreateManualInvoiceRequest =
        serde_json::from_value(body).expect("every JSON object reads into the request type");
    let Ok(new) = NewManualInvoice::try_from(request) else {
        return;
    };
    assert!((1..=MAX_LINES).contains(&new.lines.len()));
    assert!(new.invoice_number.chars().count() <= MAX_INVOICE_NUMBER);
    let mut subtotal: i128 = 0;
    let mut per_rate = std::collections::BTreeMap::<u8, i128>::new();
    for line in &new.lines {
        assert!((1..=MAX_DESCRIPTION).contains(&line.description.chars().count()));
        let cents = line.amount_excl_vat.cents();
        assert!(cents.abs() <= Money::MAX_ABS_CENTS);
        subtotal += i128::from(cents);
        *per_rate.entry(line.vat_rate.percent()).or_default() += i128::from(cents);
    }

    let totals = lines::totals(&new.lines);
    assert_eq!(totals.lines.len(), new.lines.len());
    assert_eq!(i128::from(totals.subtotal.cents()), subtotal);
    assert_eq!(totals.breakdown.len(), per_rate.len());
    let mut vat: i128 = 0;
    for rate in &totals.breakdown {
        let taxable = per_rate[&rate.rate.percent()];
        assert_eq!(i128::from(rate.taxable.cents()), taxable);
        let expected = vat_half_away_from_zero(taxable, rate.rate.percent());
        assert_eq!(
            i128::from(rate.vat.cents()),
            expected,
            "{taxable} at {}%",
            rate.rate.percent()
        );
        vat += expected;
    }
    assert_eq!(i128::from(totals.vat.cents()), vat);
    assert_eq!(i128::from(totals.total.cents()), subtotal + vat);
    for (line, shown) in new.lines.iter().zip(&totals.lines) {
        let expected = vat_half_away_from_zero(
            i128::from(line.amount_excl_vat.cents()),
            line.vat_rate.percent(),
        );
        assert_eq!(i128::from(shown.vat.cents()), expected);
        assert_eq!(
            shown.amount_incl_vat.cents(),
            shown.amount_excl_vat.cents() + shown.vat.cents()
        );
    }
});

/// `cents * percent / 100` rounded half away from zero, by the schoolbook rule on the
/// absolute value: add half the divisor, then truncate.
fn vat_half_away_from_zero(cents: i128, percent: u8) -> i128 {
    let product = cents * i128::from(percent);
    let magnitude = (product.abs() + 50) / 100;
    if product < 0 { -magnitude } else { magnitude }
}
