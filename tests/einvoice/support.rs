//! What the e-invoice tests share: sample parties, and (from `validator.rs`) the official
//! validator (`../shared/einvoice/validate.py`) found beside the checkout and an XML
//! flattener for comparing documents field by field.

use jiff::civil::Date;
use portaal::einvoice::{Buyer, Invoice, Line, Seller};
use portaal::kernel::money::Money;
use portaal::kernel::vat::VatRate;

#[path = "validator.rs"]
mod validator;

pub use validator::{fields, validate, validator_or_skip};

pub fn seller() -> Seller {
    Seller {
        legal_name: Some("Bakkerij Één & Zonen B.V.".into()),
        street: Some("Dorpsstraat 1".into()),
        zip_code: Some("1621 AB".into()),
        city: Some("Hoorn".into()),
        country_code: "NL".into(),
        kvk_number: Some("87654321".into()),
        vat_number: Some("NL123456789B01".into()),
        iban: Some("NL91ABNA0417164300".into()),
        bic: Some("ABNANL2A".into()),
        email: Some("factuur@bakkerij-een.nl".into()),
        phone: Some("+31 229 123 456".into()),
    }
}

pub fn buyer() -> Buyer {
    Buyer {
        company_name: "Café \"De Gouden Leeuw\" <Groningen>".into(),
        address: "Grote Markt 12".into(),
        zip_code: "9711 LV".into(),
        city: "Groningen".into(),
        country_code: "NL".into(),
        email: "administratie@goudenleeuw.nl".into(),
        vat_number: Some("NL987654321B01".into()),
        coc_number: Some("12345678".into()),
        peppol_id: None,
    }
}

pub fn line(description: &str, amount: &str, percent: i64) -> Line {
    Line {
        description: description.into(),
        amount_excl_vat: Money::parse(amount).expect("a test amount"),
        vat_rate: VatRate::from_percent(percent).expect("a test rate"),
    }
}

pub fn invoice(number: &str, lines: Vec<Line>) -> Invoice {
    Invoice {
        number: number.into(),
        issue_date: Date::constant(2025, 4, 14),
        due_date: Date::constant(2025, 4, 28),
        lines,
        payment_reference: number.into(),
        buyer_reference: None,
        credited_invoice: None,
        pdf: None,
    }
}
