//! The auto-reply and bounce verdict: mail that a program sent in answer to ours (out-of-office
//! replies, vacation notices, delivery failures, read receipts, list traffic), which must
//! never open or reopen a ticket (DECISIONS.md, "Tickets in"), or two auto-responders would
//! answer each other forever.

use mail_parser::{Message, MimeHeaders};

/// Why a message counts as automatic: the first sign found, in the order below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Automatic {
    /// `Auto-Submitted` with a value other than `no` (RFC 3834 §5): `auto-replied`,
    /// `auto-generated`, `auto-notified`.
    AutoSubmitted(String),
    /// `Precedence: bulk | junk | list` (RFC 3834 §3.1.8 asks responders to stay quiet for
    /// these), or `auto_reply`, which some autoresponders set instead of `Auto-Submitted`.
    Precedence(String),
    /// `Return-Path: <>`: the null sender of bounces and other automatic notifications
    /// (RFC 5321 §4.5.5).
    EmptyReturnPath,
    /// `X-Autoreply` (any value), set by several vacation programs.
    XAutoreply,
    /// `X-Autorespond` (any value), set by others.
    XAutorespond,
    /// A `multipart/report` message (RFC 6522): a delivery status notification (bounce) or
    /// a read receipt.
    Report,
}

impl std::fmt::Display for Automatic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::AutoSubmitted(value) => write!(f, "Auto-Submitted: {value}"),
            Self::Precedence(value) => write!(f, "Precedence: {value}"),
            Self::EmptyReturnPath => f.write_str("an empty return path (Return-Path: <>)"),
            Self::XAutoreply => f.write_str("an X-Autoreply header"),
            Self::XAutorespond => f.write_str("an X-Autorespond header"),
            Self::Report => f.write_str("a delivery or read report (multipart/report)"),
        }
    }
}

/// The first sign that `message` was sent by a program, if any.
pub(super) fn detect(message: &Message<'_>) -> Option<Automatic> {
    if let Some(value) = raw_header(message, "Auto-Submitted") {
        // The value may carry parameters: `auto-replied; owner-email="..."`.
        let keyword = value.split(';').next().unwrap_or_default().trim();
        if !keyword.eq_ignore_ascii_case("no") {
            return Some(Automatic::AutoSubmitted(printable(keyword)));
        }
    }
    if let Some(value) = raw_header(message, "Precedence") {
        let value = value.trim().to_ascii_lowercase();
        if matches!(value.as_str(), "bulk" | "junk" | "list" | "auto_reply") {
            return Some(Automatic::Precedence(value));
        }
    }
    if raw_header(message, "Return-Path").is_some_and(|value| {
        value
            .chars()
            .filter(|c| !c.is_whitespace())
            .eq("<>".chars())
    }) {
        return Some(Automatic::EmptyReturnPath);
    }
    if raw_header(message, "X-Autoreply").is_some() {
        return Some(Automatic::XAutoreply);
    }
    if raw_header(message, "X-Autorespond").is_some() {
        return Some(Automatic::XAutorespond);
    }
    if message.root_part().is_content_type("multipart", "report") {
        return Some(Automatic::Report);
    }
    None
}

/// The first occurrence of a top-level header, unfolded, as written.
fn raw_header(message: &Message<'_>, name: &str) -> Option<String> {
    message
        .headers_raw()
        .find(|(header, _)| header.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.replace(['\r', '\n'], "").trim().to_string())
}

/// At most 64 printable characters of a header value, for logs and messages.
fn printable(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).take(64).collect()
}
