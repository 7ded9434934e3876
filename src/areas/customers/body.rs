//! A customer as the API shows it (and as its events carry it).

use serde::Serialize;
use utoipa::ToSchema;

use super::model::Customer;
use crate::web::Context;

/// A customer as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerBody {
    /// Always starts with `cst_`.
    #[schema(example = "cst_abc12345def678")]
    pub id: String,
    #[schema(example = "Test Company BV")]
    pub company_name: String,
    #[schema(example = "Teststreet 123")]
    pub address: String,
    #[schema(example = "1234AB")]
    pub zip_code: String,
    #[schema(example = "Amsterdam")]
    pub city: String,
    /// ISO 3166-1 alpha-2.
    #[schema(example = "NL")]
    pub country_code: String,
    /// Where notifications are sent.
    #[schema(example = "john.doe@test.com")]
    pub primary_email: String,
    #[schema(example = "+312012345678")]
    pub phone: Option<String>,
    /// The bookkeeping integration the customer is linked to.
    #[schema(example = "acumulus")]
    pub integration: Option<String>,
    /// The customer's ID inside that integration.
    #[schema(example = "123456789")]
    pub integration_id: Option<String>,
    /// IDs of the groups the customer belongs to.
    #[schema(example = json!(["cug_123abc567"]))]
    pub customer_groups: Vec<String>,
    /// Our addition: the VAT identification number, with its country prefix.
    #[schema(example = "NL987654321B01")]
    pub vat_number: Option<String>,
    /// Our addition: the Chamber of Commerce number (for a Dutch customer its KvK number,
    /// or a public body's OIN).
    #[schema(example = "12345678")]
    pub coc_number: Option<String>,
    /// Our addition: the Peppol participant ID (`scheme:identifier`) e-invoices go to.
    #[schema(example = "0106:12345678")]
    pub peppol_id: Option<String>,
    /// Our addition: invoice e-mails carry the UBL e-invoice, also without a `peppolId`.
    #[schema(example = false)]
    pub send_ubl: bool,
    /// ATOM date-time.
    #[schema(example = "2024-04-28T21:00:00+02:00")]
    pub created_at: String,
}

impl CustomerBody {
    pub fn new(ctx: &Context, c: Customer) -> CustomerBody {
        CustomerBody {
            created_at: ctx.atom(c.created_at),
            id: c.id.into_string(),
            company_name: c.company_name,
            address: c.address,
            zip_code: c.zip_code,
            city: c.city,
            country_code: c.country_code,
            primary_email: c.primary_email,
            phone: c.phone,
            integration: c.integration,
            integration_id: c.integration_id,
            customer_groups: c.customer_groups,
            vat_number: c.vat_number,
            coc_number: c.coc_number,
            peppol_id: c.peppol_id,
            send_ubl: c.send_ubl,
        }
    }
}
