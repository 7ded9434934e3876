//! The outbox worker's sweep that records payment links past their expiry.

use std::sync::Arc;

use async_trait::async_trait;
use jiff::Timestamp;

use super::store::store;
use crate::db::{Db, StoreError};
use crate::outbox::Sweep;
use crate::web::Context;

pub struct ExpireLinks {
    pub db: Db,
    pub ctx: Arc<Context>,
}

#[async_trait]
impl Sweep for ExpireLinks {
    fn name(&self) -> &'static str {
        "payment links expired"
    }

    async fn run(&self, now: Timestamp) -> Result<u64, StoreError> {
        store(&self.db).expire_payment_links(now, &self.ctx).await
    }
}
