//! Customer Invoices API, centred on the seed endpoint `POST /customer-invoices/manual`.

use portaal::areas::account::AccountPatch;
use portaal::areas::account::admin;
use portaal::kernel::scopes::Scope;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_atom, assert_error, assert_invalid_fields, join_all, send};

/// The seed's request example, byte for byte, with the customer ID replaced.
fn seed_request(customer_id: &str) -> String {
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

fn invoice(customer_id: &str, number: &str, lines: Value) -> Value {
    json!({"customerId": customer_id, "invoiceNumber": number, "issuedAt": "2025-04-14", "lines": lines})
}

fn one_line(amount: Value, rate: Value) -> Value {
    json!([{"description": "Werk", "amountExclVat": amount, "vatRate": rate}])
}

/// A JSON number with exactly this text (the crate keeps number text as written).
fn number(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

async fn setup() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    let customer = app.create_customer("Klant BV").await;
    let id = customer["id"].as_str().unwrap().to_owned();
    (app, id)
}

async fn create(app: &TestApp, body: &Value) -> (StatusCode, Value) {
    send(app.post("/customer-invoices/manual", body)).await
}

async fn set_limit(app: &TestApp, limit: i64) {
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

async fn invoice_count(app: &TestApp) -> usize {
    let (status, body) = send(app.get("/customer-invoices?per_page=100")).await;
    assert_eq!(status, StatusCode::OK);
    body["data"].as_array().unwrap().len()
}

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

#[tokio::test]
async fn invoice_numbers_are_unique_per_account_deleted_ones_included() {
    let (app, customer_id) = setup().await;
    let body = invoice(&customer_id, "2025-001", one_line(json!("1.00"), json!(21)));
    let (status, first) = create(&app, &body).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, err) = create(&app, &body).await;
    assert_invalid_fields(status, &err, &["invoiceNumber"]);
    let mut padded = body.clone();
    padded["invoiceNumber"] = json!(" 2025-001 ");
    let (status, err) = create(&app, &padded).await;
    assert_invalid_fields(status, &err, &["invoiceNumber"]);

    let (status, _) = send(app.delete(&format!(
        "/customer-invoices/{}",
        first["id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, err) = create(&app, &body).await;
    assert_invalid_fields(status, &err, &["invoiceNumber"]);

    // Another account may use the same number.
    let (_, other_token) = app.other_account().await;
    let (_, c) = send(
        app.client
            .post(app.url("/customers"))
            .bearer_auth(&other_token)
            .json(&crate::helpers::customer_body("B")),
    )
    .await;
    let (status, _) = send(
        app.client
            .post(app.url("/customer-invoices/manual"))
            .bearer_auth(&other_token)
            .json(&invoice(
                c["id"].as_str().unwrap(),
                "2025-001",
                one_line(json!("1"), json!(21)),
            )),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_creates_with_one_number_give_exactly_one_201() {
    let (app, customer_id) = setup().await;
    for round in 0..5 {
        let body = invoice(
            &customer_id,
            &format!("RACE-{round}"),
            one_line(json!("1.00"), json!(21)),
        );
        let results =
            join_all((0..8).map(|_| send(app.post("/customer-invoices/manual", &body)))).await;
        let created = results
            .iter()
            .filter(|(s, _)| *s == StatusCode::CREATED)
            .count();
        assert_eq!(created, 1, "{results:?}");
        for (status, body) in results.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
            assert_invalid_fields(*status, body, &["invoiceNumber"]);
        }
    }
    assert_eq!(invoice_count(&app).await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_a_limit_of_n_exactly_n_of_2n_concurrent_creates_succeed() {
    let (app, customer_id) = setup().await;
    let n = 10;
    set_limit(&app, n).await;
    let requests = (0..2 * n).map(|i| {
        let body = invoice(
            &customer_id,
            &format!("LIM-{i}"),
            one_line(json!("1.00"), json!(21)),
        );
        send(app.post("/customer-invoices/manual", &body))
    });
    let results = join_all(requests).await;
    let created = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(created as i64, n);
    for (status, body) in results.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_error(*status, body, 426);
    }
    assert_eq!(invoice_count(&app).await as i64, n);
    // The licence counter says the same: refused creates counted nothing.
    assert_eq!(
        portaal::areas::customer_invoices::store(&app.db)
            .invoices_counted(&app.account_id, "2025-04")
            .await
            .unwrap(),
        n
    );
}

#[tokio::test]
async fn the_limit_counts_per_calendar_month_of_amsterdam_and_deleted_invoices_count() {
    let (app, customer_id) = setup().await;
    set_limit(&app, 2).await;
    // 23:59 on 31 January in Amsterdam.
    app.clock.set("2025-01-31T22:59:00Z".parse().unwrap());
    let body = |n: &str| invoice(&customer_id, n, one_line(json!("1.00"), json!(21)));
    let (status, first) = create(&app, &body("JAN-1")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, _) = send(app.delete(&format!(
        "/customer-invoices/{}",
        first["id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = create(&app, &body("JAN-2")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, err) = create(&app, &body("JAN-3")).await;
    assert_error(status, &err, 426);

    // Validation comes before the limit: a bad request is still a 422.
    let (status, err) = create(&app, &invoice(&customer_id, "JAN-4", json!([]))).await;
    assert_invalid_fields(status, &err, &["lines"]);

    // 00:00:01 on 1 February in Amsterdam (still January in UTC): a new month.
    app.clock.set("2025-01-31T23:00:01Z".parse().unwrap());
    let (status, feb) = create(&app, &body("FEB-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{feb}");
    assert_eq!(
        feb["createdAt"].as_str().unwrap().get(..10),
        Some("2025-02-01")
    );
    let (status, _) = create(&app, &body("FEB-2")).await;
    assert_eq!(status, StatusCode::CREATED);
    let (status, err) = create(&app, &body("FEB-3")).await;
    assert_error(status, &err, 426);
}

#[tokio::test]
async fn list_filters_and_pages_of_invoices() {
    let (app, customer_a) = setup().await;
    let customer_b = app.create_customer("Tweede BV").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (i, (customer, date)) in [
        (&customer_a, "2025-01-10"),
        (&customer_b, "2025-02-10"),
        (&customer_a, "2025-03-10"),
    ]
    .iter()
    .enumerate()
    {
        let mut body = invoice(
            customer,
            &format!("F-{i}"),
            one_line(json!("10.00"), json!(21)),
        );
        body["issuedAt"] = json!(date);
        let (status, _) = create(&app, &body).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let (_, all) = send(app.get("/customer-invoices")).await;
    let numbers: Vec<&str> = all["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["invoiceNumber"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, ["F-2", "F-1", "F-0"], "newest first");
    assert_eq!(all["path"], app.url("/customer-invoices"));

    let (_, of_a) = send(app.get(&format!(
        "/customer-invoices?customerId={customer_a}&per_page=1"
    )))
    .await;
    assert_eq!(of_a["data"][0]["invoiceNumber"], "F-2");
    assert_eq!(
        of_a["next_page_url"],
        app.url(&format!(
            "/customer-invoices?page=2&per_page=1&customerId={customer_a}"
        ))
    );
    let (_, ranged) =
        send(app.get("/customer-invoices?issuedFrom=2025-02-01&issuedTo=2025-03-10")).await;
    assert_eq!(ranged["data"].as_array().unwrap().len(), 2);

    let id = all["data"][2]["id"].as_str().unwrap();
    let (status, _) = send(app.patch(
        &format!("/customer-invoices/{id}"),
        &json!({"paidAt": "2025-02-01 10:00:00"}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, paid) = send(app.get("/customer-invoices?paid=true")).await;
    assert_eq!(paid["data"].as_array().unwrap().len(), 1);
    let (_, open) = send(app.get("/customer-invoices?paid=false")).await;
    assert_eq!(open["data"].as_array().unwrap().len(), 2);

    for bad in [
        "paid=yes",
        "issuedFrom=2025-02-30",
        "issuedTo=tomorrow",
        "per_page=0",
    ] {
        let (status, err) = send(app.get(&format!("/customer-invoices?{bad}"))).await;
        assert_error(status, &err, 422);
    }
}

#[tokio::test]
async fn the_due_date_follows_the_payment_term_the_account_has_when_the_invoice_is_made() {
    let (app, customer_id) = setup().await;
    let due_after_term = |days: i64| {
        let db = app.db.clone();
        let account = app.account_id.clone();
        async move {
            let patch = AccountPatch {
                payment_term_days: Some(days),
                ..Default::default()
            };
            admin::update_account(&db, &account, patch).await.unwrap();
        }
    };
    due_after_term(30).await;
    let body = invoice(&customer_id, "T-30", one_line(json!("1.00"), json!(0)));
    let (status, inv) = create(&app, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{inv}");
    assert_eq!(inv["issuedAt"], "2025-04-14");
    assert_eq!(
        inv["dueAt"], "2025-05-14",
        "issue date plus the 30-day term"
    );
    // A change of term applies to the next invoice at once (read in its transaction).
    due_after_term(0).await;
    let body = invoice(&customer_id, "T-0", one_line(json!("1.00"), json!(0)));
    let (_, inv) = create(&app, &body).await;
    assert_eq!(inv["dueAt"], "2025-04-14");
}

#[tokio::test]
async fn later_pages_continue_the_newest_first_order_without_deleted_invoices() {
    let (app, customer_id) = setup().await;
    let mut ids = Vec::new();
    for i in 0..7 {
        let body = invoice(
            &customer_id,
            &format!("O-{i}"),
            one_line(json!("5.00"), json!(9)),
        );
        let (status, created) = create(&app, &body).await;
        assert_eq!(status, StatusCode::CREATED, "{created}");
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    let (status, _) = send(app.delete(&format!("/customer-invoices/{}", ids[3]))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Page by page (the store skips rows in a subquery, then reads the page's rows).
    let mut walked = Vec::new();
    for page in 1..=4 {
        let (_, body) = send(app.get(&format!("/customer-invoices?page={page}&per_page=2"))).await;
        for item in body["data"].as_array().unwrap() {
            walked.push(item["invoiceNumber"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(walked, ["O-6", "O-5", "O-4", "O-2", "O-1", "O-0"]);
}

#[tokio::test]
async fn marking_paid_sets_paid_at_once_and_keeps_the_first_date() {
    let (app, customer_id) = setup().await;
    let (_, inv) = create(
        &app,
        &invoice(&customer_id, "P-1", one_line(json!("1.00"), json!(21))),
    )
    .await;
    let path = format!("/customer-invoices/{}", inv["id"].as_str().unwrap());
    for bad in [
        json!({}),
        json!({"paidAt": "2024-04-31 14:00:00"}),
        json!({"paidAt": 1714000000}),
        json!({"paidAt": "2099-01-01 00:00:00"}),
    ] {
        let (status, err) = send(app.patch(&path, &bad)).await;
        assert_invalid_fields(status, &err, &["paidAt"]);
    }
    let (status, paid) = send(app.patch(&path, &json!({"paidAt": "2025-04-13 14:00:00"}))).await;
    assert_eq!(status, StatusCode::OK, "{paid}");
    assert_eq!(paid["paidAt"], "2025-04-13T14:00:00+02:00");
    let (status, err) = send(app.patch(&path, &json!({"paidAt": "2025-04-14 09:00:00"}))).await;
    assert_invalid_fields(status, &err, &["paidAt"]);
    let (_, fetched) = send(app.get(&path)).await;
    assert_eq!(fetched["paidAt"], "2025-04-13T14:00:00+02:00");
    let (status, err) = send(app.patch(
        "/customer-invoices/inv_unknown0000000",
        &json!({"paidAt": "2025-04-13 14:00:00"}),
    ))
    .await;
    assert_error(status, &err, 404);
}

#[tokio::test]
async fn deleted_invoices_are_gone_from_the_api() {
    let (app, customer_id) = setup().await;
    let (_, inv) = create(
        &app,
        &invoice(&customer_id, "DEL-1", one_line(json!("1.00"), json!(21))),
    )
    .await;
    let path = format!("/customer-invoices/{}", inv["id"].as_str().unwrap());
    let (status, body) = send(app.delete(&path)).await;
    assert_eq!((status, body), (StatusCode::NO_CONTENT, Value::Null));
    for request in [
        app.get(&path),
        app.delete(&path),
        app.get(&format!("{path}/pdf")),
    ] {
        let (status, err) = send(request).await;
        assert_error(status, &err, 404);
    }
    assert_eq!(invoice_count(&app).await, 0);
}

#[tokio::test]
async fn another_account_and_narrow_keys_cannot_touch_invoices() {
    let (app, customer_id) = setup().await;
    let (_, inv) = create(
        &app,
        &invoice(&customer_id, "ISO-1", one_line(json!("1.00"), json!(21))),
    )
    .await;
    let path = format!("/customer-invoices/{}", inv["id"].as_str().unwrap());
    let (_, other) = app.other_account().await;
    for request in [
        app.client.get(app.url(&path)),
        app.client.delete(app.url(&path)),
        app.client.get(app.url(&format!("{path}/pdf"))),
        app.client
            .patch(app.url(&path))
            .json(&json!({"paidAt": "2025-04-13 14:00:00"})),
    ] {
        let (status, err) = send(request.bearer_auth(&other)).await;
        assert_error(status, &err, 404);
    }
    let (_, list) = send(
        app.client
            .get(app.url("/customer-invoices"))
            .bearer_auth(&other),
    )
    .await;
    assert_eq!(list["data"], json!([]));

    let reader = app.key_with(&[Scope::InvoicesRead]).await;
    let (status, err) = send(
        app.client
            .post(app.url("/customer-invoices/manual"))
            .bearer_auth(&reader)
            .json(&invoice(
                &customer_id,
                "ISO-2",
                one_line(json!("1"), json!(21)),
            )),
    )
    .await;
    assert_error(status, &err, 403);
    let (status, _) = send(app.client.get(app.url(&path)).bearer_auth(&reader)).await;
    assert_eq!(status, StatusCode::OK);
    let customers_only = app
        .key_with(&[Scope::CustomersRead, Scope::CustomersWrite])
        .await;
    let (status, err) = send(
        app.client
            .get(app.url("/customer-invoices"))
            .bearer_auth(&customers_only),
    )
    .await;
    assert_error(status, &err, 403);
    let (_, fetched) = send(app.get(&path)).await;
    assert!(fetched["paidAt"].is_null(), "nothing changed");
}

#[tokio::test]
async fn a_manual_invoice_gets_a_rendered_pdf_behind_its_signed_link() {
    let (app, customer_id) = setup().await;
    let (_, inv) = create(
        &app,
        &invoice(&customer_id, "RENDERED", one_line(json!("1.00"), json!(21))),
    )
    .await;
    let (status, link) = send(app.get(&format!(
        "/customer-invoices/{}/pdf",
        inv["id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(status, StatusCode::OK, "{link}");
    let response = app
        .client
        .get(link["link"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"%PDF-") && bytes.len() > 1000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_a_burst_of_concurrent_creates_each_failure_stays_with_its_own_request() {
    let (app, customer_id) = setup().await;
    let (status, _) = create(
        &app,
        &invoice(&customer_id, "TAKEN", one_line(json!("1.00"), json!(21))),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    // Good, duplicate-number and unknown-customer creates, interleaved, all at once: on
    // SQLite many of them share one commit.
    let requests = (0..60).map(|i| {
        let body = match i % 3 {
            0 => invoice(
                &customer_id,
                &format!("OK-{i}"),
                one_line(json!("1.00"), json!(21)),
            ),
            1 => invoice(&customer_id, "TAKEN", one_line(json!("1.00"), json!(21))),
            _ => invoice(
                "cst_nobodyatall00",
                &format!("NO-{i}"),
                one_line(json!("1.00"), json!(21)),
            ),
        };
        send(app.post("/customer-invoices/manual", &body))
    });
    let results = join_all(requests).await;
    for (i, (status, body)) in results.iter().enumerate() {
        match i % 3 {
            0 => assert_eq!(*status, StatusCode::CREATED, "{body}"),
            1 => assert_invalid_fields(*status, body, &["invoiceNumber"]),
            _ => assert_invalid_fields(*status, body, &["customerId"]),
        }
    }
    let (_, page) = send(app.get("/customer-invoices?per_page=100")).await;
    let mut numbers: Vec<&str> = page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["invoiceNumber"].as_str().unwrap())
        .collect();
    numbers.sort();
    let mut want: Vec<String> = (0..60)
        .filter(|i| i % 3 == 0)
        .map(|i| format!("OK-{i}"))
        .collect();
    want.push("TAKEN".to_owned());
    want.sort();
    assert_eq!(numbers, want);
    for (status, body) in results.iter().filter(|(s, _)| *s == StatusCode::CREATED) {
        let (get_status, fetched) = send(app.get(&format!(
            "/customer-invoices/{}",
            body["id"].as_str().unwrap()
        )))
        .await;
        assert_eq!(
            (get_status, &fetched),
            (StatusCode::OK, body),
            "{status}: a 201 is readable at once"
        );
    }
}
