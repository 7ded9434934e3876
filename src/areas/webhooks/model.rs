//! Webhook subscriptions: the entity, its ID and its row (the request is `request.rs`).

use jiff::Timestamp;

use crate::db::{StoreError, StoreResult, from_micros};
use crate::kernel::events::EventType;

crate::kernel::ids::id_type!(
    /// Names one webhook: `wbh_` and 14 characters (`general.md` §4).
    WebhookId,
    crate::kernel::ids::prefix::WEBHOOK,
    "webhook"
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: WebhookId,
    pub event_type: EventType,
    pub url: String,
    pub secret: String,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
pub struct WebhookRow {
    id: WebhookId,
    #[sqlx(rename = "type")]
    event_type: String,
    url: String,
    secret: String,
    created_at: i64,
}

impl WebhookRow {
    pub fn into_webhook(self) -> StoreResult<Webhook> {
        let event_type = EventType::parse(&self.event_type).ok_or_else(|| {
            StoreError::decode(format!("stored event type {} is unknown", self.event_type))
        })?;
        Ok(Webhook {
            id: self.id,
            event_type,
            url: self.url,
            secret: self.secret,
            created_at: from_micros(self.created_at),
        })
    }
}
