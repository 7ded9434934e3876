//! Create Customer Invoice from an uploaded PDF (`multipart/form-data`).

use axum::Json;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{FromRequest, State};
use axum::http::StatusCode;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Map, Value};

use super::body::CustomerInvoiceBody;
use super::http::{new_invoice, store_new_invoice};
use super::request::{NewUploadedInvoice, UploadInvoiceForm};
use crate::kernel::input::{FieldErrors, add_error};
use crate::kernel::scopes::Scope;
use crate::web::AppState;
use crate::web::auth::Principal;
use crate::web::error::{ApiError, ApiResult, ErrorBody};

/// The largest PDF accepted.
pub const MAX_PDF_BYTES: usize = 10 * 1024 * 1024;
/// The whole form: the PDF plus room for the text fields and multipart framing.
pub const BODY_LIMIT: usize = crate::web::UPLOAD_BODY_LIMIT;
const MAX_TEXT_FIELD: usize = 4096;

/// Create Customer Invoice: registers an invoice made elsewhere, with its PDF.
#[utoipa::path(post, path = "/customer-invoices", tag = "Customer Invoices API",
    operation_id = "create-customer-invoice",
    request_body(content = inline(UploadInvoiceForm), content_type = "multipart/form-data"),
    responses((status = 201, body = CustomerInvoiceBody), (status = 413, body = ErrorBody),
              (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 426, body = ErrorBody)))]
pub async fn create_customer_invoice(
    State(state): State<AppState>,
    principal: Principal,
    multipart: Result<Multipart, MultipartRejection>,
) -> ApiResult<(StatusCode, Json<CustomerInvoiceBody>)> {
    principal.require(Scope::InvoicesWrite)?;
    let multipart = multipart.map_err(|_| {
        ApiError::UnsupportedMediaType(
            "Send this request as multipart/form-data with the fields customerId, invoiceNumber, issuedAt, amount and pdf."
                .to_owned(),
        )
    })?;
    let (input, pdf) = parse_upload(multipart, &state.ctx.time_zone, state.now()).await?;

    let mut invoice = new_invoice(input.customer_id, input.invoice_number, input.issued_at);
    invoice.amount = input.amount;
    invoice.paid_at = input.paid_at;
    invoice.send_notification = input.send_notification;
    let created = store_new_invoice(&state, &principal, invoice, Some(pdf)).await?;
    Ok((
        StatusCode::CREATED,
        Json(CustomerInvoiceBody::new(&state.ctx, created)),
    ))
}

/// Reads and validates the whole form: the invoice fields and the PDF, naming every invalid
/// field at once. Everything the upload handler does before it touches the store, so that
/// tests and the fuzz target can drive it with nothing but bytes (see [`multipart_from`]).
pub async fn parse_upload(
    multipart: Multipart,
    time_zone: &TimeZone,
    now: Timestamp,
) -> ApiResult<(NewUploadedInvoice, Vec<u8>)> {
    let (form, pdf) = read_form(multipart).await?;
    // The text fields read into the documented form type, as a JSON body would be.
    let form: UploadInvoiceForm = serde_json::from_value(Value::Object(form))
        .map_err(|e| ApiError::BadRequest(format!("The form could not be read: {e}.")))?;
    let (input, mut errors) = match NewUploadedInvoice::parse(form, time_zone, now) {
        Ok(input) => (Some(input), FieldErrors::new()),
        Err(errors) => (None, errors),
    };
    match &pdf {
        None => add_error(
            &mut errors,
            "pdf".into(),
            "The pdf field is required: attach the invoice as a PDF file.",
        ),
        Some(bytes) if !looks_like_pdf(bytes) => add_error(
            &mut errors,
            "pdf".into(),
            "The pdf field must be a PDF file (it should start with %PDF- and end with %%EOF).",
        ),
        Some(_) => {}
    }
    match (input, pdf, errors.is_empty()) {
        (Some(input), Some(pdf), true) => Ok((input, pdf)),
        _ => Err(ApiError::validation(errors)),
    }
}

/// The `Multipart` extractor over a body held in memory, as the handler would receive it with
/// this `Content-Type`; `None` where the extractor refuses the request (the handler's 415).
pub async fn multipart_from(content_type: &str, body: Vec<u8>) -> Option<Multipart> {
    let request = axum::http::Request::builder()
        .method("POST")
        .header(axum::http::header::CONTENT_TYPE, content_type)
        .body(axum::body::Body::from(body))
        .ok()?;
    Multipart::from_request(request, &()).await.ok()
}

/// Reads the text fields into a JSON object (so the shared validation applies) and the PDF.
async fn read_form(mut multipart: Multipart) -> ApiResult<(Map<String, Value>, Option<Vec<u8>>)> {
    let mut form = Map::new();
    let mut pdf = None;
    while let Some(mut field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "pdf" {
            if pdf.is_some() {
                return Err(ApiError::BadRequest(
                    "The form has more than one pdf field.".to_owned(),
                ));
            }
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
                if bytes.len() + chunk.len() > MAX_PDF_BYTES {
                    return Err(ApiError::PayloadTooLarge(
                        "The PDF is larger than 10 MB.".to_owned(),
                    ));
                }
                bytes.extend_from_slice(&chunk);
            }
            pdf = Some(bytes);
            continue;
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
            if bytes.len() + chunk.len() > MAX_TEXT_FIELD {
                return Err(ApiError::field(
                    &name,
                    format!("The {name} field is too long."),
                ));
            }
            bytes.extend_from_slice(&chunk);
        }
        let text = String::from_utf8(bytes)
            .map_err(|_| ApiError::field(&name, format!("The {name} field must be UTF-8 text.")))?;
        if form.insert(name.clone(), Value::String(text)).is_some() {
            return Err(ApiError::BadRequest(format!(
                "The form field {name} was sent twice."
            )));
        }
    }
    Ok((form, pdf))
}

fn multipart_error(e: MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::PayloadTooLarge("The upload is larger than 10 MB.".to_owned())
    } else {
        ApiError::BadRequest(format!(
            "The multipart form could not be read: {}.",
            e.body_text()
        ))
    }
}

/// A PDF starts with `%PDF-` (ISO 32000-1 §7.5.2) and ends with `%%EOF` (§7.5.5), allowing
/// trailing whitespace that some writers add.
pub fn looks_like_pdf(bytes: &[u8]) -> bool {
    let tail_start = bytes.len().saturating_sub(1024);
    bytes.starts_with(b"%PDF-") && bytes[tail_start..].windows(5).any(|w| w == b"%%EOF")
}

#[cfg(test)]
mod tests {
    use super::*;

    const CONTENT_TYPE: &str = "multipart/form-data; boundary=B";

    fn form(fields: &[(&str, &[u8])]) -> Vec<u8> {
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--B\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                    .as_bytes(),
            );
            body.extend_from_slice(value);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(b"--B--\r\n");
        body
    }

    async fn parse(body: Vec<u8>) -> ApiResult<(NewUploadedInvoice, Vec<u8>)> {
        let multipart = multipart_from(CONTENT_TYPE, body).await.unwrap();
        let zone = TimeZone::get("Europe/Amsterdam").unwrap();
        parse_upload(multipart, &zone, "2025-06-01T12:00:00Z".parse().unwrap()).await
    }

    const PDF: &[u8] = b"%PDF-1.4\n%%EOF\n";

    #[tokio::test]
    async fn a_complete_form_parses_into_the_invoice_and_its_pdf() {
        let body = form(&[
            ("customerId", b"cst_a"),
            ("invoiceNumber", b"2025-001"),
            ("issuedAt", b"2025-04-14"),
            ("amount", b"15.67"),
            ("pdf", PDF),
        ]);
        let (invoice, pdf) = parse(body).await.unwrap();
        assert_eq!(invoice.amount.cents(), 1567);
        assert_eq!(invoice.invoice_number, "2025-001");
        assert_eq!(pdf, PDF);
    }

    #[tokio::test]
    async fn form_errors_name_every_field_and_the_pdf() {
        let body = form(&[("customerId", b"cst_a"), ("amount", b"1.234")]);
        let Err(ApiError::Validation { errors, .. }) = parse(body).await else {
            panic!("not a validation error");
        };
        for field in ["invoiceNumber", "issuedAt", "amount", "pdf"] {
            assert!(errors.contains_key(field), "{field}: {errors:?}");
        }
    }

    #[tokio::test]
    async fn a_field_sent_twice_or_broken_framing_is_a_bad_request() {
        let twice = form(&[("amount", b"1"), ("amount", b"2")]);
        assert!(matches!(parse(twice).await, Err(ApiError::BadRequest(_))));
        let truncated = b"--B\r\nContent-Disposition: form-data; name=\"amount\"\r\n\r\n1".to_vec();
        assert!(matches!(
            parse(truncated).await,
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn only_pdf_framed_bytes_count_as_pdf() {
        assert!(looks_like_pdf(b"%PDF-1.7\n...\n%%EOF\n"));
        assert!(!looks_like_pdf(b"%PDF-1.7 truncated"));
        assert!(!looks_like_pdf(b"PK\x03\x04 zip"));
        assert!(!looks_like_pdf(b""));
    }
}
