//! Delivering what the outbox holds, at least once, with exponential backoff for about
//! three days: webhooks over HTTP, and e-mails that an area composes. A change records its
//! event and deliveries in its own transaction (`Backend::record_event`, from any area's
//! SQL); the worker claims, sends and records the outcome. The outbox calls back into the
//! areas only through [`Hooks`], which the app registers.

mod hooks;
pub mod store;
mod webhook;
mod worker;

use jiff::Timestamp;

use crate::db::from_micros;
use crate::kernel::events::EventType;
use crate::kernel::ids::AccountId;

pub use hooks::{ComposeError, Composer, Email, Hooks, Sweep};
pub use store::{OutboxStore, store};
pub use worker::{MAX_ATTEMPTS, Outbox, backoff};

/// An event to record with a change: its type and the exact JSON body webhooks receive.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub id: String,
    pub event_type: EventType,
    pub body: String,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Webhook,
    Email,
}

/// An outbox row claimed by a worker for one attempt.
#[derive(Debug, Clone)]
pub struct ClaimedDelivery {
    pub event_id: String,
    /// The webhook ID, or `email`.
    pub target: String,
    pub account_id: AccountId,
    pub channel: Channel,
    pub invoice_id: Option<String>,
    /// Including this one.
    pub attempts: i64,
    pub body: String,
    /// Webhooks: the URL and the signing secret; `None` when the webhook was deleted.
    pub webhook: Option<(String, String)>,
}

/// What became of one attempt.
#[derive(Debug, Clone)]
pub enum DeliveryOutcome {
    Delivered {
        status_code: Option<u16>,
    },
    /// Try again at `next_attempt_at`.
    Retry {
        next_attempt_at: Timestamp,
        status_code: Option<u16>,
        error: String,
    },
    /// Given up: out of attempts, or it can never succeed.
    Failed {
        status_code: Option<u16>,
        error: String,
    },
}

/// One delivery as operators and the deliveries API see it.
#[derive(Debug, Clone)]
pub struct DeliveryRecord {
    pub event_id: String,
    pub event_type: String,
    pub target: String,
    pub account_id: String,
    pub status: String,
    pub attempts: i64,
    pub last_status_code: Option<i64>,
    pub last_error: Option<String>,
    /// When a pending delivery is tried next.
    pub next_attempt_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub delivered_at: Option<Timestamp>,
}

/// The columns of a delivery with its event's type (`DeliveryRow`).
pub const DELIVERY_SELECT: &str = "SELECT d.event_id, e.type AS event_type, d.target, \
     d.account_id, d.status, d.attempts, d.last_status_code, d.last_error, d.next_attempt_at, \
     d.created_at, d.delivered_at
    FROM deliveries d JOIN events e ON e.id = d.event_id";

#[derive(sqlx::FromRow)]
pub struct DeliveryRow {
    event_id: String,
    event_type: String,
    target: String,
    account_id: String,
    status: String,
    attempts: i64,
    last_status_code: Option<i64>,
    last_error: Option<String>,
    next_attempt_at: i64,
    created_at: i64,
    delivered_at: Option<i64>,
}

impl From<DeliveryRow> for DeliveryRecord {
    fn from(r: DeliveryRow) -> DeliveryRecord {
        DeliveryRecord {
            next_attempt_at: (r.status == "pending").then(|| from_micros(r.next_attempt_at)),
            event_id: r.event_id,
            event_type: r.event_type,
            target: r.target,
            account_id: r.account_id,
            status: r.status,
            attempts: r.attempts,
            last_status_code: r.last_status_code,
            last_error: r.last_error,
            created_at: from_micros(r.created_at),
            delivered_at: r.delivered_at.map(from_micros),
        }
    }
}

// The SQL of this module, compiled once per backend (`Backend` and `DB` differ).
#[path = "."]
mod sqlite {
    use crate::db::sqlite::{Backend, DB};
    mod sql;
}
#[path = "."]
mod postgres {
    use crate::db::postgres::{Backend, DB};
    mod sql;
}
