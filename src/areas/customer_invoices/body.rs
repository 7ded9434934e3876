//! The `CustomerInvoice` shape of the reference, plus our additive fields for manual
//! invoices (DECISIONS.md): lines, subtotal, VAT and the VAT breakdown.

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{CustomerInvoice, InvoiceContent};
use crate::kernel::lines;
use crate::kernel::time::format_date;
use crate::web::Context;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerInvoiceBody {
    /// Always starts with `inv_`.
    #[schema(example = "inv_abc12345def678")]
    pub id: String,
    #[schema(example = "cst_abc12345def678")]
    pub customer_id: String,
    #[schema(example = "2024-001")]
    pub invoice_number: String,
    /// `YYYY-MM-DD`.
    #[schema(example = "2024-04-29")]
    pub issued_at: String,
    /// `YYYY-MM-DD`: the issue date plus the account's payment term.
    #[schema(example = "2024-05-13")]
    pub due_at: Option<String>,
    #[schema(example = "EUR")]
    pub currency: String,
    /// Total including VAT: what the customer pays.
    #[schema(example = "15.67")]
    pub amount: String,
    /// ATOM date-time; null while unpaid.
    #[schema(example = "2024-05-28T21:00:00+02:00")]
    pub paid_at: Option<String>,
    #[schema(example = "2024-04-29T21:00:00+02:00")]
    pub created_at: String,
    pub links: InvoiceLinks,
    /// Our addition: the customer's e-mail about this invoice: `queued`, `sent` or `failed`;
    /// null when `sendNotification` was not asked for. Never `sent` unless it was.
    #[schema(example = "sent")]
    pub notification_status: Option<&'static str>,
    /// Our addition, manual invoices only: the sum of the lines excluding VAT.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "12.95")]
    pub subtotal_amount: Option<String>,
    /// Our addition, manual invoices only: the VAT, summed over the rates.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "2.72")]
    pub vat_amount: Option<String>,
    /// Our addition, manual invoices only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<InvoiceLineBody>>,
    /// Our addition, manual invoices only: VAT per rate, computed on the sum of that rate's
    /// lines and rounded half away from zero (EN 16931 BR-CO-17).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vat_breakdown: Option<Vec<VatBreakdownBody>>,
    /// Our addition, manual credit notes only, when given: the number of the invoice this
    /// one credits, stated in its e-invoice.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "2024-001")]
    pub credited_invoice_number: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLinks {
    pub customer: Link,
    pub online_payment_link: Link,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Link {
    pub href: String,
    #[serde(rename = "type")]
    #[schema(example = "application/json")]
    pub media_type: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct InvoiceLineBody {
    #[schema(example = "Website template")]
    pub description: String,
    #[schema(example = "12.95")]
    pub amount_excl_vat: String,
    #[schema(example = 21)]
    pub vat_rate: u8,
    /// This line's own VAT, for display; the invoice's VAT is computed per rate.
    #[schema(example = "2.72")]
    pub vat_amount: String,
    #[schema(example = "15.67")]
    pub amount_incl_vat: String,
}

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct VatBreakdownBody {
    #[schema(example = 21)]
    pub vat_rate: u8,
    #[schema(example = "12.95")]
    pub taxable_amount: String,
    #[schema(example = "2.72")]
    pub vat_amount: String,
}

impl CustomerInvoiceBody {
    pub fn new(ctx: &Context, invoice: CustomerInvoice) -> CustomerInvoiceBody {
        let links = InvoiceLinks {
            customer: Link {
                href: ctx.api_url(&format!("/customers/{}", invoice.customer_id)),
                media_type: "application/json",
            },
            online_payment_link: Link {
                href: ctx.public_url(&invoice.page_path()),
                media_type: "text/html",
            },
        };
        let mut body = CustomerInvoiceBody {
            issued_at: format_date(invoice.issued_at),
            due_at: Some(format_date(invoice.due_at)),
            amount: invoice.amount.to_string(),
            paid_at: invoice.paid_at.map(|at| ctx.atom(at)),
            created_at: ctx.atom(invoice.created_at),
            links,
            notification_status: invoice.notification.map(|n| n.as_str()),
            id: invoice.id.into_string(),
            customer_id: invoice.customer_id.into_string(),
            invoice_number: invoice.invoice_number,
            currency: invoice.currency,
            subtotal_amount: None,
            vat_amount: None,
            lines: None,
            vat_breakdown: None,
            credited_invoice_number: None,
        };
        if let InvoiceContent::Manual {
            lines,
            credited_invoice_number,
        } = invoice.content
        {
            body.credited_invoice_number = credited_invoice_number;
            let totals = lines::totals(&lines);
            body.subtotal_amount = Some(totals.subtotal.to_string());
            body.vat_amount = Some(totals.vat.to_string());
            body.vat_breakdown = Some(
                totals
                    .breakdown
                    .iter()
                    .map(|r| VatBreakdownBody {
                        vat_rate: r.rate.percent(),
                        taxable_amount: r.taxable.to_string(),
                        vat_amount: r.vat.to_string(),
                    })
                    .collect(),
            );
            body.lines = Some(
                lines
                    .into_iter()
                    .zip(totals.lines)
                    .map(|(line, t)| InvoiceLineBody {
                        description: line.description,
                        amount_excl_vat: t.amount_excl_vat.to_string(),
                        vat_rate: t.rate.percent(),
                        vat_amount: t.vat.to_string(),
                        amount_incl_vat: t.amount_incl_vat.to_string(),
                    })
                    .collect(),
            );
        }
        body
    }
}

/// `Api_Cloudfile`: a temporary download link.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CloudFile {
    pub link: String,
    #[schema(example = "2025-04-29T21:00:00+02:00")]
    pub expires_at: String,
}
