//! `TestApp`: a running server with its own database, clock and API key.

use std::sync::Arc;

use jiff::Timestamp;
use portaal::app::Application;
use portaal::areas::account::admin;
use portaal::config::Config;
use portaal::db::Db;
use portaal::kernel::clock::ManualClock;
use portaal::kernel::scopes::Scope;
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};
use tokio::sync::oneshot;

pub struct TestApp {
    /// `http://127.0.0.1:<port>/v1`
    pub api: String,
    pub client: Client,
    pub db: Db,
    pub clock: Arc<ManualClock>,
    pub account_id: String,
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
    pub async fn other_account(&self) -> (String, String) {
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

/// The backend the suite runs on: PostgreSQL when `PORTAAL_TEST_DATABASE_URL` names a
/// server (each test gets a fresh database there), SQLite otherwise. With
/// `PORTAAL_TEST_REQUIRE_POSTGRES=1` a missing URL fails the test instead of falling back.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("PORTAAL_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("PORTAAL_TEST_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "PORTAAL_TEST_REQUIRE_POSTGRES=1 but PORTAAL_TEST_DATABASE_URL is not set"
            );
            None
        }
    }
}

/// A database of its own on the test PostgreSQL server, dropped when the test ends.
pub struct PgTestDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgTestDatabase {
    pub async fn create() -> Option<PgTestDatabase> {
        use sqlx::Connection;
        let admin_url = postgres_admin_url()?;
        let name = format!("portaal_test_{}", portaal::kernel::ids::random_hex(8));
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("connect to the test PostgreSQL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create a test database");
        admin.close().await.ok();
        let url = with_database(&admin_url, &name);
        Some(PgTestDatabase {
            admin_url,
            name,
            url,
        })
    }
}

impl Drop for PgTestDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime; a thread with its own runtime may block.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                use sqlx::Connection;
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            });
        })
        .join();
    }
}

/// `postgres://user@host:port/db?x` with the database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |i| after_scheme + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

pub fn customer_body(company: &str) -> Value {
    json!({
        "companyName": company,
        "address": "Teststreet 123",
        "zipCode": "1234AB",
        "city": "Amsterdam",
        "primaryEmail": "john.doe@test.com"
    })
}

/// Sends a request and returns its status and JSON body (`Value::Null` when empty).
pub async fn send(request: RequestBuilder) -> (StatusCode, Value) {
    let response = request.send().await.expect("request sent");
    read(response).await
}

pub async fn read(response: Response) -> (StatusCode, Value) {
    let status = response.status();
    let bytes = response.bytes().await.expect("body read");
    if bytes.is_empty() {
        return (status, Value::Null);
    }
    let body = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
        panic!(
            "status {status}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(&bytes)
        )
    });
    (status, body)
}

/// Asserts the error body of DECISIONS.md: exactly `code` and a non-empty `message`, plus
/// `errors` on 422.
pub fn assert_error(status: StatusCode, body: &Value, expected: u16) {
    assert_eq!(status.as_u16(), expected, "{body}");
    assert_eq!(body["code"], expected, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(!message.is_empty(), "no message in {body}");
    let allowed: &[&str] = if expected == 422 {
        &["code", "message", "errors"]
    } else {
        &["code", "message"]
    };
    for key in body.as_object().unwrap().keys() {
        assert!(
            allowed.contains(&key.as_str()),
            "unexpected member {key} in {body}"
        );
    }
}

/// Asserts a 422 whose `errors` name exactly these field paths.
pub fn assert_invalid_fields(status: StatusCode, body: &Value, fields: &[&str]) {
    assert_error(status, body, 422);
    let mut got: Vec<&str> = body["errors"]
        .as_object()
        .map(|e| e.keys().map(String::as_str).collect())
        .unwrap_or_default();
    got.sort();
    let mut want = fields.to_vec();
    want.sort();
    assert_eq!(got, want, "{body}");
}

/// Checks an ATOM date-time with the Amsterdam offset, e.g. `2024-04-29T21:00:00+02:00`.
pub fn assert_atom(value: &Value) {
    let text = value
        .as_str()
        .unwrap_or_else(|| panic!("not a string: {value}"));
    assert_eq!(text.len(), 25, "{text}");
    assert!(
        text.ends_with("+01:00") || text.ends_with("+02:00"),
        "{text}"
    );
    text.parse::<Timestamp>().expect("RFC 3339");
}

/// Runs futures concurrently on the test's runtime.
pub async fn join_all<F, T>(futures: impl IntoIterator<Item = F>) -> Vec<T>
where
    F: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::with_capacity(handles.len());
    for handle in handles {
        out.push(handle.await.expect("task"));
    }
    out
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

/// The `id` member of an object, as a string.
pub fn id_of(object: &Value) -> String {
    object["id"]
        .as_str()
        .unwrap_or_else(|| panic!("no id in {object}"))
        .to_owned()
}

impl TestApp {
    /// Sends a request over a bare TCP connection with this app's token, writing the body
    /// while the answer is read, and returns its status and JSON body.
    ///
    /// A server may answer (413) before it has read a large body and then close the
    /// connection; the client's remaining writes then fail with a broken pipe. reqwest
    /// reports that write error and drops the answer; this reads the answer regardless.
    pub fn send_over_tcp(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> impl std::future::Future<Output = (StatusCode, Value)> + Send + 'static {
        let rest = self.api.strip_prefix("http://").expect("http base URL");
        let (authority, base_path) = rest.split_once('/').expect("base path");
        let authority = authority.to_owned();
        let head = format!(
            "{method} /{base_path}{path} HTTP/1.1\r\nHost: {authority}\r\n\
             Authorization: Bearer {token}\r\nContent-Type: {content_type}\r\n\
             Content-Length: {length}\r\nConnection: close\r\n\r\n",
            token = self.token,
            length = body.len(),
        );
        async move {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};

            let stream = tokio::net::TcpStream::connect(&authority)
                .await
                .expect("connect");
            let (mut reader, mut writer) = stream.into_split();
            let write = tokio::spawn(async move {
                // Errors are expected once the server has answered and closed.
                if writer.write_all(head.as_bytes()).await.is_ok() {
                    let _ = writer.write_all(&body).await;
                }
            });
            let read = async {
                let mut raw = Vec::new();
                let mut chunk = [0u8; 16 * 1024];
                loop {
                    match reader.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => raw.extend_from_slice(&chunk[..n]),
                    }
                    if let Some(response) = parse_http_response(&raw) {
                        return response;
                    }
                }
                parse_http_response(&raw).unwrap_or_else(|| {
                    panic!(
                        "no complete HTTP response: {:?}",
                        String::from_utf8_lossy(&raw)
                    )
                })
            };
            let response = tokio::time::timeout(std::time::Duration::from_secs(30), read)
                .await
                .expect("an answer within 30 s");
            write.abort();
            response
        }
    }
}

/// Parses a complete HTTP/1.1 response with a `Content-Length`; `None` while incomplete.
fn parse_http_response(raw: &[u8]) -> Option<(StatusCode, Value)> {
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&raw[..end]).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()?
        .split(' ')
        .nth(1)
        .expect("status code")
        .parse()
        .expect("numeric status");
    let length: usize = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("content-length"))
        .map(|(_, value)| value.trim().parse().expect("numeric length"))
        .unwrap_or(0);
    let body = raw.get(end + 4..end + 4 + length)?;
    let status = StatusCode::from_u16(status).expect("valid status");
    if body.is_empty() {
        return Some((status, Value::Null));
    }
    let body = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "status {status}: body is not JSON ({e}): {}",
            String::from_utf8_lossy(body)
        )
    });
    Some((status, body))
}
