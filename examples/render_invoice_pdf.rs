//! How fast the invoice PDF renders: a 10-line and a 1000-line invoice, many times each,
//! with the mean and 99th percentile per render; then the largest invoice the API accepts.
//! Writes the first two to `target/render_invoice_pdf/` to look at.
//!
//! `cargo run --release --example render_invoice_pdf [renders of the small invoice]`

use std::time::{Duration, Instant};

use jiff::civil::Date;
use portaal::kernel::lines::{ManualLine, totals};
use portaal::kernel::money::Money;
use portaal::kernel::vat::{Totals, VatRate};
use portaal::pdf::{Address, Customer, InvoiceDocument, Language, Seller, render_invoice};

const DESCRIPTIONS: [&str; 5] = [
    "Onderhoud website, april",
    "Hosting en beheer van de webwinkel inclusief dagelijkse back-ups, monitoring en \
     beveiligingsupdates voor het tweede kwartaal",
    "Kantoorbenodigdheden",
    "Korting vaste klant",
    "Consult op locatie (2 uur)",
];

fn lines(count: usize) -> Vec<ManualLine> {
    (0..count)
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

fn document<'a>(
    lines: &'a [ManualLine],
    totals: &'a Totals,
    logo: &'a [u8],
) -> InvoiceDocument<'a> {
    InvoiceDocument {
        language: Language::Dutch,
        seller: Seller {
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
            logo: Some(logo),
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
        payment_url: "https://portaal.example.nl/public-invoice/inv_01JRT6Q2/pay/k3J9x",
    }
}

/// A 240 × 80 PNG logo with transparency, made here so the example needs no files.
fn logo() -> Vec<u8> {
    let (width, height) = (240, 80);
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgba);
    let mut writer = encoder.write_header().expect("PNG header");
    let mut data = Vec::with_capacity((width * height * 4) as usize);
    for y in 0..height {
        for x in 0..width {
            let mark = x < 80 && (x as i32 - 40).pow(2) + (y as i32 - 40).pow(2) < 1300;
            data.extend_from_slice(if mark {
                &[28, 77, 135, 255]
            } else {
                &[0, 0, 0, 0]
            });
        }
    }
    writer.write_image_data(&data).expect("PNG data");
    writer.finish().expect("PNG end");
    out
}

fn measure(name: &str, doc: &InvoiceDocument, renders: usize) {
    let mut times: Vec<Duration> = Vec::with_capacity(renders);
    let mut bytes = 0;
    for _ in 0..renders {
        let start = Instant::now();
        let pdf = render_invoice(doc);
        times.push(start.elapsed());
        bytes = pdf.len();
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let mean = times.iter().map(|&d| ms(d)).sum::<f64>() / renders as f64;
    let p99 = ms(times[(renders * 99).div_ceil(100) - 1]);
    println!("{name}: {renders} renders, mean {mean:.3} ms, p99 {p99:.3} ms, {bytes} bytes");
}

fn main() {
    let renders: usize = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(1000);
    let logo = logo();
    let dir = std::path::Path::new("target/render_invoice_pdf");
    std::fs::create_dir_all(dir).expect("an output folder");
    for count in [10, 1000] {
        let lines = lines(count);
        let totals = totals(&lines);
        let doc = document(&lines, &totals, &logo);
        let path = dir.join(format!("{count}-lines.pdf"));
        std::fs::write(&path, render_invoice(&doc)).expect("the sample PDF is written");
        println!("wrote {}", path.display());
        // Warm up, then measure.
        for _ in 0..10 {
            render_invoice(&doc);
        }
        let renders = if count == 10 {
            renders
        } else {
            renders.div_ceil(10)
        };
        measure(&format!("{count:>4} lines"), &doc, renders);
    }
    // The largest invoice the API accepts: 1000 lines of 1000 characters each.
    let mut largest = lines(1000);
    for line in &mut largest {
        line.description = "Werkzaamheden ".repeat(72)[..1000].to_owned();
    }
    let totals = totals(&largest);
    let doc = document(&largest, &totals, &logo);
    measure("1000 lines of 1000 characters", &doc, renders.div_ceil(100));
}
