//! Customers: the entity, its ID and its row (the requests are `request.rs`).

use jiff::Timestamp;

use crate::db::from_micros;

crate::kernel::ids::id_type!(
    /// Names one customer: `cst_` and 14 characters (`general.md` §4).
    CustomerId,
    crate::kernel::ids::prefix::CUSTOMER,
    "customer"
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub id: CustomerId,
    pub company_name: String,
    pub address: String,
    pub zip_code: String,
    pub city: String,
    pub country_code: String,
    pub primary_email: String,
    pub phone: Option<String>,
    pub integration: Option<String>,
    pub integration_id: Option<String>,
    /// IDs of the groups the customer belongs to, oldest membership first.
    pub customer_groups: Vec<String>,
    /// The buyer's identifiers on an e-invoice (our addition): VAT number with its country
    /// prefix, Chamber of Commerce number, Peppol participant ID (`scheme:id`).
    pub vat_number: Option<String>,
    pub coc_number: Option<String>,
    pub peppol_id: Option<String>,
    /// The invoice e-mail carries the UBL e-invoice even without a `peppol_id`.
    pub send_ubl: bool,
    pub created_at: Timestamp,
}

/// The columns of a customer as `c`, with its group memberships (oldest first): read by
/// [`CustomerRow`], also by the SQL of other areas (group members, an invoice's customer).
pub const CUSTOMER_SELECT: &str = "SELECT c.id, c.company_name, c.address, c.zip_code, c.city,
        c.country_code, c.primary_email, c.phone, c.integration, c.integration_id, c.vat_number,
        c.coc_number, c.peppol_id, c.send_ubl, c.created_at,
        (SELECT string_agg(m.group_id, ' ' ORDER BY m.added_at, m.group_id)
           FROM customer_group_members m WHERE m.customer_id = c.id) AS group_ids
    FROM customers c";

#[derive(sqlx::FromRow)]
pub struct CustomerRow {
    id: CustomerId,
    company_name: String,
    address: String,
    zip_code: String,
    city: String,
    country_code: String,
    primary_email: String,
    phone: Option<String>,
    integration: Option<String>,
    integration_id: Option<String>,
    vat_number: Option<String>,
    coc_number: Option<String>,
    peppol_id: Option<String>,
    send_ubl: bool,
    created_at: i64,
    group_ids: Option<String>,
}

impl From<CustomerRow> for Customer {
    fn from(r: CustomerRow) -> Customer {
        Customer {
            id: r.id,
            company_name: r.company_name,
            address: r.address,
            zip_code: r.zip_code,
            city: r.city,
            country_code: r.country_code,
            primary_email: r.primary_email,
            phone: r.phone,
            integration: r.integration,
            integration_id: r.integration_id,
            customer_groups: r
                .group_ids
                .map(|ids| ids.split(' ').map(str::to_owned).collect())
                .unwrap_or_default(),
            vat_number: r.vat_number,
            coc_number: r.coc_number,
            peppol_id: r.peppol_id,
            send_ubl: r.send_ubl,
            created_at: from_micros(r.created_at),
        }
    }
}
