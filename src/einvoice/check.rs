//! From the plain input to a [`Document`] that is valid by construction: every text made
//! safe for XML and checked not to be empty, every identifier checked against the rules, the
//! buyer's electronic address chosen, and the totals of [`compute_totals`] signed for the
//! document type.
//!
//! [`compute_totals`]: crate::kernel::vat::compute_totals

use std::borrow::Cow;

use jiff::civil::Date;

use super::{Buyer, Seller, UblError, UblInput, ids};
use crate::kernel::money::Money;
use crate::kernel::vat::{Totals, VatRate};

/// Which UBL document it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Type code 380, for a total of zero or more.
    Invoice,
    /// Type code 381, for a negative total; its amounts carry the opposite sign.
    CreditNote,
}

/// An e-invoice with every value checked: writing it cannot fail or break a rule.
#[derive(Debug)]
pub struct Document<'a> {
    pub kind: Kind,
    pub number: Cow<'a, str>,
    pub issue_date: Date,
    pub due_date: Date,
    pub buyer_reference: Cow<'a, str>,
    /// Credit notes only: the invoice credited (NL-R-001).
    pub credited_invoice: Option<Cow<'a, str>>,
    /// The file name and bytes of the PDF.
    pub pdf: Option<(Cow<'a, str>, &'a [u8])>,
    pub seller: Party<'a>,
    pub buyer: Party<'a>,
    /// Invoices only: how to pay.
    pub payment: Option<Payment<'a>>,
    /// Each amount below with the document's sign (see [`Kind::CreditNote`]).
    pub line_total: Money,
    pub vat_total: Money,
    pub total: Money,
    /// Per rate: the rate, its taxable amount, its VAT.
    pub breakdown: Vec<(VatRate, Money, Money)>,
    pub lines: Vec<Line<'a>>,
}

/// The seller or the buyer.
#[derive(Debug)]
pub struct Party<'a> {
    /// Electronic address: scheme and identifier.
    pub endpoint: (Cow<'a, str>, Cow<'a, str>),
    pub legal_name: Cow<'a, str>,
    pub street: Cow<'a, str>,
    pub city: Cow<'a, str>,
    pub zip_code: Cow<'a, str>,
    pub country_code: Cow<'a, str>,
    pub vat_number: Option<Cow<'a, str>>,
    /// Legal registration: scheme (when there is one) and number.
    pub company_id: Option<(Option<&'static str>, Cow<'a, str>)>,
    pub phone: Option<Cow<'a, str>>,
    pub email: Option<Cow<'a, str>>,
}

/// Payment by credit transfer.
#[derive(Debug)]
pub struct Payment<'a> {
    pub means_code: &'static str,
    pub reference: Cow<'a, str>,
    pub iban: Cow<'a, str>,
    pub account_name: Cow<'a, str>,
    pub bic: Option<Cow<'a, str>>,
}

/// One line, with the document's sign.
#[derive(Debug)]
pub struct Line<'a> {
    pub name: Cow<'a, str>,
    pub amount: Money,
    pub rate: VatRate,
}

/// Checks the input and resolves everything the document states.
pub fn document<'a>(input: &'a UblInput, totals: &Totals) -> Result<Document<'a>, UblError> {
    let invoice = &input.invoice;
    // First, as the one problem no change to the account or customer can fix.
    if invoice.lines.is_empty() {
        return Err(UblError::NoLines);
    }
    let seller = seller(&input.seller)?;
    let buyer = buyer(&input.buyer)?;
    let number = required(&invoice.number, "invoiceNumber")?;
    let kind = if totals.total.cents() < 0 {
        Kind::CreditNote
    } else {
        Kind::Invoice
    };
    let signed = |amount: Money| match kind {
        Kind::Invoice => amount,
        Kind::CreditNote => Money::from_cents(amount.cents().saturating_neg()),
    };
    let lines = invoice
        .lines
        .iter()
        .enumerate()
        .map(|(i, line)| {
            Ok(Line {
                name: required(&line.description, &format!("lines[{i}].description"))?,
                amount: signed(line.amount_excl_vat),
                rate: line.vat_rate,
            })
        })
        .collect::<Result<Vec<_>, UblError>>()?;
    let payment_reference = required(&invoice.payment_reference, "paymentReference")?;
    let buyer_reference = optional(invoice.buyer_reference.as_deref()).unwrap_or(number.clone());
    let credited_invoice = (kind == Kind::CreditNote)
        .then(|| optional(invoice.credited_invoice.as_deref()).unwrap_or(number.clone()));
    let pdf = match &invoice.pdf {
        None => None,
        Some(pdf) if pdf.bytes.is_empty() => {
            return Err(invalid("pdf", "the PDF to embed is empty"));
        }
        Some(pdf) => Some((
            required(&pdf.file_name, "pdf.fileName")?,
            pdf.bytes.as_slice(),
        )),
    };
    let payment = match kind {
        Kind::CreditNote => None,
        Kind::Invoice => Some(payment(&input.seller, &seller, payment_reference)),
    };
    Ok(Document {
        kind,
        number,
        issue_date: invoice.issue_date,
        due_date: invoice.due_date,
        buyer_reference,
        credited_invoice,
        pdf,
        seller,
        buyer,
        payment,
        line_total: signed(totals.subtotal),
        vat_total: signed(totals.vat),
        total: signed(totals.total),
        breakdown: totals
            .breakdown
            .iter()
            .map(|r| (r.rate, signed(r.taxable), signed(r.vat)))
            .collect(),
        lines,
    })
}

/// The seller's party, or the list of what it lacks.
fn seller(seller: &Seller) -> Result<Party<'_>, UblError> {
    let fields = [
        (&seller.legal_name, "legalName"),
        (&seller.street, "street"),
        (&seller.zip_code, "zipCode"),
        (&seller.city, "city"),
        (&seller.kvk_number, "kvkNumber"),
        (&seller.vat_number, "vatNumber"),
        (&seller.iban, "iban"),
    ];
    let missing: Vec<&'static str> = fields
        .iter()
        .filter(|(value, _)| optional(value.as_deref()).is_none())
        .map(|(_, name)| *name)
        .collect();
    if !missing.is_empty() {
        return Err(UblError::IncompleteSeller { missing });
    }
    let [legal_name, street, zip_code, city, kvk, vat, _] =
        fields.map(|(value, _)| optional(value.as_deref()).unwrap_or_default());
    let country_code = country(&seller.country_code);
    if country_code != "NL" {
        return Err(UblError::SellerOutsideNetherlands(
            country_code.into_owned(),
        ));
    }
    if !(kvk.len() == 8 && kvk.bytes().all(|b| b.is_ascii_digit())) {
        return Err(invalid("seller.kvkNumber", "a KvK number is eight digits"));
    }
    if !ids::is_vat_number(&vat) {
        return Err(invalid(
            "seller.vatNumber",
            "a VAT number starts with its country code, such as NL123456789B01",
        ));
    }
    Ok(Party {
        endpoint: (Cow::Borrowed("0106"), kvk.clone()),
        legal_name,
        street,
        city,
        zip_code,
        country_code,
        vat_number: Some(vat),
        company_id: Some((Some("0106"), kvk)),
        phone: optional(seller.phone.as_deref()),
        email: optional(seller.email.as_deref()),
    })
}

/// The buyer's party, with the electronic address chosen from its identifiers.
fn buyer(buyer: &Buyer) -> Result<Party<'_>, UblError> {
    let country_code = country(&buyer.country_code);
    if !ids::is_country(&country_code) {
        return Err(invalid(
            "customer.countryCode",
            "must be a country code of two capital letters, such as NL",
        ));
    }
    let dutch = country_code == "NL";
    let vat_number = optional(buyer.vat_number.as_deref());
    if let Some(vat) = &vat_number
        && !ids::is_vat_number(vat)
    {
        return Err(invalid(
            "customer.vatNumber",
            "a VAT number starts with its country code, such as NL123456789B01",
        ));
    }
    let company_id = match optional(buyer.coc_number.as_deref()) {
        None => None,
        Some(number) if !dutch => Some((None, number)),
        Some(number) if number.len() == 8 && number.bytes().all(|b| b.is_ascii_digit()) => {
            Some((Some("0106"), number))
        }
        Some(number) if number.len() == 20 && number.bytes().all(|b| b.is_ascii_digit()) => {
            Some((Some("0190"), number))
        }
        Some(_) => {
            return Err(invalid(
                "customer.cocNumber",
                "for a Dutch customer this is its KvK number (eight digits) or OIN (twenty digits)",
            ));
        }
    };
    let peppol = match buyer.peppol_id.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(
            ids::parse_peppol_id(text).map_err(|reason| invalid("customer.peppolId", &reason))?,
        ),
    };
    let endpoint = if let Some((scheme, id)) = peppol {
        (Cow::Borrowed(scheme), Cow::Borrowed(id))
    } else if let Some((Some(scheme), number)) = &company_id {
        (Cow::Borrowed(*scheme), number.clone())
    } else if let Some(vat) = &vat_number
        && let Some(scheme) = ids::vat_scheme(vat)
    {
        (Cow::Borrowed(scheme), vat.clone())
    } else {
        return Err(UblError::NoBuyerAddress);
    };
    Ok(Party {
        endpoint,
        legal_name: required(&buyer.company_name, "customer.companyName")?,
        street: required(&buyer.address, "customer.address")?,
        city: required(&buyer.city, "customer.city")?,
        zip_code: required(&buyer.zip_code, "customer.zipCode")?,
        country_code,
        vat_number,
        company_id,
        phone: None,
        email: optional(Some(&buyer.email)),
    })
}

/// Credit transfer to the seller's IBAN (checked present by [`seller`]).
fn payment<'a>(seller: &'a Seller, party: &Party<'a>, reference: Cow<'a, str>) -> Payment<'a> {
    let iban = optional(seller.iban.as_deref()).unwrap_or_default();
    Payment {
        means_code: ids::payment_means_code(&iban),
        reference,
        iban,
        account_name: party.legal_name.clone(),
        bic: optional(seller.bic.as_deref()),
    }
}

/// A country code as the rules compare it: upper case.
fn country(code: &str) -> Cow<'_, str> {
    let code = clean(code);
    if code.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(code.to_ascii_uppercase())
    } else {
        code
    }
}

fn invalid(field: &str, reason: &str) -> UblError {
    UblError::Invalid {
        field: field.to_owned(),
        reason: reason.to_owned(),
    }
}

/// A text that must not be empty once made safe.
fn required<'a>(text: &'a str, field: &str) -> Result<Cow<'a, str>, UblError> {
    optional(Some(text)).ok_or_else(|| invalid(field, "must not be empty"))
}

/// A text made safe, or `None` when nothing is left of it (the Peppol rules forbid empty
/// elements: PEPPOL-EN16931-R008).
fn optional(text: Option<&str>) -> Option<Cow<'_, str>> {
    let text = clean(text?);
    (!text.is_empty()).then_some(text)
}

/// `text` with what XML 1.0 cannot carry, or a reader would show as a break (control
/// characters, including tabs and line breaks, and U+FFFE and U+FFFF), turned into spaces,
/// and the ends trimmed. Borrowed when there is nothing to change, as almost always.
pub fn clean(text: &str) -> Cow<'_, str> {
    let unsafe_char = |c: char| c.is_control() || c == '\u{FFFE}' || c == '\u{FFFF}';
    let trimmed = text.trim();
    if !trimmed.contains(unsafe_char) {
        return Cow::Borrowed(trimmed);
    }
    let replaced: String = text
        .chars()
        .map(|c| if unsafe_char(c) { ' ' } else { c })
        .collect();
    Cow::Owned(replaced.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clean_keeps_ordinary_text_borrowed_and_turns_controls_into_spaces() {
        assert!(matches!(
            clean("Café & Zonen"),
            Cow::Borrowed("Café & Zonen")
        ));
        assert!(matches!(clean("  a <b> "), Cow::Borrowed("a <b>")));
        assert_eq!(
            clean("a\u{0}b\tc\r\nd\u{7f}e\u{85}f\u{FFFF}"),
            "a b c  d e f"
        );
        assert_eq!(clean("\u{1}\u{2} \u{3}"), "");
        assert_eq!(optional(Some("\u{1b}")), None);
        assert_eq!(optional(Some(" x ")).as_deref(), Some("x"));
    }
}
