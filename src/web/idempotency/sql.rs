//! Idempotency keys' SQL, compiled once per backend (see `mod.rs`): claiming a key by
//! inserting its row, replaying the stored response, taking over claims of requests that
//! died, and expiry.

use super::{Backend, DB};
use crate::db::{StoreResult, to_micros};
use crate::web::idempotency::store::{
    ClaimOutcome, IdempotencyClaim, IdempotencyStore, StoredResponse,
};

#[async_trait::async_trait]
impl IdempotencyStore for Backend {
    async fn claim_idempotency(&self, claim: &IdempotencyClaim) -> StoreResult<ClaimOutcome> {
        let now = to_micros(claim.now);
        let mut tx = self.write.begin().await?;
        // An expired row is as good as none: the request runs afresh.
        sqlx::query::<DB>(
            "DELETE FROM idempotency_keys
             WHERE api_key_id = $1 AND idempotency_key = $2 AND created_at < $3",
        )
        .bind(&claim.api_key_id)
        .bind(&claim.key)
        .bind(to_micros(claim.expired_before))
        .execute(&mut *tx)
        .await?;
        // The unique primary key decides between racers: on PostgreSQL a second
        // insert waits for the first transaction and then does nothing.
        let inserted = sqlx::query::<DB>(
            "INSERT INTO idempotency_keys (api_key_id, idempotency_key, request_hash, state, created_at)
             VALUES ($1, $2, $3, 'running', $4)
             ON CONFLICT (api_key_id, idempotency_key) DO NOTHING",
        )
        .bind(&claim.api_key_id)
        .bind(&claim.key)
        .bind(&claim.request_hash)
        .bind(now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 {
            tx.commit().await?;
            return Ok(ClaimOutcome::Claimed);
        }
        let row: Option<(
            String,
            String,
            Option<i64>,
            Option<String>,
            Option<Vec<u8>>,
            i64,
        )> = sqlx::query_as::<DB, _>(
            "SELECT request_hash, state, status_code, content_type, response_body, created_at
                 FROM idempotency_keys WHERE api_key_id = $1 AND idempotency_key = $2",
        )
        .bind(&claim.api_key_id)
        .bind(&claim.key)
        .fetch_optional(&mut *tx)
        .await?;
        // Gone between the insert and the select (released by its request): the
        // caller may simply retry; answering "in progress" is the honest short form.
        let Some((hash, state, status, content_type, body, created_at)) = row else {
            tx.commit().await?;
            return Ok(ClaimOutcome::InProgress);
        };
        let outcome = if hash != claim.request_hash {
            ClaimOutcome::Mismatch
        } else if state == "completed" {
            ClaimOutcome::Completed(StoredResponse {
                status: status.and_then(|s| u16::try_from(s).ok()).unwrap_or(200),
                content_type,
                body: body.unwrap_or_default(),
            })
        } else if created_at < to_micros(claim.stale_before) {
            // Compare-and-set on the old claim time: of several takers, one wins.
            let taken = sqlx::query::<DB>(
                "UPDATE idempotency_keys SET created_at = $1
                 WHERE api_key_id = $2 AND idempotency_key = $3
                   AND state = 'running' AND created_at = $4",
            )
            .bind(now)
            .bind(&claim.api_key_id)
            .bind(&claim.key)
            .bind(created_at)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if taken == 1 {
                ClaimOutcome::Claimed
            } else {
                ClaimOutcome::InProgress
            }
        } else {
            ClaimOutcome::InProgress
        };
        tx.commit().await?;
        Ok(outcome)
    }

    async fn complete_idempotency(
        &self,
        api_key_id: &str,
        key: &str,
        response: &StoredResponse,
    ) -> StoreResult<()> {
        sqlx::query::<DB>(
            "UPDATE idempotency_keys
             SET state = 'completed', status_code = $1, content_type = $2, response_body = $3
             WHERE api_key_id = $4 AND idempotency_key = $5 AND state = 'running'",
        )
        .bind(i64::from(response.status))
        .bind(response.content_type.as_deref())
        .bind(&response.body)
        .bind(api_key_id)
        .bind(key)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn release_idempotency(&self, api_key_id: &str, key: &str) -> StoreResult<()> {
        sqlx::query::<DB>(
            "DELETE FROM idempotency_keys
             WHERE api_key_id = $1 AND idempotency_key = $2 AND state = 'running'",
        )
        .bind(api_key_id)
        .bind(key)
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn delete_expired_idempotency(&self, before: jiff::Timestamp) -> StoreResult<u64> {
        let result = sqlx::query::<DB>("DELETE FROM idempotency_keys WHERE created_at < $1")
            .bind(to_micros(before))
            .execute(&self.write)
            .await?;
        Ok(result.rows_affected())
    }
}
