//! Tests of the whole renderer that need its private parts; the reading-back tests are in
//! `tests/pdf_render.rs`.

use super::*;
use crate::kernel::money::Money;
use crate::kernel::vat::VatRate;

fn line(description: &str, cents: i64, rate: VatRate) -> ManualLine {
    ManualLine {
        description: description.to_owned(),
        amount_excl_vat: Money::from_cents(cents),
        vat_rate: rate,
    }
}

fn document<'a>(
    lines: &'a [ManualLine],
    totals: &'a Totals,
    logo: Option<&'a [u8]>,
) -> InvoiceDocument<'a> {
    InvoiceDocument {
        language: Language::Dutch,
        seller: Seller {
            legal_name: "Bakkerij De Korf B.V.",
            address: Address {
                street: "Dorpsstraat 1",
                zip_code: "1234 AB",
                city: "Hoorn",
                country: "Nederland",
            },
            kvk_number: "12345678",
            vat_number: "NL123456789B01",
            iban: "NL91ABNA0417164300",
            bic: Some("ABNANL2A"),
            email: Some("factuur@dekorf.nl"),
            phone: None,
            logo,
        },
        customer: Customer {
            company_name: "Café Één",
            address: Address {
                street: "Kerkplein 2",
                zip_code: "5678 CD",
                city: "Edam",
                country: "NL",
            },
        },
        invoice_number: "2025-001",
        issue_date: Date::constant(2025, 4, 14),
        due_date: Date::constant(2025, 5, 14),
        payment_term_days: 30,
        lines,
        totals,
        payment_url: "https://portaal.example.nl/public-invoice/inv_1/pay/abc",
    }
}

#[test]
fn the_same_invoice_renders_to_the_same_bytes() {
    let lines = [line("Brood", 1295, VatRate::Reduced)];
    let totals = crate::kernel::lines::totals(&lines);
    let logo = logo::tests::sample_png(60, 30);
    let doc = document(&lines, &totals, Some(&logo));
    let first = render_invoice(&doc);
    assert!(first.starts_with(b"%PDF-"));
    assert_eq!(first, render_invoice(&doc));
}

#[test]
fn a_logo_is_embedded_with_its_mask_and_a_broken_one_is_left_out() {
    let lines = [line("Brood", 1295, VatRate::Reduced)];
    let totals = crate::kernel::lines::totals(&lines);
    let logo = logo::tests::sample_png(60, 30);
    let with_logo = render_invoice(&document(&lines, &totals, Some(&logo)));
    let contains = |pdf: &[u8], needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(contains(&with_logo, b"/Subtype /Image"));
    assert!(contains(&with_logo, b"/SMask 7 0 R"));

    let broken = &logo[..logo.len() / 2];
    let without = render_invoice(&document(&lines, &totals, Some(broken)));
    assert!(without.starts_with(b"%PDF-"));
    assert!(!contains(&without, b"/Subtype /Image"));
}

#[test]
fn extreme_but_valid_input_still_renders() {
    let lines = [
        line(&"Ω".repeat(1000), Money::MAX_ABS_CENTS, VatRate::Standard),
        line(
            "Korting\n\n\tvaste klant",
            -Money::MAX_ABS_CENTS,
            VatRate::Zero,
        ),
    ];
    let totals = crate::kernel::lines::totals(&lines);
    let number = "9".repeat(64);
    let mut doc = document(&lines, &totals, None);
    doc.invoice_number = &number;
    doc.seller.bic = None;
    doc.seller.email = None;
    doc.customer.address.street = "";
    doc.payment_url = "";
    doc.language = Language::English;
    let pdf = render_invoice(&doc);
    assert!(pdf.starts_with(b"%PDF-"));
    let contains = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(
        contains(b"/Count 2"),
        "the long line and the rest take two pages"
    );
    assert!(!contains(b"/Annots"), "no link without a payment URL");
}
