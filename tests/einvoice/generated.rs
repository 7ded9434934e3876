//! Thousands of generated invoices (1 to 50 lines, every mix of rates, discount lines,
//! negative totals, long, non-ASCII and hostile text, buyers across Europe addressed in
//! every way `render` chooses) rendered, checked in process, written to a temporary folder
//! and validated by the official rules in a few batched calls of `validate.py`: not one
//! fatal failure is allowed.
//!
//! `PORTAAL_UBL_CASES` sets the number of invoices (default 2000).

use std::cell::RefCell;
use std::path::PathBuf;

use jiff::ToSpan;
use jiff::civil::Date;
use portaal::einvoice::{Buyer, Invoice, Line, Pdf, Seller, UblInput, render};
use portaal::kernel::money::Money;
use portaal::kernel::vat::{LineInput, VatRate, compute_totals};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestRunner};

use crate::support::{fields, validate, validator_or_skip};

/// Text of every kind a user may type or paste: words, accents and other scripts, XML's
/// special characters, control characters, and long runs.
fn text(max: usize) -> impl Strategy<Value = String> {
    let body = prop_oneof![
        4 => "[A-Za-z0-9 .,:;()/-]{0,40}",
        2 => "[a-zé€ÅøßçÉÈüñ 日本語中文Ελληνικάالعربية💶🍞]{0,40}",
        2 => "[<>&\"'\\]\\[ a-z]{0,20}",
        1 => "[a-z\u{0}-\u{1f}\u{7f}-\u{9f}\u{fffe}\u{ffff}\u{202e}\u{200b} ]{0,20}",
        1 => "\\PC{0,60}",
        1 => proptest::string::string_regex(&format!("[A-Za-zÀ-ÿ ]{{{},{}}}", max / 2, max)).unwrap(),
    ];
    // A leading letter keeps the text from being empty once made safe, as the API's own
    // checks (1 or more characters after trimming) do.
    ("[A-Za-zÀ-ÿ0-9]", body).prop_map(move |(first, rest)| {
        format!("{first}{rest}")
            .chars()
            .take(max)
            .collect::<String>()
    })
}

fn rate() -> impl Strategy<Value = VatRate> {
    prop_oneof![
        Just(VatRate::Zero),
        Just(VatRate::Reduced),
        Just(VatRate::Standard)
    ]
}

/// Line amounts: mostly ordinary, some tiny (rounding at half a cent), some at the limit of
/// what the API accepts, about a quarter negative.
fn amount() -> impl Strategy<Value = Money> {
    let magnitude = prop_oneof![
        6 => 0i64..500_000,
        2 => 0i64..200,
        1 => 0i64..=Money::MAX_ABS_CENTS,
    ];
    (magnitude, prop::bool::weighted(0.25))
        .prop_map(|(cents, negative)| Money::from_cents(if negative { -cents } else { cents }))
}

fn lines() -> impl Strategy<Value = Vec<Line>> {
    let line =
        (text(1000), amount(), rate()).prop_map(|(description, amount_excl_vat, vat_rate)| Line {
            description,
            amount_excl_vat,
            vat_rate,
        });
    // A third of the invoices have every sign turned: mostly credit notes.
    (
        prop::collection::vec(line, 1..=50),
        prop::bool::weighted(0.33),
    )
        .prop_map(|(mut lines, credit)| {
            if credit {
                for line in &mut lines {
                    line.amount_excl_vat = Money::from_cents(-line.amount_excl_vat.cents());
                }
            }
            lines
        })
}

/// An identifier in `scheme` whose check digits the Peppol rules accept, made from `seed`.
fn peppol_id(scheme: &str, seed: u64) -> String {
    let digits = |n: usize| format!("{:0n$}", seed % 10u64.pow(n as u32));
    let with = |body: String, check: u64| format!("{scheme}:{body}{check}");
    match scheme {
        "0088" => {
            let body = format!("87{}", digits(10));
            let sum: u64 = body
                .bytes()
                .rev()
                .enumerate()
                .map(|(i, b)| u64::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
                .sum();
            with(body, (10 - sum % 10) % 10)
        }
        "0208" => {
            let body = format!("0{}", digits(7));
            let check = 97 - body.parse::<u64>().unwrap() % 97;
            format!("{scheme}:{body}{check:02}")
        }
        "0007" => {
            let body = format!("5{}", digits(8));
            let sum: u64 = body
                .bytes()
                .rev()
                .enumerate()
                .map(|(i, b)| {
                    let d = u64::from(b - b'0');
                    if i % 2 == 0 {
                        (d * 2) % 10 + d * 2 / 10
                    } else {
                        d
                    }
                })
                .sum();
            with(body, (10 - sum % 10) % 10)
        }
        "0184" => format!("{scheme}:DK{}", digits(8)),
        "0106" => format!("{scheme}:{}", digits(8)),
        "9944" => format!("{scheme}:NL{}B01", digits(9)),
        "0060" => format!("{scheme}:{}", digits(9)),
        _ => format!("{scheme}:{}", digits(10)),
    }
}

/// Buyers from the Netherlands, Belgium, Germany, France, Sweden, Denmark and the US,
/// addressed by a Peppol ID, a Dutch KvK or OIN number, or a VAT number.
fn buyer() -> impl Strategy<Value = Buyer> {
    (
        0usize..10,
        any::<u64>(),
        text(255),
        text(255),
        "[0-9]{4} ?[A-Z]{2}",
        text(255),
        prop::option::of("[a-z]{1,10}@[a-z]{1,10}\\.(nl|be|com)"),
    )
        .prop_map(
            |(kind, seed, company_name, address, zip_code, city, email)| {
                let nine = format!("{:09}", seed % 1_000_000_000);
                let (country, vat, coc, peppol) = match kind {
                    0 => (
                        "NL",
                        Some(format!("NL{nine}B01")),
                        Some(format!("{:08}", seed % 100_000_000)),
                        None,
                    ),
                    1 => ("NL", None, Some(format!("{:020}", seed)), None),
                    2 => ("NL", Some(format!("NL{nine}B02")), None, None),
                    3 => ("NL", None, None, Some(peppol_id("9944", seed))),
                    4 => (
                        "BE",
                        Some(format!("BE0{nine}")),
                        Some(format!("0{nine}")),
                        Some(peppol_id("0208", seed)),
                    ),
                    5 => (
                        "DE",
                        Some(format!("DE{nine}")),
                        Some("HRB 12345".to_owned()),
                        None,
                    ),
                    6 => ("FR", Some(format!("FR12{nine}")), None, None),
                    7 => (
                        "SE",
                        Some(format!("SE{nine}01")),
                        None,
                        Some(peppol_id("0007", seed)),
                    ),
                    8 => (
                        "DK",
                        None,
                        None,
                        Some(peppol_id(["0184", "0088"][(seed % 2) as usize], seed)),
                    ),
                    _ => ("US", None, None, Some(peppol_id("0060", seed))),
                };
                Buyer {
                    company_name,
                    address,
                    zip_code,
                    city,
                    country_code: country.to_owned(),
                    email: email.unwrap_or_default(),
                    vat_number: vat,
                    coc_number: coc,
                    peppol_id: peppol,
                }
            },
        )
}

fn seller() -> impl Strategy<Value = Seller> {
    (
        text(255),
        text(255),
        text(255),
        prop_oneof![
            Just("NL91ABNA0417164300"),
            Just("DE89370400440532013000"),
            Just("CH9300762011623852957"),
            Just("BR1800360305000010009795493C1"),
        ],
        prop::option::of(Just("ABNANL2A".to_owned())),
        prop::option::of("[a-z]{1,10}@[a-z]{1,10}\\.nl"),
        prop::option::of("\\+31 [0-9]{2} [0-9]{3} [0-9]{4}"),
    )
        .prop_map(
            |(legal_name, street, city, iban, bic, email, phone)| Seller {
                legal_name: Some(legal_name),
                street: Some(street),
                zip_code: Some("1621 AB".to_owned()),
                city: Some(city),
                country_code: "NL".to_owned(),
                kvk_number: Some("87654321".to_owned()),
                vat_number: Some("NL123456789B01".to_owned()),
                iban: Some(iban.to_owned()),
                bic,
                email,
                phone,
            },
        )
}

fn input() -> impl Strategy<Value = UblInput> {
    (
        seller(),
        buyer(),
        lines(),
        text(64),
        (0i64..36_500, 0i64..120),
        prop::option::of(text(64)),
        prop::option::of(text(64)),
        prop::option::of(prop::collection::vec(any::<u8>(), 1..2000)),
    )
        .prop_map(
            |(seller, buyer, lines, number, (day, term), buyer_reference, credited, pdf)| {
                let issue_date = Date::constant(2000, 1, 1).checked_add(day.days()).unwrap();
                UblInput {
                    seller,
                    buyer,
                    invoice: Invoice {
                        payment_reference: number.clone(),
                        pdf: pdf.map(|bytes| Pdf {
                            bytes,
                            file_name: format!("factuur-{}.pdf", number.len()),
                        }),
                        number,
                        issue_date,
                        due_date: issue_date.checked_add(term.days()).unwrap(),
                        lines,
                        buyer_reference,
                        credited_invoice: credited,
                    },
                }
            },
        )
}

/// What can be checked without the validator: the document is well-formed, of the type
/// the total's sign asks for, and states the totals of `compute_totals`.
fn check_in_process(input: &UblInput, xml: &[u8]) -> Result<(), TestCaseError> {
    let totals = compute_totals(
        &input
            .invoice
            .lines
            .iter()
            .map(|l| LineInput {
                amount_excl_vat: l.amount_excl_vat,
                rate: l.vat_rate,
            })
            .collect::<Vec<_>>(),
    );
    let fields = fields(xml);
    let credit = totals.total.cents() < 0;
    let root = if credit { "CreditNote" } else { "Invoice" };
    let sign =
        |m: Money| Money::from_cents(if credit { -m.cents() } else { m.cents() }).to_string();
    let total = |name: &str| {
        fields
            .get(&format!("/{root}/cac:LegalMonetaryTotal/cbc:{name}"))
            .cloned()
    };
    prop_assert_eq!(total("PayableAmount"), Some(sign(totals.total)));
    prop_assert_eq!(total("LineExtensionAmount"), Some(sign(totals.subtotal)));
    prop_assert_eq!(
        fields
            .get(&format!("/{root}/cac:TaxTotal/cbc:TaxAmount"))
            .cloned(),
        Some(sign(totals.vat))
    );
    for (i, rate) in totals.breakdown.iter().enumerate() {
        let step = if i == 0 {
            String::new()
        } else {
            format!("[{}]", i + 1)
        };
        let at = format!("/{root}/cac:TaxTotal/cac:TaxSubtotal{step}");
        prop_assert_eq!(
            fields.get(&format!("{at}/cbc:TaxableAmount")).cloned(),
            Some(sign(rate.taxable))
        );
        prop_assert_eq!(
            fields.get(&format!("{at}/cbc:TaxAmount")).cloned(),
            Some(sign(rate.vat))
        );
    }
    let line = if credit {
        "CreditNoteLine"
    } else {
        "InvoiceLine"
    };
    prop_assert_eq!(
        fields
            .keys()
            .filter(|k| k.ends_with("/cbc:LineExtensionAmount") && k.contains(line))
            .count(),
        input.invoice.lines.len()
    );
    Ok(())
}

#[test]
fn thousands_of_generated_invoices_pass_the_official_rules() {
    // Without the validator, the in-process checks still run over every invoice.
    let validator = validator_or_skip();
    let cases: u32 = std::env::var("PORTAAL_UBL_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let dir = tempfile::tempdir().unwrap();
    let written: RefCell<Vec<(PathBuf, String)>> = RefCell::new(Vec::new());
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        // ChaCha, the default, is most of the time in a debug build.
        rng_algorithm: RngAlgorithm::XorShift,
        ..Config::default()
    });
    runner
        .run(&input(), |input| {
            let xml = render(&input).map_err(|e| TestCaseError::fail(format!("{e}: {input:?}")))?;
            check_in_process(&input, &xml)?;
            let mut written = written.borrow_mut();
            let path = dir.path().join(format!("{:05}.xml", written.len()));
            std::fs::write(&path, &xml).unwrap();
            written.push((path, format!("{input:?}")));
            Ok(())
        })
        .unwrap();
    let written = written.into_inner();
    let files: Vec<PathBuf> = written.iter().map(|(path, _)| path.clone()).collect();
    let credit_notes = files
        .iter()
        .filter(|p| std::fs::read_to_string(p).unwrap().contains("<CreditNote "))
        .count();
    assert!(files.len() >= cases as usize && credit_notes > 0 && credit_notes < files.len());
    let Some(validator) = validator else {
        return;
    };
    // Two processes, one per core of the machine the suite is sized for.
    let results = validate(&validator, &files, 2);
    let mut bad = Vec::new();
    for (path, input) in &written {
        let failures = &results[&path.display().to_string()];
        let fatal: Vec<String> = failures
            .iter()
            .filter(|f| f.flag == "fatal")
            .map(|f| format!("{}: {}", f.id, f.text))
            .collect();
        if !fatal.is_empty() {
            bad.push(format!(
                "{}\n  {}\n  input: {input}",
                path.display(),
                fatal.join("\n  ")
            ));
        }
    }
    if !bad.is_empty() {
        let kept = dir.keep();
        panic!(
            "{} of {} invoices break the rules (files kept in {}):\n{}",
            bad.len(),
            files.len(),
            kept.display(),
            bad.iter().take(5).cloned().collect::<Vec<_>>().join("\n")
        );
    }
    println!(
        "{} invoices ({credit_notes} credit notes) pass the official rules",
        files.len()
    );
}
