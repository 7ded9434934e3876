//! Listing, paging, due dates, marking paid, deleting and the PDF link of customer invoices.

use portaal::areas::account::AccountPatch;
use portaal::areas::account::admin;
use portaal::kernel::scopes::Scope;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::invoices::*;
use crate::helpers::{assert_error, assert_invalid_fields, send};

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
