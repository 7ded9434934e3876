//! Manual invoices as the invoice tests make them.

use portaal::areas::account::AccountPatch;
use portaal::areas::account::admin;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::{TestApp, send};

/// The seed's request example, byte for byte, with the customer ID replaced.
pub fn seed_request(customer_id: &str) -> String {
    format!(
        r#"{{
  "customerId": "{customer_id}",
  "invoiceNumber": "2015-001",
  "issuedAt": "2025-04-14",
  "sendNotification": true,
  "lines": [ {{ "description": "Website template", "amountExclVat": "12.95", "vatRate": 21 }} ]
}}"#
    )
}

pub fn invoice(customer_id: &str, number: &str, lines: Value) -> Value {
    json!({"customerId": customer_id, "invoiceNumber": number, "issuedAt": "2025-04-14", "lines": lines})
}

pub fn one_line(amount: Value, rate: Value) -> Value {
    json!([{"description": "Werk", "amountExclVat": amount, "vatRate": rate}])
}

/// A JSON number with exactly this text (the crate keeps number text as written).
pub fn number(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

pub async fn setup() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("Klant BV").await;
    let id = customer["id"].as_str().unwrap().to_owned();
    (app, id)
}

pub async fn create(app: &TestApp, body: &Value) -> (StatusCode, Value) {
    send(app.post("/customer-invoices/manual", body)).await
}

pub async fn set_limit(app: &TestApp, limit: i64) {
    admin::update_account(
        &app.db,
        &app.account_id,
        AccountPatch {
            monthly_invoice_limit: Some(Some(limit)),
            ..Default::default()
        },
    )
    .await
    .unwrap();
}

pub async fn invoice_count(app: &TestApp) -> usize {
    let (status, body) = send(app.get("/customer-invoices?per_page=100")).await;
    assert_eq!(status, StatusCode::OK);
    body["data"].as_array().unwrap().len()
}
