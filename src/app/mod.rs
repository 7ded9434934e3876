//! The composition root: builds the state every handler shares from the configuration,
//! wires what lower layers call back (the outbox's e-mail composer and sweeps), assembles
//! the router and the OpenAPI document, serves until a shutdown signal, then lets the
//! requests in flight finish.

mod openapi;
mod router;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;

use crate::areas;
use crate::config::Config;
use crate::db::Db;
use crate::kernel::clock::Clock;
use crate::mail::Mailer;
use crate::outbox::Outbox;
use crate::web::signed_links::LinkSigner;
use crate::web::{self, AppState, Context, Settings};

pub use router::router;

/// The settings key of the secret that signs download links; shared by every instance.
const LINK_SECRET: &str = "link_signing_secret";

pub struct Application {
    listener: TcpListener,
    state: AppState,
    outbox: Arc<Outbox>,
    outbox_worker: bool,
    header_read_timeout: std::time::Duration,
}

impl Application {
    /// Binds the listener and prepares the state; nothing is served until [`Application::run_until_stopped`].
    pub async fn build(
        config: &Config,
        db: Db,
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
        let secret = db
            .setting_or_insert(LINK_SECRET, crate::kernel::ids::random_hex(32))
            .await
            .context("reading the link-signing secret")?;
        let ctx = Arc::new(Context {
            clock,
            time_zone: config.time_zone.clone(),
            api_base: format!("{public_url}/v1").into(),
            public_base: public_url.into(),
        });
        let state = AppState::new(Settings {
            db: db.clone(),
            ctx: Arc::clone(&ctx),
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
            db.clone(),
            Arc::clone(&ctx.clock),
            mailer,
            config.allow_private_webhooks,
            areas::outbox_hooks(&db, &ctx),
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
        &self.state.ctx.api_base
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
        let expiry = tokio::spawn(web::idempotency::expire_keys(
            self.state.db.clone(),
            Arc::clone(&self.state.ctx.clock),
            stopped,
        ));
        let app = router(self.state);
        let served = web::serve::serve(self.listener, app, self.header_read_timeout, shutdown)
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
