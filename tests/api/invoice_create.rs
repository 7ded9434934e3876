//! Creating manual invoices: the seed example, VAT rounding, credit invoices.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::invoices::*;
use crate::helpers::{assert_atom, send};

#[tokio::test]
async fn the_seed_example_creates_an_invoice_with_every_documented_field() {
    let (app, customer_id) = setup().await;
    let response = app
        .client
        .post(app.url("/customer-invoices/manual"))
        .bearer_auth(&app.token)
        .header("content-type", "application/json")
        .body(seed_request(&customer_id))
        .send()
        .await
        .unwrap();
    let (status, inv) = crate::helpers::read(response).await;
    assert_eq!(status, StatusCode::CREATED, "{inv}");

    let id = inv["id"].as_str().unwrap();
    assert!(id.starts_with("inv_") && id.len() == 18, "{id}");
    assert_eq!(inv["customerId"], customer_id.as_str());
    assert_eq!(inv["invoiceNumber"], "2015-001");
    assert_eq!(inv["issuedAt"], "2025-04-14");
    assert_eq!(
        inv["dueAt"], "2025-04-28",
        "issue date plus the default 14-day term"
    );
    assert_eq!(inv["currency"], "EUR");
    assert_eq!(
        inv["amount"], "15.67",
        "12.95 + 21% VAT of 2.7195 rounded to 2.72"
    );
    assert!(inv["paidAt"].is_null());
    assert_atom(&inv["createdAt"]);
    assert_eq!(
        inv["links"]["customer"],
        json!({"href": app.url(&format!("/customers/{customer_id}")), "type": "application/json"})
    );
    let pay = inv["links"]["onlinePaymentLink"]["href"].as_str().unwrap();
    let prefix = format!(
        "{}/public-invoice/{id}/pay/",
        app.api.trim_end_matches("/v1")
    );
    let token = pay.strip_prefix(&prefix).unwrap_or_else(|| panic!("{pay}"));
    assert!(
        token.len() >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit()),
        "{token}"
    );
    assert_eq!(inv["links"]["onlinePaymentLink"]["type"], "text/html");

    // Our additive fields.
    assert_eq!(inv["subtotalAmount"], "12.95");
    assert_eq!(inv["vatAmount"], "2.72");
    assert_eq!(
        inv["lines"],
        json!([{"description": "Website template", "amountExclVat": "12.95", "vatRate": 21,
                "vatAmount": "2.72", "amountInclVat": "15.67"}])
    );
    assert_eq!(
        inv["vatBreakdown"],
        json!([{"vatRate": 21, "taxableAmount": "12.95", "vatAmount": "2.72"}])
    );

    // Readable at once, identical.
    let (status, fetched) = send(app.get(&format!("/customer-invoices/{id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, inv);
}

#[tokio::test]
async fn a_mixed_rate_invoice_rounds_vat_per_rate_half_away_from_zero() {
    let (app, customer_id) = setup().await;
    let lines = json!([
        {"description": "Hosting", "amountExclVat": "10.00", "vatRate": 21},
        {"description": "Domein", "amountExclVat": "5.55", "vatRate": 21},
        {"description": "Boek", "amountExclVat": "20.00", "vatRate": 9},
        {"description": "Export", "amountExclVat": "3.00", "vatRate": 0},
        {"description": "Korting", "amountExclVat": "-2.00", "vatRate": 21},
        {"description": "Kleintje", "amountExclVat": "0.50", "vatRate": 9}
    ]);
    let (status, inv) = create(&app, &invoice(&customer_id, "MIX-1", lines)).await;
    assert_eq!(status, StatusCode::CREATED, "{inv}");
    // 21%: 13.55 × 0.21 = 2.8455 → 2.85; 9%: 20.50 × 0.09 = 1.845 → 1.85 (a midpoint, rounded up).
    assert_eq!(
        inv["vatBreakdown"],
        json!([
            {"vatRate": 21, "taxableAmount": "13.55", "vatAmount": "2.85"},
            {"vatRate": 9, "taxableAmount": "20.50", "vatAmount": "1.85"},
            {"vatRate": 0, "taxableAmount": "3.00", "vatAmount": "0.00"}
        ])
    );
    assert_eq!(inv["subtotalAmount"], "37.05");
    assert_eq!(inv["vatAmount"], "4.70");
    assert_eq!(inv["amount"], "41.75");
    assert_eq!(inv["lines"][4]["vatAmount"], "-0.42");
    assert_eq!(inv["lines"][4]["amountInclVat"], "-2.42");
}

#[tokio::test]
async fn credit_invoices_with_a_negative_total_are_allowed() {
    let (app, customer_id) = setup().await;
    let (status, inv) = create(
        &app,
        &invoice(&customer_id, "CR-1", one_line(json!("-0.50"), json!(9))),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{inv}");
    assert_eq!(inv["vatAmount"], "-0.05", "-0.045 rounds away from zero");
    assert_eq!(inv["amount"], "-0.55");
}
