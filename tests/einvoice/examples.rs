//! Three e-invoices whose figures were worked out by hand (in the comments below), kept in
//! `tests/einvoice/examples/`: a 21 % invoice, a mixed 0/9/21 % invoice to a Belgian
//! customer, and a credit note. Each is compared with what `render` makes, field by field,
//! and passes the official validator, which rejects a copy with one total changed.
//!
//! `PORTAAL_UPDATE_UBL_EXAMPLES=1 cargo test --test einvoice examples` rewrites the files;
//! check the figures again before committing them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use portaal::einvoice::{Pdf, UblInput, render};

use crate::support::{buyer, fields, invoice, line, seller, validate, validator_or_skip};

/// A stand-in for the invoice PDF: the validator checks the embedding, not the PDF.
const PDF: &[u8] = b"%PDF-1.7\n% a stand-in for the invoice PDF\n%%EOF\n";

fn path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("tests/einvoice/examples/{name}.xml"))
}

/// 21 % only. Taxable 1250.00 + 239.40 - 50.00 = 1439.40; VAT 1439.40 × 0.21 = 302.274,
/// so 302.27; total 1741.67.
fn standard_rate() -> UblInput {
    let mut invoice = invoice(
        "2025-0101",
        vec![
            line("Ontwerp nieuwe huisstijl", "1250.00", 21),
            line("Hosting jaarabonnement", "239.40", 21),
            line("Korting vaste klant", "-50.00", 21),
        ],
    );
    invoice.pdf = Some(Pdf {
        bytes: PDF.to_vec(),
        file_name: "factuur-2025-0101.pdf".into(),
    });
    UblInput {
        seller: seller(),
        buyer: buyer(),
        invoice,
    }
}

/// 0, 9 and 21 %, to a Belgian customer addressed by its enterprise number.
/// 21 %: 400.00 - 40.00 = 360.00, VAT 75.60. 9 %: 59.95 + 120.50 = 180.45, VAT 16.2405, so
/// 16.24. 0 %: 1000.00, VAT 0.00. Subtotal 1540.45, VAT 91.84, total 1632.29.
fn mixed_rates() -> UblInput {
    let mut buyer = buyer();
    buyer.company_name = "Brasserie Ça Va SRL".into();
    buyer.address = "Rue de la Loi 16".into();
    buyer.zip_code = "1000".into();
    buyer.city = "Bruxelles".into();
    buyer.country_code = "BE".into();
    buyer.vat_number = Some("BE0203201340".into());
    buyer.coc_number = Some("0203201340".into());
    buyer.peppol_id = Some("0208:0203201340".into());
    let mut invoice = invoice(
        "2025-0102",
        vec![
            line("Consult (4 uur)", "400.00", 21),
            line("Vakboeken", "59.95", 9),
            line("Internationaal goederenvervoer", "1000.00", 0),
            line("Lunch & catering <workshop>", "120.50", 9),
            line("Korting", "-40.00", 21),
        ],
    );
    invoice.buyer_reference = Some("PO-7781".into());
    invoice.pdf = Some(Pdf {
        bytes: PDF.to_vec(),
        file_name: "factuur-2025-0102.pdf".into(),
    });
    UblInput {
        seller: seller(),
        buyer,
        invoice,
    }
}

/// A credit note for part of 2025-0101 and a returned book. 21 %: -1250.00 + 50.00 =
/// -1200.00, VAT -252.00; 9 %: -59.95, VAT -5.3955, so -5.40 (half away from zero); total
/// -1259.95 - 257.40 = -1517.35, which the credit note states as 1517.35 to the buyer.
fn credit_note() -> UblInput {
    let mut buyer = buyer();
    buyer.peppol_id = Some("9944:NL987654321B01".into());
    let mut invoice = invoice(
        "2025-0103",
        vec![
            line("Creditering ontwerp nieuwe huisstijl", "-1250.00", 21),
            line("Creditering korting vaste klant", "50.00", 21),
            line("Retour vakboeken", "-59.95", 9),
        ],
    );
    invoice.credited_invoice = Some("2025-0101".into());
    UblInput {
        seller: seller(),
        buyer,
        invoice,
    }
}

/// A field's path and its value.
type Field = (&'static str, &'static str);

/// The examples: name, input, and the fields worked out by hand.
fn examples() -> Vec<(&'static str, UblInput, Vec<Field>)> {
    vec![
        (
            "standard-rate",
            standard_rate(),
            vec![
                ("/Invoice/cbc:InvoiceTypeCode", "380"),
                ("/Invoice/cbc:DueDate", "2025-04-28"),
                (
                    "/Invoice/cac:LegalMonetaryTotal/cbc:LineExtensionAmount",
                    "1439.40",
                ),
                (
                    "/Invoice/cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount",
                    "1439.40",
                ),
                (
                    "/Invoice/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
                    "1741.67",
                ),
                (
                    "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount",
                    "1741.67",
                ),
                ("/Invoice/cac:TaxTotal/cbc:TaxAmount", "302.27"),
                (
                    "/Invoice/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount",
                    "1439.40",
                ),
                (
                    "/Invoice/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount",
                    "302.27",
                ),
                (
                    "/Invoice/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID",
                    "S",
                ),
                (
                    "/Invoice/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent",
                    "21",
                ),
                ("/Invoice/cac:InvoiceLine[3]/cbc:InvoicedQuantity", "-1"),
                (
                    "/Invoice/cac:InvoiceLine[3]/cbc:LineExtensionAmount",
                    "-50.00",
                ),
                (
                    "/Invoice/cac:InvoiceLine[3]/cac:Price/cbc:PriceAmount",
                    "50.00",
                ),
                (
                    "/Invoice/cac:AccountingSupplierParty/cac:Party/cbc:EndpointID",
                    "87654321",
                ),
                (
                    "/Invoice/cac:AccountingSupplierParty/cac:Party/cbc:EndpointID/@schemeID",
                    "0106",
                ),
                (
                    "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
                    "Bakkerij Één & Zonen B.V.",
                ),
                (
                    "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID/@schemeID",
                    "0106",
                ),
                (
                    "/Invoice/cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID",
                    "NL123456789B01",
                ),
                (
                    "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:RegistrationName",
                    "Café \"De Gouden Leeuw\" <Groningen>",
                ),
                (
                    "/Invoice/cac:AccountingCustomerParty/cac:Party/cbc:EndpointID",
                    "12345678",
                ),
                ("/Invoice/cac:PaymentMeans/cbc:PaymentMeansCode", "58"),
                ("/Invoice/cac:PaymentMeans/cbc:PaymentID", "2025-0101"),
                (
                    "/Invoice/cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID",
                    "NL91ABNA0417164300",
                ),
                (
                    "/Invoice/cac:AdditionalDocumentReference/cac:Attachment/cbc:EmbeddedDocumentBinaryObject/@mimeCode",
                    "application/pdf",
                ),
            ],
        ),
        (
            "mixed-rates",
            mixed_rates(),
            vec![
                ("/Invoice/cbc:BuyerReference", "PO-7781"),
                (
                    "/Invoice/cac:LegalMonetaryTotal/cbc:LineExtensionAmount",
                    "1540.45",
                ),
                (
                    "/Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount",
                    "1632.29",
                ),
                ("/Invoice/cac:TaxTotal/cbc:TaxAmount", "91.84"),
                (
                    "/Invoice/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount",
                    "360.00",
                ),
                (
                    "/Invoice/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount",
                    "75.60",
                ),
                (
                    "/Invoice/cac:TaxTotal/cac:TaxSubtotal[2]/cbc:TaxableAmount",
                    "180.45",
                ),
                (
                    "/Invoice/cac:TaxTotal/cac:TaxSubtotal[2]/cbc:TaxAmount",
                    "16.24",
                ),
                (
                    "/Invoice/cac:TaxTotal/cac:TaxSubtotal[2]/cac:TaxCategory/cbc:ID",
                    "S",
                ),
                (
                    "/Invoice/cac:TaxTotal/cac:TaxSubtotal[2]/cac:TaxCategory/cbc:Percent",
                    "9",
                ),
                (
                    "/Invoice/cac:TaxTotal/cac:TaxSubtotal[3]/cbc:TaxableAmount",
                    "1000.00",
                ),
                (
                    "/Invoice/cac:TaxTotal/cac:TaxSubtotal[3]/cbc:TaxAmount",
                    "0.00",
                ),
                (
                    "/Invoice/cac:TaxTotal/cac:TaxSubtotal[3]/cac:TaxCategory/cbc:ID",
                    "Z",
                ),
                (
                    "/Invoice/cac:InvoiceLine[4]/cac:Item/cbc:Name",
                    "Lunch & catering <workshop>",
                ),
                (
                    "/Invoice/cac:InvoiceLine[3]/cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
                    "Z",
                ),
                (
                    "/Invoice/cac:AccountingCustomerParty/cac:Party/cbc:EndpointID",
                    "0203201340",
                ),
                (
                    "/Invoice/cac:AccountingCustomerParty/cac:Party/cbc:EndpointID/@schemeID",
                    "0208",
                ),
                (
                    "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PostalAddress/cac:Country/cbc:IdentificationCode",
                    "BE",
                ),
                (
                    "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme/cbc:CompanyID",
                    "BE0203201340",
                ),
                (
                    "/Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID",
                    "0203201340",
                ),
            ],
        ),
        (
            "credit-note",
            credit_note(),
            vec![
                ("/CreditNote/cbc:CreditNoteTypeCode", "381"),
                (
                    "/CreditNote/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID",
                    "2025-0101",
                ),
                (
                    "/CreditNote/cac:LegalMonetaryTotal/cbc:LineExtensionAmount",
                    "1259.95",
                ),
                (
                    "/CreditNote/cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount",
                    "1517.35",
                ),
                (
                    "/CreditNote/cac:LegalMonetaryTotal/cbc:PayableAmount",
                    "1517.35",
                ),
                ("/CreditNote/cac:TaxTotal/cbc:TaxAmount", "257.40"),
                (
                    "/CreditNote/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxableAmount",
                    "1200.00",
                ),
                (
                    "/CreditNote/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount",
                    "252.00",
                ),
                (
                    "/CreditNote/cac:TaxTotal/cac:TaxSubtotal[2]/cbc:TaxableAmount",
                    "59.95",
                ),
                (
                    "/CreditNote/cac:TaxTotal/cac:TaxSubtotal[2]/cbc:TaxAmount",
                    "5.40",
                ),
                ("/CreditNote/cac:CreditNoteLine/cbc:CreditedQuantity", "1"),
                (
                    "/CreditNote/cac:CreditNoteLine/cbc:LineExtensionAmount",
                    "1250.00",
                ),
                (
                    "/CreditNote/cac:CreditNoteLine[2]/cbc:CreditedQuantity",
                    "-1",
                ),
                (
                    "/CreditNote/cac:CreditNoteLine[2]/cbc:LineExtensionAmount",
                    "-50.00",
                ),
                (
                    "/CreditNote/cac:CreditNoteLine[2]/cac:Price/cbc:PriceAmount",
                    "50.00",
                ),
                (
                    "/CreditNote/cac:AccountingCustomerParty/cac:Party/cbc:EndpointID",
                    "NL987654321B01",
                ),
                (
                    "/CreditNote/cac:AccountingCustomerParty/cac:Party/cbc:EndpointID/@schemeID",
                    "9944",
                ),
                (
                    "/CreditNote/cac:PaymentTerms/cbc:Note",
                    "Terugbetaling uiterlijk 2025-04-28 / Refund by 2025-04-28",
                ),
            ],
        ),
    ]
}

/// What differs between two documents' fields, one line each.
fn differences(
    expected: &BTreeMap<String, String>,
    actual: &BTreeMap<String, String>,
) -> Vec<String> {
    let mut keys: Vec<&String> = expected.keys().chain(actual.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|key| expected.get(*key) != actual.get(*key))
        .map(|key| {
            format!(
                "{key}: file has {:?}, render gives {:?}",
                expected.get(key),
                actual.get(key)
            )
        })
        .collect()
}

#[test]
fn the_hand_checked_examples_match_what_render_makes_field_by_field() {
    for (name, input, by_hand) in examples() {
        let rendered = render(&input).expect("the example renders");
        if std::env::var_os("PORTAAL_UPDATE_UBL_EXAMPLES").is_some() {
            std::fs::write(path(name), &rendered).unwrap();
        }
        let file = std::fs::read(path(name)).expect("the example file");
        let kept = fields(&file);
        for (key, value) in by_hand {
            assert_eq!(
                kept.get(key).map(String::as_str),
                Some(value),
                "{name}: {key}"
            );
        }
        let differences = differences(&kept, &fields(&rendered));
        assert!(
            differences.is_empty(),
            "{name}:\n{}",
            differences.join("\n")
        );
    }
}

#[test]
fn the_examples_pass_the_official_rules_and_a_wrong_total_does_not() {
    let Some(validator) = validator_or_skip() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<PathBuf> = examples().iter().map(|(name, _, _)| path(name)).collect();
    let broken = dir.path().join("broken.xml");
    let text = std::fs::read_to_string(path("standard-rate")).unwrap();
    let changed = text.replace(
        "<cbc:PayableAmount currencyID=\"EUR\">1741.67<",
        "<cbc:PayableAmount currencyID=\"EUR\">1741.68<",
    );
    assert_ne!(changed, text);
    std::fs::write(&broken, changed).unwrap();
    files.push(broken.clone());
    let results = validate(&validator, &files, 1);
    for (file, failures) in &results {
        if *file == broken.display().to_string() {
            assert!(
                failures
                    .iter()
                    .any(|f| f.flag == "fatal" && f.id == "BR-CO-16"),
                "the validator lets a wrong amount due pass: {failures:?}"
            );
        } else {
            assert!(failures.is_empty(), "{file}: {failures:?}");
        }
    }
}
