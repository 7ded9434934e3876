//! How fast an e-invoice (UBL 2.1, Peppol BIS Billing 3.0) renders: a 10-line invoice many
//! times, without and with its PDF embedded (as rendered, and padded to 512 KiB, the size a
//! largest logo can bring it to), with the mean and 99th percentile per document and
//! documents per second. Writes both documents to `target/render_ubl/`, so that
//! `python3 ../shared/einvoice/validate.py target/render_ubl/*.xml` can check them.
//!
//! `cargo run --release --example render_ubl [renders]`

use std::time::{Duration, Instant};

use jiff::civil::Date;
use portaal::einvoice::{Buyer, Invoice, Line, Pdf, Seller, UblInput, render};
use portaal::kernel::lines::{ManualLine, totals};
use portaal::kernel::money::Money;
use portaal::kernel::vat::VatRate;
use portaal::pdf::{Address, Customer, InvoiceDocument, Language, render_invoice};

const DESCRIPTIONS: [&str; 5] = [
    "Onderhoud website, april",
    "Hosting en beheer van de webwinkel inclusief dagelijkse back-ups, monitoring en \
     beveiligingsupdates voor het tweede kwartaal",
    "Kantoorbenodigdheden",
    "Korting vaste klant",
    "Consult op locatie (2 uur)",
];

/// Ten lines over the three rates, one of them a discount.
fn lines() -> Vec<ManualLine> {
    (0..10)
        .map(|i| ManualLine {
            description: DESCRIPTIONS[i % DESCRIPTIONS.len()].to_owned(),
            amount_excl_vat: Money::from_cents(if i % 5 == 3 {
                -2_500
            } else {
                (i as i64 * 7_919) % 250_000 + 995
            }),
            vat_rate: VatRate::ALL[i % 3],
        })
        .collect()
}

fn input(lines: &[ManualLine], pdf: Option<Vec<u8>>) -> UblInput {
    UblInput {
        seller: Seller {
            legal_name: Some("Studio Noordwest B.V.".into()),
            street: Some("Prinsengracht 263".into()),
            zip_code: Some("1016 GV".into()),
            city: Some("Amsterdam".into()),
            country_code: "NL".into(),
            kvk_number: Some("12345678".into()),
            vat_number: Some("NL123456789B01".into()),
            iban: Some("NL91ABNA0417164300".into()),
            bic: Some("ABNANL2A".into()),
            email: Some("facturen@studionoordwest.nl".into()),
            phone: Some("+31 20 123 4567".into()),
        },
        buyer: Buyer {
            company_name: "Café De Gouden Leeuw".into(),
            address: "Grote Markt 12".into(),
            zip_code: "9711 LV".into(),
            city: "Groningen".into(),
            country_code: "NL".into(),
            email: "administratie@goudenleeuw.nl".into(),
            vat_number: Some("NL987654321B01".into()),
            coc_number: Some("87654321".into()),
            peppol_id: None,
        },
        invoice: Invoice {
            number: "2025-0042".into(),
            issue_date: Date::constant(2025, 4, 14),
            due_date: Date::constant(2025, 5, 14),
            lines: lines
                .iter()
                .map(|l| Line {
                    description: l.description.clone(),
                    amount_excl_vat: l.amount_excl_vat,
                    vat_rate: l.vat_rate,
                })
                .collect(),
            payment_reference: "2025-0042".into(),
            buyer_reference: None,
            credited_invoice: None,
            pdf: pdf.map(|bytes| Pdf {
                bytes,
                file_name: "factuur-2025-0042.pdf".into(),
            }),
        },
    }
}

/// The invoice's own PDF, as portaal renders it.
fn pdf(lines: &[ManualLine]) -> Vec<u8> {
    let totals = totals(lines);
    render_invoice(&InvoiceDocument {
        language: Language::Dutch,
        seller: portaal::pdf::Seller {
            legal_name: "Studio Noordwest B.V.",
            address: Address {
                street: "Prinsengracht 263",
                zip_code: "1016 GV",
                city: "Amsterdam",
                country: "Nederland",
            },
            kvk_number: "12345678",
            vat_number: "NL123456789B01",
            iban: "NL91ABNA0417164300",
            bic: Some("ABNANL2A"),
            email: Some("facturen@studionoordwest.nl"),
            phone: Some("+31 20 123 4567"),
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
        totals: &totals,
        payment_url: "https://portaal.example.nl/public-invoice/inv_01JRT6Q2/pay/k3J9x",
    })
}

fn measure(name: &str, input: &UblInput, renders: usize) {
    for _ in 0..renders.div_ceil(10) {
        render(input).expect("the sample renders");
    }
    let mut times: Vec<Duration> = Vec::with_capacity(renders);
    let mut bytes = 0;
    let all = Instant::now();
    for _ in 0..renders {
        let start = Instant::now();
        let xml = render(input).expect("the sample renders");
        times.push(start.elapsed());
        bytes = xml.len();
    }
    let per_second = renders as f64 / all.elapsed().as_secs_f64();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().map(|&d| ms(d)).sum::<f64>() / renders as f64;
    let p99 = ms(times[(renders * 99).div_ceil(100) - 1]);
    println!(
        "{name}: {renders} documents, {per_second:.0}/s, mean {mean:.4} ms, p99 {p99:.4} ms, {bytes} bytes"
    );
}

fn main() {
    let renders: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    let lines = lines();
    let pdf = pdf(&lines);
    let dir = std::path::Path::new("target/render_ubl");
    std::fs::create_dir_all(dir).expect("an output folder");
    let plain = input(&lines, None);
    let embedded = input(&lines, Some(pdf.clone()));
    for (name, input) in [("10-lines.xml", &plain), ("10-lines-pdf.xml", &embedded)] {
        let path = dir.join(name);
        std::fs::write(&path, render(input).expect("the sample renders"))
            .expect("the sample is written");
        println!("wrote {}", path.display());
    }
    measure("10 lines, no PDF", &plain, renders);
    measure(
        &format!("10 lines, {} byte PDF embedded", pdf.len()),
        &embedded,
        renders,
    );
    // A seller's logo may be up to 512 KiB, and it ends up in every PDF: the same PDF
    // padded (with a PDF comment after its end) to that size.
    let mut large = pdf;
    large.extend_from_slice(b"\n%");
    large.resize(512 * 1024, b'x');
    measure(
        "10 lines, 512 KiB PDF embedded",
        &input(&lines, Some(large)),
        renders.div_ceil(10),
    );
}
