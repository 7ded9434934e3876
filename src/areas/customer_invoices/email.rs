//! The invoice notification e-mail: subject, plain text and HTML, in Dutch or English,
//! built from the invoice exactly as the API showed it when it was created; and the
//! outbox's composer for it, which adds the customer's address, the invoice PDF and, for a
//! customer with a `peppolId` or `sendUbl`, the UBL e-invoice.

use serde_json::Value;

/// What the e-mail says, taken from the invoice body of the `invoice-created` event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceNotice {
    pub seller: String,
    pub invoice_number: String,
    /// `"1234.56"` as the API shows amounts.
    pub amount: String,
    /// `YYYY-MM-DD`.
    pub due_at: Option<String>,
    pub payment_link: String,
}

impl InvoiceNotice {
    /// Reads the notice from an event body `{"data": <CustomerInvoice>}`.
    pub fn from_event(seller: &str, event: &Value) -> Option<InvoiceNotice> {
        let data = &event["data"];
        Some(InvoiceNotice {
            seller: seller.to_owned(),
            invoice_number: data["invoiceNumber"].as_str()?.to_owned(),
            amount: data["amount"].as_str()?.to_owned(),
            due_at: data["dueAt"].as_str().map(str::to_owned),
            payment_link: data["links"]["onlinePaymentLink"]["href"]
                .as_str()?
                .to_owned(),
        })
    }
}

use async_trait::async_trait;

use super::document::stored_or_rendered;
use super::model::{CustomerInvoice, pdf_file_name, ubl_file_name};
use super::store::store;
use super::ubl::{self, UblFailure};
use crate::areas::customer_invoices::model::InvoiceId;
use crate::areas::customers::model::CustomerId;
use crate::areas::{account, customers};
use crate::db::{Db, StoreError};
pub use crate::kernel::format::Language;
use crate::kernel::ids::AccountId;
use crate::mail::{Attachment, Message, escape};
use crate::outbox::{ClaimedDelivery, ComposeError, Composer, Email};

pub fn render(notice: &InvoiceNotice, language: Language) -> Message {
    let amount = format_euros(&notice.amount, language);
    let due = notice.due_at.as_deref().map(|d| format_date(d, language));
    let (subject, greeting, intro, amount_label, due_label, pay_line, closing) = match language {
        Language::Dutch => (
            format!("Factuur {} van {}", notice.invoice_number, notice.seller),
            "Beste klant,",
            format!(
                "{} heeft factuur {} voor u klaargezet.",
                notice.seller, notice.invoice_number
            ),
            "Bedrag",
            "Te betalen vóór",
            "Bekijk en betaal de factuur online:",
            "Met vriendelijke groet,",
        ),
        Language::English => (
            format!("Invoice {} from {}", notice.invoice_number, notice.seller),
            "Dear customer,",
            format!(
                "{} has sent you invoice {}.",
                notice.seller, notice.invoice_number
            ),
            "Amount",
            "Due date",
            "View and pay the invoice online:",
            "Kind regards,",
        ),
    };
    let mut text = format!("{greeting}\n\n{intro}\n\n{amount_label}: {amount}\n");
    if let Some(due) = &due {
        text.push_str(&format!("{due_label}: {due}\n"));
    }
    text.push_str(&format!(
        "\n{pay_line}\n{}\n\n{closing}\n{}\n",
        notice.payment_link, notice.seller
    ));

    let e = escape;
    let mut html = format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{subject}</title></head>\n<body>\n<p>{greeting}</p>\n<p>{intro}</p>\n<table>\n<tr><th align=\"left\">{amount_label}</th><td>{amount}</td></tr>\n",
        lang = if language == Language::Dutch {
            "nl"
        } else {
            "en"
        },
        subject = e(&subject),
        greeting = e(greeting),
        intro = e(&intro),
        amount_label = e(amount_label),
        amount = e(&amount),
    );
    if let Some(due) = &due {
        html.push_str(&format!(
            "<tr><th align=\"left\">{}</th><td>{}</td></tr>\n",
            e(due_label),
            e(due)
        ));
    }
    html.push_str(&format!(
        "</table>\n<p>{}<br><a href=\"{link}\">{link}</a></p>\n<p>{}<br>{}</p>\n</body></html>\n",
        e(pay_line),
        e(closing),
        e(&notice.seller),
        link = e(&notice.payment_link),
    ));
    Message {
        subject,
        text,
        html,
    }
}

/// `"1234.56"` → `€ 1.234,56` (Dutch) or `€1,234.56` (English): the page's and the PDF's
/// spelling. An amount the event does not carry in the API's form is shown as it is.
pub fn format_euros(amount: &str, language: Language) -> String {
    match crate::kernel::money::Money::parse(amount) {
        Ok(money) => crate::kernel::format::money(money, language),
        Err(_) => amount.to_owned(),
    }
}

/// `2025-04-28` → `28-04-2025` (Dutch) or `28 April 2025` (English).
fn format_date(date: &str, language: Language) -> String {
    match date.parse::<jiff::civil::Date>() {
        Ok(parsed) => crate::kernel::format::date(parsed, language),
        Err(_) => date.to_owned(),
    }
}

/// The outbox's composer of invoice e-mails: the notice from the stored event, the
/// customer's address, and the invoice's PDF (the same document the page and the API
/// serve).
pub struct InvoiceMail {
    pub db: Db,
}

#[async_trait]
impl Composer for InvoiceMail {
    async fn compose(&self, delivery: &ClaimedDelivery) -> Result<Email, ComposeError> {
        let event: serde_json::Value = serde_json::from_str(&delivery.body)
            .map_err(|e| ComposeError::Permanent(format!("the stored event is not JSON: {e}")))?;
        let account = account::store(&self.db)
            .get_account(&delivery.account_id)
            .await
            .map_err(|e| ComposeError::Retry(format!("reading the account: {e}")))?;
        let notice = InvoiceNotice::from_event(&account.name, &event).ok_or_else(|| {
            ComposeError::Permanent("the stored event does not describe an invoice".to_owned())
        })?;
        let customer_id = event["data"]["customerId"].as_str().unwrap_or_default();
        let customer = match customers::store(&self.db)
            .get_customer(
                &delivery.account_id,
                &CustomerId::from_request(customer_id.to_owned()),
            )
            .await
        {
            Ok(customer) => customer,
            Err(StoreError::NotFound) => {
                return Err(ComposeError::Permanent(
                    "the customer was deleted".to_owned(),
                ));
            }
            Err(e) => return Err(ComposeError::Retry(format!("reading the customer: {e}"))),
        };
        let invoice_id = delivery.invoice_id.as_deref().unwrap_or_default();
        let payment_url = event["data"]["links"]["onlinePaymentLink"]["href"]
            .as_str()
            .unwrap_or_default();
        let invoice_id = InvoiceId::from_stored(invoice_id.to_owned());
        // An invoice deleted since is mailed without its documents.
        let attachments = match store(&self.db)
            .get_invoice(&delivery.account_id, &invoice_id)
            .await
        {
            Ok(invoice) => {
                let wants_ubl = customer.peppol_id.is_some() || customer.send_ubl;
                self.attachments(&delivery.account_id, &invoice, payment_url, wants_ubl)
                    .await?
            }
            Err(StoreError::NotFound) => Vec::new(),
            Err(e) => return Err(ComposeError::Retry(format!("reading the invoice: {e}"))),
        };
        Ok(Email {
            to: customer.primary_email,
            message: render(&notice, Language::from_locale(&account.locale)),
            attachments,
        })
    }
}

impl InvoiceMail {
    /// The invoice PDF (where there is one) and, when asked, the UBL e-invoice. An invoice
    /// that cannot become a valid e-invoice is mailed without it, never held back: why is
    /// logged for the operator (the API's `/ubl` answers it too).
    async fn attachments(
        &self,
        account_id: &AccountId,
        invoice: &CustomerInvoice,
        payment_url: &str,
        wants_ubl: bool,
    ) -> Result<Vec<Attachment>, ComposeError> {
        let mut attachments = Vec::new();
        match stored_or_rendered(&self.db, account_id, invoice, payment_url).await {
            Ok(bytes) => attachments.push(Attachment {
                file_name: pdf_file_name(&invoice.invoice_number),
                content_type: "application/pdf",
                bytes,
            }),
            Err(StoreError::NotFound) => {}
            Err(e) => return Err(ComposeError::Retry(format!("reading the PDF: {e}"))),
        }
        if !wants_ubl {
            return Ok(attachments);
        }
        match ubl::stored_or_rendered(&self.db, account_id, invoice, payment_url).await {
            Ok(bytes) => attachments.push(Attachment {
                file_name: ubl_file_name(&invoice.invoice_number),
                content_type: crate::einvoice::CONTENT_TYPE,
                bytes,
            }),
            Err(UblFailure::Refused(reason)) => tracing::warn!(
                account_id = %account_id,
                invoice_id = %invoice.id,
                reason = %reason,
                "the invoice e-mail goes without its e-invoice, which cannot be made"
            ),
            Err(UblFailure::Store(StoreError::NotFound)) => {}
            // As for the PDF: a database that fails now is tried again with the whole mail.
            Err(UblFailure::Store(e)) => {
                return Err(ComposeError::Retry(format!("making the e-invoice: {e}")));
            }
        }
        Ok(attachments)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> InvoiceNotice {
        InvoiceNotice {
            seller: "Bakkerij <De Korf> & Zn".into(),
            invoice_number: "2025-001".into(),
            amount: "1234.56".into(),
            due_at: Some("2025-04-28".into()),
            payment_link: "https://portal.example.nl/public-invoice/inv_a/pay/t".into(),
        }
    }

    #[test]
    fn amounts_follow_each_language() {
        assert_eq!(format_euros("1234.56", Language::Dutch), "€ 1.234,56");
        assert_eq!(format_euros("1234.56", Language::English), "€1,234.56");
        assert_eq!(format_euros("-5.00", Language::Dutch), "€ -5,00");
        assert_eq!(
            format_euros("999999999.99", Language::Dutch),
            "€ 999.999.999,99"
        );
        assert_eq!(format_euros("0.05", Language::English), "€0.05");
    }

    #[test]
    fn the_dutch_mail_names_seller_number_amount_due_date_and_link() {
        let mail = render(&notice(), Language::Dutch);
        assert_eq!(mail.subject, "Factuur 2025-001 van Bakkerij <De Korf> & Zn");
        for part in [
            "2025-001",
            "€ 1.234,56",
            "28-04-2025",
            "https://portal.example.nl/public-invoice/inv_a/pay/t",
        ] {
            assert!(mail.text.contains(part), "{part} missing in {}", mail.text);
            assert!(mail.html.contains(part), "{part} missing in {}", mail.html);
        }
        assert!(
            mail.html.contains("Bakkerij &lt;De Korf&gt; &amp; Zn"),
            "seller is escaped in HTML"
        );
        assert!(!mail.html.contains("<De Korf>"));
    }

    #[test]
    fn the_english_mail_is_english() {
        let mail = render(&notice(), Language::English);
        assert!(mail.subject.starts_with("Invoice 2025-001 from"));
        assert!(
            mail.text.contains("€1,234.56") && mail.text.contains("28 April 2025"),
            "{}",
            mail.text
        );
    }
}
