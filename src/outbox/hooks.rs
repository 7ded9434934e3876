//! What the outbox asks of the areas, registered by the app: composing the e-mail of an
//! `email` delivery, and periodic sweeps (recording payment links that expired).

use std::sync::Arc;

use async_trait::async_trait;
use jiff::Timestamp;

use super::ClaimedDelivery;
use crate::db::StoreError;
use crate::mail::{Attachment, Message};

/// An e-mail ready to send.
pub struct Email {
    pub to: String,
    pub message: Message,
    /// The invoice PDF, its UBL e-invoice, or nothing.
    pub attachments: Vec<Attachment>,
}

/// Why an e-mail could not be composed, and whether trying again can help.
#[derive(Debug)]
pub enum ComposeError {
    Permanent(String),
    Retry(String),
}

/// Composes the e-mail of a claimed `email` delivery from its stored event.
#[async_trait]
pub trait Composer: Send + Sync {
    async fn compose(&self, delivery: &ClaimedDelivery) -> Result<Email, ComposeError>;
}

/// Work the worker does every few seconds besides delivering.
#[async_trait]
pub trait Sweep: Send + Sync {
    /// What the sweep does, for logs.
    fn name(&self) -> &'static str;
    /// Runs once; returns how many things it changed.
    async fn run(&self, now: Timestamp) -> Result<u64, StoreError>;
}

/// Everything the app registers with the outbox.
#[derive(Clone)]
pub struct Hooks {
    pub composer: Arc<dyn Composer>,
    pub sweeps: Vec<Arc<dyn Sweep>>,
}
