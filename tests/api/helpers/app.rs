//! `TestApp`: a running server with its own database, clock and API key, and the requests
//! and objects most tests need from it.

use std::sync::Arc;

use jiff::Timestamp;
use portaal::app::Application;
use portaal::areas::account::admin;
use portaal::config::Config;
use portaal::db::Db;
use portaal::kernel::clock::ManualClock;
use portaal::kernel::scopes::Scope;
use reqwest::{Client, RequestBuilder, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::http::{customer_body, send};
use super::postgres::PgTestDatabase;

pub struct TestApp {
    /// `http://127.0.0.1:<port>/v1`
    pub api: String,
    pub client: Client,
    pub db: Db,
    pub clock: Arc<ManualClock>,
    pub account_id: portaal::kernel::ids::AccountId,
    /// A key of `account_id` with every scope.
    pub token: String,
    pub outbox: Arc<portaal::outbox::Outbox>,
    /// The test's own database (SQLite file or PostgreSQL database), for tests that must
    /// reach behind the API.
    pub database_url: String,
    _data: tempfile::TempDir,
    _stop: oneshot::Sender<()>,
    /// Dropped after the server: removes the test's PostgreSQL database, if any.
    _database: Option<PgTestDatabase>,
}

pub struct Options {
    pub rate_limit: u32,
    pub now: Timestamp,
    /// Webhook URLs on loopback/private addresses; on, since tests receive on 127.0.0.1.
    pub allow_private_webhooks: bool,
    /// Run the outbox worker in the background; off by default, so tests drain it.
    pub outbox_worker: bool,
    /// E-mail through this SMTP server instead of `.eml` files.
    pub smtp_url: Option<String>,
    /// Mollie's API base; a local fake in the payment tests.
    pub mollie_api_url: String,
    /// Connections slower to send their headers are closed.
    pub header_read_timeout: std::time::Duration,
    /// Requests slower than this (body included) get 408.
    pub request_time_limit: std::time::Duration,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            rate_limit: 100_000,
            now: "2025-04-14T10:00:00Z".parse().unwrap(),
            allow_private_webhooks: true,
            outbox_worker: false,
            smtp_url: None,
            mollie_api_url: portaal::config::DEFAULT_MOLLIE_API_URL.to_owned(),
            header_read_timeout: std::time::Duration::from_secs(10),
            request_time_limit: std::time::Duration::from_secs(30),
        }
    }
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        TestApp::spawn_with(Options::default()).await
    }

    pub async fn spawn_with(options: Options) -> TestApp {
        let data = tempfile::tempdir().expect("temp dir");
        let database = PgTestDatabase::create().await;
        let database_url = match &database {
            Some(db) => db.url.clone(),
            None => format!("sqlite:{}", data.path().join("portaal.db").display()),
        };
        let config = Config {
            listen: "127.0.0.1:0".parse().unwrap(),
            database_url,
            data_dir: data.path().to_owned(),
            public_url: None,
            time_zone: jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap(),
            rate_limit_per_minute: options.rate_limit,
            allow_private_webhooks: options.allow_private_webhooks,
            smtp_url: options.smtp_url.clone(),
            mail_from: "Test BV <facturen@test.example>".to_owned(),
            mollie_api_url: options.mollie_api_url.clone(),
            outbox_worker: options.outbox_worker,
            header_read_timeout: options.header_read_timeout,
            request_time_limit: options.request_time_limit,
        };
        let database_url = config.database_url.clone();
        let db = Db::open(&config.database_url).await.expect("database");
        let clock = Arc::new(ManualClock::new(options.now));
        let app = Application::build(&config, db.clone(), clock.clone())
            .await
            .expect("app");
        let api = app.api_base().to_owned();
        let outbox = app.outbox();
        let (stop, stopped) = oneshot::channel::<()>();
        tokio::spawn(app.run_until_stopped(async {
            let _ = stopped.await;
        }));
        let account = admin::create_account(&db, clock.as_ref(), "Test BV", None)
            .await
            .unwrap();
        let key = admin::create_api_key(&db, clock.as_ref(), &account.id, &[], None)
            .await
            .unwrap();
        TestApp {
            api,
            client: Client::new(),
            db,
            clock,
            account_id: account.id,
            token: key.token,
            outbox,
            database_url,
            _data: data,
            _stop: stop,
            _database: database,
        }
    }

    /// A key of this app's account with just these scopes.
    pub async fn key_with(&self, scopes: &[Scope]) -> String {
        admin::create_api_key(
            &self.db,
            self.clock.as_ref(),
            &self.account_id,
            scopes,
            None,
        )
        .await
        .unwrap()
        .token
    }

    /// Another account on the same server, with an all-scopes key.
    pub async fn other_account(&self) -> (portaal::kernel::ids::AccountId, String) {
        let account = admin::create_account(&self.db, self.clock.as_ref(), "Other BV", None)
            .await
            .unwrap();
        let key = admin::create_api_key(&self.db, self.clock.as_ref(), &account.id, &[], None)
            .await
            .unwrap();
        (account.id, key.token)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.api)
    }

    /// A URL outside `/v1` (pages, download links).
    pub fn public_url(&self, path: &str) -> String {
        format!("{}{path}", self.api.trim_end_matches("/v1"))
    }

    /// Sets the seller details of this app's account, as `portaal accounts update` does.
    pub async fn set_seller(&self, patch: portaal::areas::account::seller::SellerPatch) {
        portaal::areas::account::store(&self.db)
            .update_seller(&self.account_id, &patch)
            .await
            .expect("seller details");
    }

    pub fn get(&self, path: &str) -> RequestBuilder {
        self.client.get(self.url(path)).bearer_auth(&self.token)
    }

    pub fn delete(&self, path: &str) -> RequestBuilder {
        self.client.delete(self.url(path)).bearer_auth(&self.token)
    }

    pub fn post(&self, path: &str, body: &Value) -> RequestBuilder {
        self.client
            .post(self.url(path))
            .bearer_auth(&self.token)
            .json(body)
    }

    pub fn patch(&self, path: &str, body: &Value) -> RequestBuilder {
        self.client
            .patch(self.url(path))
            .bearer_auth(&self.token)
            .json(body)
    }

    /// Creates a customer and returns its body.
    pub async fn create_customer(&self, company: &str) -> Value {
        let (status, body) = send(self.post("/customers", &customer_body(company))).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// Delivers everything that is due now, as the background worker would.
    pub async fn drain_outbox(&self) -> usize {
        let mut total = 0;
        loop {
            let n = self.outbox.run_once().await.expect("outbox batch");
            if n == 0 {
                return total;
            }
            total += n;
        }
    }

    /// Where `.eml` files go when no SMTP server is configured.
    pub fn mail_dir(&self) -> std::path::PathBuf {
        self._data.path().join("mail")
    }

    pub fn clock_now_timestamp(&self) -> Timestamp {
        use portaal::kernel::clock::Clock;
        self.clock.now()
    }

    pub fn clock_now_seconds(&self) -> i64 {
        use portaal::kernel::clock::Clock;
        self.clock.now().as_second()
    }

    /// Every customer of this app's account, through the API.
    pub async fn all_customers(&self) -> Vec<Value> {
        let (status, body) = send(self.get("/customers?per_page=100")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"].as_array().unwrap().clone()
    }
}

impl TestApp {
    /// A request with this app's token, a raw body and the given `Content-Type` (none when
    /// `None`), for bodies `post`/`patch` cannot produce.
    pub fn raw(
        &self,
        method: reqwest::Method,
        path: &str,
        content_type: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> RequestBuilder {
        let mut request = self
            .client
            .request(method, self.url(path))
            .bearer_auth(&self.token)
            .body(body);
        if let Some(content_type) = content_type {
            request = request.header(reqwest::header::CONTENT_TYPE, content_type);
        }
        request
    }

    /// A request sent with another token (of this or another account), without a body.
    pub fn request_as(&self, token: &str, method: reqwest::Method, path: &str) -> RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }

    /// Creates a customer group with these members and returns its body.
    pub async fn create_group(&self, name: &str, customers: &[&str]) -> Value {
        let (status, body) = send(self.post(
            "/customer-groups",
            &json!({"name": name, "customers": customers}),
        ))
        .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }

    /// One customer through the API.
    pub async fn customer(&self, id: &str) -> Value {
        let (status, body) = send(self.get(&format!("/customers/{id}"))).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Every customer group of this app's account, through the API.
    pub async fn all_groups(&self) -> Vec<Value> {
        let (status, body) = send(self.get("/customer-groups?per_page=100")).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body["data"].as_array().unwrap().clone()
    }
}
