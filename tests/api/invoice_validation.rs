//! What a manual invoice create refuses, field by field (422, nothing stored).

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::invoices::*;
use crate::helpers::{assert_invalid_fields, send};

#[tokio::test]
async fn each_missing_required_field_is_422_and_nothing_is_stored() {
    let (app, customer_id) = setup().await;
    for field in ["customerId", "invoiceNumber", "issuedAt", "lines"] {
        let mut body = invoice(&customer_id, "X-1", one_line(json!("1.00"), json!(21)));
        body.as_object_mut().unwrap().remove(field);
        let (status, err) = create(&app, &body).await;
        assert_invalid_fields(status, &err, &[field]);
    }
    for field in ["description", "amountExclVat", "vatRate"] {
        let mut body = invoice(&customer_id, "X-1", one_line(json!("1.00"), json!(21)));
        body["lines"][0].as_object_mut().unwrap().remove(field);
        let (status, err) = create(&app, &body).await;
        assert_invalid_fields(status, &err, &[&format!("lines.0.{field}")]);
    }
    assert_eq!(invoice_count(&app).await, 0);
}

#[tokio::test]
async fn each_field_of_the_wrong_type_is_422_naming_it() {
    let (app, customer_id) = setup().await;
    let good = invoice(&customer_id, "T-1", one_line(json!("1.00"), json!(21)));
    let cases: Vec<(&str, Value)> = vec![
        ("customerId", json!(12)),
        ("customerId", json!(["cst"])),
        ("invoiceNumber", json!(2015001)),
        ("invoiceNumber", json!({"n": 1})),
        ("issuedAt", json!(20250414)),
        ("issuedAt", json!(true)),
        ("lines", json!("lines")),
        ("lines", json!({"0": {}})),
        ("sendNotification", json!("yes")),
        ("sendNotification", json!([true])),
    ];
    for (field, value) in cases {
        let mut body = good.clone();
        body[field] = value.clone();
        let (status, err) = create(&app, &body).await;
        assert_invalid_fields(status, &err, &[field]);
    }
    let line_cases: Vec<(&str, Value)> = vec![
        ("description", json!(5)),
        ("description", json!(null)),
        ("amountExclVat", json!(true)),
        ("amountExclVat", json!(["1.00"])),
        ("vatRate", json!("twenty-one")),
        ("vatRate", json!({"rate": 21})),
    ];
    for (field, value) in line_cases {
        let mut body = good.clone();
        body["lines"][0][field] = value.clone();
        let (status, err) = create(&app, &body).await;
        assert_invalid_fields(status, &err, &[&format!("lines.0.{field}")]);
    }
    let mut body = good.clone();
    body["lines"] = json!([42]);
    let (status, err) = create(&app, &body).await;
    assert_invalid_fields(status, &err, &["lines.0"]);
    assert_eq!(invoice_count(&app).await, 0);
}

#[tokio::test]
async fn amounts_must_be_exact_decimals_with_at_most_two_places() {
    let (app, customer_id) = setup().await;
    let bad = [
        json!("12.955"),
        json!("1e3"),
        json!("12,95"),
        json!(""),
        json!(" 1.00"),
        json!("1.000,00"),
        json!("+5"),
        json!("NaN"),
        json!("1000000000.00"),
        number("1e3"),
        number("12.955"),
        json!(null),
    ];
    for (i, amount) in bad.iter().enumerate() {
        let (status, err) = create(
            &app,
            &invoice(
                &customer_id,
                &format!("A-{i}"),
                one_line(amount.clone(), json!(21)),
            ),
        )
        .await;
        assert_invalid_fields(status, &err, &["lines.0.amountExclVat"]);
    }
    let good = [
        (json!("-0.01"), "-0.01"),
        (json!(12.95), "12.95"),
        (json!(7), "7.00"),
        (json!("999999999.99"), "999999999.99"),
        (json!("0.5"), "0.50"),
    ];
    for (i, (amount, shown)) in good.iter().enumerate() {
        let (status, inv) = create(
            &app,
            &invoice(
                &customer_id,
                &format!("B-{i}"),
                one_line(amount.clone(), json!(0)),
            ),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{amount}: {inv}");
        assert_eq!(inv["lines"][0]["amountExclVat"], *shown);
    }
}

#[tokio::test]
async fn only_real_issue_dates_and_the_three_dutch_rates_are_accepted() {
    let (app, customer_id) = setup().await;
    for date in [
        "2024-04-31",
        "2025-13-01",
        "2025-02-29",
        "14-04-2025",
        "2025-04-14T00:00:00",
        "",
    ] {
        let mut body = invoice(&customer_id, "D-1", one_line(json!("1.00"), json!(21)));
        body["issuedAt"] = json!(date);
        let (status, err) = create(&app, &body).await;
        assert_invalid_fields(status, &err, &["issuedAt"]);
    }
    for rate in [
        json!(6),
        json!(21.0),
        json!(-21),
        json!("21.0"),
        json!(19),
        json!(null),
    ] {
        let (status, err) = create(
            &app,
            &invoice(&customer_id, "R-1", one_line(json!("1.00"), rate.clone())),
        )
        .await;
        assert_invalid_fields(status, &err, &["lines.0.vatRate"]);
    }
    let (status, inv) = create(
        &app,
        &invoice(&customer_id, "R-2", one_line(json!("1.00"), json!("9"))),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CREATED,
        "a numeric string rate is accepted: {inv}"
    );
    assert_eq!(inv["lines"][0]["vatRate"], 9);
}

#[tokio::test]
async fn an_invoice_needs_one_to_a_thousand_lines() {
    let (app, customer_id) = setup().await;
    let line = json!({"description": "Regel", "amountExclVat": "0.01", "vatRate": 21});
    let (status, err) = create(&app, &invoice(&customer_id, "L-0", json!([]))).await;
    assert_invalid_fields(status, &err, &["lines"]);
    let (status, err) = create(
        &app,
        &invoice(
            &customer_id,
            "L-1001",
            Value::Array(vec![line.clone(); 1001]),
        ),
    )
    .await;
    assert_invalid_fields(status, &err, &["lines"]);
    let (status, inv) = create(
        &app,
        &invoice(&customer_id, "L-1000", Value::Array(vec![line; 1000])),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // 1000 × 0.01 = 10.00; 21% of 10.00 = 2.10 (per rate, not 1000 × 0.0021 → 0.00 per line).
    assert_eq!(inv["subtotalAmount"], "10.00");
    assert_eq!(inv["vatAmount"], "2.10");
    assert_eq!(inv["lines"].as_array().unwrap().len(), 1000);
}

#[tokio::test]
async fn long_descriptions_and_numbers_are_refused_and_unicode_kept() {
    let (app, customer_id) = setup().await;
    let mut body = invoice(&customer_id, "U-1", one_line(json!("1.00"), json!(21)));
    body["lines"][0]["description"] = json!("x".repeat(1001));
    let (status, err) = create(&app, &body).await;
    assert_invalid_fields(status, &err, &["lines.0.description"]);
    body["lines"][0]["description"] = json!("Ontwerp — logo «café» 🎨\nregel twee");
    body["invoiceNumber"] = json!("9".repeat(65));
    let (status, err) = create(&app, &body).await;
    assert_invalid_fields(status, &err, &["invoiceNumber"]);
    body["invoiceNumber"] = json!("  2025/ü-01  ");
    let (status, inv) = create(&app, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{inv}");
    assert_eq!(inv["invoiceNumber"], "2025/ü-01");
    assert_eq!(
        inv["lines"][0]["description"],
        "Ontwerp — logo «café» 🎨\nregel twee"
    );
}

#[tokio::test]
async fn unknown_and_foreign_customers_are_422_on_customer_id() {
    let (app, customer_id) = setup().await;
    let (status, err) = create(
        &app,
        &invoice("cst_doesnotexist00", "C-1", one_line(json!("1"), json!(21))),
    )
    .await;
    assert_invalid_fields(status, &err, &["customerId"]);

    let (_, other_token) = app.other_account().await;
    let (status, foreign) = send(
        app.client
            .post(app.url("/customers"))
            .bearer_auth(&other_token)
            .json(&crate::helpers::customer_body("Vreemd BV")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let foreign_id = foreign["id"].as_str().unwrap();
    let (status, err) = create(
        &app,
        &invoice(foreign_id, "C-2", one_line(json!("1"), json!(21))),
    )
    .await;
    assert_invalid_fields(status, &err, &["customerId"]);

    // A deleted customer takes no new invoices.
    send(app.delete(&format!("/customers/{customer_id}"))).await;
    let (status, err) = create(
        &app,
        &invoice(&customer_id, "C-3", one_line(json!("1"), json!(21))),
    )
    .await;
    assert_invalid_fields(status, &err, &["customerId"]);
    assert_eq!(invoice_count(&app).await, 0);
}
