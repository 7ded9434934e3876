//! Fuzzes the multipart upload parser: the fuzz input is the body of a
//! `multipart/form-data` request (boundary `FUZZ`) and goes through the same extractor and
//! `parse_upload` as `POST /customer-invoices`. No panic; every accepted form has a framed
//! PDF within the size limit and an amount within range.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use portaal::kernel::money::Money;
use portaal::areas::customer_invoices::upload::{
    MAX_PDF_BYTES, looks_like_pdf, multipart_from, parse_upload,
};

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread runtime")
});

fuzz_target!(|data: &[u8]| {
    let zone = jiff::tz::TimeZone::get("Europe/Amsterdam").expect("the bundled zone");
    let now: jiff::Timestamp = "2025-06-01T12:00:00Z".parse().expect("a timestamp");
    RUNTIME.block_on(async {
        let multipart = multipart_from("multipart/form-data; boundary=FUZZ", data.to_vec())
            .await
            .expect("a multipart content type is always accepted");
        if let Ok((invoice, pdf)) = parse_upload(multipart, &zone, now).await {
            assert!(looks_like_pdf(&pdf));
            assert!(pdf.len() <= MAX_PDF_BYTES);
            assert!(invoice.amount.cents().abs() <= Money::MAX_ABS_CENTS);
            assert!(!invoice.customer_id.is_empty());
        }
    });
});
