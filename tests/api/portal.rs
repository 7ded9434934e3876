//! The public invoice page behind `links.onlinePaymentLink`: what it shows, whom it shows
//! it to, its PDF, and paying through Mollie (a local fake speaking Mollie's protocol) or by
//! bank transfer.

use portaal::areas::account::seller::{SellerPatch, parse_iban};
use reqwest::StatusCode;
use reqwest::redirect::Policy;
use serde_json::{Value, json};

use crate::helpers::{Options, TestApp, send};
use crate::mollie_fake::{MollieFake, TEST_KEY};

/// An amount as the Dutch page prints it, written independently of the server's formatter.
pub fn dutch(amount: &str) -> String {
    let (sign, digits) = match amount.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", amount),
    };
    let (whole, cents) = digits.split_once('.').unwrap();
    let mut groups = Vec::new();
    let mut rest = whole;
    while rest.len() > 3 {
        groups.insert(0, &rest[rest.len() - 3..]);
        rest = &rest[..rest.len() - 3];
    }
    groups.insert(0, rest);
    format!("€ {sign}{},{cents}", groups.join("."))
}

pub fn seller() -> SellerPatch {
    SellerPatch {
        legal_name: Some(Some("Test Verkoper B.V.".into())),
        street: Some(Some("Keizersgracht 1".into())),
        zip_code: Some(Some("1015AA".into())),
        city: Some(Some("Amsterdam".into())),
        kvk_number: Some(Some("69591231".into())),
        vat_number: Some(Some("NL859467032B01".into())),
        iban: Some(Some(parse_iban("NL91ABNA0417164300").unwrap())),
        ..SellerPatch::default()
    }
}

pub fn with_mollie() -> SellerPatch {
    SellerPatch {
        mollie_api_key: Some(Some(TEST_KEY.into())),
        ..seller()
    }
}

/// A server whose Mollie is a local fake, and an account with seller details and a
/// Mollie key.
pub async fn app_with_mollie() -> (MollieFake, TestApp) {
    let (fake, mollie) = MollieFake::start().await;
    let app = TestApp::spawn_with(Options {
        mollie_api_url: mollie,
        ..Options::default()
    })
    .await;
    app.set_seller(with_mollie()).await;
    (fake, app)
}

/// A client that does not follow redirects, to see where the server sends the payer.
pub fn browserless() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

/// A manual invoice with lines at 21%, 9% and 0%, a discount line and a multi-line
/// description; returns the API's body.
pub async fn invoice_with_rates(app: &TestApp, number: &str) -> Value {
    let customer = app.create_customer("Klant & Zonen <BV>").await;
    let body = json!({"customerId": customer["id"], "invoiceNumber": number, "issuedAt": "2025-04-14",
    "lines": [
        {"description": "Website\nontwerp", "amountExclVat": "1234.56", "vatRate": 21},
        {"description": "Boeken", "amountExclVat": "19.99", "vatRate": 9},
        {"description": "Korting", "amountExclVat": "-100.00", "vatRate": 21},
        {"description": "Export", "amountExclVat": "50.00", "vatRate": 0}
    ]});
    let (status, invoice) = send(app.post("/customer-invoices/manual", &body)).await;
    assert_eq!(status, StatusCode::CREATED, "{invoice}");
    invoice
}

pub fn page_url(invoice: &Value) -> String {
    invoice["links"]["onlinePaymentLink"]["href"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn fetch(url: &str) -> (StatusCode, reqwest::header::HeaderMap, String) {
    let response = browserless().get(url).send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

#[tokio::test]
async fn the_page_shows_the_apis_totals_per_rate_seller_and_customer() {
    let app = TestApp::spawn().await;
    app.set_seller(seller()).await;
    let invoice = invoice_with_rates(&app, "2025-100").await;
    let (status, headers, page) = fetch(&page_url(&invoice)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-type"], "text/html; charset=utf-8");
    let csp = headers["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("script-src"),
        "{csp}"
    );
    assert_eq!(headers["referrer-policy"], "no-referrer");
    assert!(!page.contains("<script"), "no JavaScript is needed");

    for amount in ["amount", "subtotalAmount", "vatAmount"] {
        let text = dutch(invoice[amount].as_str().unwrap());
        assert!(page.contains(&text), "{amount} {text} missing");
    }
    for rate in invoice["vatBreakdown"].as_array().unwrap() {
        assert!(page.contains(&format!("{}%", rate["vatRate"])));
        assert!(page.contains(&dutch(rate["taxableAmount"].as_str().unwrap())));
        assert!(page.contains(&dutch(rate["vatAmount"].as_str().unwrap())));
    }
    for text in [
        "Test Verkoper B.V.",
        "69591231",
        "NL859467032B01",
        "Keizersgracht 1",
        "NL91 ABNA 0417 1643 00",
        "Factuur 2025-100",
        "14-04-2025",
        "28-04-2025",
        "Openstaand",
        // Escaped, not interpreted.
        "Klant &#38; Zonen &#60;BV&#62;",
    ] {
        assert!(page.contains(text), "{text} missing from the page");
    }
    assert!(!page.contains("<BV>"));
    // Bank transfer only: no online pay button.
    assert!(!page.contains("data-testid=\"pay\""));
}

#[tokio::test]
async fn the_page_speaks_english_when_the_account_does() {
    let app = TestApp::spawn().await;
    app.set_seller(seller()).await;
    portaal::areas::account::store(&app.db)
        .update_account(
            &app.account_id,
            portaal::areas::account::AccountPatch {
                locale: Some("en".into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let invoice = invoice_with_rates(&app, "EN-1").await;
    let (status, _, page) = fetch(&page_url(&invoice)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<html lang=\"en\">"));
    assert!(
        page.contains("Invoice EN-1")
            && page.contains("Total due")
            && page.contains("14 April 2025")
    );
    let total = invoice["amount"].as_str().unwrap();
    let (whole, cents) = total.split_once('.').unwrap();
    assert!(page.contains(&format!(
        "€{},{}.{cents}",
        &whole[..whole.len() - 3],
        &whole[whole.len() - 3..]
    )));
}

#[tokio::test]
async fn a_wrong_missing_or_foreign_token_and_a_deleted_invoice_all_look_unknown() {
    let app = TestApp::spawn().await;
    let invoice = invoice_with_rates(&app, "T-1").await;
    let url = page_url(&invoice);
    let (base, token) = url.rsplit_once('/').unwrap();
    let id = invoice["id"].as_str().unwrap();
    let (_, _, unknown) = fetch(&app.public_url("/public-invoice/inv_doesnotexist1/pay/abc")).await;

    // Another account's invoice, opened with this invoice's token, and the reverse.
    let (_, other_token) = app.other_account().await;
    let customer = send(
        app.client
            .post(app.url("/customers"))
            .bearer_auth(&other_token)
            .json(&crate::helpers::customer_body("Ander BV")),
    )
    .await
    .1;
    let (_, foreign) = send(
        app.client
            .post(app.url("/customer-invoices/manual"))
            .bearer_auth(&other_token)
            .json(&json!({"customerId": customer["id"], "invoiceNumber": "F-1", "issuedAt": "2025-04-14",
                "lines": [{"description": "x", "amountExclVat": "1.00", "vatRate": 21}]})),
    )
    .await;
    let foreign_id = foreign["id"].as_str().unwrap();

    let mut flipped = token.to_owned();
    let last = flipped.pop().unwrap();
    flipped.push(if last == '0' { '1' } else { '0' });
    let cases = [
        format!("{base}/{flipped}"),
        format!("{base}/{}", &token[..token.len() - 1]),
        format!("{base}/"),
        base.to_owned(),
        app.public_url(&format!("/public-invoice/{foreign_id}/pay/{token}")),
        app.public_url(&format!("/public-invoice/{id}/pay/{token}%00")),
        app.public_url(&format!("/public-invoice/{id}/pay/{token}/pdf/x")),
        format!("{url}/../../{foreign_id}"),
    ];
    for case in &cases {
        let (status, headers, body) = fetch(case).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{case}");
        assert_eq!(
            headers["content-type"], "text/html; charset=utf-8",
            "{case}"
        );
        assert_eq!(body, unknown, "{case} must look like an unknown invoice");
    }
    for sub in ["", "/pdf", "/logo"] {
        let (status, _, _) = fetch(&format!("{base}/{flipped}{sub}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let response = browserless()
        .post(format!("{base}/{flipped}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);

    // Deleted: the right token no longer opens it.
    assert_eq!(fetch(&url).await.0, StatusCode::OK);
    let (status, _) = send(app.delete(&format!("/customer-invoices/{id}"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, body) = fetch(&url).await;
    assert_eq!((status, body), (StatusCode::NOT_FOUND, unknown.clone()));
    assert_eq!(fetch(&format!("{url}/pdf")).await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_pdf_of_a_manual_invoice_is_rendered_once_and_served_by_page_and_api() {
    let app = TestApp::spawn().await;
    app.set_seller(seller()).await;
    let invoice = invoice_with_rates(&app, "PDF-1").await;
    let response = browserless()
        .get(format!("{}/pdf", page_url(&invoice)))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains("PDF-1")
    );
    let from_page = response.bytes().await.unwrap();
    assert!(from_page.starts_with(b"%PDF-"));

    // The seller changes address afterwards: the issued invoice's PDF does not change.
    app.set_seller(SellerPatch {
        street: Some(Some("Nieuwe Straat 9".into())),
        ..SellerPatch::default()
    })
    .await;
    let (status, link) = send(app.get(&format!(
        "/customer-invoices/{}/pdf",
        invoice["id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(status, StatusCode::OK, "{link}");
    let from_api = browserless()
        .get(link["link"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(from_api.status(), StatusCode::OK);
    assert_eq!(from_api.bytes().await.unwrap(), from_page);
}

#[tokio::test]
async fn paying_through_mollie_marks_the_invoice_paid_once() {
    let (fake, app) = app_with_mollie().await;
    let invoice = invoice_with_rates(&app, "M-1").await;
    let id = invoice["id"].as_str().unwrap();
    let url = page_url(&invoice);
    let (_, _, page) = fetch(&url).await;
    assert!(
        page.contains("data-testid=\"pay\""),
        "Mollie offers an online pay button"
    );

    // Every click starts a fresh payment, so an abandoned checkout never blocks paying.
    let client = browserless();
    let mut checkouts = Vec::new();
    for _ in 0..2 {
        let response = client.post(&url).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        checkouts.push(response.headers()["location"].to_str().unwrap().to_owned());
    }
    let payments = fake.payments();
    assert_eq!(payments.len(), 2);
    assert_ne!(checkouts[0], checkouts[1]);
    assert_eq!(checkouts[1], fake.checkout_url(&payments[1].id));
    let request = &payments[1].request;
    assert_eq!(
        request["amount"],
        json!({"currency": "EUR", "value": invoice["amount"]})
    );
    assert_eq!(request["description"], "Factuur M-1");
    assert_eq!(request["redirectUrl"], format!("{url}?return=1"));
    assert_eq!(
        request["webhookUrl"],
        app.public_url("/payments/mollie/webhook")
    );
    assert_eq!(payments[1].api_key, TEST_KEY);

    // A forged webhook about an open payment changes nothing: we ask Mollie, not the caller.
    let hook = app.public_url("/payments/mollie/webhook");
    let forged = client
        .post(&hook)
        .form(&[("id", payments[0].id.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), StatusCode::OK);
    let unknown = client
        .post(&hook)
        .form(&[("id", "tr_unknown")])
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), StatusCode::OK);
    let (_, api) = send(app.get(&format!("/customer-invoices/{id}"))).await;
    assert_eq!(api["paidAt"], Value::Null);

    // The payer pays the second checkout: Mollie calls the webhook, then sends them back.
    let back = client
        .post(&checkouts[1])
        .form(&[("action", "paid")])
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), StatusCode::SEE_OTHER);
    assert_eq!(*fake.webhook_answers.lock().unwrap(), [200]);
    let (_, api) = send(app.get(&format!("/customer-invoices/{id}"))).await;
    assert_eq!(
        api["paidAt"], "2025-04-14T14:30:00+02:00",
        "Mollie's paidAt, in Amsterdam time"
    );
    let (status, _, page) = fetch(back.headers()["location"].to_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Betaald") && page.contains("data-testid=\"paid\""));
    assert!(!page.contains("data-testid=\"pay\""));

    // Paying the other, older checkout later keeps the first payment date.
    fake.set_status(&payments[0].id, "paid");
    client
        .post(&hook)
        .form(&[("id", payments[0].id.as_str())])
        .send()
        .await
        .unwrap();
    let (_, again) = send(app.get(&format!("/customer-invoices/{id}"))).await;
    assert_eq!(again["paidAt"], api["paidAt"]);
    // A paid invoice's pay button leads back to the page, with no new payment.
    let response = client.post(&url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()["location"], url.as_str());
    assert_eq!(fake.payments().len(), 2);
}

#[tokio::test]
async fn coming_back_before_the_webhook_asks_mollie_and_shows_the_truth() {
    let (fake, app) = app_with_mollie().await;
    let invoice = invoice_with_rates(&app, "M-2").await;
    let url = page_url(&invoice);
    browserless().post(&url).send().await.unwrap();
    let payment = fake.payments().pop().unwrap();
    // Still open at Mollie: the page says it is being processed.
    let (_, _, page) = fetch(&format!("{url}?return=1")).await;
    assert!(page.contains("wordt verwerkt") && page.contains("Openstaand"));
    // Paid at Mollie, webhook not (yet) received: the return visit finds out itself.
    fake.set_status(&payment.id, "paid");
    let (_, _, page) = fetch(&format!("{url}?return=1")).await;
    assert!(page.contains("data-testid=\"paid\""), "{page}");
    let (_, api) = send(app.get(&format!(
        "/customer-invoices/{}",
        invoice["id"].as_str().unwrap()
    )))
    .await;
    assert!(api["paidAt"].is_string());
}

#[tokio::test]
async fn when_mollie_is_down_the_page_says_so_and_offers_the_transfer() {
    let (fake, mollie) = MollieFake::start().await;
    fake.down.store(true, std::sync::atomic::Ordering::SeqCst);
    let app = TestApp::spawn_with(Options {
        mollie_api_url: mollie,
        ..Options::default()
    })
    .await;
    app.set_seller(with_mollie()).await;
    let invoice = invoice_with_rates(&app, "M-3").await;
    let response = browserless().post(page_url(&invoice)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::BAD_GATEWAY);
    let page = response.text().await.unwrap();
    assert!(page.contains("lukt op dit moment niet") && page.contains("NL91 ABNA 0417 1643 00"));
}

#[tokio::test]
async fn a_paid_or_credit_invoice_offers_nothing_to_pay() {
    let (fake, app) = app_with_mollie().await;
    let paid = invoice_with_rates(&app, "P-1").await;
    let (status, _) = send(app.patch(
        &format!("/customer-invoices/{}", paid["id"].as_str().unwrap()),
        &json!({"paidAt": "2025-04-14 09:00:00"}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, _, page) = fetch(&page_url(&paid)).await;
    assert!(page.contains("Deze factuur is betaald op 14-04-2025"));
    assert!(!page.contains("data-testid=\"pay\"") && !page.contains("data-testid=\"iban\""));

    let customer = app.create_customer("Credit BV").await;
    let (_, credit) = send(app.post(
        "/customer-invoices/manual",
        &json!({"customerId": customer["id"],
        "invoiceNumber": "C-1", "issuedAt": "2025-04-14",
        "lines": [{"description": "Creditering", "amountExclVat": "-10.00", "vatRate": 21}]}),
    ))
    .await;
    let (_, _, page) = fetch(&page_url(&credit)).await;
    assert!(page.contains("Er hoeft niets betaald te worden.") && page.contains("€ -12,10"));
    assert!(page.contains("Totaal te crediteren") && !page.contains("Totaal te betalen"));
    let response = browserless().post(page_url(&credit)).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert!(fake.payments().is_empty());
}

#[tokio::test]
async fn the_account_endpoint_shows_the_seller_details_invoices_print() {
    let app = TestApp::spawn().await;
    let (status, body) = send(app.get("/account")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["paymentMethods"], json!([]));
    assert_eq!(
        body["missingForInvoices"],
        json!([
            "legalName",
            "street",
            "zipCode",
            "city",
            "kvkNumber",
            "vatNumber"
        ])
    );
    app.set_seller(with_mollie()).await;
    let (_, body) = send(app.get("/account")).await;
    assert_eq!(body["id"], app.account_id.as_str());
    assert_eq!(body["iban"], "NL91ABNA0417164300");
    assert_eq!(body["vatNumber"], "NL859467032B01");
    assert_eq!(body["paymentMethods"], json!(["bank_transfer", "mollie"]));
    assert_eq!(body["missingForInvoices"], json!([]));
    assert_eq!(body["paymentTermDays"], 14);
    assert!(body.get("mollieApiKey").is_none() && !body.to_string().contains(TEST_KEY));
    let response = app.client.get(app.url("/account")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}
