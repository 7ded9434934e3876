//! What [`render`] refuses and why, which document and identifiers it chooses, and that any
//! text comes out as well-formed XML. Validity under the official rules is proved by
//! `tests/einvoice/`, which runs the validator over thousands of generated invoices.

use jiff::civil::Date;
use quick_xml::Reader;
use quick_xml::events::Event;

use super::*;

fn seller() -> Seller {
    Seller {
        legal_name: Some("Voorbeeld B.V.".into()),
        street: Some("Dorpsstraat 1".into()),
        zip_code: Some("1234 AB".into()),
        city: Some("Hoorn".into()),
        country_code: "NL".into(),
        kvk_number: Some("87654321".into()),
        vat_number: Some("NL123456789B01".into()),
        iban: Some("NL91ABNA0417164300".into()),
        bic: None,
        email: None,
        phone: None,
    }
}

fn buyer() -> Buyer {
    Buyer {
        company_name: "Klant B.V.".into(),
        address: "Markt 2".into(),
        zip_code: "9711 LV".into(),
        city: "Groningen".into(),
        country_code: "NL".into(),
        email: "klant@example.nl".into(),
        vat_number: None,
        coc_number: Some("12345678".into()),
        peppol_id: None,
    }
}

fn line(description: &str, cents: i64, rate: VatRate) -> Line {
    Line {
        description: description.into(),
        amount_excl_vat: Money::from_cents(cents),
        vat_rate: rate,
    }
}

fn input(lines: Vec<Line>) -> UblInput {
    UblInput {
        seller: seller(),
        buyer: buyer(),
        invoice: Invoice {
            number: "2025-001".into(),
            issue_date: Date::constant(2025, 4, 14),
            due_date: Date::constant(2025, 4, 28),
            lines,
            payment_reference: "2025-001".into(),
            buyer_reference: None,
            credited_invoice: None,
            pdf: None,
        },
    }
}

fn one_line() -> UblInput {
    input(vec![line("Werk", 10_000, VatRate::Standard)])
}

/// The root element's name and the text of every element named `name`, in order; panics
/// on XML that is not well-formed.
fn texts(xml: &[u8], name: &str) -> (String, Vec<String>) {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().check_end_names = true;
    let (mut root, mut found, mut inside) = (String::new(), Vec::new(), false);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_event_into(&mut buf).expect("well-formed XML") {
            Event::Start(start) => {
                let element = String::from_utf8_lossy(start.name().as_ref()).into_owned();
                if root.is_empty() {
                    root = element.clone();
                }
                inside = element == name;
                if inside {
                    found.push(String::new());
                }
            }
            Event::Text(text) if inside => {
                found.last_mut().unwrap().push_str(&text.decode().unwrap());
            }
            Event::GeneralRef(reference) if inside => {
                let entity = format!("&{};", reference.decode().unwrap());
                let value = quick_xml::escape::unescape(&entity).unwrap().into_owned();
                found.last_mut().unwrap().push_str(&value);
            }
            Event::End(_) => inside = false,
            Event::Eof => break,
            _ => {}
        }
    }
    (root, found)
}

fn field_error(result: Result<Vec<u8>, UblError>) -> String {
    match result {
        Err(UblError::Invalid { field, .. }) => field,
        other => panic!("expected an invalid field, got {other:?}"),
    }
}

#[test]
fn a_seller_without_legal_details_gets_the_list_of_what_is_missing() {
    let mut ubl = one_line();
    ubl.seller = Seller {
        legal_name: Some("Voorbeeld B.V.".into()),
        city: Some(" \t ".into()),
        country_code: "NL".into(),
        ..Seller::default()
    };
    let missing = vec![
        "street",
        "zipCode",
        "city",
        "kvkNumber",
        "vatNumber",
        "iban",
    ];
    assert_eq!(render(&ubl), Err(UblError::IncompleteSeller { missing }));
    // That these are the account's `missingForInvoices` names, in its order, plus the IBAN
    // (the PDF can do without one; payment instructions cannot), is checked by the account
    // area's tests (`areas::account::seller`), which may see both.
    let message = render(&ubl).unwrap_err().to_string();
    assert!(
        message.ends_with("street, zipCode, city, kvkNumber, vatNumber, iban"),
        "{message}"
    );
}

#[test]
fn what_cannot_become_a_valid_e_invoice_is_refused_with_the_reason() {
    let mut ubl = one_line();
    ubl.seller.country_code = "BE".into();
    assert_eq!(
        render(&ubl),
        Err(UblError::SellerOutsideNetherlands("BE".into()))
    );

    assert_eq!(render(&input(vec![])), Err(UblError::NoLines));
    let mut uploaded = input(vec![]);
    uploaded.seller = Seller::default();
    assert_eq!(render(&uploaded), Err(UblError::NoLines));

    let mut ubl = one_line();
    ubl.buyer.coc_number = None;
    assert_eq!(render(&ubl), Err(UblError::NoBuyerAddress));
    // A foreign registration number has no scheme to route by, nor has a Swedish VAT number.
    ubl.buyer.country_code = "SE".into();
    ubl.buyer.coc_number = Some("5560360793".into());
    ubl.buyer.vat_number = Some("SE556036079301".into());
    assert_eq!(render(&ubl), Err(UblError::NoBuyerAddress));
}

#[test]
fn values_the_rules_would_reject_are_named_by_field() {
    type Change = Box<dyn Fn(&mut UblInput)>;
    let cases: Vec<(&str, Change)> = vec![
        (
            "customer.peppolId",
            Box::new(|u| u.buyer.peppol_id = Some("0208:0203201341".into())),
        ),
        (
            "customer.peppolId",
            Box::new(|u| u.buyer.peppol_id = Some("EM:a@b.nl".into())),
        ),
        (
            "customer.vatNumber",
            Box::new(|u| u.buyer.vat_number = Some("XX123".into())),
        ),
        (
            "customer.cocNumber",
            Box::new(|u| u.buyer.coc_number = Some("1234".into())),
        ),
        (
            "customer.countryCode",
            Box::new(|u| u.buyer.country_code = "UK".into()),
        ),
        (
            "customer.companyName",
            Box::new(|u| u.buyer.company_name = "\u{7}".into()),
        ),
        (
            "seller.kvkNumber",
            Box::new(|u| u.seller.kvk_number = Some("1234567".into())),
        ),
        (
            "seller.vatNumber",
            Box::new(|u| u.seller.vat_number = Some("123456789B01".into())),
        ),
        (
            "invoiceNumber",
            Box::new(|u| u.invoice.number = "\r\n".into()),
        ),
        (
            "paymentReference",
            Box::new(|u| u.invoice.payment_reference = String::new()),
        ),
        (
            "lines[0].description",
            Box::new(|u| u.invoice.lines[0].description = "\u{0}".into()),
        ),
        (
            "pdf",
            Box::new(|u| {
                u.invoice.pdf = Some(Pdf {
                    bytes: Vec::new(),
                    file_name: "a.pdf".into(),
                })
            }),
        ),
        (
            "pdf.fileName",
            Box::new(|u| {
                u.invoice.pdf = Some(Pdf {
                    bytes: b"%PDF".to_vec(),
                    file_name: " ".into(),
                })
            }),
        ),
    ];
    for (field, change) in cases {
        let mut ubl = one_line();
        change(&mut ubl);
        assert_eq!(field_error(render(&ubl)), field);
    }
}

#[test]
fn the_buyer_address_is_its_peppol_id_else_its_dutch_registration_else_its_vat_number() {
    let endpoint = |change: &dyn Fn(&mut Buyer)| {
        let mut ubl = one_line();
        change(&mut ubl.buyer);
        let xml = render(&ubl).unwrap();
        let (_, ids) = texts(&xml, "cbc:EndpointID");
        let scheme = String::from_utf8_lossy(&xml)
            .match_indices("<cbc:EndpointID schemeID=\"")
            .nth(1)
            .map(|(at, m)| {
                String::from_utf8_lossy(&xml[at + m.len()..at + m.len() + 4]).into_owned()
            })
            .unwrap();
        format!("{scheme}:{}", ids[1])
    };
    assert_eq!(endpoint(&|_| {}), "0106:12345678");
    assert_eq!(
        endpoint(&|b| b.coc_number = Some("00000001234567890000".into())),
        "0190:00000001234567890000"
    );
    assert_eq!(
        endpoint(&|b| b.peppol_id = Some(" 9944:NL987654321B01 ".into())),
        "9944:NL987654321B01"
    );
    assert_eq!(
        endpoint(&|b| {
            b.country_code = "be".into();
            b.coc_number = Some("0203201340".into());
            b.vat_number = Some("BE0203201340".into());
        }),
        "9925:BE0203201340"
    );
}

#[test]
fn a_negative_total_is_a_credit_note_crediting_a_positive_amount() {
    let mut ubl = input(vec![
        line("Creditering webdesign", -125_000, VatRate::Standard),
        line("Creditering korting", 5_000, VatRate::Standard),
        line("Retour boeken", -5_995, VatRate::Reduced),
    ]);
    ubl.invoice.credited_invoice = Some("2025-0042".into());
    let xml = render(&ubl).unwrap();
    let (root, _) = texts(&xml, "x");
    assert_eq!(root, "CreditNote");
    assert_eq!(texts(&xml, "cbc:CreditNoteTypeCode").1, ["381"]);
    assert_eq!(texts(&xml, "cbc:CreditedQuantity").1, ["1", "-1", "1"]);
    assert_eq!(
        texts(&xml, "cbc:LineExtensionAmount").1,
        ["1259.95", "1250.00", "-50.00", "59.95"]
    );
    assert_eq!(
        texts(&xml, "cbc:PriceAmount").1,
        ["1250.00", "50.00", "59.95"]
    );
    // 21 %: 1200.00 → 252.00; 9 %: 59.95 → 5.3955 → 5.40.
    assert_eq!(texts(&xml, "cbc:TaxAmount").1, ["257.40", "252.00", "5.40"]);
    assert_eq!(texts(&xml, "cbc:PayableAmount").1, ["1517.35"]);
    assert_eq!(texts(&xml, "cbc:ID").1[1], "2025-0042");
    assert!(texts(&xml, "cbc:PaymentMeansCode").1.is_empty());
    assert_eq!(
        texts(&xml, "cbc:Note").1,
        ["Terugbetaling uiterlijk 2025-04-28 / Refund by 2025-04-28"]
    );

    // Without the credited invoice's number, the credit note names its own.
    ubl.invoice.credited_invoice = None;
    let xml = render(&ubl).unwrap();
    assert_eq!(texts(&xml, "cbc:ID").1[..2], ["2025-001", "2025-001"]);
}

#[test]
fn a_discount_line_has_quantity_minus_one_at_a_positive_price() {
    let xml = render(&input(vec![
        line("Werk", 10_000, VatRate::Standard),
        line("Korting", -2_500, VatRate::Standard),
        line("Gratis", 0, VatRate::Zero),
    ]))
    .unwrap();
    assert_eq!(texts(&xml, "x").0, "Invoice");
    assert_eq!(texts(&xml, "cbc:InvoicedQuantity").1, ["1", "-1", "1"]);
    assert_eq!(
        texts(&xml, "cbc:PriceAmount").1,
        ["100.00", "25.00", "0.00"]
    );
    assert_eq!(texts(&xml, "cbc:PaymentMeansCode").1, ["58"]);
    // Rates in the breakdown as compute_totals orders them: 21, then 0 (Z, zero rated).
    assert_eq!(texts(&xml, "cbc:Percent").1, ["21", "0", "21", "21", "0"]);
}

#[test]
fn a_zero_total_is_an_invoice() {
    let xml = render(&input(vec![
        line("Werk", 10_000, VatRate::Zero),
        line("Korting", -10_000, VatRate::Zero),
    ]))
    .unwrap();
    assert_eq!(texts(&xml, "x").0, "Invoice");
    assert_eq!(texts(&xml, "cbc:PayableAmount").1, ["0.00"]);
}

#[test]
fn any_text_comes_out_well_formed_and_as_it_was_less_control_characters() {
    let hostile = "<script>&amp;\"'</script> ]]> \u{1}\u{8}\u{b}\u{c}\u{1f}\u{7f}\u{9f}\u{FFFE} Één 💶 \u{202e}";
    let mut ubl = input(vec![line(hostile, 100, VatRate::Reduced)]);
    ubl.buyer.company_name = hostile.into();
    ubl.invoice.number = "A&B<1>".into();
    ubl.invoice.pdf = Some(Pdf {
        bytes: vec![0, 159, 255, b'<'],
        file_name: "fact\"uur<&>.pdf".into(),
    });
    let xml = render(&ubl).unwrap();
    let expected = "<script>&amp;\"'</script> ]]>          Één 💶 \u{202e}";
    // The first name is the payee account's, the seller's.
    assert_eq!(texts(&xml, "cbc:Name").1[1..], [expected]);
    assert_eq!(texts(&xml, "cbc:RegistrationName").1[1], expected);
    assert_eq!(texts(&xml, "cbc:ID").1[0], "A&B<1>");
    assert_eq!(
        texts(&xml, "cbc:EmbeddedDocumentBinaryObject").1,
        ["AJ//PA=="]
    );
    let text = String::from_utf8(xml).unwrap();
    assert!(
        text.contains("filename=\"fact&quot;uur&lt;&amp;&gt;.pdf\""),
        "{text}"
    );
    assert!(!text.contains(|c: char| c.is_control() && c != '\n'));
}

#[test]
fn long_text_is_kept_whole() {
    let long = "Werkzaamheden ".repeat(72)[..1000].trim_end().to_owned();
    let xml = render(&input(vec![line(&long, 100, VatRate::Standard)])).unwrap();
    assert_eq!(texts(&xml, "cbc:Name").1[1..], [long]);
}
