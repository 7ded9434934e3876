//! A payment link and its payments as the API shows them.

use serde::Serialize;
use utoipa::ToSchema;

use super::model::{LinkStatus, PaymentLink};
use crate::areas::payments::{Payment, PaymentTarget};
use crate::web::Context;

/// A payment link as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentLinkBody {
    #[schema(example = "plk_abc12345def678")]
    pub id: String,
    /// Also shown on the payer's bank statement.
    #[schema(example = "Contribution costs")]
    pub description: String,
    #[schema(example = "EUR")]
    pub currency: &'static str,
    #[schema(example = "12.95")]
    pub amount: String,
    /// Whether the link stays usable after a successful payment.
    pub reusable: bool,
    /// When the link stops working: the end of the requested day.
    #[schema(example = "2024-05-14T21:00:00+02:00")]
    pub expires_at: Option<String>,
    /// `open`, `paid`, `expired` or `closed`.
    #[schema(example = "open")]
    pub status: &'static str,
    /// Where to send the payer; `null` once the link can no longer be used.
    #[schema(example = "https://portaal.example.nl/payment-link/plk_abc12345def678")]
    pub checkout_url: Option<String>,
    #[schema(example = "2024-04-29T21:00:00+02:00")]
    pub created_at: String,
}

impl PaymentLinkBody {
    pub fn new(ctx: &Context, link: &PaymentLink) -> PaymentLinkBody {
        let status = link.status_at(ctx.now());
        PaymentLinkBody {
            id: link.id.to_string(),
            description: link.description.clone(),
            currency: "EUR",
            amount: link.amount.to_string(),
            reusable: link.reusable,
            expires_at: link.expires_at.map(|at| ctx.atom(at)),
            status: status.as_str(),
            checkout_url: (status == LinkStatus::Open).then(|| ctx.public_url(&link.page_path())),
            created_at: ctx.atom(link.created_at),
        }
    }
}

/// One payment made through a link.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct PaymentLinkPaymentBody {
    #[schema(example = "plp_abc12345def678")]
    pub id: String,
    #[schema(example = "plk_abc12345def678")]
    pub payment_link_id: String,
    #[schema(example = "EUR")]
    pub currency: &'static str,
    #[schema(example = "12.95")]
    pub amount: String,
    /// The provider's status: `open`, `pending`, `authorized`, `paid`, `failed`, `canceled`
    /// or `expired`.
    #[schema(example = "paid")]
    pub status: String,
    #[schema(example = "John Doe")]
    pub payers_name: Option<String>,
    /// The payment provider used.
    #[schema(example = "mollie")]
    pub integration: String,
    /// The payment's ID at the provider.
    #[schema(example = "tr_123abc")]
    pub integration_id: String,
    #[schema(example = "2024-04-29T21:00:00+02:00")]
    pub created_at: String,
}

impl PaymentLinkPaymentBody {
    pub fn new(ctx: &Context, payment: Payment) -> PaymentLinkPaymentBody {
        let payment_link_id = match payment.target {
            PaymentTarget::Link(id) => id.into_string(),
            // The store lists only the link's own payments.
            PaymentTarget::Invoice(id) => id.into_string(),
        };
        PaymentLinkPaymentBody {
            id: payment.id,
            payment_link_id,
            currency: "EUR",
            amount: payment.amount.to_string(),
            status: payment.status,
            payers_name: payment.payers_name,
            integration: payment.provider,
            integration_id: payment.provider_payment_id,
            created_at: ctx.atom(payment.created_at),
        }
    }
}
