//! Header fields: address lists, the envelope recipients an MTA recorded, reply tokens in
//! plus-addresses, message IDs, one-line texts.

use mail_parser::{Address, HeaderValue, Message};

use super::{Mailbox, ReplyToken};

/// The addresses of one header, with the display names decoded; entries without a usable
/// address (`undisclosed-recipients:;`) are left out.
pub(super) fn mailboxes(address: &Address<'_>) -> Vec<Mailbox> {
    address
        .iter()
        .filter_map(|addr| {
            let address = addr.address.as_deref().map(str::trim)?;
            if !is_plausible_address(address) {
                return None;
            }
            let name = addr
                .name
                .as_deref()
                .map(one_line)
                .filter(|name| !name.is_empty());
            Some(Mailbox {
                address: address.to_string(),
                name,
            })
        })
        .collect()
}

/// `local@domain`, both sides non-empty, no spaces, controls or angle brackets.
fn is_plausible_address(address: &str) -> bool {
    address.len() <= 320
        && address.rsplit_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && !domain.is_empty() && !domain.contains('@')
        })
        && !address
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
}

/// `Delivered-To` and `X-Original-To`, in header order (the newest first, as MTAs prepend).
pub(super) fn envelope_recipients(message: &Message<'_>) -> Vec<String> {
    let mut found = Vec::new();
    for (name, value) in message.headers_raw() {
        if name.eq_ignore_ascii_case("Delivered-To") || name.eq_ignore_ascii_case("X-Original-To") {
            let value = value
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .trim();
            if is_plausible_address(value) && !found.iter().any(|f: &String| f == value) {
                found.push(value.to_string());
            }
        }
    }
    found
}

/// The reply tokens in `addresses`, each once, in order.
pub(super) fn reply_tokens<'a>(addresses: impl Iterator<Item = &'a str>) -> Vec<ReplyToken> {
    let mut tokens: Vec<ReplyToken> = Vec::new();
    for token in addresses.filter_map(ReplyToken::from_address) {
        if !tokens.contains(&token) {
            tokens.push(token);
        }
    }
    tokens
}

/// The message IDs of `In-Reply-To` or `References`, without brackets.
pub(super) fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    match value {
        HeaderValue::Text(id) => clean_id(id).into_iter().collect(),
        HeaderValue::TextList(list) => list.iter().filter_map(|id| clean_id(id)).collect(),
        _ => Vec::new(),
    }
}

/// A message ID as it can be stored and compared: trimmed, without brackets, printable
/// ASCII, at most 998 characters (RFC 5322's line limit).
pub(super) fn clean_id(id: &str) -> Option<String> {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    (!id.is_empty() && id.len() <= 998 && id.bytes().all(|b| (33..=126).contains(&b)))
        .then(|| id.to_string())
}

/// A header text on one line: control characters (a decoded `=0A`) become spaces, runs of
/// spaces become one, and the ends are trimmed.
pub(super) fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}
