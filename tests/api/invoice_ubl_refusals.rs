//! What keeps an invoice from being an e-invoice, answered with a 422 that names what to set:
//! an uploaded PDF (no lines), incomplete seller details (by the names `GET /v1/account`
//! shows in `missingForInvoices`, plus `iban`), a customer without an electronic address.
//! A refusal renders and keeps nothing, not even the PDF.

use portaal::areas::account::seller::SellerPatch;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, id_of, send};
use crate::invoice_ubl::{app_with_seller, customer_with, manual, pdf, ubl};
use crate::portal::seller;

/// The 422 of an invoice's `/ubl`: its message and the paths its `errors` name.
async fn refusal(app: &TestApp, invoice_id: &str) -> (String, Vec<String>) {
    let (status, content_type, _, body) = ubl(app, &app.token, invoice_id).await;
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_error(status, &body, 422);
    let errors = body["errors"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    (body["message"].as_str().unwrap().to_owned(), errors)
}

/// `GET /v1/account`'s `missingForInvoices`.
async fn missing_for_invoices(app: &TestApp) -> Vec<String> {
    let (status, account) = send(app.get("/account")).await;
    assert_eq!(status, StatusCode::OK, "{account}");
    serde_json::from_value(account["missingForInvoices"].clone()).unwrap()
}

#[tokio::test]
async fn an_uploaded_invoice_has_no_lines_so_no_e_invoice() {
    let app = app_with_seller().await;
    let customer = customer_with(&app, "Upload BV", json!({"cocNumber": "12345678"})).await;
    let form = reqwest::multipart::Form::new()
        .text("customerId", id_of(&customer))
        .text("invoiceNumber", "UP-1")
        .text("issuedAt", "2025-04-14")
        .text("amount", "121.00")
        .part(
            "pdf",
            reqwest::multipart::Part::bytes(b"%PDF-1.4\n%%EOF\n".to_vec()).file_name("x.pdf"),
        );
    let (status, invoice) = send(
        app.client
            .post(app.url("/customer-invoices"))
            .bearer_auth(&app.token)
            .multipart(form),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{invoice}");
    let (message, errors) = refusal(&app, &id_of(&invoice)).await;
    assert_eq!(errors, ["lines"]);
    assert!(
        message.contains("uploading a PDF") && message.contains("needs invoice lines"),
        "{message}"
    );
}

#[tokio::test]
async fn incomplete_seller_details_are_named_as_the_account_names_them_and_nothing_is_kept() {
    let app = TestApp::spawn().await;
    let customer = customer_with(&app, "Klant BV", json!({"cocNumber": "12345678"})).await;
    let invoice = manual(
        &app,
        &customer,
        "SELL-1",
        &[("Werk", "100.00", 21)],
        json!({}),
    )
    .await;
    let id = id_of(&invoice);

    // Nothing set, then some of it: the 422 names what the account lists, plus the IBAN.
    for patch in [
        SellerPatch::default(),
        SellerPatch {
            legal_name: Some(Some("Half B.V.".into())),
            city: Some(Some("Utrecht".into())),
            ..SellerPatch::default()
        },
        SellerPatch {
            iban: seller().iban,
            street: Some(Some("Oudegracht 1".into())),
            ..SellerPatch::default()
        },
    ] {
        app.set_seller(patch).await;
        let mut expected: Vec<String> = missing_for_invoices(&app).await;
        let (_, account) = send(app.get("/account")).await;
        if account["iban"].is_null() {
            expected.push("iban".to_owned());
        }
        let (message, mut errors) = refusal(&app, &id).await;
        errors.sort();
        let mut named: Vec<String> = expected
            .iter()
            .map(|name| format!("seller.{name}"))
            .collect();
        named.sort();
        assert_eq!(errors, named, "{message}");
        assert!(message.contains(&expected.join(", ")), "{message}");
        assert!(message.contains("portaal accounts update"), "{message}");
    }

    // Completed, it works; and the PDF inside was first made now, with the address set
    // after the refusals: they rendered and kept nothing.
    app.set_seller(seller()).await;
    assert!(missing_for_invoices(&app).await.is_empty());
    let (status, _, _, xml) = ubl(&app, &app.token, &id).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&xml));
    let pdf = pdf(&app, &id).await;
    let document = lopdf::Document::load_mem(&pdf).unwrap();
    let text = document.extract_text(&[1]).unwrap();
    assert!(
        text.contains("Keizersgracht 1") && !text.contains("Oudegracht"),
        "{text}"
    );
}

#[tokio::test]
async fn a_seller_outside_the_netherlands_is_refused_by_country() {
    let app = app_with_seller().await;
    app.set_seller(SellerPatch {
        country_code: Some("BE".into()),
        ..SellerPatch::default()
    })
    .await;
    let customer = customer_with(&app, "Klant BV", json!({"cocNumber": "12345678"})).await;
    let invoice = manual(&app, &customer, "BE-1", &[("Werk", "1.00", 21)], json!({})).await;
    let (message, errors) = refusal(&app, &id_of(&invoice)).await;
    assert_eq!(errors, ["seller.countryCode"]);
    assert!(message.contains("`BE`"), "{message}");
}

#[tokio::test]
async fn a_customer_without_an_electronic_address_is_told_which_fields_to_set() {
    let app = app_with_seller().await;
    // A Swedish VAT number has no Peppol scheme, and a foreign registration number no
    // scheme to route by: neither is an address.
    let customer = customer_with(
        &app,
        "Utan Adress AB",
        json!({
        "countryCode": "SE", "vatNumber": "SE556036079301", "cocNumber": "556036-0793"}),
    )
    .await;
    let invoice = manual(
        &app,
        &customer,
        "ADDR-1",
        &[("Werk", "50.00", 9)],
        json!({}),
    )
    .await;
    let (message, errors) = refusal(&app, &id_of(&invoice)).await;
    assert_eq!(errors, ["customer"]);
    for part in ["peppolId", "cocNumber", "vatNumber", &id_of(&customer)] {
        assert!(message.contains(part), "{part} not in {message}");
    }

    // Given one, the same invoice becomes an e-invoice.
    let (status, _) = send(app.patch(
        &format!("/customers/{}", id_of(&customer)),
        &json!({"peppolId": "0007:5560360793"}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _, xml) = ubl(&app, &app.token, &id_of(&invoice)).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&xml));
}
