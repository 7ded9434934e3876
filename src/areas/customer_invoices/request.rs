//! The requests of the Customer Invoices API, as documented and as read: manual invoices
//! built from lines, uploaded PDF invoices, marking paid. Every problem is named at once,
//! by field path.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::kernel::input::{FieldErrors, Fields, TextKind, given};
use crate::kernel::lines::{ManualLine, ManualLineRequest, parse_lines};
use crate::kernel::money::Money;
use crate::kernel::time::{parse_date, parse_date_time};

/// Invoice numbers of 1 to 64 characters (DECISIONS.md).
pub const MAX_INVOICE_NUMBER: usize = 64;
const MAX_ID: usize = 64;
/// Issue dates outside these years are typing errors, not invoices.
const YEARS: std::ops::RangeInclusive<i16> = 1900..=2999;

// Read into `NewManualInvoice` by `TryFrom`.
/// The request of Create manual Customer Invoice (the seed).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateManualInvoiceRequest {
    /// ID of the customer this invoice is meant for.
    #[schema(value_type = String, required = true, example = "cst_abc12345def678")]
    customer_id: Option<Value>,
    /// Number of the invoice, as `string`; unique within the account.
    #[schema(value_type = String, required = true, example = "2015-001", max_length = 64)]
    invoice_number: Option<Value>,
    /// Date when the invoice is issued, in `YYYY-mm-dd` format.
    #[schema(value_type = String, required = true, example = "2025-04-14")]
    issued_at: Option<Value>,
    /// Whether to e-mail the customer about the new invoice.
    #[schema(value_type = Option<bool>, example = true)]
    send_notification: Option<Value>,
    /// Lines in this invoice: 1 to 1000.
    #[schema(value_type = Vec<ManualLineRequest>, required = true, min_items = 1, max_items = 1000)]
    lines: Option<Value>,
    /// Our addition, for a credit note (lines with a negative total): the number of the
    /// invoice it credits, which its e-invoice states.
    #[schema(value_type = Option<String>, example = "2015-001", max_length = 64)]
    credited_invoice_number: Option<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewManualInvoice {
    pub customer_id: String,
    pub invoice_number: String,
    pub issued_at: Date,
    pub lines: Vec<ManualLine>,
    pub send_notification: bool,
    pub credited_invoice_number: Option<String>,
}

impl TryFrom<CreateManualInvoiceRequest> for NewManualInvoice {
    type Error = FieldErrors;

    /// Reads the body of `POST /customer-invoices/manual`, naming every invalid field.
    fn try_from(req: CreateManualInvoiceRequest) -> Result<NewManualInvoice, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut f = Fields::new(&mut errors);
        let customer_id = f.required_text(
            "customerId",
            given(&req.customer_id),
            MAX_ID,
            TextKind::Line,
        );
        let invoice_number = f.required_text(
            "invoiceNumber",
            given(&req.invoice_number),
            MAX_INVOICE_NUMBER,
            TextKind::Line,
        );
        let issued_at = issue_date(&mut f, "issuedAt", given(&req.issued_at));
        let send_notification = f.optional_bool("sendNotification", given(&req.send_notification));
        let lines = parse_lines(&mut f, given(&req.lines));
        let credited = f.optional_text(
            CREDITED,
            given(&req.credited_invoice_number),
            MAX_INVOICE_NUMBER,
            TextKind::Line,
        );
        if let (Some(Some(credited)), Some(lines)) = (&credited, &lines) {
            credit_note_checks(&mut f, credited, invoice_number.as_deref(), lines);
        }
        match (
            customer_id,
            invoice_number,
            issued_at,
            lines,
            send_notification,
            credited,
        ) {
            (
                Some(customer_id),
                Some(invoice_number),
                Some(issued_at),
                Some(lines),
                Some(send),
                Some(credited_invoice_number),
            ) if errors.is_empty() => Ok(NewManualInvoice {
                customer_id,
                invoice_number,
                issued_at,
                lines,
                send_notification: send.unwrap_or(false),
                credited_invoice_number,
            }),
            _ => Err(errors),
        }
    }
}

const CREDITED: &str = "creditedInvoiceNumber";

/// A credited invoice belongs on a credit note, and is another invoice. The totals are
/// computed only for an invoice that names one, so the usual create pays nothing for it.
fn credit_note_checks(
    f: &mut Fields,
    credited: &str,
    invoice_number: Option<&str>,
    lines: &[ManualLine],
) {
    if crate::kernel::lines::totals(lines).total.cents() >= 0 {
        let message = format!(
            "The {} field is for a credit note: only an invoice whose lines total below zero credits another invoice.",
            f.path(CREDITED)
        );
        f.error(CREDITED, message);
    } else if invoice_number == Some(credited) {
        let message = format!(
            "The {} field must name another invoice than this credit note's own number.",
            f.path(CREDITED)
        );
        f.error(CREDITED, message);
    }
}

fn issue_date(f: &mut Fields, name: &str, value: Option<&Value>) -> Option<Date> {
    f.required_value(name, value, |v| {
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

// The text fields arrive as strings; the PDF is read apart (`upload.rs`).
/// The form of Create Customer Invoice.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct UploadInvoiceForm {
    #[schema(value_type = String, required = true, example = "cst_abc12345def678")]
    customer_id: Option<Value>,
    #[schema(value_type = String, required = true, example = "2014-001")]
    invoice_number: Option<Value>,
    #[schema(value_type = String, required = true, example = "2024-04-30")]
    issued_at: Option<Value>,
    /// Total including VAT, at most two decimals.
    #[schema(value_type = String, required = true, example = "12.95")]
    amount: Option<Value>,
    /// `YYYY-mm-dd HH:mm:ss`; leave out or empty for an open invoice.
    #[schema(value_type = Option<String>, example = "2024-05-11 12:59:00")]
    paid_at: Option<Value>,
    #[schema(value_type = Option<bool>)]
    send_notification: Option<Value>,
    /// The invoice as a PDF file, at most 10 MB.
    #[schema(value_type = String, format = Binary, required = true)]
    #[expect(
        dead_code,
        reason = "the PDF is read from the form apart from the text fields (upload.rs); this field documents it"
    )]
    pdf: Option<Value>,
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
    /// Reads the form fields of an uploaded invoice. `now` bounds `paidAt`.
    pub fn parse(
        form: UploadInvoiceForm,
        tz: &TimeZone,
        now: Timestamp,
    ) -> Result<NewUploadedInvoice, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut f = Fields::new(&mut errors);
        let customer_id = f.required_text(
            "customerId",
            given(&form.customer_id),
            MAX_ID,
            TextKind::Line,
        );
        let invoice_number = f.required_text(
            "invoiceNumber",
            given(&form.invoice_number),
            MAX_INVOICE_NUMBER,
            TextKind::Line,
        );
        let issued_at = issue_date(&mut f, "issuedAt", given(&form.issued_at));
        let amount = f.required_value("amount", given(&form.amount), |v| {
            Money::from_json(v).map_err(|e| e.to_string())
        });
        let send_notification = f.optional_bool("sendNotification", given(&form.send_notification));
        // The reference says to leave `paidAt` empty for an open invoice.
        let paid_at = match given(&form.paid_at).and_then(Value::as_str).map(str::trim) {
            None | Some("") => Some(None),
            Some(_) => paid_at_field(&mut f, given(&form.paid_at), tz, now).map(Some),
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

fn paid_at_field(
    f: &mut Fields,
    value: Option<&Value>,
    tz: &TimeZone,
    now: Timestamp,
) -> Option<Timestamp> {
    f.required_value("paidAt", value, |v| {
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

// The request of Mark Customer Invoice paid (no description in the document).
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct MarkPaidRequest {
    /// Payment moment, `YYYY-mm-dd HH:mm:ss` in the deployment's time zone (RFC 3339 with
    /// an offset is accepted too).
    #[schema(value_type = String, required = true, example = "2024-04-30 14:00:00")]
    paid_at: Option<Value>,
}

impl MarkPaidRequest {
    /// The payment moment `{"paidAt": "YYYY-MM-DD HH:MM:SS"}`; not in the future.
    pub fn parse(self, tz: &TimeZone, now: Timestamp) -> Result<Timestamp, FieldErrors> {
        let mut errors = FieldErrors::new();
        let paid_at = paid_at_field(&mut Fields::new(&mut errors), given(&self.paid_at), tz, now);
        paid_at.filter(|_| errors.is_empty()).ok_or(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::areas::customer_invoices::model::{due_date, pdf_file_name, ubl_file_name};
    use serde_json::json;

    fn parse(body: Value) -> Result<NewManualInvoice, FieldErrors> {
        NewManualInvoice::try_from(
            serde_json::from_value::<CreateManualInvoiceRequest>(body).unwrap(),
        )
    }

    fn parse_mark_paid(
        body: Value,
        tz: &TimeZone,
        now: Timestamp,
    ) -> Result<Timestamp, FieldErrors> {
        serde_json::from_value::<MarkPaidRequest>(body)
            .unwrap()
            .parse(tz, now)
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
        let t = crate::kernel::lines::totals(&invoice.lines);
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
    fn only_a_credit_note_names_the_invoice_it_credits() {
        let mut body = seed_example();
        body["lines"][0]["amountExclVat"] = json!("-12.95");
        body["creditedInvoiceNumber"] = json!(" 2014-007 ");
        let credit = parse(body.clone()).unwrap();
        assert_eq!(credit.credited_invoice_number.as_deref(), Some("2014-007"));
        body["creditedInvoiceNumber"] = json!("");
        assert_eq!(parse(body.clone()).unwrap().credited_invoice_number, None);
        for (bad, lines_total) in [
            (json!("2015-001"), "-12.95"),
            (json!("2014-007"), "12.95"),
            (json!("2014-007"), "0"),
            (json!(2014), "-12.95"),
            (json!("x".repeat(65)), "-12.95"),
        ] {
            body["creditedInvoiceNumber"] = bad.clone();
            body["lines"][0]["amountExclVat"] = json!(lines_total);
            let errors = parse(body.clone()).unwrap_err();
            assert_eq!(
                errors.keys().collect::<Vec<_>>(),
                ["creditedInvoiceNumber"],
                "{bad} {lines_total}"
            );
        }
    }

    #[test]
    fn pdf_file_names_keep_only_safe_characters() {
        assert_eq!(pdf_file_name("2025-001"), "factuur-2025-001.pdf");
        assert_eq!(pdf_file_name("a/b\"c\r\nd é"), "factuur-a_b_c__d__.pdf");
        assert_eq!(ubl_file_name("a/b\"c\r\nd é"), "factuur-a_b_c__d__.xml");
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
        let ok = parse_mark_paid(json!({"paidAt": "2025-04-30 14:00:00"}), &tz, now).unwrap();
        assert_eq!(ok.to_string(), "2025-04-30T12:00:00Z");
        for bad in [
            json!({}),
            json!({"paidAt": "2024-04-31 14:00:00"}),
            json!({"paidAt": "2030-01-01 00:00:00"}),
            json!({"paidAt": 5}),
        ] {
            assert!(parse_mark_paid(bad.clone(), &tz, now).is_err(), "{bad}");
        }
    }
}
