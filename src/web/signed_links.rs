//! Short-lived download links that need no API key: the link carries the account, the
//! object, an expiry and an HMAC-SHA256 over them keyed with the deployment's secret.

use hmac::{Hmac, Mac};
use jiff::Timestamp;
use sha2::Sha256;

/// How long a link works (the reference's Files API: five minutes).
pub const LIFETIME: jiff::SignedDuration = jiff::SignedDuration::from_mins(5);

#[derive(Clone)]
pub struct LinkSigner {
    secret: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedTarget {
    pub account_id: String,
    pub object_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkError {
    Malformed,
    Tampered,
    Expired,
}

impl LinkSigner {
    pub fn new(secret: &[u8]) -> Self {
        LinkSigner {
            secret: secret.to_vec(),
        }
    }

    fn mac(&self, purpose: &str, account_id: &str, object_id: &str, expires: i64) -> Hmac<Sha256> {
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&self.secret).expect("HMAC takes keys of any length");
        mac.update(format!("{purpose}\n{account_id}\n{object_id}\n{expires}").as_bytes());
        mac
    }

    /// A token `<account>.<object>.<expires>.<signature>` for `purpose`; IDs never hold dots.
    pub fn sign(
        &self,
        purpose: &str,
        account_id: &str,
        object_id: &str,
        expires: Timestamp,
    ) -> String {
        let expires = expires.as_second();
        let signature = hex::encode(
            self.mac(purpose, account_id, object_id, expires)
                .finalize()
                .into_bytes(),
        );
        format!("{account_id}.{object_id}.{expires}.{signature}")
    }

    /// Checks a token made by [`sign`](Self::sign) for the same purpose, in constant time.
    pub fn verify(
        &self,
        purpose: &str,
        token: &str,
        now: Timestamp,
    ) -> Result<SignedTarget, LinkError> {
        let mut parts = token.split('.');
        let (Some(account_id), Some(object_id), Some(expires), Some(signature), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(LinkError::Malformed);
        };
        let expires: i64 = expires.parse().map_err(|_| LinkError::Malformed)?;
        let signature = hex::decode(signature).map_err(|_| LinkError::Malformed)?;
        self.mac(purpose, account_id, object_id, expires)
            .verify_slice(&signature)
            .map_err(|_| LinkError::Tampered)?;
        if now.as_second() >= expires {
            return Err(LinkError::Expired);
        }
        Ok(SignedTarget {
            account_id: account_id.to_owned(),
            object_id: object_id.to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_verify_until_they_expire_and_not_after_any_change() {
        let signer = LinkSigner::new(b"secret");
        let now: Timestamp = "2025-01-01T00:00:00Z".parse().unwrap();
        let token = signer.sign("pdf", "acc_a", "inv_b", now + LIFETIME);
        let target = signer.verify("pdf", &token, now).unwrap();
        assert_eq!(target.object_id, "inv_b");
        assert_eq!(
            signer.verify("pdf", &token, now + LIFETIME),
            Err(LinkError::Expired)
        );
        assert_eq!(
            signer.verify("other", &token, now),
            Err(LinkError::Tampered)
        );
        let swapped = token.replace("inv_b", "inv_c");
        assert_eq!(
            signer.verify("pdf", &swapped, now),
            Err(LinkError::Tampered)
        );
        let later = token.replace(&(now + LIFETIME).as_second().to_string(), "99999999999");
        assert_eq!(signer.verify("pdf", &later, now), Err(LinkError::Tampered));
        assert_eq!(
            LinkSigner::new(b"other").verify("pdf", &token, now),
            Err(LinkError::Tampered)
        );
        assert_eq!(
            signer.verify("pdf", "a.b.c", now),
            Err(LinkError::Malformed)
        );
        assert_eq!(
            signer.verify("pdf", "a.b.1.zz", now),
            Err(LinkError::Malformed)
        );
    }
}
