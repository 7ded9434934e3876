//! The invoice PDF read back: with `lopdf` for its pages, text, metadata and link, and with
//! poppler's `pdftoppm` (when installed) to prove a real renderer draws it.

use jiff::civil::Date;
use lopdf::{Document, Object};
use portaal::kernel::format::{date, iban, money, vat_over};
use portaal::kernel::lines::ManualLine;
use portaal::kernel::money::Money;
use portaal::kernel::vat::{LineInput, Totals, VatRate, compute_totals};
use portaal::pdf::{Address, Customer, InvoiceDocument, Language, Seller, render_invoice};

const URL: &str = "https://portaal.example.nl/public-invoice/inv_01JRT6Q2/pay/k3J9x";

fn lines(count: usize) -> Vec<ManualLine> {
    (0..count)
        .map(|i| ManualLine {
            description: format!("Artikel {i:04}: onderhoud en beheer"),
            amount_excl_vat: Money::from_cents((i as i64 * 7_919) % 250_000 - 1_000),
            vat_rate: VatRate::ALL[i % 3],
        })
        .collect()
}

/// The totals as the API computes them, straight from the domain function.
fn totals(lines: &[ManualLine]) -> Totals {
    let inputs: Vec<LineInput> = lines
        .iter()
        .map(|l| LineInput {
            amount_excl_vat: l.amount_excl_vat,
            rate: l.vat_rate,
        })
        .collect();
    compute_totals(&inputs)
}

fn document<'a>(
    language: Language,
    lines: &'a [ManualLine],
    totals: &'a Totals,
) -> InvoiceDocument<'a> {
    InvoiceDocument {
        language,
        seller: Seller {
            legal_name: "Bakkerij Één & Zonen B.V.",
            address: Address {
                street: "Dorpsstraat 1",
                zip_code: "1234 AB",
                city: "Hoorn",
                country: "Nederland",
            },
            kvk_number: "87654321",
            vat_number: "NL123456789B01",
            iban: "NL91ABNA0417164300",
            bic: Some("ABNANL2A"),
            email: Some("factuur@example.nl"),
            phone: Some("+31 229 123 456"),
            logo: None,
        },
        customer: Customer {
            company_name: "Café De Gouden Leeuw",
            address: Address {
                street: "Grote Markt 12",
                zip_code: "9711 LV",
                city: "Groningen",
                country: "NL",
            },
        },
        invoice_number: "2025-0042",
        issue_date: Date::constant(2025, 4, 14),
        due_date: Date::constant(2025, 5, 14),
        payment_term_days: 30,
        lines,
        totals,
        payment_url: URL,
    }
}

fn parse(pdf: &[u8]) -> Document {
    assert!(pdf.starts_with(b"%PDF-"), "no PDF header");
    assert!(
        pdf.trim_ascii_end().ends_with(b"%%EOF"),
        "no end-of-file marker"
    );
    Document::load_mem(pdf).expect("lopdf reads the PDF")
}

fn page_text(pdf: &Document, page: u32) -> String {
    pdf.extract_text(&[page])
        .expect("the text can be extracted")
}

fn all_text(pdf: &Document) -> String {
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    pdf.extract_text(&pages).expect("the text can be extracted")
}

fn media_box(pdf: &Document, page: u32) -> Vec<f32> {
    let id = pdf.get_pages()[&page];
    let page = pdf.get_dictionary(id).unwrap();
    let values = page.get(b"MediaBox").unwrap().as_array().unwrap();
    values.iter().map(|v| v.as_float().unwrap()).collect()
}

fn assert_contains(text: &str, part: &str) {
    assert!(
        text.contains(part),
        "{part:?} is not in the PDF text:\n{text}"
    );
}

#[test]
fn a_one_line_invoice_is_one_a4_page_with_every_legal_particular() {
    let lines = lines(1);
    let totals = totals(&lines);
    let pdf = parse(&render_invoice(&document(Language::Dutch, &lines, &totals)));

    assert_eq!(pdf.get_pages().len(), 1);
    assert_eq!(media_box(&pdf, 1), [0.0, 0.0, 595.0, 842.0]);
    let text = page_text(&pdf, 1);
    for part in [
        "2025-0042",
        "Bakkerij Één & Zonen B.V.",
        "Dorpsstraat 1",
        "1234 AB Hoorn",
        "KvK 87654321",
        "Btw-id NL123456789B01",
        "NL91 ABNA 0417 1643 00",
        "ABNANL2A",
        "Café De Gouden Leeuw",
        "9711 LV Groningen",
        "14-04-2025",
        "14-05-2025",
        "30 dagen",
        "Artikel 0000: onderhoud en beheer",
        "Pagina 1/1",
        URL,
    ] {
        assert_contains(&text, part);
    }
    // 1 line of -10.00 at 0%: a credit note, whose total line says so.
    assert_contains(&text, "€ -10,00");
    assert_eq!(money(totals.total, Language::Dutch), "€ -10,00");
    assert_contains(&text, "Totaal te crediteren");
    assert!(!text.contains("Totaal te betalen"));
}

#[test]
fn the_totals_and_every_rate_of_the_breakdown_are_printed_as_the_domain_computes_them() {
    let lines = lines(12);
    let totals = totals(&lines);
    assert_eq!(totals.breakdown.len(), 3, "the sample has all three rates");
    for language in [Language::Dutch, Language::English] {
        let pdf = parse(&render_invoice(&document(language, &lines, &totals)));
        let text = all_text(&pdf);
        for rate in &totals.breakdown {
            assert_contains(&text, &vat_over(rate.rate, rate.taxable, language));
            assert_contains(&text, &money(rate.vat, language));
        }
        for amount in [totals.subtotal, totals.vat, totals.total] {
            assert_contains(&text, &money(amount, language));
        }
        assert_contains(&text, &date(Date::constant(2025, 5, 14), language));
        assert_contains(&text, &iban("NL91ABNA0417164300"));
    }
    let english = all_text(&parse(&render_invoice(&document(
        Language::English,
        &lines,
        &totals,
    ))));
    for part in [
        "INVOICE",
        "VAT no. NL123456789B01",
        "14 April 2025",
        "Total due",
        "Page 1/1",
    ] {
        assert_contains(&english, part);
    }
}

#[test]
fn a_thousand_lines_run_onto_numbered_pages_that_each_repeat_the_table_header() {
    let one = lines(1);
    let thousand = lines(1000);
    let totals = totals(&thousand);
    let pdf = parse(&render_invoice(&document(
        Language::Dutch,
        &thousand,
        &totals,
    )));

    let pages = pdf.get_pages().len();
    assert!(pages >= 20, "1000 lines on only {pages} pages");
    let single = parse(&render_invoice(&document(
        Language::Dutch,
        &one,
        &self::totals(&one),
    )));
    assert!(single.get_pages().len() < pages);

    let mut seen = 0;
    for page in 1..=pages as u32 {
        assert_eq!(media_box(&pdf, page), [0.0, 0.0, 595.0, 842.0]);
        let text = page_text(&pdf, page);
        assert_contains(&text, &format!("Pagina {page}/{pages}"));
        let rows = text.matches(": onderhoud en beheer").count();
        if rows > 0 {
            assert_contains(&text, "Omschrijving");
        }
        seen += rows;
    }
    // Every line is printed once: none lost at a page break, none repeated.
    assert_eq!(seen, 1000);
    let text = all_text(&pdf);
    for i in [0, 1, 499, 998, 999] {
        assert_contains(&text, &format!("Artikel {i:04}:"));
    }
    assert_contains(&text, &money(totals.total, Language::Dutch));
}

#[test]
fn a_description_longer_than_a_page_continues_on_the_next() {
    let mut lines = lines(2);
    lines[0].description = (0..400).map(|i| format!("r{i}\n")).collect();
    let totals = totals(&lines);
    let pdf = parse(&render_invoice(&document(Language::Dutch, &lines, &totals)));
    assert!(pdf.get_pages().len() >= 2);
    let text = all_text(&pdf);
    assert_contains(&text, "r0");
    assert_contains(&text, "r399");
    assert_contains(&text, "Artikel 0001");
}

#[test]
fn the_payment_link_is_clickable_and_the_document_is_titled_by_its_number() {
    let lines = lines(3);
    let totals = totals(&lines);
    let pdf = parse(&render_invoice(&document(Language::Dutch, &lines, &totals)));

    let page = pdf.get_pages()[&1];
    let annotations = pdf
        .get_page_annotations(page)
        .expect("the page has annotations");
    let uris: Vec<Vec<u8>> = annotations
        .iter()
        .filter_map(|a| {
            a.get(b"A")
                .ok()?
                .as_dict()
                .ok()?
                .get(b"URI")
                .ok()?
                .as_str()
                .ok()
        })
        .map(<[u8]>::to_vec)
        .collect();
    assert_eq!(uris, [URL.as_bytes().to_vec()]);

    let info = pdf
        .trailer
        .get(b"Info")
        .and_then(Object::as_reference)
        .unwrap();
    let info = pdf.get_dictionary(info).unwrap();
    assert_eq!(info.get(b"Title").unwrap().as_str().unwrap(), b"2025-0042");
    assert_eq!(info.get(b"Producer").unwrap().as_str().unwrap(), b"portaal");
}

#[test]
fn pdftoppm_draws_the_first_page_with_a_jpeg_logo() {
    let lines = lines(10);
    let totals = totals(&lines);
    let mut doc = document(Language::Dutch, &lines, &totals);
    // A JPEG logo is passed through for the reader to decode; make sure a real one can.
    doc.seller.logo = Some(include_bytes!("fixtures/logo.jpg"));
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("invoice.pdf");
    std::fs::write(&input, render_invoice(&doc)).unwrap();
    let output = dir.path().join("page");
    let run = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "50", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&input)
        .arg(&output)
        .output();
    let run = match run {
        Ok(run) => run,
        // CI sets PORTAAL_TEST_REQUIRE_PDFTOPPM, so that there a missing tool fails.
        Err(error) if std::env::var_os("PORTAAL_TEST_REQUIRE_PDFTOPPM").is_none() => {
            println!("skipped: pdftoppm (Debian poppler-utils) is not installed: {error}");
            return;
        }
        Err(error) => panic!("pdftoppm is required but cannot run: {error}"),
    };
    // poppler reports a damaged file on stderr and still draws what it can.
    let complaints = String::from_utf8_lossy(&run.stderr);
    assert!(
        run.status.success() && complaints.is_empty(),
        "pdftoppm: {complaints}"
    );
    let png = std::fs::read(dir.path().join("page.png")).unwrap();
    assert!(png.starts_with(b"\x89PNG"), "pdftoppm wrote no PNG");
    // An A4 page at 50 dpi is 413.2 × 584.7 pixels, which poppler rounds up.
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert_eq!((width, height), (414, 585));
}
