//! E-invoices (`portaal::einvoice`) checked by the official rules: three hand-checked
//! examples compared field by field, and thousands of generated invoices run through
//! `../shared/einvoice/validate.py` (UBL 2.1 XSD, EN 16931, Peppol BIS 3.0, NL-R).

mod examples;
mod generated;
mod support;
