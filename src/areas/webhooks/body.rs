//! A webhook subscription and its deliveries as the API shows them.

use std::borrow::Cow;

use serde::Serialize;
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use super::model::Webhook;
use crate::kernel::events::EventType;
use crate::outbox::DeliveryRecord;
use crate::web::Context;

/// The reference's "Webhook record".
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookBody {
    /// Always starts with `wbh_`.
    #[schema(example = "wbh_abc12345def678")]
    pub id: String,
    /// The event type this webhook receives.
    #[serde(rename = "type")]
    #[schema(value_type = EventTypeName, example = "customer-created")]
    pub event_type: &'static str,
    /// The URL that is called for each event.
    #[schema(example = "https://mijnklantportaal.nl/webhook-incoming")]
    pub url: String,
    /// Key of the `X-Webhook-Signature` header: lowercase hex HMAC-SHA256 of the raw body.
    #[schema(example = "OUJX2prdBbJxR77BZlGz")]
    pub secret: String,
    #[schema(example = "2024-04-29T21:00:00+02:00")]
    pub created_at: String,
}

impl WebhookBody {
    pub fn new(ctx: &Context, w: Webhook) -> WebhookBody {
        WebhookBody {
            created_at: ctx.atom(w.created_at),
            event_type: w.event_type.as_str(),
            id: w.id.into_string(),
            url: w.url,
            secret: w.secret,
        }
    }
}

/// One delivery of an event to a webhook (portaal addition).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryBody {
    /// The `id` of the event body (and the `X-Webhook-Id` header); starts with `evt_`.
    #[schema(example = "evt_abc12345def678")]
    pub event_id: String,
    #[serde(rename = "type")]
    #[schema(value_type = EventTypeName, example = "customer-created")]
    pub event_type: String,
    /// `pending` until delivered or given up.
    #[schema(example = "pending", pattern = "^(pending|delivered|failed)$")]
    pub status: String,
    /// Attempts made so far.
    #[schema(example = 1)]
    pub attempts: i64,
    /// HTTP status of the last answer, if there was one.
    #[schema(example = 503)]
    pub last_status_code: Option<i64>,
    /// Why the last attempt failed.
    #[schema(example = "the receiver answered 503")]
    pub last_error: Option<String>,
    /// When a pending delivery is tried next.
    #[schema(example = "2024-04-29T21:05:00+02:00")]
    pub next_attempt_at: Option<String>,
    #[schema(example = "2024-04-29T21:00:00+02:00")]
    pub created_at: String,
    #[schema(example = "2024-04-29T21:00:01+02:00")]
    pub delivered_at: Option<String>,
}

impl DeliveryBody {
    pub fn new(ctx: &Context, d: DeliveryRecord) -> DeliveryBody {
        DeliveryBody {
            next_attempt_at: d.next_attempt_at.map(|at| ctx.atom(at)),
            created_at: ctx.atom(d.created_at),
            delivered_at: d.delivered_at.map(|at| ctx.atom(at)),
            event_id: d.event_id,
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            last_status_code: d.last_status_code,
            last_error: d.last_error,
        }
    }
}

/// Documents `type` as the reference's 23 event types.
pub struct EventTypeName;

impl utoipa::PartialSchema for EventTypeName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("One of the reference's webhook event types."))
            .enum_values(Some(EventType::ALL.iter().map(|t| t.as_str())))
            .into()
    }
}

impl ToSchema for EventTypeName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("EventType")
    }
}
