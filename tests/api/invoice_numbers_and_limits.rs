//! Invoice numbers taken once per account, and the monthly license limit, under concurrency.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::invoices::*;
use crate::helpers::{assert_error, assert_invalid_fields, join_all, send};

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
