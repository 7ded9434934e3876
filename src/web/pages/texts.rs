//! Every word the pages show, in Dutch and English (the account's `locale` picks one), and
//! how amounts and dates read in each.

use jiff::civil::Date;

use crate::kernel::format::{self, Language};
use crate::kernel::money::Money;

/// The labels of one language.
pub struct Texts {
    pub lang: &'static str,
    pub invoice: &'static str,
    pub invoice_number: &'static str,
    pub issue_date: &'static str,
    pub due_date: &'static str,
    pub billed_to: &'static str,
    pub from: &'static str,
    pub kvk: &'static str,
    pub vat_number: &'static str,
    pub description: &'static str,
    pub amount_excl: &'static str,
    pub vat_rate: &'static str,
    pub vat: &'static str,
    pub amount_incl: &'static str,
    pub vat_breakdown: &'static str,
    pub taxable: &'static str,
    pub subtotal: &'static str,
    pub total_vat: &'static str,
    pub total: &'static str,
    pub total_credit: &'static str,
    pub status_paid: &'static str,
    pub status_open: &'static str,
    pub status_overdue: &'static str,
    pub paid_on: &'static str,
    pub nothing_to_pay: &'static str,
    pub download_pdf: &'static str,
    pub pay_online: &'static str,
    pub pay_by_transfer: &'static str,
    pub transfer_amount: &'static str,
    pub transfer_to: &'static str,
    pub transfer_reference: &'static str,
    pub beneficiary: &'static str,
    pub processing: &'static str,
    pub provider_down: &'static str,
    pub no_lines: &'static str,
    pub payment_request: &'static str,
    pub link_paid: &'static str,
    pub link_closed: &'static str,
    pub link_expired: &'static str,
    pub link_thanks: &'static str,
    pub link_valid_until: &'static str,
    pub no_payment_method: &'static str,
}

pub const DUTCH: Texts = Texts {
    lang: "nl",
    invoice: "Factuur",
    invoice_number: "Factuurnummer",
    issue_date: "Factuurdatum",
    due_date: "Vervaldatum",
    billed_to: "Aan",
    from: "Van",
    kvk: "KvK-nummer",
    vat_number: "Btw-nummer",
    description: "Omschrijving",
    amount_excl: "Bedrag excl. btw",
    vat_rate: "Btw-tarief",
    vat: "Btw",
    amount_incl: "Bedrag incl. btw",
    vat_breakdown: "Btw-specificatie",
    taxable: "Grondslag",
    subtotal: "Subtotaal excl. btw",
    total_vat: "Totaal btw",
    total: "Totaal te betalen",
    total_credit: "Totaal te crediteren",
    status_paid: "Betaald",
    status_open: "Openstaand",
    status_overdue: "Vervallen",
    paid_on: "Deze factuur is betaald op",
    nothing_to_pay: "Er hoeft niets betaald te worden.",
    download_pdf: "Download de factuur (PDF)",
    pay_online: "Nu online betalen",
    pay_by_transfer: "Betalen per overschrijving",
    transfer_amount: "Bedrag",
    transfer_to: "IBAN",
    transfer_reference: "Omschrijving / kenmerk",
    beneficiary: "Ten name van",
    processing: "Uw betaling wordt verwerkt. Ververs deze pagina over een moment.",
    provider_down: "Online betalen lukt op dit moment niet. Probeer het later opnieuw of betaal per overschrijving.",
    no_lines: "De regels van deze factuur staan in de PDF.",
    payment_request: "Betaalverzoek",
    link_paid: "Dit betaalverzoek is betaald. Dank u wel!",
    link_closed: "Dit betaalverzoek is gesloten en kan niet meer worden betaald.",
    link_expired: "Dit betaalverzoek is verlopen en kan niet meer worden betaald.",
    link_thanks: "Dank u wel, uw betaling is ontvangen.",
    link_valid_until: "Geldig tot",
    no_payment_method: "Neem contact op met de afzender om te betalen.",
};

pub const ENGLISH: Texts = Texts {
    lang: "en",
    invoice: "Invoice",
    invoice_number: "Invoice number",
    issue_date: "Invoice date",
    due_date: "Due date",
    billed_to: "Billed to",
    from: "From",
    kvk: "Chamber of Commerce no.",
    vat_number: "VAT number",
    description: "Description",
    amount_excl: "Amount excl. VAT",
    vat_rate: "VAT rate",
    vat: "VAT",
    amount_incl: "Amount incl. VAT",
    vat_breakdown: "VAT breakdown",
    taxable: "Taxable amount",
    subtotal: "Subtotal excl. VAT",
    total_vat: "Total VAT",
    total: "Total due",
    total_credit: "Total to be credited",
    status_paid: "Paid",
    status_open: "Open",
    status_overdue: "Overdue",
    paid_on: "This invoice was paid on",
    nothing_to_pay: "There is nothing to pay.",
    download_pdf: "Download the invoice (PDF)",
    pay_online: "Pay online now",
    pay_by_transfer: "Pay by bank transfer",
    transfer_amount: "Amount",
    transfer_to: "IBAN",
    transfer_reference: "Reference",
    beneficiary: "Beneficiary",
    processing: "Your payment is being processed. Refresh this page in a moment.",
    provider_down: "Paying online is not possible right now. Please try again later or pay by bank transfer.",
    no_lines: "The lines of this invoice are in the PDF.",
    payment_request: "Payment request",
    link_paid: "This payment request has been paid. Thank you!",
    link_closed: "This payment request is closed and can no longer be paid.",
    link_expired: "This payment request has expired and can no longer be paid.",
    link_thanks: "Thank you, your payment has been received.",
    link_valid_until: "Valid until",
    no_payment_method: "Please contact the sender to pay.",
};

impl Texts {
    pub fn for_locale(locale: &str) -> &'static Texts {
        match Language::from_locale(locale) {
            Language::English => &ENGLISH,
            Language::Dutch => &DUTCH,
        }
    }

    fn language(&self) -> Language {
        Language::from_locale(self.lang)
    }

    pub fn money(&self, amount: Money) -> String {
        format::money(amount, self.language())
    }

    pub fn date(&self, date: Date) -> String {
        format::date(date, self.language())
    }
}

/// The page for anything that cannot be shown; in both languages, since it cannot know
/// whose it would have been.
#[derive(askama::Template)]
#[template(path = "portal/not_found.html")]
pub struct NotFoundPage {}
