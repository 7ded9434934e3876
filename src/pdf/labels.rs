//! Every fixed word on the invoice PDF, in Dutch and in English.

use crate::kernel::format::Language;

/// The labels of one language.
pub(super) struct Labels {
    pub title: &'static str,
    pub bill_to: &'static str,
    pub invoice_number: &'static str,
    pub issue_date: &'static str,
    pub due_date: &'static str,
    pub payment_term: &'static str,
    pub description: &'static str,
    pub rate: &'static str,
    pub excl_vat: &'static str,
    pub vat: &'static str,
    pub incl_vat: &'static str,
    pub subtotal: &'static str,
    pub total_vat: &'static str,
    pub total: &'static str,
    /// The total line of a credit note (a total below zero).
    pub total_credit: &'static str,
    pub payment: &'static str,
    pub account_name: &'static str,
    pub reference: &'static str,
    pub amount_due: &'static str,
    pub pay_before: &'static str,
    pub pay_online: &'static str,
    /// Shown before the Chamber of Commerce (KvK) number.
    pub kvk: &'static str,
    /// Shown before the seller's VAT identification number.
    pub vat_number: &'static str,
    pub phone: &'static str,
}

const DUTCH: Labels = Labels {
    title: "Factuur",
    bill_to: "Factuur aan",
    invoice_number: "Factuurnummer",
    issue_date: "Factuurdatum",
    due_date: "Vervaldatum",
    payment_term: "Betalingstermijn",
    description: "Omschrijving",
    rate: "Btw %",
    excl_vat: "Excl. btw",
    vat: "Btw",
    incl_vat: "Incl. btw",
    subtotal: "Subtotaal (excl. btw)",
    total_vat: "Totaal btw",
    total: "Totaal te betalen",
    total_credit: "Totaal te crediteren",
    payment: "Betaalgegevens",
    account_name: "Ten name van",
    reference: "Betalingskenmerk",
    amount_due: "Te betalen",
    pay_before: "Uiterlijk op",
    pay_online: "Online betalen",
    kvk: "KvK",
    vat_number: "Btw-id",
    phone: "Tel.",
};

const ENGLISH: Labels = Labels {
    title: "Invoice",
    bill_to: "Bill to",
    invoice_number: "Invoice number",
    issue_date: "Invoice date",
    due_date: "Due date",
    payment_term: "Payment term",
    description: "Description",
    rate: "VAT %",
    excl_vat: "Excl. VAT",
    vat: "VAT",
    incl_vat: "Incl. VAT",
    subtotal: "Subtotal (excl. VAT)",
    total_vat: "Total VAT",
    total: "Total due",
    total_credit: "Total to be credited",
    payment: "Payment details",
    account_name: "Account name",
    reference: "Payment reference",
    amount_due: "Amount due",
    pay_before: "Pay before",
    pay_online: "Pay online",
    kvk: "CoC no.",
    vat_number: "VAT no.",
    phone: "Phone",
};

impl Labels {
    pub(super) fn of(language: Language) -> &'static Labels {
        match language {
            Language::Dutch => &DUTCH,
            Language::English => &ENGLISH,
        }
    }
}
