//! The invoice e-mail carries the UBL e-invoice beside the PDF when the customer has a
//! `peppolId` or asked for it (`sendUbl`); an invoice that cannot become an e-invoice is
//! mailed without it, never held back. The `.eml` files are read with mail-parser.

use mail_parser::{MessageParser, MimeHeaders};
use serde_json::{Value, json};

use crate::helpers::{TestApp, id_of, send};
use crate::invoice_ubl::{app_with_seller, customer_with, manual, pdf, ubl};

/// An attachment of a sent message: file name, media type, bytes.
type Attached = (String, String, Vec<u8>);

/// The attachments of the one message sent to `to`.
fn attachments_to(app: &TestApp, to: &str) -> Vec<Attached> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(app.mail_dir()).unwrap() {
        let raw = std::fs::read(entry.unwrap().path()).unwrap();
        let message = MessageParser::default().parse(&raw).expect("a message");
        let addressed = message
            .to()
            .and_then(|to| to.first())
            .and_then(|a| a.address())
            .is_some_and(|a| a == to);
        if !addressed {
            continue;
        }
        let attached: Vec<Attached> = message
            .attachments()
            .map(|part| {
                let content_type = part.content_type().unwrap();
                (
                    part.attachment_name().unwrap_or_default().to_owned(),
                    format!(
                        "{}/{}",
                        content_type.ctype(),
                        content_type.subtype().unwrap_or_default()
                    ),
                    part.contents().to_vec(),
                )
            })
            .collect();
        found.push(attached);
    }
    assert_eq!(found.len(), 1, "one message to {to}");
    found.remove(0)
}

async fn mailed(app: &TestApp, customer: &Value, number: &str) -> Value {
    manual(
        app,
        customer,
        number,
        &[("Werk", "100.00", 21)],
        json!({"sendNotification": true}),
    )
    .await
}

#[tokio::test]
async fn a_peppol_customer_or_one_that_asked_gets_the_e_invoice_beside_the_pdf() {
    let app = app_with_seller().await;
    let peppol = customer_with(
        &app,
        "Peppol BV",
        json!({
        "primaryEmail": "peppol@klant.example", "peppolId": "0106:12345678"}),
    )
    .await;
    let asked = customer_with(
        &app,
        "Vraagt BV",
        json!({
        "primaryEmail": "vraagt@klant.example", "cocNumber": "87654321", "sendUbl": true}),
    )
    .await;
    let plain = customer_with(
        &app,
        "Gewoon BV",
        json!({
        "primaryEmail": "gewoon@klant.example", "cocNumber": "11223344"}),
    )
    .await;
    let to_peppol = mailed(&app, &peppol, "MAIL-1").await;
    let to_asked = mailed(&app, &asked, "MAIL-2").await;
    let to_plain = mailed(&app, &plain, "MAIL-3").await;
    assert_eq!(app.drain_outbox().await, 3);

    for (invoice, to) in [
        (&to_peppol, "peppol@klant.example"),
        (&to_asked, "vraagt@klant.example"),
    ] {
        let id = id_of(invoice);
        let number = invoice["invoiceNumber"].as_str().unwrap();
        let attached = attachments_to(&app, to);
        let names: Vec<(&str, &str)> = attached
            .iter()
            .map(|(n, t, _)| (n.as_str(), t.as_str()))
            .collect();
        assert_eq!(
            names,
            [
                (format!("factuur-{number}.pdf").as_str(), "application/pdf"),
                (format!("factuur-{number}.xml").as_str(), "application/xml"),
            ]
        );
        // The same documents the API serves: the kept PDF, the kept e-invoice.
        assert_eq!(attached[0].2, pdf(&app, &id).await);
        let (_, _, _, xml) = ubl(&app, &app.token, &id).await;
        assert_eq!(attached[1].2, xml);
    }
    let attached = attachments_to(&app, "gewoon@klant.example");
    assert_eq!(attached.len(), 1, "only the PDF");
    assert_eq!(attached[0].1, "application/pdf");
    for invoice in [&to_peppol, &to_asked, &to_plain] {
        let (_, fetched) = send(app.get(&format!("/customer-invoices/{}", id_of(invoice)))).await;
        assert_eq!(fetched["notificationStatus"], "sent");
    }
}

#[tokio::test]
async fn an_invoice_that_cannot_be_an_e_invoice_is_mailed_without_it() {
    // No seller details at all: the PDF can be printed, the e-invoice cannot be made.
    let app = TestApp::spawn().await;
    let customer = customer_with(
        &app,
        "Peppol BV",
        json!({
        "primaryEmail": "peppol@klant.example", "peppolId": "0106:12345678"}),
    )
    .await;
    let invoice = mailed(&app, &customer, "NOUBL-1").await;
    assert_eq!(app.drain_outbox().await, 1);
    let attached = attachments_to(&app, "peppol@klant.example");
    let types: Vec<&str> = attached.iter().map(|(_, t, _)| t.as_str()).collect();
    assert_eq!(types, ["application/pdf"]);
    let (_, fetched) = send(app.get(&format!("/customer-invoices/{}", id_of(&invoice)))).await;
    assert_eq!(fetched["notificationStatus"], "sent");
    let (status, _, _, _) = ubl(&app, &app.token, &id_of(&invoice)).await;
    assert_eq!(status, reqwest::StatusCode::UNPROCESSABLE_ENTITY);
}
