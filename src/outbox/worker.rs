//! The outbox worker: claim due deliveries, send them, record the outcome. Runs in every
//! server process; leases make several workers (or a restarted one) share the work.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use rand::Rng;
use tokio::task::JoinSet;

use super::hooks::{ComposeError, Hooks};
use super::webhook;
use super::{Channel, ClaimedDelivery, DeliveryOutcome, OutboxStore};
use crate::db::{Db, StoreError};
use crate::kernel::clock::Clock;
use crate::mail::Mailer;

/// About three days of attempts: 30 s doubling, so the 14th attempt comes some 68 hours
/// after the first; after it the delivery is marked failed.
pub const MAX_ATTEMPTS: i64 = 14;
const FIRST_RETRY: SignedDuration = SignedDuration::from_secs(30);
/// How long a claimed delivery is reserved: longer than any one attempt can take (10 s
/// for a webhook, 30 s for SMTP), short enough that deliveries claimed by a process that
/// died are soon sent by another.
const LEASE: SignedDuration = SignedDuration::from_secs(60);
const BATCH: i64 = 32;
/// Attempts the background worker runs at once.
const IN_FLIGHT: usize = 64;
const IDLE_POLL: Duration = Duration::from_millis(200);

/// The wait after attempt `attempts` (1-based): 30 s × 2^(attempts-1), ±20 % jitter so that
/// deliveries failing together do not retry together.
pub fn backoff(attempts: i64, jitter: f64) -> SignedDuration {
    let doublings = (attempts.max(1) - 1).min(20) as u32;
    let base = FIRST_RETRY.as_secs_f64() * f64::from(2u32.pow(doublings));
    SignedDuration::from_secs_f64(base * jitter.clamp(0.8, 1.2))
}

pub struct Outbox {
    db: Db,
    clock: Arc<dyn Clock>,
    mailer: Mailer,
    http: reqwest::Client,
    allow_private: bool,
    /// E-mail composition and sweeps, from the areas.
    hooks: Hooks,
    /// When the sweeps last ran.
    last_sweep: std::sync::Mutex<Option<std::time::Instant>>,
}

/// How often the worker runs the sweeps (payment links past their expiry).
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

impl Outbox {
    /// `allow_private`: webhooks may reach loopback and private addresses (tests, closed
    /// networks); otherwise calls to such addresses fail for good.
    pub fn new(
        db: Db,
        clock: Arc<dyn Clock>,
        mailer: Mailer,
        allow_private: bool,
        hooks: Hooks,
    ) -> Arc<Outbox> {
        Arc::new(Outbox {
            db,
            clock,
            mailer,
            http: webhook::client(allow_private),
            allow_private,
            hooks,
            last_sweep: std::sync::Mutex::new(None),
        })
    }

    fn store(&self) -> &dyn OutboxStore {
        super::store(&self.db)
    }

    /// Runs every registered sweep once; returns how many things they changed.
    pub async fn sweep(&self) -> Result<u64, StoreError> {
        *self.last_sweep.lock().unwrap_or_else(|e| e.into_inner()) =
            Some(std::time::Instant::now());
        let mut total = 0;
        for sweep in &self.hooks.sweeps {
            let changed = sweep.run(self.clock.now()).await?;
            if changed > 0 {
                tracing::info!(changed, "{}", sweep.name());
            }
            total += changed;
        }
        Ok(total)
    }

    fn sweep_due(&self) -> bool {
        let last = *self.last_sweep.lock().unwrap_or_else(|e| e.into_inner());
        last.is_none_or(|at| at.elapsed() >= SWEEP_EVERY)
    }

    /// Claims one batch of due deliveries and works through it; returns how many were tried.
    pub async fn run_once(self: &Arc<Self>) -> Result<usize, StoreError> {
        let batch = self
            .store()
            .claim_deliveries(self.clock.now(), LEASE, BATCH)
            .await?;
        let count = batch.len();
        let mut tasks = JoinSet::new();
        for delivery in batch {
            self.spawn_attempt(&mut tasks, delivery);
        }
        while tasks.join_next().await.is_some() {}
        Ok(count)
    }

    /// Works until `stop` completes, then lets the attempts under way finish. Claims more
    /// whenever fewer than `IN_FLIGHT` attempts run, rather than batch by batch: one
    /// receiver that hangs until the timeout must not hold up every other delivery.
    pub async fn run(self: Arc<Self>, mut stop: tokio::sync::watch::Receiver<bool>) {
        tracing::info!(mail = self.mailer.describe(), "outbox worker started");
        let mut tasks = JoinSet::new();
        while !*stop.borrow() {
            if self.sweep_due()
                && let Err(e) = self.sweep().await
            {
                tracing::error!(error = %e, "a sweep failed");
            }
            let room = IN_FLIGHT.saturating_sub(tasks.len()) as i64;
            let claimed = if room == 0 {
                0
            } else {
                match self
                    .store()
                    .claim_deliveries(self.clock.now(), LEASE, room.min(BATCH))
                    .await
                {
                    Ok(batch) => {
                        let n = batch.len();
                        for delivery in batch {
                            self.spawn_attempt(&mut tasks, delivery);
                        }
                        n
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "could not claim deliveries");
                        0
                    }
                }
            };
            if claimed > 0 && tasks.len() < IN_FLIGHT {
                continue; // more may be due right away
            }
            // Full, or nothing due: wait for an attempt to finish, the next poll, or stop.
            tokio::select! {
                Some(_) = tasks.join_next(), if !tasks.is_empty() => {}
                _ = tokio::time::sleep(IDLE_POLL) => {}
                _ = stop.changed() => {}
            }
        }
        while tasks.join_next().await.is_some() {}
        tracing::info!("outbox worker stopped");
    }

    /// Attempts one claimed delivery in its own task and records the outcome.
    fn spawn_attempt(self: &Arc<Self>, tasks: &mut JoinSet<()>, delivery: ClaimedDelivery) {
        let outbox = Arc::clone(self);
        tasks.spawn(async move {
            let outcome = outbox.attempt(&delivery).await;
            match &outcome {
                DeliveryOutcome::Delivered { .. } => {
                    tracing::info!(event_id = %delivery.event_id, target = %delivery.target, "delivered")
                }
                DeliveryOutcome::Retry { error, .. } => tracing::warn!(
                    event_id = %delivery.event_id, target = %delivery.target, attempts = delivery.attempts,
                    error = %error, "delivery failed; will retry"
                ),
                DeliveryOutcome::Failed { error, .. } => tracing::error!(
                    event_id = %delivery.event_id, target = %delivery.target, attempts = delivery.attempts,
                    error = %error, "delivery failed for good"
                ),
            }
            // If this fails, the lease runs out and the delivery is tried again.
            if let Err(e) = outbox
                .store()
                .finish_delivery(&delivery, &outcome, outbox.clock.now())
                .await
            {
                tracing::error!(error = %e, event_id = %delivery.event_id, "could not record a delivery outcome");
            }
        });
    }

    async fn attempt(&self, delivery: &ClaimedDelivery) -> DeliveryOutcome {
        match delivery.channel {
            Channel::Webhook => self.call_webhook(delivery).await,
            Channel::Email => self.send_email(delivery).await,
        }
    }

    async fn call_webhook(&self, delivery: &ClaimedDelivery) -> DeliveryOutcome {
        let Some((url, secret)) = &delivery.webhook else {
            return DeliveryOutcome::Failed {
                status_code: None,
                error: "the webhook was deleted".to_owned(),
            };
        };
        if !self.allow_private && webhook::names_private_ip(url) {
            return DeliveryOutcome::Failed {
                status_code: None,
                error: "the webhook's address is not public".to_owned(),
            };
        }
        let result =
            webhook::call(&self.http, url, secret, &delivery.event_id, &delivery.body).await;
        match result.error {
            None => DeliveryOutcome::Delivered {
                status_code: result.status,
            },
            Some(error) => self.retry_or_fail(delivery, result.status, error),
        }
    }

    async fn send_email(&self, delivery: &ClaimedDelivery) -> DeliveryOutcome {
        let email = match self.hooks.composer.compose(delivery).await {
            Ok(email) => email,
            Err(ComposeError::Permanent(error)) => {
                return DeliveryOutcome::Failed {
                    status_code: None,
                    error,
                };
            }
            Err(ComposeError::Retry(error)) => return self.retry_or_fail(delivery, None, error),
        };
        match self
            .mailer
            .send(
                &email.to,
                &email.message,
                email.attachments,
                &delivery.event_id,
            )
            .await
        {
            Ok(()) => DeliveryOutcome::Delivered { status_code: None },
            Err(e) if e.permanent => DeliveryOutcome::Failed {
                status_code: None,
                error: e.message,
            },
            Err(e) => self.retry_or_fail(delivery, None, e.message),
        }
    }

    fn retry_or_fail(
        &self,
        delivery: &ClaimedDelivery,
        status_code: Option<u16>,
        error: String,
    ) -> DeliveryOutcome {
        if delivery.attempts >= MAX_ATTEMPTS {
            return DeliveryOutcome::Failed {
                status_code,
                error: format!("{error} (gave up after {} attempts)", delivery.attempts),
            };
        }
        let jitter = rand::rng().random_range(0.8..=1.2);
        let now: Timestamp = self.clock.now();
        DeliveryOutcome::Retry {
            next_attempt_at: now
                .saturating_add(backoff(delivery.attempts, jitter))
                .unwrap_or(now),
            status_code,
            error,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_thirty_seconds_and_adds_up_to_about_three_days() {
        assert_eq!(backoff(1, 1.0), SignedDuration::from_secs(30));
        assert_eq!(backoff(2, 1.0), SignedDuration::from_secs(60));
        assert_eq!(backoff(3, 0.8), SignedDuration::from_secs(96));
        let total: f64 = (1..MAX_ATTEMPTS)
            .map(|a| backoff(a, 1.0).as_secs_f64())
            .sum();
        let days = total / 86_400.0;
        assert!((2.5..3.5).contains(&days), "{days} days");
    }
}
