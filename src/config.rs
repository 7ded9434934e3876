//! Typed settings from flags and `PORTAAL_*` environment variables.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use jiff::tz::TimeZone;

use crate::kernel::net::redact_url;

/// Mollie's Payments API, the default of `--mollie-api-url`.
pub const DEFAULT_MOLLIE_API_URL: &str = "https://api.mollie.com/v2";

/// Where the data lives; shared by every command that opens the database.
#[derive(Debug, Clone, clap::Args)]
pub struct StoreArgs {
    /// Folder for the embedded database and stored files.
    #[arg(long, env = "PORTAAL_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// Database URL; defaults to `sqlite:<data-dir>/portaal.db`.
    #[arg(
        long,
        env = "PORTAAL_DATABASE_URL",
        global = true,
        hide_env_values = true
    )]
    pub database_url: Option<String>,
}

impl StoreArgs {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite:{}", self.data_dir.join("portaal.db").display()))
    }
}

#[derive(Debug, Clone, clap::Args)]
pub struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, env = "PORTAAL_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Origin at which clients reach this server, e.g. `https://api.example.nl`; API links
    /// become `<public-url>/v1/...`. Defaults to `http://<listen address>`.
    #[arg(long, env = "PORTAAL_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// IANA time zone for dates, ATOM offsets and the license month.
    #[arg(long, env = "PORTAAL_TIME_ZONE", default_value = "Europe/Amsterdam")]
    pub time_zone: String,
    /// Requests per minute per API key, unless the key has its own limit.
    #[arg(long, env = "PORTAAL_RATE_LIMIT", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    pub rate_limit: u32,
    /// Allow webhook URLs that resolve to loopback, private or link-local addresses (for
    /// tests and closed networks); by default such URLs are refused.
    #[arg(long, env = "PORTAAL_ALLOW_PRIVATE_WEBHOOKS")]
    pub allow_private_webhooks: bool,
    /// SMTP server for e-mail, e.g. `smtp://user:pass@mail.example.nl:587?tls=required` or
    /// `smtps://mail.example.nl`; without it, e-mails are written as `.eml` files to
    /// `<data-dir>/mail`.
    #[arg(long, env = "PORTAAL_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of e-mails.
    #[arg(
        long,
        env = "PORTAAL_MAIL_FROM",
        default_value = "portaal <noreply@localhost>"
    )]
    pub mail_from: String,
    /// Do not deliver webhooks and e-mails from this instance (another instance on the same
    /// PostgreSQL database does); they stay queued in the outbox.
    #[arg(long, env = "PORTAAL_NO_OUTBOX_WORKER")]
    pub no_outbox_worker: bool,
    /// Base URL of Mollie's Payments API; change it only to point at a test double.
    #[arg(long, env = "PORTAAL_MOLLIE_API_URL", default_value = DEFAULT_MOLLIE_API_URL)]
    pub mollie_api_url: String,
    /// Seconds a client may take to send a request's headers; slower connections are closed.
    #[arg(long, env = "PORTAAL_HEADER_READ_TIMEOUT", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_read_timeout: u64,
    /// Seconds a request may take, body upload included, before it is answered with 408.
    #[arg(long, env = "PORTAAL_REQUEST_TIME_LIMIT", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub request_time_limit: u64,
}

/// Everything the server needs, validated.
#[derive(Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database_url: String,
    pub data_dir: PathBuf,
    /// Without trailing slash; `None` means `http://<bound address>`.
    pub public_url: Option<String>,
    pub time_zone: TimeZone,
    pub rate_limit_per_minute: u32,
    pub allow_private_webhooks: bool,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub mollie_api_url: String,
    /// Run the outbox worker inside the server (always, except in tests that drain the
    /// outbox themselves).
    pub outbox_worker: bool,
    /// Connections that take longer to send a request's headers are closed.
    pub header_read_timeout: Duration,
    /// Requests that take longer, body upload included, are answered with 408.
    pub request_time_limit: Duration,
}

impl Config {
    pub fn from_args(store: &StoreArgs, serve: &ServeArgs) -> anyhow::Result<Config> {
        let time_zone = TimeZone::get(&serve.time_zone)
            .map_err(|e| anyhow::anyhow!("unknown time zone `{}`: {e}", serve.time_zone))?;
        let public_url = match &serve.public_url {
            None => None,
            Some(url) => {
                let url = url.trim_end_matches('/');
                anyhow::ensure!(
                    url.starts_with("http://") || url.starts_with("https://"),
                    "--public-url must start with http:// or https://, got `{url}`"
                );
                Some(url.to_owned())
            }
        };
        anyhow::ensure!(
            serve.mollie_api_url.starts_with("https://")
                || serve.mollie_api_url.starts_with("http://"),
            "--mollie-api-url must start with https:// (or http:// for a local test double), got `{}`",
            serve.mollie_api_url
        );
        Ok(Config {
            listen: serve.listen,
            database_url: store.database_url(),
            data_dir: store.data_dir.clone(),
            public_url,
            time_zone,
            rate_limit_per_minute: serve.rate_limit,
            allow_private_webhooks: serve.allow_private_webhooks,
            smtp_url: serve.smtp_url.clone(),
            mail_from: serve.mail_from.clone(),
            mollie_api_url: serve.mollie_api_url.clone(),
            outbox_worker: !serve.no_outbox_worker,
            header_read_timeout: Duration::from_secs(serve.header_read_timeout),
            request_time_limit: Duration::from_secs(serve.request_time_limit),
        })
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("listen", &self.listen)
            .field("database_url", &redact_url(&self.database_url))
            .field("data_dir", &self.data_dir)
            .field("public_url", &self.public_url)
            .field("time_zone", &self.time_zone.iana_name())
            .field("rate_limit_per_minute", &self.rate_limit_per_minute)
            .field("allow_private_webhooks", &self.allow_private_webhooks)
            .field("smtp_url", &self.smtp_url.as_deref().map(redact_url))
            .field("mail_from", &self.mail_from)
            .field("mollie_api_url", &self.mollie_api_url)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("request_time_limit", &self.request_time_limit)
            .finish()
    }
}
