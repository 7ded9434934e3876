//! Object identifiers: a type prefix plus 14 random characters from `[a-z0-9]` (DECISIONS.md).

use rand::Rng;

const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
const RANDOM_LEN: usize = 14;

/// Prefixes from the reference (`general.md` §4), and our own (marked). An area takes its
/// prefix from here, so two objects never share one.
pub mod prefix {
    pub const ACCOUNT: &str = "acc"; // ours
    pub const API_KEY: &str = "key"; // ours
    pub const EVENT: &str = "evt"; // ours
    /// A payment of a customer invoice at a provider (ours; the reference shows none).
    pub const INVOICE_PAYMENT: &str = "ipy";
    pub const CUSTOMER: &str = "cst";
    pub const CUSTOMER_GROUP: &str = "cug";
    pub const CUSTOMER_INVOICE: &str = "inv";
    pub const MKP_INVOICE: &str = "fac";
    pub const MKP_INVOICE_LINE: &str = "fcl";
    pub const PAYMENT_LINK: &str = "plk";
    pub const PAYMENT_LINK_PAYMENT: &str = "plp";
    pub const WEBHOOK: &str = "wbh";
    pub const AGREEMENT: &str = "agr";
    pub const AGREEMENT_SIGNER: &str = "ags";
    pub const AGREEMENT_DOCUMENT: &str = "agd";
    pub const APPOINTMENT: &str = "apt";
    pub const OFFER: &str = "off";
    pub const SUBSCRIPTION: &str = "sub";
    pub const SUBSCRIPTION_PACKAGE: &str = "spg";
    pub const MANDATE: &str = "mdt";
    pub const FILE: &str = "fsf";
    pub const DIRECTORY: &str = "fsd";
    pub const FILE_SHARE: &str = "fss";
    pub const FILE_REQUEST: &str = "frq";
    pub const REQUESTED_FILE: &str = "fqf";
    pub const PUNCH_CARD: &str = "pcd";
    pub const ISSUED_PUNCH_CARD: &str = "pcb";
    pub const TICKET: &str = "tic";
    pub const TICKET_MESSAGE: &str = "tim";
    pub const TICKET_ATTACHMENT: &str = "tma";
    pub const CMS_PAGE: &str = "pag";
    pub const CMS_FORM: &str = "frm";
}

/// A fresh identifier such as `cst_k3j9x0a1b2c3d4`, drawn from the thread-local CSPRNG
/// (ChaCha-based `ThreadRng`), so identifiers cannot be guessed from one another.
pub fn new_id(prefix: &str) -> String {
    let mut rng = rand::rng();
    let mut id = String::with_capacity(prefix.len() + 1 + RANDOM_LEN);
    id.push_str(prefix);
    id.push('_');
    for _ in 0..RANDOM_LEN {
        id.push(ALPHABET[rng.random_range(0..ALPHABET.len())] as char);
    }
    id
}

/// Whether `id` has the shape of an identifier we issue: a lowercase prefix, `_`, then
/// lowercase letters and digits; at most 64 characters. Anything else cannot name a stored
/// object, so it is answered without asking the database.
pub fn is_well_formed(id: &str) -> bool {
    let Some((prefix, rest)) = id.split_once('_') else {
        return false;
    };
    id.len() <= 64
        && !prefix.is_empty()
        && !rest.is_empty()
        && prefix.bytes().all(|b| b.is_ascii_lowercase())
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// Whether `text` is an identifier of ours with exactly this prefix.
pub fn has_prefix(text: &str, prefix: &str) -> bool {
    is_well_formed(text)
        && text
            .strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('_'))
}

/// Declares a typed identifier: a newtype over the text, so that an account ID and a
/// customer ID (or any two kinds) cannot be swapped without a compile error. It is made by
/// `new()` (fresh, with its prefix), `parse` (this prefix and our shape, else `None`: a
/// malformed ID names nothing and needs no query), or read back from the database; it is
/// stored, bound and serialised as its text.
/// What every typed ID can do, for code that takes any of them (path extraction).
pub trait TypedId: Sized {
    /// What the ID names, for messages.
    const NOUN: &'static str;
    /// The ID in `text`, if it has this kind's prefix and our shape.
    fn parse_id(text: &str) -> Option<Self>;
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident, $prefix:expr, $noun:literal) => {
        $(#[$doc])*
        #[derive(
            Debug,
            Clone,
            PartialEq,
            Eq,
            Hash,
            PartialOrd,
            Ord,
            serde::Serialize,
            serde::Deserialize,
            sqlx::Type,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        pub struct $name(String);

        impl $name {
            /// The prefix of every ID of this kind.
            pub const PREFIX: &'static str = $prefix;
            /// What the ID names, for messages ("No customer was found ...").
            pub const NOUN: &'static str = $noun;

            /// A fresh ID.
            #[expect(clippy::new_without_default, reason = "an ID is made on purpose, never by default")]
            pub fn new() -> Self {
                Self($crate::kernel::ids::new_id($prefix))
            }

            /// The ID in `text`, if it has this kind's prefix and our shape.
            pub fn parse(text: &str) -> Option<Self> {
                $crate::kernel::ids::has_prefix(text, $prefix).then(|| Self(text.to_owned()))
            }

            /// An ID a client sent as a reference (a body's `customerId`): it may name
            /// nothing, and the store checks that it names an object of the account.
            pub fn from_request(text: String) -> Self {
                Self(text)
            }

            /// An ID read back from storage (checked when it was stored).
            pub fn from_stored(text: String) -> Self {
                Self(text)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }

            pub fn into_string(self) -> String {
                self.0
            }
        }

        impl $crate::kernel::ids::TypedId for $name {
            const NOUN: &'static str = $noun;

            fn parse_id(text: &str) -> Option<Self> {
                Self::parse(text)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}
pub(crate) use id_type;

id_type!(
    /// The tenant: every stored object belongs to one account, and every store method
    /// takes the account first.
    AccountId,
    prefix::ACCOUNT,
    "account"
);

/// `len` random bytes from the CSPRNG, hex-encoded (for tokens and secrets).
pub fn random_hex(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::rng().fill(bytes.as_mut_slice());
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_have_the_prefix_and_fourteen_lowercase_alphanumerics() {
        let id = new_id(prefix::CUSTOMER);
        let rest = id.strip_prefix("cst_").expect("prefix");
        assert_eq!(rest.len(), 14);
        assert!(rest.bytes().all(|b| ALPHABET.contains(&b)));
    }

    #[test]
    fn only_our_id_shape_is_well_formed() {
        assert!(is_well_formed(&new_id(prefix::CUSTOMER)));
        for bad in [
            "", "cst", "cst_", "_abc", "CST_abc", "cst_ABC", "cst_a-b", "cst_\0", "cst_é", "a_b_c",
        ] {
            assert!(!is_well_formed(bad), "{bad:?}");
        }
        assert!(!is_well_formed(&format!("cst_{}", "a".repeat(61))));
    }

    #[test]
    fn typed_ids_parse_only_their_own_prefix() {
        let id = AccountId::new();
        assert_eq!(AccountId::parse(id.as_str()), Some(id.clone()));
        assert_eq!(AccountId::parse("cst_abc"), None);
        assert_eq!(AccountId::parse("acc"), None);
        assert_eq!(AccountId::parse("accx_abc"), None);
        assert_eq!(AccountId::parse("ACC_abc"), None);
        assert_eq!(serde_json::to_string(&id).unwrap(), format!("\"{id}\""));
    }

    #[test]
    fn ids_do_not_repeat() {
        let ids: std::collections::HashSet<_> = (0..10_000).map(|_| new_id("inv")).collect();
        assert_eq!(ids.len(), 10_000);
    }
}
