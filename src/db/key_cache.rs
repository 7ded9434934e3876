//! API keys seen recently, kept by the PostgreSQL store so that authenticating a request
//! costs no round trip to the database (one of six per invoice create; its effect is
//! measured in bench/README.md, "Issue 7, second pass").
//!
//! A revoked key must stop working at once, in every process on the database. So:
//! - only keys that were valid when read are kept, and only while this process listens on
//!   the channel [`CHANNEL`], to which every revocation, and every change of an account's
//!   feature modules (which a kept key carries), sends a notification after its update is
//!   committed. A notification forgets every kept key;
//! - a revocation in this process forgets them before it returns, without waiting for its
//!   own notification;
//! - while the listening connection is down (notifications may be missed), nothing is kept
//!   and every lookup reads the database;
//! - a read that started before a forget cannot put its (perhaps stale) answer back: each
//!   entry carries the generation it was read in, and a forget starts a new generation;
//! - entries also expire after [`TIME_TO_LIVE`], which bounds the damage of a change made
//!   behind portaal's back (SQL typed by hand).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

use sqlx::PgPool;
use sqlx::postgres::PgListener;

use super::keys::ApiKeyRecord;

/// The notification channel of revocations.
pub const CHANNEL: &str = "portaal_api_keys";

const TIME_TO_LIVE: Duration = Duration::from_secs(60);
const CAPACITY: u64 = 10_000;

pub struct KeyCache {
    keys: moka::sync::Cache<String, (u64, ApiKeyRecord)>,
    generation: AtomicU64,
    listening: AtomicBool,
    started: std::sync::Once,
}

impl Default for KeyCache {
    fn default() -> Self {
        KeyCache {
            keys: moka::sync::Cache::builder()
                .max_capacity(CAPACITY)
                .time_to_live(TIME_TO_LIVE)
                .build(),
            generation: AtomicU64::new(0),
            listening: AtomicBool::new(false),
            started: std::sync::Once::new(),
        }
    }
}

impl KeyCache {
    /// The generation to pass to [`KeyCache::keep`] for a read that starts now.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// A kept key, if this process may trust it.
    pub fn get(&self, token_hash: &str) -> Option<ApiKeyRecord> {
        if !self.listening.load(Ordering::Acquire) {
            return None;
        }
        let (generation, key) = self.keys.get(token_hash)?;
        (generation == self.generation()).then_some(key)
    }

    /// Keeps a key read in `generation`, if it was valid then and nothing was forgotten since.
    pub fn keep(&self, token_hash: &str, generation: u64, key: &ApiKeyRecord) {
        if !key.revoked && self.listening.load(Ordering::Acquire) && generation == self.generation()
        {
            self.keys
                .insert(token_hash.to_owned(), (generation, key.clone()));
        }
    }

    /// Forgets every kept key.
    pub fn forget_all(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
        self.keys.invalidate_all();
    }

    /// Starts listening for revocations, once per store, in the background. Until the
    /// listener is connected, nothing is kept.
    pub fn start(self: &Arc<Self>, pool: &PgPool) {
        self.started.call_once(|| {
            let weak = Arc::downgrade(self);
            let pool = pool.clone();
            tokio::spawn(async move {
                loop {
                    match listen(&pool).await {
                        Ok(mut listener) => {
                            let Some(cache) = weak.upgrade() else { return };
                            cache.forget_all();
                            cache.listening.store(true, Ordering::Release);
                            drop(cache);
                            // Ok(None): the connection was lost, and notifications with it.
                            while let Ok(Some(_)) = listener.try_recv().await {
                                let Some(cache) = weak.upgrade() else { return };
                                cache.forget_all();
                            }
                            tracing::warn!("lost the connection that listens for API key revocations; reading every key from the database until it is back");
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "cannot listen for API key revocations; reading every key from the database");
                        }
                    }
                    let Some(cache) = weak.upgrade() else { return };
                    cache.listening.store(false, Ordering::Release);
                    cache.forget_all();
                    drop(cache);
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            });
        });
    }
}

async fn listen(pool: &PgPool) -> sqlx::Result<PgListener> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CHANNEL).await?;
    Ok(listener)
}
