//! Hardening: oversized headers get 431 and the server stays up, every answer carries the
//! security headers, and a failure on our side answers a 500 that tells nothing of its cause.

use reqwest::StatusCode;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{TestApp, send};

/// Sends `GET /v1/customers` with these extra header lines over a bare connection and
/// returns the status of the answer (hyper may answer before reading everything and close).
async fn status_with_headers(app: &TestApp, extra: &str) -> u16 {
    let authority = app
        .api
        .strip_prefix("http://")
        .and_then(|rest| rest.split('/').next())
        .expect("http base URL")
        .to_owned();
    let head = format!(
        "GET /v1/customers HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer {}\r\n{extra}Connection: close\r\n\r\n",
        app.token
    );
    let mut stream = tokio::net::TcpStream::connect(&authority).await.unwrap();
    let (mut reader, mut writer) = stream.split();
    // The server may close before it has read all of it; that is its right.
    let write = async {
        let _ = writer.write_all(head.as_bytes()).await;
    };
    let read = async {
        let mut raw = Vec::new();
        let _ = reader.read_to_end(&mut raw).await;
        raw
    };
    let ((), raw) = tokio::time::timeout(std::time::Duration::from_secs(30), async {
        tokio::join!(write, read)
    })
    .await
    .expect("an answer within 30 s");
    let text = String::from_utf8_lossy(&raw);
    text.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP status in {text:?}"))
}

fn header_lines(count: usize, value_len: usize) -> String {
    (0..count)
        .map(|i| format!("X-Filler-{i}: {}\r\n", "a".repeat(value_len)))
        .collect()
}

#[tokio::test]
async fn requests_with_oversized_headers_get_431_and_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    // Modest headers pass.
    assert_eq!(status_with_headers(&app, &header_lines(10, 100)).await, 200);
    // Over our 16 KiB in all: our own 431.
    assert_eq!(status_with_headers(&app, &header_lines(40, 500)).await, 431);
    // One header of 1 MB, and 500 headers: hyper refuses them before any handler.
    assert_eq!(
        status_with_headers(&app, &header_lines(1, 1024 * 1024)).await,
        431
    );
    assert_eq!(status_with_headers(&app, &header_lines(500, 1)).await, 431);
    // Still up.
    let (status, body) = send(app.get("/customers")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

#[tokio::test]
async fn the_431_of_too_many_header_bytes_is_the_error_body() {
    let app = TestApp::spawn().await;
    let filler = "a".repeat(17 * 1024);
    let (status, body) = send(app.get("/customers").header("x-filler", filler)).await;
    assert_eq!(status, StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE);
    assert_eq!(body["code"], 431, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("headers"),
        "{body}"
    );
}

#[tokio::test]
async fn every_answer_carries_the_security_headers() {
    let app = TestApp::spawn().await;
    let answers = [
        app.get("/customers").send().await.unwrap(),
        app.client
            .get(app.url("/openapi.json"))
            .send()
            .await
            .unwrap(),
        app.client.get(app.url("/customers")).send().await.unwrap(),
        app.get("/no-such-endpoint").send().await.unwrap(),
    ];
    for response in answers {
        let headers = response.headers();
        for (name, value) in [
            ("x-content-type-options", "nosniff"),
            ("cache-control", "no-store"),
            ("x-frame-options", "DENY"),
            ("referrer-policy", "no-referrer"),
            (
                "content-security-policy",
                "default-src 'none'; frame-ancestors 'none'",
            ),
        ] {
            assert_eq!(
                headers.get(name).map(|v| v.to_str().unwrap()),
                Some(value),
                "{name} on {} {}",
                response.url(),
                response.status()
            );
        }
    }
}

/// Renames a table behind the server's back, so that the next query on it fails.
async fn break_the_customers_table(database_url: &str) {
    use sqlx::{Connection, Executor};
    let statement = "ALTER TABLE customers RENAME TO customers_gone";
    if database_url.starts_with("sqlite:") {
        let mut db = sqlx::SqliteConnection::connect(database_url).await.unwrap();
        db.execute(statement).await.unwrap();
    } else {
        let mut db = sqlx::PgConnection::connect(database_url).await.unwrap();
        db.execute(statement).await.unwrap();
    }
}

#[tokio::test]
async fn a_failure_on_our_side_is_a_500_without_internals() {
    let app = TestApp::spawn().await;
    app.create_customer("Before BV").await;
    break_the_customers_table(&app.database_url).await;

    for request in [
        app.get("/customers"),
        app.post("/customers", &crate::helpers::customer_body("After BV")),
    ] {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let text = response.text().await.unwrap();
        let body: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            body,
            json!({"code": 500, "message": "Something went wrong on our side; please try again later."})
        );
        for internal in [
            "customers",
            "table",
            "relation",
            "sql",
            "SELECT",
            "INSERT",
            "src/",
        ] {
            assert!(!text.contains(internal), "{internal} in {text}");
        }
    }
}
