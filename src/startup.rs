//! Building and running the server: open and migrate the store, bind, serve until a
//! shutdown signal, then finish the requests in flight.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tokio::net::TcpListener;

use crate::clock::Clock;
use crate::config::Config;
use crate::http::signed_links::LinkSigner;
use crate::http::{self, AppState};
use crate::outbox::{Mailer, Outbox};

/// The settings key of the secret that signs download links; shared by every instance.
const LINK_SECRET: &str = "link_signing_secret";
use crate::store::postgres::PgStore;
use crate::store::sqlite::SqliteStore;
use crate::store::{Store, StoreError};
use sqlx::migrate::MigrateError;

/// Opens the database named by `url` and applies pending migrations.
pub async fn open_store(url: &str) -> anyhow::Result<Arc<dyn Store>> {
    if let Some(path) = url.strip_prefix("sqlite:") {
        let path = path.trim_start_matches("//");
        let file = path.split('?').next().unwrap_or(path);
        if let Some(dir) = std::path::Path::new(file)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
        {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the data folder {}", dir.display()))?;
        }
        let store = SqliteStore::connect(url)
            .await
            .context("opening the SQLite database")?;
        migrate(&store).await?;
        Ok(Arc::new(store))
    } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = PgStore::connect(url, 16)
            .await
            .with_context(|| format!("connecting to {}", crate::config::redact_url(url)))?;
        migrate(&store).await?;
        Ok(Arc::new(store))
    } else {
        anyhow::bail!(
            "unsupported database URL `{}`: use sqlite:PATH or postgres://USER@HOST/DATABASE",
            crate::config::redact_url(url)
        )
    }
}

/// Applies pending migrations; a database that a newer portaal migrated is refused, since
/// this build would not know its schema.
async fn migrate(store: &dyn Store) -> anyhow::Result<()> {
    match store.migrate().await {
        Err(StoreError::Migration(MigrateError::VersionMissing(version))) => anyhow::bail!(
            "this database was migrated by a newer portaal (it has migration {version}, which this \
             build does not know); run that newer portaal, or restore a backup made for this one"
        ),
        other => other.context("migrating the database"),
    }
}

pub struct Application {
    listener: TcpListener,
    state: AppState,
    outbox: Arc<Outbox>,
    outbox_worker: bool,
    header_read_timeout: std::time::Duration,
}

impl Application {
    /// Binds the listener and prepares the state; nothing is served until [`run_until_stopped`].
    pub async fn build(
        config: &Config,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {}", config.listen))?;
        let local = listener.local_addr()?;
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}"));
        let secret = store
            .setting_or_insert(LINK_SECRET, crate::domain::ids::random_hex(32))
            .await
            .context("reading the link-signing secret")?;
        let state = AppState::new(crate::http::Settings {
            store,
            clock,
            time_zone: config.time_zone.clone(),
            api_base: format!("{public_url}/v1").into(),
            public_base: public_url.into(),
            signer: LinkSigner::new(secret.as_bytes()),
            rate_limit_per_minute: config.rate_limit_per_minute,
            rate_limiter: Default::default(),
            allow_private_webhooks: config.allow_private_webhooks,
            mollie: crate::payments::mollie::MollieApi::new(&config.mollie_api_url)
                .context("setting up the Mollie client")?,
            request_time_limit: config.request_time_limit,
        });
        let mailer = Mailer::new(
            &config.mail_from,
            config.smtp_url.as_deref(),
            config.data_dir.join("mail"),
        )
        .context("setting up e-mail")?;
        let outbox = Outbox::new(
            state.store.clone(),
            state.clock.clone(),
            mailer,
            config.allow_private_webhooks,
            Arc::new(state.clone()),
        );
        Ok(Application {
            listener,
            state,
            outbox,
            outbox_worker: config.outbox_worker,
            header_read_timeout: config.header_read_timeout,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn api_base(&self) -> &str {
        &self.state.api_base
    }

    /// The outbox, for tests that drain it themselves.
    pub fn outbox(&self) -> Arc<Outbox> {
        Arc::clone(&self.outbox)
    }

    /// Serves (and runs the outbox worker) until `shutdown` completes, then lets requests
    /// in flight and deliveries under way finish.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let worker = self
            .outbox_worker
            .then(|| tokio::spawn(Arc::clone(&self.outbox).run(stopped.clone())));
        let expiry = tokio::spawn(http::idempotency::expire_keys(
            Arc::clone(&self.state.store),
            Arc::clone(&self.state.clock),
            stopped,
        ));
        let app = http::router(self.state);
        let served =
            crate::http::serve::serve(self.listener, app, self.header_read_timeout, shutdown)
                .await
                .context("serving HTTP");
        let _ = stop.send(true);
        let _ = expiry.await;
        if let Some(worker) = worker {
            let _ = worker.await;
        }
        served
    }
}

/// Completes on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}
