//! Inbound e-mail: one raw RFC 5322 message in (from `portaal inbound-mail` or
//! `POST /v1/inbound-mail`), what a ticket needs out: the sender, the reply token and thread
//! IDs that find the ticket, the decoded subject, the text (with and without the quoted
//! earlier messages), the HTML as sent, the attachments with safe names, and whether a
//! program rather than a person sent it. Pure: no store, no clock; MIME by `mail-parser`.
//!
//! Refused, with a message that names the problem: anything over [`MAX_MESSAGE_BYTES`],
//! anything that is not a message, a message without a From address, a multipart body cut
//! off before its closing boundary, a damaged attachment, and more than
//! [`MAX_ATTACHMENTS`] attachments or [`MAX_ATTACHMENT_BYTES`] of them.

mod attachments;
mod automatic;
mod file_name;
mod headers;
mod quote;
mod text;
mod token;

use std::collections::HashSet;

use jiff::Timestamp;
use mail_parser::{Message, MessageParser, MimeHeaders};

use headers::{clean_id, envelope_recipients, ids, mailboxes, one_line, reply_tokens};

pub use automatic::Automatic;
pub use file_name::{MAX_FILE_NAME_BYTES, safe_file_name};
pub use quote::strip_quoted;
pub use text::{MAX_RICH_HTML_BYTES, MAX_RICH_HTML_DEPTH, html_fits_full_parse, html_to_text};
pub use token::ReplyToken;

/// The largest message accepted: 25 MiB, the most Gmail and Outlook.com let a customer send,
/// so any message from a mainstream mailbox fits (Postfix's default `message_size_limit`,
/// 10 MB, is lower and refuses bigger mail before it gets here). It also bounds one parse
/// to about three times that in memory: the raw message, its decoded parts, and our copy
/// of the attachments.
pub const MAX_MESSAGE_BYTES: usize = 25 * 1024 * 1024;
/// The most attachments one message may carry (inline images in a signature count): a
/// support ticket needs a few screenshots or documents, not a photo album.
pub const MAX_ATTACHMENTS: usize = 20;
/// The most attachment bytes (decoded) one message may carry. Base64 makes a 25 MiB message
/// carry at most about 18.5 MiB, so this bites only for parts sent unencoded.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;
/// Thread IDs kept from `References`: the newest ones, which name the messages a reply is
/// closest to; enough to find a ticket, few enough to look each up.
pub const MAX_REFERENCES: usize = 50;

/// Why a message was refused. The texts are written for the person who sent it or the
/// operator reading the log, and say what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InboundError {
    #[error(
        "The message is {size} bytes; at most {MAX_MESSAGE_BYTES} bytes (25 MiB) are accepted. Send large files as a link."
    )]
    TooLarge { size: usize },
    #[error("This is not an e-mail message: {0}.")]
    NotAMessage(&'static str),
    #[error(
        "The message has no From address (a header like \"From: Jan <jan@example.nl>\"), so nobody could be answered."
    )]
    NoFrom,
    #[error(
        "The message is cut off: its multipart body (boundary {boundary:?}) ends without the closing line \"--{boundary}--\"."
    )]
    Truncated { boundary: String },
    #[error("The attachment {name:?} is damaged: its {encoding} encoding cannot be decoded.")]
    DamagedAttachment { name: String, encoding: String },
    #[error(
        "The message has {count} attachments; at most {MAX_ATTACHMENTS} are accepted. Send fewer files, or put them in one archive."
    )]
    TooManyAttachments { count: usize },
    #[error(
        "The message's attachments add up to {total} bytes; at most {MAX_ATTACHMENT_BYTES} bytes (20 MiB) are accepted."
    )]
    AttachmentsTooLarge { total: usize },
}

/// A person or program named in an address header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mailbox {
    /// The address as written (trimmed), e.g. `jan@example.nl`. Compare it without regard to
    /// case: mail systems do.
    pub address: String,
    /// The display name, decoded (`=?UTF-8?Q?...?=` becomes text), if one was given.
    pub name: Option<String>,
}

/// A file attached to the message, or an image shown inline in its HTML.
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// Decoded and made safe by [`safe_file_name`]; `attachment-N` (with an extension from
    /// the content type where one is known) when the sender gave none.
    pub file_name: String,
    /// `type/subtype` in lowercase, e.g. `application/pdf`; `application/octet-stream` when
    /// the sender gave none.
    pub content_type: String,
    /// The `Content-ID` without angle brackets, for images the HTML shows as `cid:...`.
    pub content_id: Option<String>,
    /// The decoded content.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Attachment")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("content_id", &self.content_id)
            .field("bytes", &self.bytes.len())
            .finish()
    }
}

/// A parsed, accepted message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboundMessage {
    /// The first address of `From`.
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    /// The envelope recipients an MTA recorded: `Delivered-To` and `X-Original-To`.
    pub delivered_to: Vec<String>,
    /// Reply tokens found in the recipients' plus-addresses, in the order to try them:
    /// `Delivered-To` / `X-Original-To` (where the mail really went) first, then `To`, `Cc`.
    pub reply_tokens: Vec<ReplyToken>,
    /// Decoded (RFC 2047, any charset); empty when there is none.
    pub subject: String,
    /// Without angle brackets.
    pub message_id: Option<String>,
    /// The message IDs this one answers, without angle brackets.
    pub in_reply_to: Vec<String>,
    /// The thread, oldest first; at most the newest [`MAX_REFERENCES`].
    pub references: Vec<String>,
    /// `Date`, when it is a valid date.
    pub date: Option<Timestamp>,
    /// The full text: the `text/plain` part(s), or the HTML turned into readable text when
    /// the message has no plain text. Lines end in `\n`.
    pub text: String,
    /// [`Self::text`] without the earlier messages it quotes (see [`strip_quoted`]): what a
    /// ticket thread shows.
    pub new_text: String,
    /// The HTML part(s) exactly as sent: **not sanitised**, never show it as it is.
    pub html: Option<String>,
    pub attachments: Vec<Attachment>,
    /// Why a program rather than a person sent this, if one did (see [`Automatic`]).
    pub automatic: Option<Automatic>,
}

impl InboundMessage {
    /// Whether this is an auto-reply, a bounce or other automatic mail.
    pub fn is_automatic(&self) -> bool {
        self.automatic.is_some()
    }
}

/// Parses one raw message (headers, blank line, body; CRLF or LF line ends). A leading mbox
/// `From ` line, which some delivery agents add, is skipped.
pub fn parse(raw: &[u8]) -> Result<InboundMessage, InboundError> {
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(InboundError::TooLarge { size: raw.len() });
    }
    let raw = skip_mbox_line(raw);
    check_starts_with_header(raw)?;
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(InboundError::NotAMessage("no header fields were found"))?;
    check_multiparts_complete(&message)?;

    let from = message
        .from()
        .and_then(|from| mailboxes(from).into_iter().next())
        .ok_or(InboundError::NoFrom)?;
    let attachments = attachments::attachments(&message)?;
    let to = message.to().map(mailboxes).unwrap_or_default();
    let cc = message.cc().map(mailboxes).unwrap_or_default();
    let delivered_to = envelope_recipients(&message);
    let reply_tokens = reply_tokens(
        delivered_to
            .iter()
            .map(String::as_str)
            .chain(to.iter().chain(&cc).map(|m| m.address.as_str())),
    );
    let text = text::body_text(&message);
    let new_text = strip_quoted(&text);
    let mut references = ids(message.references());
    if references.len() > MAX_REFERENCES {
        references.drain(..references.len() - MAX_REFERENCES);
    }
    Ok(InboundMessage {
        from,
        to,
        cc,
        delivered_to,
        reply_tokens,
        subject: message.subject().map(one_line).unwrap_or_default(),
        message_id: message.message_id().and_then(clean_id),
        in_reply_to: ids(message.in_reply_to()),
        references,
        date: message
            .date()
            .filter(|date| date.is_valid())
            .and_then(|date| Timestamp::from_second(date.to_timestamp()).ok()),
        text,
        new_text,
        html: text::body_html(&message),
        attachments,
        automatic: automatic::detect(&message),
    })
}

/// `raw` without a first line `From sender date` (the mbox separator), if it has one.
fn skip_mbox_line(raw: &[u8]) -> &[u8] {
    if raw.starts_with(b"From ") {
        match raw.iter().position(|&b| b == b'\n') {
            Some(end) => &raw[end + 1..],
            None => &raw[raw.len()..],
        }
    } else {
        raw
    }
}

/// RFC 5322 §2.1: a message starts with its header fields, `name: value`, the name being
/// printable ASCII without a colon. Catches text, HTML and binary files sent as a message.
fn check_starts_with_header(raw: &[u8]) -> Result<(), InboundError> {
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(InboundError::NotAMessage("it is empty"));
    }
    let name_len = raw
        .iter()
        .take_while(|&&b| (33..=126).contains(&b) && b != b':')
        .count();
    let rest = &raw[name_len..];
    let colon = rest
        .iter()
        .position(|&b| b != b' ' && b != b'\t')
        .is_some_and(|i| rest[i] == b':');
    if name_len == 0 || !colon {
        return Err(InboundError::NotAMessage(
            "it does not start with header fields such as \"From: jan@example.nl\"",
        ));
    }
    Ok(())
}

/// Every multipart body must reach its closing delimiter (RFC 2046 §5.1.1); without it the
/// message was cut off on the way and its last part is incomplete.
fn check_multiparts_complete(message: &Message<'_>) -> Result<(), InboundError> {
    let closed = closing_delimiters(message.raw_message());
    for part in &message.parts {
        let Some(boundary) = part
            .content_type()
            .filter(|ct| ct.ctype().eq_ignore_ascii_case("multipart"))
            .and_then(|ct| ct.attribute("boundary"))
        else {
            continue;
        };
        if !closed.contains(boundary.as_bytes()) {
            let boundary = boundary
                .chars()
                .filter(|c| !c.is_control())
                .take(70)
                .collect();
            return Err(InboundError::Truncated { boundary });
        }
    }
    Ok(())
}

/// The boundaries whose closing delimiter line (`--boundary--`, maybe followed by spaces)
/// occurs in `raw`: one pass over the message, however many parts it has.
fn closing_delimiters(raw: &[u8]) -> HashSet<&[u8]> {
    raw.split(|&b| b == b'\n')
        .filter_map(|line| {
            let end = line
                .iter()
                .rposition(|b| !b.is_ascii_whitespace())
                .map_or(0, |i| i + 1);
            line[..end].strip_prefix(b"--")?.strip_suffix(b"--")
        })
        .collect()
}
