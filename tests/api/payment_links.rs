//! Payment Links API (`payment-links.md`), its checkout page, its payments through Mollie
//! (a local fake), and its `payment-link-*` events.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, send};
use crate::outbox::Receiver;
use crate::portal::{app_with_mollie, browserless};
use portaal::kernel::scopes::Scope;

async fn create(app: &TestApp, body: Value) -> Value {
    let (status, link) = send(app.post("/payment-links", &body)).await;
    assert_eq!(status, StatusCode::CREATED, "{link}");
    link
}

#[tokio::test]
async fn a_created_link_has_the_reference_shape_and_can_be_listed_and_fetched() {
    let app = TestApp::spawn().await;
    let link = create(
        &app,
        json!({"description": "Contribution costs", "amount": "12.95",
        "expiresAt": "2025-05-04", "reusable": true}),
    )
    .await;
    let id = link["id"].as_str().unwrap();
    assert!(id.starts_with("plk_") && id.len() == 18, "{id}");
    assert_eq!(
        link,
        json!({"id": id, "description": "Contribution costs", "currency": "EUR", "amount": "12.95",
            "reusable": true, "expiresAt": "2025-05-05T00:00:00+02:00", "status": "open",
            "checkoutUrl": app.public_url(&format!("/payment-link/{id}")),
            "createdAt": "2025-04-14T12:00:00+02:00"})
    );
    let single = create(&app, json!({"description": "Eenmalig", "amount": 5})).await;
    assert_eq!(
        (single["reusable"].clone(), single["expiresAt"].clone()),
        (json!(false), Value::Null)
    );
    assert_eq!(single["amount"], "5.00");

    let (status, fetched) = send(app.get(&format!("/payment-links/{id}"))).await;
    assert_eq!((status, &fetched), (StatusCode::OK, &link));
    let (status, page) = send(app.get("/payment-links?per_page=1")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["data"][0]["id"], single["id"], "newest first");
    assert_eq!(page["path"], app.url("/payment-links"));
    assert_eq!(
        page["next_page_url"],
        app.url("/payment-links?page=2&per_page=1")
    );
}

#[tokio::test]
async fn bad_links_are_refused_with_every_field_named() {
    let app = TestApp::spawn().await;
    let (status, body) = send(app.post(
        "/payment-links",
        &json!({"amount": "0", "expiresAt": "2025-04-13",
        "reusable": "sometimes"}),
    ))
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&String> = body["errors"].as_object().unwrap().keys().collect();
    assert_eq!(fields, ["amount", "description", "expiresAt", "reusable"]);
    for bad in [
        json!("12.955"),
        json!("1e3"),
        json!(-1),
        json!(true),
        json!("1.000.000"),
    ] {
        let (status, body) = send(app.post(
            "/payment-links",
            &json!({"description": "x", "amount": bad}),
        ))
        .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {body}");
        assert!(body["errors"]["amount"].is_array());
    }
    let (status, page) = send(app.get("/payment-links")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["data"], json!([]), "nothing was stored");
}

#[tokio::test]
async fn closing_a_link_answers_it_closed_and_twice_is_refused() {
    let app = TestApp::spawn().await;
    let link = create(
        &app,
        json!({"description": "Sluit mij", "amount": "10.00", "reusable": true}),
    )
    .await;
    let id = link["id"].as_str().unwrap();
    let (status, closed) = send(app.delete(&format!("/payment-links/{id}"))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        (closed["status"].as_str(), &closed["checkoutUrl"]),
        (Some("closed"), &Value::Null)
    );
    let (status, again) = send(app.delete(&format!("/payment-links/{id}"))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
    assert_eq!(again["code"], 422);
    let (status, _) = send(app.delete("/payment-links/plk_doesnotexist1")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The checkout page of a closed link says so and offers nothing.
    let page = browserless()
        .get(app.public_url(&format!("/payment-link/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let page = page.text().await.unwrap();
    assert!(page.contains("data-testid=\"closed\"") && !page.contains("data-testid=\"pay\""));
}

#[tokio::test]
async fn another_accounts_links_and_missing_scopes_are_refused() {
    let app = TestApp::spawn().await;
    let link = create(&app, json!({"description": "Van mij", "amount": "1.00"})).await;
    let id = link["id"].as_str().unwrap();
    let (_, other) = app.other_account().await;
    for (method, path) in [
        ("GET", format!("/payment-links/{id}")),
        ("DELETE", format!("/payment-links/{id}")),
        ("GET", format!("/payment-links/{id}/payments")),
    ] {
        let request = app
            .client
            .request(method.parse().unwrap(), app.url(&path))
            .bearer_auth(&other);
        let (status, body) = send(request).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {body}");
    }
    let (_, theirs) = send(
        app.client
            .get(app.url("/payment-links"))
            .bearer_auth(&other),
    )
    .await;
    assert_eq!(theirs["data"], json!([]));

    let reader = app.key_with(&[Scope::PaymentLinksRead]).await;
    let (status, _) = send(
        app.client
            .post(app.url("/payment-links"))
            .bearer_auth(&reader)
            .json(&json!({"description": "x", "amount": 1})),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = send(
        app.client
            .delete(app.url(&format!("/payment-links/{id}")))
            .bearer_auth(&reader),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let writer = app.key_with(&[Scope::InvoicesRead]).await;
    let (status, _) = send(
        app.client
            .get(app.url("/payment-links"))
            .bearer_auth(&writer),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (_, still) = send(app.get(&format!("/payment-links/{id}"))).await;
    assert_eq!(still["status"], "open");
}

#[tokio::test]
async fn a_single_use_link_is_paid_once_through_mollie_with_its_events() {
    let (fake, app) = app_with_mollie().await;
    let (receiver, hook_url) = Receiver::start(&[]).await;
    for event in [
        "payment-link-created",
        "payment-link-paid",
        "payment-link-expired",
    ] {
        let (status, _) =
            send(app.post("/webhooks", &json!({"url": hook_url, "type": event}))).await;
        assert_eq!(status, StatusCode::CREATED);
    }
    let link = create(
        &app,
        json!({"description": "Contributie 2025", "amount": "12.95"}),
    )
    .await;
    let id = link["id"].as_str().unwrap();
    let checkout = link["checkoutUrl"].as_str().unwrap();

    let client = browserless();
    let page = client
        .get(checkout)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("Contributie 2025")
            && page.contains("€ 12,95")
            && page.contains("data-testid=\"pay\"")
    );
    let to_mollie = client.post(checkout).send().await.unwrap();
    assert_eq!(to_mollie.status(), StatusCode::SEE_OTHER);
    let payment = fake.payments().pop().unwrap();
    assert_eq!(payment.request["amount"]["value"], "12.95");
    assert_eq!(payment.request["description"], "Contributie 2025");
    let back = client
        .post(fake.checkout_url(&payment.id))
        .form(&[("action", "paid")])
        .send()
        .await
        .unwrap();
    let back_to = back.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(back_to, format!("{checkout}?return=1"));
    let thanks = client
        .get(&back_to)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(thanks.contains("uw betaling is ontvangen"), "{thanks}");

    let (_, paid) = send(app.get(&format!("/payment-links/{id}"))).await;
    assert_eq!(
        (paid["status"].as_str(), &paid["checkoutUrl"]),
        (Some("paid"), &Value::Null)
    );
    let (status, payments) = send(app.get(&format!("/payment-links/{id}/payments"))).await;
    assert_eq!(status, StatusCode::OK);
    let p = &payments["data"][0];
    assert!(p["id"].as_str().unwrap().starts_with("plp_"));
    assert_eq!(p["paymentLinkId"], id);
    assert_eq!(
        (
            p["amount"].as_str(),
            p["currency"].as_str(),
            p["status"].as_str()
        ),
        (Some("12.95"), Some("EUR"), Some("paid"))
    );
    assert_eq!(
        (p["integration"].as_str(), p["integrationId"].as_str()),
        (Some("mollie"), Some(payment.id.as_str()))
    );
    assert_eq!(p["payersName"], "T. Tester");
    assert_eq!(
        payments["path"],
        app.url(&format!("/payment-links/{id}/payments"))
    );
    // Paid: the checkout page offers nothing more, and a pay click starts no payment.
    let again = client.post(checkout).send().await.unwrap();
    assert_eq!(again.headers()["location"], checkout);
    assert_eq!(fake.payments().len(), 1);

    // An expiring link: shown expired at once, recorded (with its event) by the sweep.
    let expiring = create(
        &app,
        json!({"description": "Verloopt", "amount": "3.00", "expiresAt": "2025-04-14"}),
    )
    .await;
    app.clock.set("2025-04-15T08:00:00Z".parse().unwrap());
    let (_, shown) = send(app.get(&format!(
        "/payment-links/{}",
        expiring["id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(shown["status"], "expired");
    assert_eq!(app.outbox.sweep().await.unwrap(), 1);
    app.drain_outbox().await;
    let types: Vec<String> = receiver
        .calls()
        .iter()
        .map(|c| {
            serde_json::from_slice::<Value>(&c.body).unwrap()["type"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(
        types
            .iter()
            .filter(|t| *t == "payment-link-created")
            .count(),
        2
    );
    assert_eq!(
        types.iter().filter(|t| *t == "payment-link-paid").count(),
        1
    );
    assert_eq!(
        types
            .iter()
            .filter(|t| *t == "payment-link-expired")
            .count(),
        1
    );
    let paid_event = receiver
        .calls()
        .iter()
        .map(|c| serde_json::from_slice::<Value>(&c.body).unwrap())
        .find(|e| e["type"] == "payment-link-paid")
        .unwrap();
    assert_eq!(paid_event["data"]["id"], id);
    assert_eq!(paid_event["data"]["status"], "paid");
}

#[tokio::test]
async fn a_reusable_link_takes_many_payments_and_stays_open() {
    let (fake, app) = app_with_mollie().await;
    let link = create(
        &app,
        json!({"description": "Donatie", "amount": "7.50", "reusable": true}),
    )
    .await;
    let checkout = link["checkoutUrl"].as_str().unwrap();
    let client = browserless();
    for _ in 0..3 {
        client.post(checkout).send().await.unwrap();
        let payment = fake.payments().pop().unwrap();
        client
            .post(fake.checkout_url(&payment.id))
            .form(&[("action", "paid")])
            .send()
            .await
            .unwrap();
    }
    // A fourth payer cancels at Mollie.
    client.post(checkout).send().await.unwrap();
    let cancelled = fake.payments().pop().unwrap();
    client
        .post(fake.checkout_url(&cancelled.id))
        .form(&[("action", "canceled")])
        .send()
        .await
        .unwrap();
    let id = link["id"].as_str().unwrap();
    let (_, still) = send(app.get(&format!("/payment-links/{id}"))).await;
    assert_eq!(still["status"], "open");
    let (_, payments) = send(app.get(&format!("/payment-links/{id}/payments"))).await;
    let statuses: Vec<&str> = payments["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["canceled", "paid", "paid", "paid"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mollie_reporting_a_payment_many_times_at_once_pays_the_link_once() {
    let (fake, app) = app_with_mollie().await;
    let (receiver, hook_url) = Receiver::start(&[]).await;
    let (status, _) = send(app.post(
        "/webhooks",
        &json!({"url": hook_url, "type": "payment-link-paid"}),
    ))
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let link = create(&app, json!({"description": "Eenmaal", "amount": "4.00"})).await;
    let client = browserless();
    client
        .post(link["checkoutUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let payment = fake.payments().pop().unwrap();
    fake.set_status(&payment.id, "paid");
    let hook = app.public_url("/payments/mollie/webhook");
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let (client, hook, id) = (client.clone(), hook.clone(), payment.id.clone());
            tokio::spawn(async move {
                client
                    .post(&hook)
                    .form(&[("id", id)])
                    .send()
                    .await
                    .unwrap()
                    .status()
            })
        })
        .collect();
    for call in calls {
        assert_eq!(call.await.unwrap(), StatusCode::OK);
    }
    app.drain_outbox().await;
    assert_eq!(receiver.calls().len(), 1, "one payment-link-paid event");
    let (_, paid) =
        send(app.get(&format!("/payment-links/{}", link["id"].as_str().unwrap()))).await;
    assert_eq!(paid["status"], "paid");
}
