//! The reply token: a secret in the plus-address of a ticket's e-mails
//! (`support+t-<token>@example.nl`) that routes the customer's reply back to the ticket.
//!
//! The token is 128 bits from the CSPRNG as 32 lowercase hex digits. It holds no ticket
//! ID, so an address seen by anyone (a forwarded mail, a mailing-list archive) says nothing
//! about other tickets, and a guess has a 2^-128 chance. The store keeps only its SHA-256
//! ([`ReplyToken::digest`]), like API keys, so a copy of the database cannot be used to
//! post into tickets; an incoming token is checked by shape ([`ReplyToken::parse`]) and then
//! looked up by digest. Hex is case-insensitive, which matters because some mail systems
//! change the case of local parts.

use sha2::{Digest, Sha256};

use crate::kernel::ids::random_hex;

/// Random bytes in a token: 16, so 128 bits.
const RANDOM_BYTES: usize = 16;
/// Hex digits in a token.
pub const TOKEN_LEN: usize = RANDOM_BYTES * 2;
/// What precedes the token in the sub-address, after the `+`.
pub const TAG_PREFIX: &str = "t-";
/// RFC 5321 §4.5.3.1.1: a local part is at most 64 octets.
const MAX_LOCAL_PART: usize = 64;

/// A well-formed reply token (32 lowercase hex digits). Its `Debug` hides the value, since
/// the token is a secret.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ReplyToken(String);

impl ReplyToken {
    /// A fresh token from the thread-local CSPRNG.
    pub fn generate() -> Self {
        Self(random_hex(RANDOM_BYTES))
    }

    /// The token in `text` (32 hex digits in either case), or `None` for anything else.
    pub fn parse(text: &str) -> Option<Self> {
        (text.len() == TOKEN_LEN && text.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| Self(text.to_ascii_lowercase()))
    }

    /// The token from one address's sub-address (`support+t-<token>@example.nl`), if it has
    /// one. Every `+`-separated part of the local part is tried, so `a+b+t-<token>@` works too.
    pub fn from_address(address: &str) -> Option<Self> {
        let (local, domain) = address.trim().rsplit_once('@')?;
        if domain.is_empty() {
            return None;
        }
        local.split('+').skip(1).find_map(|part| {
            let tag = part.get(..TAG_PREFIX.len())?;
            if !tag.eq_ignore_ascii_case(TAG_PREFIX) {
                return None;
            }
            Self::parse(&part[TAG_PREFIX.len()..])
        })
    }

    /// The token itself, for the reply address; never log it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What the store keeps and looks a token up by: SHA-256 of the token, in hex.
    pub fn digest(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }

    /// The reply address for `mailbox` (`support@example.nl` →
    /// `support+t-<token>@example.nl`); `None` when `mailbox` is not `local@domain` or the
    /// local part would grow past the 64 octets RFC 5321 allows.
    pub fn reply_address(&self, mailbox: &str) -> Option<String> {
        let (local, domain) = mailbox.trim().rsplit_once('@')?;
        let local_len = local.len() + 1 + TAG_PREFIX.len() + TOKEN_LEN;
        if local.is_empty() || domain.is_empty() || local_len > MAX_LOCAL_PART {
            return None;
        }
        Some(format!("{local}+{TAG_PREFIX}{}@{domain}", self.0))
    }
}

impl std::fmt::Debug for ReplyToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReplyToken(..)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_128_random_bits_in_lowercase_hex() {
        let token = ReplyToken::generate();
        assert_eq!(token.as_str().len(), 32);
        assert!(
            token
                .as_str()
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert_ne!(token, ReplyToken::generate());
        assert_eq!(format!("{token:?}"), "ReplyToken(..)");
    }

    #[test]
    fn the_reply_address_round_trips_through_from_address() {
        let token = ReplyToken::generate();
        let address = token.reply_address("support@example.nl").unwrap();
        assert_eq!(address, format!("support+t-{}@example.nl", token.as_str()));
        assert_eq!(ReplyToken::from_address(&address), Some(token.clone()));
        // Mail systems that change the case of the local part do not lose the ticket.
        assert_eq!(
            ReplyToken::from_address(&address.to_uppercase()),
            Some(token.clone())
        );
        // Another sub-address part in front is fine.
        let extra = format!("support+nl+t-{}@example.nl", token.as_str());
        assert_eq!(ReplyToken::from_address(&extra), Some(token));
    }

    #[test]
    fn anything_but_the_exact_shape_is_no_token() {
        let hex32 = "0123456789abcdef0123456789abcdef";
        for address in [
            "support@example.nl".to_string(),
            format!("support+t-{hex32}"),
            format!("support+t-{hex32}@"),
            format!("support+t-{}@example.nl", &hex32[..31]),
            format!("support+t-{hex32}0@example.nl"),
            format!("support+x-{hex32}@example.nl"),
            format!("support+t-{}g@example.nl", &hex32[..31]),
            format!("t-{hex32}@example.nl"),
            format!("support+t-{}é@example.nl", &hex32[..30]),
        ] {
            assert_eq!(ReplyToken::from_address(&address), None, "{address}");
        }
    }

    #[test]
    fn the_digest_is_sha256_of_the_token() {
        let token = ReplyToken::parse("0123456789ABCDEF0123456789abcdef").unwrap();
        assert_eq!(token.as_str(), "0123456789abcdef0123456789abcdef");
        assert_eq!(
            token.digest(),
            hex::encode(Sha256::digest(b"0123456789abcdef0123456789abcdef"))
        );
    }

    #[test]
    fn a_reply_address_never_exceeds_the_local_part_limit() {
        let token = ReplyToken::generate();
        // 64 - "+t-" - 32 = 29 characters of mailbox fit; 30 do not.
        assert!(
            token
                .reply_address(&format!("{}@x.nl", "a".repeat(29)))
                .is_some()
        );
        assert!(
            token
                .reply_address(&format!("{}@x.nl", "a".repeat(30)))
                .is_none()
        );
        assert!(token.reply_address("no-at-sign").is_none());
        assert!(token.reply_address("@example.nl").is_none());
    }
}
