//! E-mail: the transports (SMTP through lettre, or `.eml` files in a folder) and the parts
//! every message is built from, what comes in (inbound messages for tickets) and calendar
//! attachments. What a message says is up to the area that sends it.

pub mod ics;
pub mod inbound;
mod mailer;

pub use mailer::{Mailer, SendError};

/// A file sent with a message: the invoice PDF, its UBL e-invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    /// Its media type, such as `application/pdf`.
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// A message as rendered: subject, plain text and HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}
