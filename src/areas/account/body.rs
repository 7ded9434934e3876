//! The account as `GET /account` shows it.

use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct AccountBody {
    #[schema(example = "acc_abc12345def678")]
    pub id: String,
    #[schema(example = "Voorbeeld")]
    pub name: String,
    /// The name the business is registered under, printed on invoices.
    #[schema(example = "Voorbeeld B.V.")]
    pub legal_name: Option<String>,
    #[schema(example = "Keizersgracht 1")]
    pub street: Option<String>,
    #[schema(example = "1015AA")]
    pub zip_code: Option<String>,
    #[schema(example = "Amsterdam")]
    pub city: Option<String>,
    #[schema(example = "NL")]
    pub country_code: String,
    /// Chamber of Commerce number.
    #[schema(example = "69591231")]
    pub kvk_number: Option<String>,
    /// VAT identification number (btw-id).
    #[schema(example = "NL859467032B01")]
    pub vat_number: Option<String>,
    #[schema(example = "NL91ABNA0417164300")]
    pub iban: Option<String>,
    #[schema(example = "ABNANL2A")]
    pub bic: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Whether a logo is set.
    pub has_logo: bool,
    /// Days between an invoice's issue date and its due date.
    #[schema(example = 14)]
    pub payment_term_days: i64,
    /// The language of pages and e-mails for customers: `nl` or `en`.
    #[schema(example = "nl")]
    pub locale: String,
    /// The feature modules of the account's license and whether each is on (our addition;
    /// DECISIONS.md, "Features per account"). Operations of a module that is off answer 426.
    #[schema(example = json!({"offers": true, "subscriptions": true, "agreements": true, "appointments": true, "files": true, "tickets": true, "punchcards": true, "portal": true, "oauth": false}))]
    pub modules: std::collections::BTreeMap<&'static str, bool>,
    /// Invoices allowed per calendar month; `null` is unlimited.
    pub monthly_invoice_limit: Option<i64>,
    /// How customers can pay: `bank_transfer` (with an IBAN) and `mollie`.
    #[schema(example = json!(["bank_transfer", "mollie"]))]
    pub payment_methods: Vec<&'static str>,
    /// What Dutch law asks on an invoice that is not set yet (field names as above).
    #[schema(example = json!([]))]
    pub missing_for_invoices: Vec<&'static str>,
    #[schema(example = "2024-04-29T21:00:00+02:00")]
    pub created_at: String,
}
