//! The outbox: events reach real HTTP receivers and the customer's e-mail reaches a real
//! mailbox, at least once, with retries; never reported as sent when it was not.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use jiff::SignedDuration;
use reqwest::StatusCode;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::helpers::{Options, TestApp, send};

/// What the receiver does with the next call.
#[derive(Clone, Copy)]
pub enum Answer {
    Status(u16),
    Hang(Duration),
}

#[derive(Clone, Debug)]
pub struct Call {
    pub headers: HeaderMap,
    pub body: Bytes,
}

#[derive(Clone, Default)]
pub struct Receiver {
    calls: Arc<Mutex<Vec<Call>>>,
    script: Arc<Mutex<VecDeque<Answer>>>,
}

impl Receiver {
    /// A local HTTP receiver answering 200 unless scripted otherwise.
    pub async fn start(script: &[Answer]) -> (Receiver, String) {
        let receiver = Receiver::default();
        receiver
            .script
            .lock()
            .unwrap()
            .extend(script.iter().copied());
        let app = axum::Router::new()
            .route("/hook", axum::routing::post(receive))
            .with_state(receiver.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        (receiver, format!("http://{addr}/hook"))
    }

    pub fn calls(&self) -> Vec<Call> {
        self.calls.lock().unwrap().clone()
    }
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> AxumStatus {
    r.calls.lock().unwrap().push(Call { headers, body });
    let answer = r
        .script
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or(Answer::Status(200));
    match answer {
        Answer::Status(code) => AxumStatus::from_u16(code).unwrap(),
        Answer::Hang(d) => {
            tokio::time::sleep(d).await;
            AxumStatus::OK
        }
    }
}

/// HMAC-SHA256 written out from RFC 2104, independent of the `hmac` crate the server uses.
fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    let mut block = [0u8; 64];
    if key.len() > 64 {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let ipad: Vec<u8> = block.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = block.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::digest([ipad.as_slice(), message].concat());
    let outer = Sha256::digest([opad.as_slice(), &inner[..]].concat());
    outer.iter().map(|b| format!("{b:02x}")).collect()
}

async fn subscribe(app: &TestApp, url: &str, event_type: &str) -> (String, String) {
    let (status, hook) =
        send(app.post("/webhooks", &json!({"url": url, "type": event_type}))).await;
    assert_eq!(status, StatusCode::CREATED, "{hook}");
    (
        hook["id"].as_str().unwrap().to_owned(),
        hook["secret"].as_str().unwrap().to_owned(),
    )
}

async fn deliveries(app: &TestApp, webhook_id: &str) -> Vec<Value> {
    let (status, page) = send(app.get(&format!("/webhooks/{webhook_id}/deliveries"))).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["data"].as_array().unwrap().clone()
}

fn manual_invoice(customer_id: &str, number: &str, notify: bool) -> Value {
    json!({"customerId": customer_id, "invoiceNumber": number, "issuedAt": "2025-04-14", "sendNotification": notify,
           "lines": [{"description": "Website template", "amountExclVat": "12.95", "vatRate": 21}]})
}

#[tokio::test]
async fn every_event_reaches_its_webhook_signed_and_shaped_like_the_api() {
    let app = TestApp::spawn().await;
    let (receiver, url) = Receiver::start(&[]).await;
    let mut secrets = std::collections::HashMap::new();
    for t in [
        "customer-created",
        "customer-deleted",
        "invoice-created",
        "invoice-paid",
        "invoice-deleted",
    ] {
        let (_, secret) = subscribe(&app, &url, t).await;
        secrets.insert(t, secret);
    }
    let customer = app.create_customer("Klant BV").await;
    let customer_id = customer["id"].as_str().unwrap();
    let (_, created) = send(app.post(
        "/customer-invoices/manual",
        &manual_invoice(customer_id, "W-1", false),
    ))
    .await;
    let invoice_path = format!("/customer-invoices/{}", created["id"].as_str().unwrap());
    let (_, paid) = send(app.patch(&invoice_path, &json!({"paidAt": "2025-04-14 09:00:00"}))).await;
    let (status, _) = send(app.delete(&invoice_path)).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, customer_before_delete) = send(app.get(&format!("/customers/{customer_id}"))).await;
    send(app.delete(&format!("/customers/{customer_id}"))).await;

    assert_eq!(app.drain_outbox().await, 5);
    let calls = receiver.calls();
    assert_eq!(calls.len(), 5);
    let mut seen = std::collections::HashMap::new();
    for call in &calls {
        let body: Value = serde_json::from_slice(&call.body).unwrap();
        let event_type = body["type"].as_str().unwrap().to_owned();
        let secret = &secrets[event_type.as_str()];
        assert_eq!(
            call.headers["x-webhook-signature"].to_str().unwrap(),
            hmac_sha256_hex(secret.as_bytes(), &call.body),
            "signature of {event_type}"
        );
        assert_eq!(call.headers["content-type"], "application/json");
        assert_eq!(
            call.headers["x-webhook-id"].to_str().unwrap(),
            body["id"].as_str().unwrap()
        );
        assert!(body["id"].as_str().unwrap().starts_with("evt_"));
        crate::helpers::assert_atom(&body["createdAt"]);
        assert_eq!(body.as_object().unwrap().len(), 4, "{body}");
        seen.insert(event_type, body["data"].clone());
    }
    assert_eq!(seen["customer-created"], customer);
    assert_eq!(seen["invoice-created"], created);
    assert_eq!(seen["invoice-paid"], paid);
    assert_eq!(
        seen["invoice-deleted"], paid,
        "the invoice as it was when deleted"
    );
    assert_eq!(seen["customer-deleted"], customer_before_delete);
    assert_eq!(
        app.drain_outbox().await,
        0,
        "each delivery is sent once when it succeeds"
    );
}

#[tokio::test]
async fn a_500_is_retried_after_the_backoff_with_the_same_event() {
    let app = TestApp::spawn().await;
    let (receiver, url) = Receiver::start(&[Answer::Status(500), Answer::Status(302)]).await;
    let (hook_id, _) = subscribe(&app, &url, "customer-created").await;
    app.create_customer("Klant BV").await;

    assert_eq!(app.drain_outbox().await, 1);
    let d = &deliveries(&app, &hook_id).await[0];
    assert_eq!(
        (
            d["status"].as_str(),
            d["attempts"].as_i64(),
            d["lastStatusCode"].as_i64()
        ),
        (Some("pending"), Some(1), Some(500))
    );
    assert!(d["lastError"].as_str().unwrap().contains("500"), "{d}");
    crate::helpers::assert_atom(&d["nextAttemptAt"]);
    assert_eq!(
        app.drain_outbox().await,
        0,
        "not due before the backoff has passed"
    );

    // A redirect is not followed and counts as a failure too.
    app.clock.advance(SignedDuration::from_secs(40));
    assert_eq!(app.drain_outbox().await, 1);
    let d = &deliveries(&app, &hook_id).await[0];
    assert_eq!(
        (d["status"].as_str(), d["lastStatusCode"].as_i64()),
        (Some("pending"), Some(302))
    );

    app.clock.advance(SignedDuration::from_secs(80));
    assert_eq!(app.drain_outbox().await, 1);
    let d = &deliveries(&app, &hook_id).await[0];
    assert_eq!(
        (
            d["status"].as_str(),
            d["attempts"].as_i64(),
            d["lastStatusCode"].as_i64()
        ),
        (Some("delivered"), Some(3), Some(200))
    );
    crate::helpers::assert_atom(&d["deliveredAt"]);
    let calls = receiver.calls();
    assert_eq!(calls.len(), 3);
    assert!(calls.iter().all(|c| c.body == calls[0].body
        && c.headers["x-webhook-id"] == calls[0].headers["x-webhook-id"]));
}

#[tokio::test]
async fn a_receiver_that_does_not_answer_within_10_seconds_is_retried() {
    let app = TestApp::spawn().await;
    let (receiver, url) = Receiver::start(&[Answer::Hang(Duration::from_secs(12))]).await;
    let (hook_id, _) = subscribe(&app, &url, "customer-created").await;
    app.create_customer("Klant BV").await;
    let started = std::time::Instant::now();
    assert_eq!(app.drain_outbox().await, 1);
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(10) && waited < Duration::from_secs(12),
        "{waited:?}"
    );
    let d = &deliveries(&app, &hook_id).await[0];
    assert_eq!(d["status"], "pending");
    assert!(d["lastStatusCode"].is_null());
    assert!(
        d["lastError"].as_str().unwrap().contains("10 seconds"),
        "{d}"
    );
    app.clock.advance(SignedDuration::from_mins(1));
    assert_eq!(app.drain_outbox().await, 1);
    assert_eq!(deliveries(&app, &hook_id).await[0]["status"], "delivered");
    assert_eq!(receiver.calls().len(), 2);
}

#[tokio::test]
async fn after_about_three_days_of_failures_a_delivery_is_marked_failed() {
    let app = TestApp::spawn().await;
    let (receiver, url) = Receiver::start(&[Answer::Status(503); 20]).await;
    let (hook_id, _) = subscribe(&app, &url, "customer-created").await;
    app.create_customer("Klant BV").await;
    let start = app.clock_now_seconds();
    let mut attempts = 0;
    while deliveries(&app, &hook_id).await[0]["status"] == "pending" {
        attempts += app.drain_outbox().await;
        app.clock.advance(SignedDuration::from_mins(30));
        assert!(attempts <= 14, "more than 14 attempts");
    }
    let d = &deliveries(&app, &hook_id).await[0];
    assert_eq!(
        (d["status"].as_str(), d["attempts"].as_i64()),
        (Some("failed"), Some(14))
    );
    assert!(d["lastError"].as_str().unwrap().contains("gave up"), "{d}");
    let days = (app.clock_now_seconds() - start) as f64 / 86_400.0;
    assert!((2.0..4.0).contains(&days), "{days} days of retries");
    assert_eq!(receiver.calls().len(), 14);

    // An operator can make it due again.
    let retried = portaal::outbox::store(&app.db)
        .retry_failed(None, app.clock_now_timestamp())
        .await
        .unwrap();
    assert_eq!(retried, 1);
    assert_eq!(app.drain_outbox().await, 1);
}

#[tokio::test]
async fn a_deleted_webhook_gets_nothing_more() {
    let app = TestApp::spawn().await;
    let (receiver, url) = Receiver::start(&[]).await;
    let (hook_id, _) = subscribe(&app, &url, "customer-created").await;
    app.create_customer("Klant BV").await;
    let (status, _) = send(app.delete(&format!("/webhooks/{hook_id}"))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    app.drain_outbox().await;
    assert!(receiver.calls().is_empty());
    app.create_customer("Tweede BV").await;
    assert_eq!(
        app.drain_outbox().await,
        0,
        "no delivery is queued for a deleted webhook"
    );
}

/// The messages in a folder, quoted-printable decoded so that assertions read plain text.
fn read_mails(dir: &std::path::Path) -> Vec<String> {
    let mut mails: Vec<String> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| std::fs::read(e.ok()?.path()).ok())
                .map(|raw| decode_quoted_printable(&raw))
                .collect()
        })
        .unwrap_or_default();
    mails.sort();
    mails
}

/// RFC 2045 §6.7: `=` + line break is a soft break, `=XX` a byte.
fn decode_quoted_printable(raw: &[u8]) -> String {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'=' {
            if raw[i + 1..].starts_with(b"\r\n") {
                i += 3;
                continue;
            }
            if raw[i + 1..].starts_with(b"\n") {
                i += 2;
                continue;
            }
            if let Some(byte) = raw
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok())
            {
                out.push(byte);
                i += 3;
                continue;
            }
        }
        out.push(raw[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[tokio::test]
async fn the_notification_is_written_as_an_eml_file_and_the_invoice_says_sent() {
    let app = TestApp::spawn().await;
    let customer_id = app.create_customer("Klant BV").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, silent) = send(app.post(
        "/customer-invoices/manual",
        &manual_invoice(&customer_id, "M-0", false),
    ))
    .await;
    assert!(silent["notificationStatus"].is_null());
    let (status, inv) = send(app.post(
        "/customer-invoices/manual",
        &manual_invoice(&customer_id, "2015-001", true),
    ))
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(inv["notificationStatus"], "queued");
    assert!(read_mails(&app.mail_dir()).is_empty());

    assert_eq!(app.drain_outbox().await, 1);
    let mails = read_mails(&app.mail_dir());
    assert_eq!(mails.len(), 1);
    let mail = &mails[0];
    assert!(
        mail.contains("Subject: Factuur 2015-001 van Test BV"),
        "{mail}"
    );
    assert!(mail.contains("To: john.doe@test.com"), "{mail}");
    assert!(
        mail.contains("From: \"Test BV\" <facturen@test.example>")
            || mail.contains("From: Test BV <facturen@test.example>"),
        "{mail}"
    );
    assert!(mail.contains("multipart/alternative"), "{mail}");
    let link = inv["links"]["onlinePaymentLink"]["href"].as_str().unwrap();
    assert!(mail.contains(link), "the payment link is in the mail");
    assert!(
        mail.contains("Message-ID: <evt_") && mail.contains("@test.example>"),
        "the Message-ID is the event's, stable across a resend: {mail}"
    );
    let (_, fetched) = send(app.get(&format!(
        "/customer-invoices/{}",
        inv["id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(fetched["notificationStatus"], "sent");
}

#[tokio::test]
async fn an_uploaded_invoice_is_mailed_with_its_pdf_in_english_when_the_account_says_so() {
    let app = TestApp::spawn().await;
    portaal::areas::account::admin::update_account(
        &app.db,
        &app.account_id,
        portaal::areas::account::AccountPatch {
            locale: Some("en".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let customer_id = app.create_customer("Klant BV").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let pdf = b"%PDF-1.4\nhello\n%%EOF\n".to_vec();
    let form = reqwest::multipart::Form::new()
        .text("customerId", customer_id)
        .text("invoiceNumber", "UP-7")
        .text("issuedAt", "2025-04-14")
        .text("amount", "1234.56")
        .text("sendNotification", "1")
        .part(
            "pdf",
            reqwest::multipart::Part::bytes(pdf).file_name("x.pdf"),
        );
    let (status, inv) = send(
        app.client
            .post(app.url("/customer-invoices"))
            .bearer_auth(&app.token)
            .multipart(form),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{inv}");
    assert_eq!(app.drain_outbox().await, 1);
    let mail = &read_mails(&app.mail_dir())[0];
    assert!(
        mail.contains("Subject: Invoice UP-7 from Test BV"),
        "{mail}"
    );
    assert!(mail.contains("€1,234.56"), "{mail}");
    assert!(mail.contains("Content-Type: application/pdf"), "{mail}");
    assert!(mail.contains("factuur-UP-7.pdf"), "{mail}");
}

#[tokio::test]
async fn an_unreachable_mail_server_leaves_the_notification_queued_never_sent() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let app = TestApp::spawn_with(Options {
        smtp_url: Some(format!("smtp://127.0.0.1:{port}")),
        ..Options::default()
    })
    .await;
    let customer_id = app.create_customer("Klant BV").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (_, inv) = send(app.post(
        "/customer-invoices/manual",
        &manual_invoice(&customer_id, "Q-1", true),
    ))
    .await;
    assert_eq!(app.drain_outbox().await, 1);
    let (_, fetched) = send(app.get(&format!(
        "/customer-invoices/{}",
        inv["id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(
        fetched["notificationStatus"], "queued",
        "a failed send is never reported as sent"
    );
    let pending = portaal::outbox::store(&app.db)
        .list_outbox(Some("pending"), 10)
        .await
        .unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].attempts, 1);
    assert!(
        pending[0]
            .last_error
            .as_deref()
            .unwrap_or_default()
            .contains("SMTP"),
        "{pending:?}"
    );
}

/// A real SMTP server: Python's aiosmtpd, saving what it receives in a maildir.
struct SmtpServer {
    child: std::process::Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_aiosmtpd() -> Option<SmtpServer> {
    let available = std::process::Command::new("python3")
        .args(["-c", "import aiosmtpd"])
        .status()
        .is_ok_and(|s| s.success());
    if !available {
        assert!(
            std::env::var("PORTAAL_TEST_REQUIRE_SMTP").as_deref() != Ok("1"),
            "aiosmtpd is required: pip install aiosmtpd"
        );
        eprintln!("skipped: python3 -m pip install aiosmtpd to run the SMTP test");
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let maildir = tempfile::tempdir().unwrap();
    let child = std::process::Command::new("python3")
        .args([
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            &format!("127.0.0.1:{port}"),
            "-c",
            "aiosmtpd.handlers.Mailbox",
        ])
        .arg(maildir.path().join("box"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("aiosmtpd starts");
    // Owned at once, so the process is killed and reaped on every path, panics included.
    let server = SmtpServer {
        child,
        port,
        maildir,
    };
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Some(server);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    panic!("aiosmtpd did not start listening");
}

#[tokio::test]
async fn a_real_smtp_server_receives_the_notification_with_headers_body_and_attachment() {
    let Some(smtp) = start_aiosmtpd() else { return };
    let app = TestApp::spawn_with(Options {
        smtp_url: Some(format!("smtp://127.0.0.1:{}", smtp.port)),
        ..Options::default()
    })
    .await;
    let customer_id = app.create_customer("Klant BV").await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let form = reqwest::multipart::Form::new()
        .text("customerId", customer_id)
        .text("invoiceNumber", "SMTP-1")
        .text("issuedAt", "2025-04-14")
        .text("amount", "15.67")
        .text("sendNotification", "true")
        .part(
            "pdf",
            reqwest::multipart::Part::bytes(b"%PDF-1.7\nsmtp test\n%%EOF\n".to_vec())
                .file_name("x.pdf"),
        );
    let (status, inv) = send(
        app.client
            .post(app.url("/customer-invoices"))
            .bearer_auth(&app.token)
            .multipart(form),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{inv}");
    assert_eq!(app.drain_outbox().await, 1);

    let new_dir = smtp.maildir.path().join("box").join("new");
    let mails = read_mails(&new_dir);
    assert_eq!(mails.len(), 1, "one message in {}", new_dir.display());
    let mail = &mails[0];
    for expected in [
        "Subject: Factuur SMTP-1 van Test BV",
        "To: john.doe@test.com",
        "facturen@test.example",
        "multipart/mixed",
        "multipart/alternative",
        "text/plain",
        "text/html",
        "Content-Type: application/pdf",
        "factuur-SMTP-1.pdf",
    ] {
        assert!(mail.contains(expected), "{expected} missing in:\n{mail}");
    }
    let (_, fetched) = send(app.get(&format!(
        "/customer-invoices/{}",
        inv["id"].as_str().unwrap()
    )))
    .await;
    assert_eq!(fetched["notificationStatus"], "sent");
}

#[tokio::test]
async fn without_the_private_network_setting_nothing_is_sent_to_local_addresses() {
    let app = TestApp::spawn_with(Options {
        allow_private_webhooks: false,
        ..Options::default()
    })
    .await;
    let (receiver, url) = Receiver::start(&[]).await;
    // As if the address had been public when the webhook was created.
    for (id, target) in [
        ("wbh_literalipaddr1", url.clone()),
        ("wbh_localhostname1", url.replace("127.0.0.1", "localhost")),
    ] {
        let webhook = portaal::areas::webhooks::Webhook {
            id: portaal::areas::webhooks::model::WebhookId::parse(id).unwrap(),
            event_type: portaal::kernel::events::EventType::CustomerCreated,
            url: target,
            secret: "s".repeat(20),
            created_at: app.clock_now_timestamp(),
        };
        portaal::areas::webhooks::store(&app.db)
            .create_webhook(&app.account_id, &webhook)
            .await
            .unwrap();
    }
    app.create_customer("Klant BV").await;
    assert_eq!(app.drain_outbox().await, 2);
    assert!(
        receiver.calls().is_empty(),
        "nothing reached the local receiver"
    );
    let literal = &deliveries(&app, "wbh_literalipaddr1").await[0];
    assert_eq!(literal["status"], "failed");
    assert!(
        literal["lastError"]
            .as_str()
            .unwrap()
            .contains("not public"),
        "{literal}"
    );
    let named = &deliveries(&app, "wbh_localhostname1").await[0];
    assert_eq!(named["status"], "pending");
    assert!(
        named["lastError"]
            .as_str()
            .unwrap()
            .contains("private or local"),
        "{named}"
    );
}

#[tokio::test]
async fn a_receiver_that_hangs_does_not_hold_up_deliveries_to_others() {
    let app = TestApp::spawn_with(Options {
        outbox_worker: true,
        ..Options::default()
    })
    .await;
    let (slow, slow_url) = Receiver::start(&[Answer::Hang(Duration::from_secs(30))]).await;
    let (fast, fast_url) = Receiver::start(&[]).await;
    subscribe(&app, &slow_url, "customer-created").await;
    subscribe(&app, &fast_url, "customer-deleted").await;
    let customer = app.create_customer("Traag BV").await;
    // The background worker has picked the created event up and waits on the slow receiver.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while slow.calls().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "the slow receiver was never called"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (status, _) =
        send(app.delete(&format!("/customers/{}", customer["id"].as_str().unwrap()))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    // Well within the 10 s the hanging call takes to time out.
    let started = std::time::Instant::now();
    while fast.calls().is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "the delivery to the fast receiver waited for the hanging one"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
