//! Validated customer-invoice input: manual invoices built from lines, uploaded PDF invoices,
//! and marking paid. Totals come from [`crate::domain::vat::compute_totals`] only.

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde_json::{Map, Value};

use super::input::{FieldErrors, Fields, TextKind, add_error};
use super::money::Money;
use super::time::{parse_date, parse_date_time};
use super::vat::{LineInput, Totals, VatRate, compute_totals};

/// DECISIONS.md: 1 to 1000 lines, descriptions of 1 to 1000 characters, invoice numbers of
/// 1 to 64 characters.
pub const MAX_LINES: usize = 1000;
pub const MAX_DESCRIPTION: usize = 1000;
pub const MAX_INVOICE_NUMBER: usize = 64;
const MAX_ID: usize = 64;
/// Issue dates outside these years are typing errors, not invoices.
const YEARS: std::ops::RangeInclusive<i16> = 1900..=2999;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualLine {
    pub description: String,
    pub amount_excl_vat: Money,
    pub vat_rate: VatRate,
}

/// The totals of a manual invoice: the one computation every view of it uses.
pub fn totals(lines: &[ManualLine]) -> Totals {
    let inputs: Vec<LineInput> = lines
        .iter()
        .map(|l| LineInput {
            amount_excl_vat: l.amount_excl_vat,
            rate: l.vat_rate,
        })
        .collect();
    compute_totals(&inputs)
}

/// The file name of an invoice's PDF, as downloads and e-mail attachments carry it:
/// `factuur-<number>.pdf`, with anything but ASCII letters, digits, `-` and `_` replaced,
/// so that no header or file system sees a quote, slash or control character.
pub fn pdf_file_name(invoice_number: &str) -> String {
    let safe: String = invoice_number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("factuur-{safe}.pdf")
}

/// `issuedAt` plus the account's payment term (DECISIONS.md).
pub fn due_date(issued_at: Date, payment_term_days: i64) -> Date {
    issued_at
        .checked_add(payment_term_days.days())
        .unwrap_or(issued_at)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewManualInvoice {
    pub customer_id: String,
    pub invoice_number: String,
    pub issued_at: Date,
    pub lines: Vec<ManualLine>,
    pub send_notification: bool,
}

impl NewManualInvoice {
    /// Reads the body of `POST /customer-invoices/manual`, naming every invalid field.
    pub fn parse(body: &Map<String, Value>) -> Result<NewManualInvoice, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut f = Fields::new(body, &mut errors);
        let customer_id = f.required_text("customerId", MAX_ID, TextKind::Line);
        let invoice_number = f.required_text("invoiceNumber", MAX_INVOICE_NUMBER, TextKind::Line);
        let issued_at = issue_date(&mut f, "issuedAt");
        let send_notification = f.optional_bool("sendNotification");
        let lines = parse_lines(&mut f);
        match (
            customer_id,
            invoice_number,
            issued_at,
            lines,
            send_notification,
        ) {
            (Some(customer_id), Some(invoice_number), Some(issued_at), Some(lines), Some(send))
                if errors.is_empty() =>
            {
                Ok(NewManualInvoice {
                    customer_id,
                    invoice_number,
                    issued_at,
                    lines,
                    send_notification: send.unwrap_or(false),
                })
            }
            _ => Err(errors),
        }
    }
}

fn parse_lines(f: &mut Fields) -> Option<Vec<ManualLine>> {
    let path = f.path("lines");
    let Some(value) = f.get("lines") else {
        f.error("lines", format!("The {path} field is required."));
        return None;
    };
    let Some(items) = value.as_array() else {
        f.error(
            "lines",
            format!("The {path} field must be an array of lines."),
        );
        return None;
    };
    if items.is_empty() {
        f.error(
            "lines",
            format!("The {path} field must have at least 1 line."),
        );
        return None;
    }
    if items.len() > MAX_LINES {
        f.error(
            "lines",
            format!(
                "The {path} field must not have more than {MAX_LINES} lines (it has {}).",
                items.len()
            ),
        );
        return None;
    }
    let errors = f.errors_mut();
    let mut lines = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("{path}.{i}");
        let Some(object) = item.as_object() else {
            add_error(
                errors,
                prefix.clone(),
                format!("The {prefix} field must be an object."),
            );
            continue;
        };
        let mut line = Fields::nested(object, prefix, errors);
        let description = line.required_text("description", MAX_DESCRIPTION, TextKind::Multiline);
        let amount = required_value(&mut line, "amountExclVat", |v| {
            Money::from_json(v).map_err(|e| e.to_string())
        });
        let rate = required_value(&mut line, "vatRate", |v| {
            VatRate::from_json(v).map_err(|e| e.to_string())
        });
        if let (Some(description), Some(amount_excl_vat), Some(vat_rate)) =
            (description, amount, rate)
        {
            lines.push(ManualLine {
                description,
                amount_excl_vat,
                vat_rate,
            });
        }
    }
    (lines.len() == items.len()).then_some(lines)
}

/// A required field read by `parse`, whose error sentence ("Must ...") gets the field's name.
fn required_value<T>(
    f: &mut Fields,
    name: &str,
    parse: impl Fn(&Value) -> Result<T, String>,
) -> Option<T> {
    let path = f.path(name);
    let Some(value) = f.get(name) else {
        f.error(name, format!("The {path} field is required."));
        return None;
    };
    match parse(value) {
        Ok(parsed) => Some(parsed),
        Err(message) => {
            f.error(name, field_sentence(&path, &message));
            None
        }
    }
}

/// "Must be ..." → "The amount field must be ...".
fn field_sentence(path: &str, message: &str) -> String {
    let mut chars = message.chars();
    let rest: String = match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    };
    format!("The {path} field {rest}")
}

fn issue_date(f: &mut Fields, name: &str) -> Option<Date> {
    required_value(f, name, |v| {
        let text = v
            .as_str()
            .ok_or_else(|| "Must be a date string in the format YYYY-MM-DD.".to_owned())?;
        let date = parse_date(text).map_err(str::to_owned)?;
        if !YEARS.contains(&date.year()) {
            return Err(format!(
                "Must be a date between the years {} and {}.",
                YEARS.start(),
                YEARS.end()
            ));
        }
        Ok(date)
    })
}

/// The text fields of `POST /customer-invoices` (multipart), before the PDF itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUploadedInvoice {
    pub customer_id: String,
    pub invoice_number: String,
    pub issued_at: Date,
    pub amount: Money,
    pub paid_at: Option<Timestamp>,
    pub send_notification: bool,
}

impl NewUploadedInvoice {
    /// Reads the form fields (as JSON strings) of an uploaded invoice. `now` bounds `paidAt`.
    pub fn parse(
        form: &Map<String, Value>,
        tz: &TimeZone,
        now: Timestamp,
    ) -> Result<NewUploadedInvoice, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut f = Fields::new(form, &mut errors);
        let customer_id = f.required_text("customerId", MAX_ID, TextKind::Line);
        let invoice_number = f.required_text("invoiceNumber", MAX_INVOICE_NUMBER, TextKind::Line);
        let issued_at = issue_date(&mut f, "issuedAt");
        let amount = required_value(&mut f, "amount", |v| {
            Money::from_json(v).map_err(|e| e.to_string())
        });
        let send_notification = f.optional_bool("sendNotification");
        // The reference says to leave `paidAt` empty for an open invoice.
        let paid_at = match f.get("paidAt").and_then(Value::as_str).map(str::trim) {
            None | Some("") => Some(None),
            Some(_) => paid_at_field(&mut f, tz, now).map(Some),
        };
        match (
            customer_id,
            invoice_number,
            issued_at,
            amount,
            send_notification,
            paid_at,
        ) {
            (
                Some(customer_id),
                Some(invoice_number),
                Some(issued_at),
                Some(amount),
                Some(send),
                Some(paid_at),
            ) if errors.is_empty() => Ok(NewUploadedInvoice {
                customer_id,
                invoice_number,
                issued_at,
                amount,
                paid_at,
                send_notification: send.unwrap_or(false),
            }),
            _ => Err(errors),
        }
    }
}

/// A payment moment may lie a day ahead (time zones, clock skew), not more.
const PAID_AT_SLACK: jiff::SignedDuration = jiff::SignedDuration::from_hours(24);

fn paid_at_field(f: &mut Fields, tz: &TimeZone, now: Timestamp) -> Option<Timestamp> {
    required_value(f, "paidAt", |v| {
        let text = v.as_str().ok_or_else(|| {
            "Must be a date and time string like \"2024-05-11 12:59:00\".".to_owned()
        })?;
        let at = parse_date_time(text.trim(), tz).map_err(str::to_owned)?;
        if at.duration_since(now) > PAID_AT_SLACK {
            return Err("Must not be in the future.".to_owned());
        }
        if at.to_zoned(tz.clone()).year() < *YEARS.start() {
            return Err(format!("Must not be before the year {}.", YEARS.start()));
        }
        Ok(at)
    })
}

/// The body of `PATCH /customer-invoices/{id}`: `{"paidAt": "YYYY-MM-DD HH:MM:SS"}`.
pub fn parse_mark_paid(
    body: &Map<String, Value>,
    tz: &TimeZone,
    now: Timestamp,
) -> Result<Timestamp, FieldErrors> {
    let mut errors = FieldErrors::new();
    let paid_at = paid_at_field(&mut Fields::new(body, &mut errors), tz, now);
    paid_at.filter(|_| errors.is_empty()).ok_or(errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: Value) -> Result<NewManualInvoice, FieldErrors> {
        NewManualInvoice::parse(body.as_object().unwrap())
    }

    fn seed_example() -> Value {
        json!({
            "customerId": "cst_abc12345def678",
            "invoiceNumber": "2015-001",
            "issuedAt": "2025-04-14",
            "sendNotification": true,
            "lines": [{"description": "Website template", "amountExclVat": "12.95", "vatRate": 21}]
        })
    }

    #[test]
    fn the_seed_example_parses_and_totals_to_15_67() {
        let invoice = parse(seed_example()).unwrap();
        assert_eq!(invoice.invoice_number, "2015-001");
        assert!(invoice.send_notification);
        let t = totals(&invoice.lines);
        assert_eq!(
            (
                t.subtotal.to_string(),
                t.vat.to_string(),
                t.total.to_string()
            ),
            ("12.95".into(), "2.72".into(), "15.67".into())
        );
    }

    #[test]
    fn errors_name_each_bad_line_field_by_path() {
        let mut body = seed_example();
        body["lines"] = json!([
            {"description": "ok", "amountExclVat": "1.00", "vatRate": 21},
            {"description": "", "amountExclVat": "12.955", "vatRate": 6},
            "not an object",
            {"amountExclVat": 12.95, "vatRate": "21"}
        ]);
        let errors = parse(body).unwrap_err();
        assert_eq!(
            errors.keys().map(String::as_str).collect::<Vec<_>>(),
            [
                "lines.1.amountExclVat",
                "lines.1.description",
                "lines.1.vatRate",
                "lines.2",
                "lines.3.description"
            ]
        );
        assert_eq!(
            errors["lines.1.vatRate"],
            ["The lines.1.vatRate field must be one of 0, 9 or 21."]
        );
    }

    #[test]
    fn line_counts_outside_1_to_1000_are_refused() {
        let line = json!({"description": "x", "amountExclVat": "1", "vatRate": 0});
        for count in [0, 1001] {
            let mut body = seed_example();
            body["lines"] = Value::Array(vec![line.clone(); count]);
            let errors = parse(body).unwrap_err();
            assert_eq!(errors.keys().collect::<Vec<_>>(), ["lines"], "{count}");
        }
        let mut body = seed_example();
        body["lines"] = Value::Array(vec![line; 1000]);
        assert_eq!(parse(body).unwrap().lines.len(), 1000);
    }

    #[test]
    fn impossible_or_far_away_issue_dates_are_refused() {
        for bad in [
            json!("2024-04-31"),
            json!("2025-13-01"),
            json!("14-04-2025"),
            json!(20250414),
            json!("0999-01-01"),
        ] {
            let mut body = seed_example();
            body["issuedAt"] = bad.clone();
            assert_eq!(
                parse(body).unwrap_err().keys().collect::<Vec<_>>(),
                ["issuedAt"],
                "{bad}"
            );
        }
    }

    #[test]
    fn pdf_file_names_keep_only_safe_characters() {
        assert_eq!(pdf_file_name("2025-001"), "factuur-2025-001.pdf");
        assert_eq!(pdf_file_name("a/b\"c\r\nd é"), "factuur-a_b_c__d__.pdf");
    }

    #[test]
    fn the_due_date_adds_the_payment_term() {
        let issued = parse_date("2024-04-29").unwrap();
        assert_eq!(due_date(issued, 14).to_string(), "2024-05-13");
        assert_eq!(due_date(issued, 0), issued);
    }

    #[test]
    fn marking_paid_takes_local_time_and_refuses_the_future() {
        let tz = TimeZone::get("Europe/Amsterdam").unwrap();
        let now: Timestamp = "2025-05-01T12:00:00Z".parse().unwrap();
        let ok = parse_mark_paid(
            json!({"paidAt": "2025-04-30 14:00:00"})
                .as_object()
                .unwrap(),
            &tz,
            now,
        )
        .unwrap();
        assert_eq!(ok.to_string(), "2025-04-30T12:00:00Z");
        for bad in [
            json!({}),
            json!({"paidAt": "2024-04-31 14:00:00"}),
            json!({"paidAt": "2030-01-01 00:00:00"}),
            json!({"paidAt": 5}),
        ] {
            assert!(
                parse_mark_paid(bad.as_object().unwrap(), &tz, now).is_err(),
                "{bad}"
            );
        }
    }
}
