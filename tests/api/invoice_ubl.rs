//! `GET /v1/customer-invoices/{id}/ubl` (our addition): a 21 % invoice, a mixed 0/9/21 %
//! invoice and a credit note made through the API, each passed through the official rules
//! (`../shared/einvoice/validate.py`, skipped with a message when missing unless
//! `PORTAAL_TEST_REQUIRE_UBL` is set) and compared field by field with the API's JSON, the
//! customer as stored and the totals printed on the embedded PDF; kept once made; and seen by
//! nobody but its account. The refusals are `invoice_ubl_refusals.rs`, the e-mail
//! `invoice_ubl_mail.rs`.

#[path = "../einvoice/validator.rs"]
mod validator;

use std::collections::BTreeMap;

use base64::Engine;
use portaal::areas::account::seller::SellerPatch;
use portaal::kernel::money::Money;
use portaal::kernel::scopes::Scope;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_error, customer_body, id_of, send};
use crate::portal::{dutch, seller};
use validator::{fields, validate, validator_or_skip};

/// An app whose account has complete seller details.
pub async fn app_with_seller() -> TestApp {
    let app = TestApp::spawn().await;
    app.set_seller(seller()).await;
    app
}

/// Creates a customer with these extra fields and returns its body.
pub async fn customer_with(app: &TestApp, company: &str, extra: Value) -> Value {
    let mut body = customer_body(company);
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    let (status, customer) = send(app.post("/customers", &body)).await;
    assert_eq!(status, StatusCode::CREATED, "{customer}");
    customer
}

/// Creates a manual invoice of `(description, amount, rate)` lines; returns the API's body.
pub async fn manual(
    app: &TestApp,
    customer: &Value,
    number: &str,
    lines: &[(&str, &str, u8)],
    extra: Value,
) -> Value {
    let lines: Vec<Value> = lines
        .iter()
        .map(|(d, a, r)| json!({"description": d, "amountExclVat": a, "vatRate": r}))
        .collect();
    let mut body = json!({"customerId": id_of(customer), "invoiceNumber": number,
                          "issuedAt": "2025-04-14", "lines": lines});
    for (key, value) in extra.as_object().unwrap() {
        body[key] = value.clone();
    }
    let (status, invoice) = send(app.post("/customer-invoices/manual", &body)).await;
    assert_eq!(status, StatusCode::CREATED, "{invoice}");
    invoice
}

/// The UBL of an invoice: status, `Content-Type`, `Content-Disposition` and body.
pub async fn ubl(
    app: &TestApp,
    token: &str,
    invoice_id: &str,
) -> (StatusCode, String, String, Vec<u8>) {
    let response = app
        .request_as(
            token,
            reqwest::Method::GET,
            &format!("/customer-invoices/{invoice_id}/ubl"),
        )
        .send()
        .await
        .unwrap();
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (content_type, disposition) = (header("content-type"), header("content-disposition"));
    let status = response.status();
    (
        status,
        content_type,
        disposition,
        response.bytes().await.unwrap().to_vec(),
    )
}

/// The invoice's PDF as its signed link serves it.
pub async fn pdf(app: &TestApp, invoice_id: &str) -> Vec<u8> {
    let (status, link) = send(app.get(&format!("/customer-invoices/{invoice_id}/pdf"))).await;
    assert_eq!(status, StatusCode::OK, "{link}");
    let response = app
        .client
        .get(link["link"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.bytes().await.unwrap().to_vec()
}

/// An amount with its sign turned, as a credit note states the API's negative amounts.
fn negated(amount: &str) -> String {
    let money = Money::parse(amount).unwrap();
    Money::from_cents(-money.cents()).to_string()
}

/// The name of the `index`th (0-based) sibling of that name in `validator::fields` paths.
fn nth(name: &str, index: usize) -> String {
    if index == 0 {
        name.to_owned()
    } else {
        format!("{name}[{}]", index + 1)
    }
}

/// Compares a UBL document with the invoice and customer the API shows, the seller set by
/// [`seller`], the endpoint expected for the customer, and the PDF of the signed link.
async fn assert_matches(
    app: &TestApp,
    xml: &[u8],
    invoice: &Value,
    customer: &Value,
    endpoint: &str,
) {
    let found = fields(xml);
    let credit = invoice["amount"].as_str().unwrap().starts_with('-');
    let (root, line_name, quantity) = if credit {
        ("/CreditNote", "cac:CreditNoteLine", "cbc:CreditedQuantity")
    } else {
        ("/Invoice", "cac:InvoiceLine", "cbc:InvoicedQuantity")
    };
    let text = |value: &Value| value.as_str().unwrap().to_owned();
    let signed = |value: &Value| {
        let amount = text(value);
        if credit { negated(&amount) } else { amount }
    };
    let number = text(&invoice["invoiceNumber"]);
    // (path under the root element, value): every field compared below.
    let mut expected: Vec<(String, String)> = Vec::new();
    let mut expect = |path: &str, value: String| expected.push((path.to_owned(), value));
    expect("cbc:ID", number.clone());
    expect("cbc:IssueDate", text(&invoice["issuedAt"]));
    expect("cbc:DocumentCurrencyCode", text(&invoice["currency"]));

    // Totals and the breakdown: the API's, signed for the document.
    let total = "cac:LegalMonetaryTotal";
    let subtotal = signed(&invoice["subtotalAmount"]);
    expect(
        &format!("{total}/cbc:LineExtensionAmount"),
        subtotal.clone(),
    );
    expect(&format!("{total}/cbc:TaxExclusiveAmount"), subtotal);
    expect(
        &format!("{total}/cbc:TaxInclusiveAmount"),
        signed(&invoice["amount"]),
    );
    expect(
        &format!("{total}/cbc:PayableAmount"),
        signed(&invoice["amount"]),
    );
    expect("cac:TaxTotal/cbc:TaxAmount", signed(&invoice["vatAmount"]));
    let breakdown = invoice["vatBreakdown"].as_array().unwrap();
    for (i, rate) in breakdown.iter().enumerate() {
        let sub = format!("cac:TaxTotal/{}", nth("cac:TaxSubtotal", i));
        expect(
            &format!("{sub}/cbc:TaxableAmount"),
            signed(&rate["taxableAmount"]),
        );
        expect(&format!("{sub}/cbc:TaxAmount"), signed(&rate["vatAmount"]));
        let percent = rate["vatRate"].to_string();
        let category = if percent == "0" { "Z" } else { "S" };
        expect(
            &format!("{sub}/cac:TaxCategory/cbc:ID"),
            category.to_owned(),
        );
        expect(&format!("{sub}/cac:TaxCategory/cbc:Percent"), percent);
    }

    // Every line, in order.
    let lines = invoice["lines"].as_array().unwrap();
    for (i, line) in lines.iter().enumerate() {
        let l = nth(line_name, i);
        let amount = signed(&line["amountExclVat"]);
        let sign = if amount.starts_with('-') { "-1" } else { "1" };
        let price = amount.trim_start_matches('-').to_owned();
        expect(&format!("{l}/cbc:ID"), (i + 1).to_string());
        expect(&format!("{l}/{quantity}"), sign.to_owned());
        expect(&format!("{l}/cbc:LineExtensionAmount"), amount);
        expect(&format!("{l}/cac:Price/cbc:PriceAmount"), price);
        expect(
            &format!("{l}/cac:Item/cbc:Name"),
            text(&line["description"]),
        );
        let category = format!("{l}/cac:Item/cac:ClassifiedTaxCategory/cbc:Percent");
        expect(&category, line["vatRate"].to_string());
    }

    // The seller as set, the customer as stored.
    let seller = "cac:AccountingSupplierParty/cac:Party";
    for (path, value) in [
        ("cbc:EndpointID", "69591231"),
        ("cbc:EndpointID/@schemeID", "0106"),
        (
            "cac:PartyLegalEntity/cbc:RegistrationName",
            "Test Verkoper B.V.",
        ),
        ("cac:PartyTaxScheme/cbc:CompanyID", "NL859467032B01"),
        ("cac:PostalAddress/cbc:StreetName", "Keizersgracht 1"),
    ] {
        expect(&format!("{seller}/{path}"), value.to_owned());
    }
    let buyer = "cac:AccountingCustomerParty/cac:Party";
    let (scheme, id) = endpoint.split_once(':').unwrap();
    expect(&format!("{buyer}/cbc:EndpointID"), id.to_owned());
    expect(
        &format!("{buyer}/cbc:EndpointID/@schemeID"),
        scheme.to_owned(),
    );
    for (path, field) in [
        ("cac:PartyLegalEntity/cbc:RegistrationName", "companyName"),
        ("cac:PartyLegalEntity/cbc:CompanyID", "cocNumber"),
        ("cac:PartyTaxScheme/cbc:CompanyID", "vatNumber"),
        ("cac:PostalAddress/cbc:StreetName", "address"),
        ("cac:PostalAddress/cbc:CityName", "city"),
        ("cac:PostalAddress/cbc:PostalZone", "zipCode"),
        (
            "cac:PostalAddress/cac:Country/cbc:IdentificationCode",
            "countryCode",
        ),
        ("cac:Contact/cbc:ElectronicMail", "primaryEmail"),
    ] {
        expect(&format!("{buyer}/{path}"), text(&customer[field]));
    }

    // How to pay (the invoice number as reference, as on the PDF and the page), or for a
    // credit note, the invoice it credits.
    if credit {
        let credited = text(&invoice["creditedInvoiceNumber"]);
        expect(
            "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
            credited,
        );
    } else {
        expect("cbc:DueDate", text(&invoice["dueAt"]));
        expect("cac:PaymentMeans/cbc:PaymentID", number.clone());
        let account = "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID";
        expect(account, "NL91ABNA0417164300".to_owned());
    }
    let pdf_path =
        "cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject";
    expect(
        &format!("{pdf_path}/@mimeCode"),
        "application/pdf".to_owned(),
    );
    expect(
        &format!("{pdf_path}/@filename"),
        format!("factuur-{number}.pdf"),
    );

    for (path, value) in &expected {
        let at = format!("{root}/{path}");
        assert_eq!(found.get(&at), Some(value), "{at} in {number}");
    }
    // Nothing more of what was counted: no extra rate, no extra line.
    let past_rates = nth("cac:TaxSubtotal", breakdown.len());
    assert!(!found.contains_key(&format!("{root}/cac:TaxTotal/{past_rates}/cbc:TaxAmount")));
    let past_lines = nth(line_name, lines.len());
    assert!(!found.contains_key(&format!("{root}/{past_lines}/cbc:ID")));
    if credit {
        assert!(!found.contains_key(&format!("{root}/cac:PaymentMeans/cbc:PaymentMeansCode")));
        let note = &found[&format!("{root}/cac:PaymentTerms/cbc:Note")];
        assert!(note.contains(&text(&invoice["dueAt"])), "{note}");
    }

    // The embedded PDF is the invoice's PDF, and prints the same totals.
    let encoded = &found[&format!("{root}/{pdf_path}")];
    let embedded = base64::engine::general_purpose::STANDARD
        .decode(encoded)
        .unwrap();
    assert_eq!(embedded, pdf(app, invoice["id"].as_str().unwrap()).await);
    let document = lopdf::Document::load_mem(&embedded).unwrap();
    let pages: Vec<u32> = document.get_pages().keys().copied().collect();
    let printed = document.extract_text(&pages).unwrap();
    let mut amounts = vec![
        &invoice["amount"],
        &invoice["subtotalAmount"],
        &invoice["vatAmount"],
    ];
    amounts.extend(breakdown.iter().map(|rate| &rate["vatAmount"]));
    for amount in amounts {
        let amount = dutch(amount.as_str().unwrap());
        assert!(
            printed.contains(&amount),
            "{amount} is not on the PDF:\n{printed}"
        );
    }
}

#[tokio::test]
async fn three_invoices_made_through_the_api_pass_the_rules_and_match_api_customer_and_pdf() {
    let app = app_with_seller().await;
    let ids = json!({"cocNumber": "12345678", "vatNumber": "NL987654321B01"});
    let dutch_customer = customer_with(&app, "Café \"De Gouden Leeuw\" & Zn", ids).await;
    let ids = json!({
        "address": "Rue de la Loi 16", "zipCode": "1000", "city": "Bruxelles",
        "countryCode": "BE", "vatNumber": "BE0203201340", "cocNumber": "0203.201.340",
        "peppolId": "0208:0203201340"
    });
    let belgian = customer_with(&app, "Brasserie Ça Va SRL", ids).await;
    let ids = json!({"peppolId": "9944:NL987654321B01", "cocNumber": "00000001234567890000",
                     "vatNumber": "NL987654321B01"});
    let peppol = customer_with(&app, "Gemeente Voorbeeld", ids).await;

    let lines = [
        ("Ontwerp nieuwe huisstijl", "1250.00", 21),
        ("Hosting jaarabonnement", "239.40", 21),
        ("Korting vaste klant", "-50.00", 21),
    ];
    let standard = manual(&app, &dutch_customer, "UBL-21", &lines, json!({})).await;
    let lines = [
        ("Consult (4 uur)", "400.00", 21),
        ("Vakboeken", "59.95", 9),
        ("Internationaal goederenvervoer", "1000.00", 0),
        ("Lunch & catering <workshop>", "120.50", 9),
        ("Korting", "-40.00", 21),
    ];
    let mixed = manual(&app, &belgian, "UBL-MIX", &lines, json!({})).await;
    let lines = [
        ("Creditering ontwerp nieuwe huisstijl", "-1250.00", 21),
        ("Creditering korting vaste klant", "50.00", 21),
        ("Retour vakboeken", "-59.95", 9),
    ];
    let credited = json!({"creditedInvoiceNumber": "UBL-21"});
    let credit = manual(&app, &peppol, "UBL-CN", &lines, credited).await;
    // The figures worked out by hand in tests/einvoice/examples.rs, through the API.
    for (invoice, amount, vat) in [
        (&standard, "1741.67", "302.27"),
        (&mixed, "1632.29", "91.84"),
        (&credit, "-1517.35", "-257.40"),
    ] {
        assert_eq!(
            (&invoice["amount"], &invoice["vatAmount"]),
            (&json!(amount), &json!(vat))
        );
    }
    assert_eq!(credit["creditedInvoiceNumber"], "UBL-21");

    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (invoice, customer, endpoint, root) in [
        (&standard, &dutch_customer, "0106:12345678", "<Invoice "),
        (&mixed, &belgian, "0208:0203201340", "<Invoice "),
        (&credit, &peppol, "9944:NL987654321B01", "<CreditNote "),
    ] {
        let (status, content_type, disposition, xml) = ubl(&app, &app.token, &id_of(invoice)).await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&xml));
        assert_eq!(content_type, "application/xml");
        let number = invoice["invoiceNumber"].as_str().unwrap();
        assert_eq!(
            disposition,
            format!("attachment; filename=\"factuur-{number}.xml\"")
        );
        assert!(String::from_utf8(xml.clone()).unwrap().contains(root));
        assert_matches(&app, &xml, invoice, customer, endpoint).await;
        let path = dir.path().join(format!("{number}.xml"));
        std::fs::write(&path, &xml).unwrap();
        files.push(path);
    }
    let Some(validator) = validator_or_skip() else {
        return;
    };
    for (file, failures) in validate(&validator, &files, 1) {
        let listed: Vec<String> = failures
            .iter()
            .map(|f| format!("{} ({}): {}", f.id, f.flag, f.text))
            .collect();
        assert!(listed.is_empty(), "{file}:\n{}", listed.join("\n"));
    }
}

#[tokio::test]
async fn the_first_e_invoice_is_kept_when_seller_and_customer_change_later() {
    let app = app_with_seller().await;
    let customer = customer_with(&app, "Vast BV", json!({"cocNumber": "12345678"})).await;
    let invoice = manual(
        &app,
        &customer,
        "KEEP-1",
        &[("Werk", "100.00", 21)],
        json!({}),
    )
    .await;
    let (status, _, _, first) = ubl(&app, &app.token, &id_of(&invoice)).await;
    assert_eq!(status, StatusCode::OK);

    app.set_seller(SellerPatch {
        street: Some(Some("Nieuwe Straat 9".into())),
        ..SellerPatch::default()
    })
    .await;
    let (status, _) = send(app.patch(
        &format!("/customers/{}", id_of(&customer)),
        &json!({"companyName": "Nieuwe Naam BV", "peppolId": "0106:87654321"}),
    ))
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, _, again) = ubl(&app, &app.token, &id_of(&invoice)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, first, "an issued e-invoice does not change");
    let text = String::from_utf8(first).unwrap();
    assert!(text.contains("Keizersgracht 1") && text.contains("Vast BV"));

    // A new invoice is made from the details as they are now.
    let next = manual(
        &app,
        &customer,
        "KEEP-2",
        &[("Werk", "100.00", 21)],
        json!({}),
    )
    .await;
    let (_, _, _, xml) = ubl(&app, &app.token, &id_of(&next)).await;
    let fields: BTreeMap<String, String> = fields(&xml);
    let buyer = "/Invoice/cac:AccountingCustomerParty/cac:Party";
    assert_eq!(fields[&format!("{buyer}/cbc:EndpointID")], "87654321");
    assert_eq!(
        fields[&format!("{buyer}/cac:PartyLegalEntity/cbc:RegistrationName")],
        "Nieuwe Naam BV"
    );
    assert_eq!(
        fields["/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PostalAddress/cbc:StreetName"],
        "Nieuwe Straat 9"
    );
}

#[tokio::test]
async fn only_the_invoices_account_with_invoices_read_gets_it_others_get_404_or_403() {
    let app = app_with_seller().await;
    let customer = customer_with(&app, "Eigen BV", json!({"cocNumber": "12345678"})).await;
    let invoice = manual(
        &app,
        &customer,
        "OWN-1",
        &[("Werk", "10.00", 21)],
        json!({}),
    )
    .await;
    let id = id_of(&invoice);

    let (_, other_token) = app.other_account().await;
    let no_scope = app
        .key_with(&[Scope::CustomersRead, Scope::InvoicesWrite])
        .await;
    let read_only = app.key_with(&[Scope::InvoicesRead]).await;
    let answer = |bytes: &[u8]| serde_json::from_slice::<Value>(bytes).unwrap();

    let (status, _, _, body) = ubl(&app, &other_token, &id).await;
    assert_error(status, &answer(&body), 404);
    let (status, _, _, body) = ubl(&app, &no_scope, &id).await;
    assert_error(status, &answer(&body), 403);
    for unknown in [
        "inv_unknown0000000",
        "cst_abc12345def678",
        "not-an-id",
        "inv_%00",
    ] {
        let (status, _, _, body) = ubl(&app, &app.token, unknown).await;
        assert_error(status, &answer(&body), 404);
    }
    let (status, _, _, xml) = ubl(&app, &read_only, &id).await;
    assert_eq!(status, StatusCode::OK);
    assert!(xml.starts_with(b"<?xml"));
    let response = app
        .client
        .get(app.url(&format!("/customer-invoices/{id}/ubl")))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

    // Deleted: gone, like the invoice, although its e-invoice was kept.
    let (status, _) = send(app.delete(&format!("/customer-invoices/{id}"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _, _, body) = ubl(&app, &app.token, &id).await;
    assert_error(status, &answer(&body), 404);
}

#[tokio::test]
async fn the_document_declares_the_operation_with_its_xml_answer_and_refusals() {
    let app = TestApp::spawn().await;
    let (status, doc) = send(app.client.get(app.url("/openapi.json"))).await;
    assert_eq!(status, StatusCode::OK);
    let operation = &doc["paths"]["/customer-invoices/{invoiceId}/ubl"]["get"];
    assert_eq!(
        operation["operationId"], "get-customer-invoice-ubl",
        "{operation}"
    );
    assert_eq!(operation["tags"], json!(["Customer Invoices API"]));
    let responses = &operation["responses"];
    let ok = &responses["200"];
    assert_eq!(
        ok["content"]["application/xml"]["schema"]["type"], "string",
        "{ok}"
    );
    assert!(ok["content"].get("application/json").is_none(), "{ok}");
    assert!(ok["headers"]["Content-Disposition"].is_object(), "{ok}");
    for status in ["401", "403", "404", "422", "429"] {
        assert_eq!(
            responses[status]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/ErrorBody",
            "{status}"
        );
    }
}
