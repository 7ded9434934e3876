//! Payment links: the entity, its ID, its status and its row (the request is `request.rs`).

use jiff::Timestamp;

use crate::db::{StoreError, StoreResult, from_micros};
use crate::kernel::money::Money;

/// Where a payment link stands. `Expired` is shown as soon as `expires_at` has passed, even
/// before the sweep that records it (and sends `payment-link-expired`) has run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    Open,
    Paid,
    Expired,
    Closed,
}

impl LinkStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkStatus::Open => "open",
            LinkStatus::Paid => "paid",
            LinkStatus::Expired => "expired",
            LinkStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<LinkStatus> {
        match text {
            "open" => Some(LinkStatus::Open),
            "paid" => Some(LinkStatus::Paid),
            "expired" => Some(LinkStatus::Expired),
            "closed" => Some(LinkStatus::Closed),
            _ => None,
        }
    }
}

crate::kernel::ids::id_type!(
    /// Names one payment link: `plk_` and 14 characters (`general.md` §4).
    PaymentLinkId,
    crate::kernel::ids::prefix::PAYMENT_LINK,
    "payment link"
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentLink {
    pub id: PaymentLinkId,
    pub description: String,
    pub amount: Money,
    pub reusable: bool,
    pub expires_at: Option<Timestamp>,
    /// As stored; see [`PaymentLink::status_at`] for what to show.
    pub status: LinkStatus,
    pub created_at: Timestamp,
}

impl PaymentLink {
    pub fn status_at(&self, now: Timestamp) -> LinkStatus {
        match (self.status, self.expires_at) {
            (LinkStatus::Open, Some(expires_at)) if expires_at <= now => LinkStatus::Expired,
            (status, _) => status,
        }
    }

    /// The path of the link's checkout page (its `checkoutUrl`).
    pub fn page_path(&self) -> String {
        format!("/payment-link/{}", self.id)
    }
}

pub const LINK_COLUMNS: &str =
    "id, description, amount_cents, reusable, expires_at, status, created_at";

#[derive(sqlx::FromRow)]
pub struct LinkRow {
    id: PaymentLinkId,
    description: String,
    amount_cents: i64,
    reusable: bool,
    expires_at: Option<i64>,
    status: String,
    created_at: i64,
}

impl LinkRow {
    pub fn into_link(self) -> StoreResult<PaymentLink> {
        let status = LinkStatus::parse(&self.status).ok_or_else(|| {
            StoreError::decode(format!("unknown payment link status {:?}", self.status))
        })?;
        Ok(PaymentLink {
            id: self.id,
            description: self.description,
            amount: Money::from_cents(self.amount_cents),
            reusable: self.reusable,
            expires_at: self.expires_at.map(from_micros),
            status,
            created_at: from_micros(self.created_at),
        })
    }
}
