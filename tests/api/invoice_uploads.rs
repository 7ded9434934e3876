//! Create Customer Invoice from a PDF (multipart) and the signed PDF download link.

use jiff::SignedDuration;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::Value;

use crate::helpers::{TestApp, assert_error, assert_invalid_fields, read, send};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn form(customer_id: &str, number: &str) -> Form {
    Form::new()
        .text("customerId", customer_id.to_owned())
        .text("invoiceNumber", number.to_owned())
        .text("issuedAt", "2024-04-30")
        .text("amount", "12.95")
        .part(
            "pdf",
            Part::bytes(PDF.to_vec())
                .file_name("invoice.pdf")
                .mime_str("application/pdf")
                .unwrap(),
        )
}

async fn upload(app: &TestApp, form: Form) -> (StatusCode, Value) {
    send(
        app.client
            .post(app.url("/customer-invoices"))
            .bearer_auth(&app.token)
            .multipart(form),
    )
    .await
}

async fn setup() -> (TestApp, String) {
    let app = TestApp::spawn().await;
    let id = app.create_customer("Upload BV").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (app, id)
}

#[tokio::test]
async fn an_uploaded_pdf_invoice_is_created_with_the_stated_amount() {
    let (app, customer_id) = setup().await;
    let (status, inv) = upload(
        &app,
        form(&customer_id, "2014-001")
            .text("paidAt", "2024-05-11 12:59:00")
            .text("sendNotification", "true"),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{inv}");
    assert_eq!(inv["amount"], "12.95");
    assert_eq!(inv["issuedAt"], "2024-04-30");
    assert_eq!(inv["dueAt"], "2024-05-14");
    assert_eq!(inv["paidAt"], "2024-05-11T12:59:00+02:00");
    assert!(
        inv.get("lines").is_none() && inv.get("vatBreakdown").is_none(),
        "no lines on an upload: {inv}"
    );
    let (status, fetched) = send(app.get(&format!(
        "/customer-invoices/{}",
        inv["id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, inv);
}

#[tokio::test]
async fn the_pdf_link_serves_the_file_without_a_key_for_five_minutes_only() {
    let (app, customer_id) = setup().await;
    let (_, inv) = upload(&app, form(&customer_id, "LINK-1")).await;
    let (status, file) = send(app.get(&format!(
        "/customer-invoices/{}/pdf",
        inv["id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(status, StatusCode::OK, "{file}");
    assert_eq!(file.as_object().unwrap().len(), 2);
    let link = file["link"].as_str().unwrap().to_owned();
    crate::helpers::assert_atom(&file["expiresAt"]);
    assert_eq!(
        file["expiresAt"], "2025-04-14T12:05:00+02:00",
        "five minutes from now"
    );

    let response = app.client.get(&link).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert_eq!(response.bytes().await.unwrap().as_ref(), PDF);

    // Any change to the link is refused.
    let last = link.chars().last().unwrap();
    let flipped = format!(
        "{}{}",
        &link[..link.len() - 1],
        if last == '0' { '1' } else { '0' }
    );
    let (status, err) = read(app.client.get(&flipped).send().await.unwrap()).await;
    assert_error(status, &err, 403);
    let (status, err) = read(
        app.client
            .get(link.replace(inv["id"].as_str().unwrap(), "inv_aaaaaaaaaaaaaa"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &err, 403);
    let (status, err) = read(
        app.client
            .get(format!(
                "{}/files/customer-invoices/garbage",
                app.api.trim_end_matches("/v1")
            ))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &err, 403);

    // After five minutes the link has expired.
    app.clock.advance(SignedDuration::from_mins(5));
    let (status, err) = read(app.client.get(&link).send().await.unwrap()).await;
    assert_error(status, &err, 403);
    assert!(
        err["message"].as_str().unwrap().contains("expired"),
        "{err}"
    );
}

#[tokio::test]
async fn a_link_to_a_deleted_invoice_no_longer_serves_it() {
    let (app, customer_id) = setup().await;
    let (_, inv) = upload(&app, form(&customer_id, "GONE-1")).await;
    let path = format!("/customer-invoices/{}", inv["id"].as_str().unwrap());
    let (_, file) = send(app.get(&format!("{path}/pdf"))).await;
    send(app.delete(&path)).await;
    let (status, err) = read(
        app.client
            .get(file["link"].as_str().unwrap())
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_error(status, &err, 404);
}

#[tokio::test]
async fn uploads_that_are_not_pdfs_or_miss_fields_are_422_and_leave_nothing() {
    let (app, customer_id) = setup().await;
    let not_pdf = form(&customer_id, "BAD-1").part(
        "pdf",
        Part::bytes(b"PK\x03\x04 a zip".to_vec()).file_name("x.pdf"),
    );
    // The second `pdf` part makes the form ambiguous: 400.
    let (status, err) = upload(&app, not_pdf).await;
    assert_error(status, &err, 400);

    let only_text = Form::new()
        .text("customerId", customer_id.clone())
        .text("invoiceNumber", "BAD-2")
        .text("issuedAt", "2024-04-31")
        .text("amount", "12,95")
        .part("pdf", Part::bytes(b"GIF89a".to_vec()).file_name("x.pdf"));
    let (status, err) = upload(&app, only_text).await;
    assert_invalid_fields(status, &err, &["issuedAt", "amount", "pdf"]);

    let missing = Form::new().text("invoiceNumber", "BAD-3");
    let (status, err) = upload(&app, missing).await;
    assert_invalid_fields(status, &err, &["customerId", "issuedAt", "amount", "pdf"]);

    let (status, err) = upload(&app, form("cst_nobodyatall00", "BAD-4")).await;
    assert_invalid_fields(status, &err, &["customerId"]);

    let (status, err) = upload(&app, form(&customer_id, "BAD-5").text("paidAt", "soon")).await;
    assert_invalid_fields(status, &err, &["paidAt"]);

    let (_, list) = send(app.get("/customer-invoices")).await;
    assert_eq!(list["data"], serde_json::json!([]));
}

#[tokio::test]
async fn a_pdf_over_10_mb_is_413_and_json_is_415() {
    let (app, customer_id) = setup().await;
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    big.extend_from_slice(b"\n%%EOF\n");
    let oversized = Form::new()
        .text("customerId", customer_id.clone())
        .text("invoiceNumber", "BIG-1")
        .text("issuedAt", "2024-04-30")
        .text("amount", "1.00")
        .part("pdf", Part::bytes(big).file_name("big.pdf"));
    let (status, err) = upload(&app, oversized).await;
    assert_error(status, &err, 413);

    let (status, err) = send(app.post(
        "/customer-invoices",
        &serde_json::json!({"customerId": customer_id}),
    ))
    .await;
    assert_error(status, &err, 415);
    let (_, list) = send(app.get("/customer-invoices")).await;
    assert_eq!(list["data"], serde_json::json!([]));
}

#[tokio::test]
async fn upload_numbers_share_the_uniqueness_and_limit_of_manual_invoices() {
    let (app, customer_id) = setup().await;
    let (status, _) = upload(&app, form(&customer_id, "SHARED-1")).await;
    assert_eq!(status, StatusCode::CREATED);
    let manual = serde_json::json!({"customerId": customer_id, "invoiceNumber": "SHARED-1", "issuedAt": "2025-04-14",
        "lines": [{"description": "x", "amountExclVat": "1", "vatRate": 21}]});
    let (status, err) = send(app.post("/customer-invoices/manual", &manual)).await;
    assert_invalid_fields(status, &err, &["invoiceNumber"]);
    let (status, err) = upload(&app, form(&customer_id, "SHARED-1")).await;
    assert_invalid_fields(status, &err, &["invoiceNumber"]);
}
