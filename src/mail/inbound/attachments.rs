//! Attachments: every part that is not the message's text or HTML body, decoded, with a
//! safe file name and a plain content type, within the count and size limits.

use mail_parser::{Message, MessagePart, MimeHeaders, PartType};

use super::headers::clean_id;
use super::{Attachment, InboundError, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, safe_file_name};

/// The attachments, checked against the limits.
pub(super) fn attachments(message: &Message<'_>) -> Result<Vec<Attachment>, InboundError> {
    let parts: Vec<&MessagePart<'_>> = message.attachments().collect();
    if parts.len() > MAX_ATTACHMENTS {
        return Err(InboundError::TooManyAttachments { count: parts.len() });
    }
    let total: usize = parts.iter().map(|part| part.contents().len()).sum();
    if total > MAX_ATTACHMENT_BYTES {
        return Err(InboundError::AttachmentsTooLarge { total });
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(i, part)| attachment(i + 1, part))
        .collect()
}

fn attachment(number: usize, part: &MessagePart<'_>) -> Result<Attachment, InboundError> {
    let content_type = part
        .content_type()
        .map(|ct| match ct.subtype() {
            Some(sub) => format!("{}/{}", ct.ctype(), sub),
            None => ct.ctype().to_string(),
        })
        .map(|ct| ct.to_ascii_lowercase())
        .filter(|ct| is_plausible_content_type(ct))
        .unwrap_or_else(|| {
            if matches!(part.body, PartType::Message(_)) {
                "message/rfc822".to_string()
            } else {
                "application/octet-stream".to_string()
            }
        });
    let file_name = part
        .attachment_name()
        .and_then(safe_file_name)
        .unwrap_or_else(|| format!("attachment-{number}{}", extension_for(&content_type)));
    if part.is_encoding_problem && !matches!(part.body, PartType::Message(_)) {
        // mail-parser keeps the raw text of a part it could not decode; storing that as
        // the file would hand the customer's support team a broken file.
        let encoding = part
            .content_transfer_encoding()
            .map(|e| e.trim().to_ascii_lowercase())
            .filter(|e| e == "base64" || e == "quoted-printable")
            .unwrap_or_else(|| "transfer".to_string());
        return Err(InboundError::DamagedAttachment {
            name: file_name,
            encoding,
        });
    }
    Ok(Attachment {
        file_name,
        content_type,
        content_id: part.content_id().and_then(clean_id),
        bytes: part.contents().to_vec(),
    })
}

/// `type/subtype` of RFC 2045 token characters.
fn is_plausible_content_type(ct: &str) -> bool {
    ct.len() <= 127
        && ct.split_once('/').is_some_and(|(t, s)| {
            let token = |x: &str| {
                !x.is_empty()
                    && x.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b))
            };
            token(t) && token(s)
        })
}

/// An extension for a nameless attachment, so it opens with the right program.
fn extension_for(content_type: &str) -> &'static str {
    match content_type {
        "application/pdf" => ".pdf",
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "text/plain" => ".txt",
        "text/html" => ".html",
        "text/calendar" => ".ics",
        "message/rfc822" => ".eml",
        "message/delivery-status" => ".txt",
        _ => "",
    }
}
