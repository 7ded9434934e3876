//! Slow clients: a connection that never finishes its headers is closed, and a request
//! whose body trickles in is stopped by the request time limit.

use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::helpers::{Options, TestApp};

async fn spawn_strict() -> TestApp {
    TestApp::spawn_with(Options {
        header_read_timeout: Duration::from_secs(1),
        request_time_limit: Duration::from_secs(2),
        ..Options::default()
    })
    .await
}

fn authority(app: &TestApp) -> String {
    let rest = app.api.strip_prefix("http://").unwrap();
    rest.split_once('/').unwrap().0.to_owned()
}

/// Reads until the server closes the connection; returns what it sent and when it closed.
async fn read_until_closed(stream: &mut TcpStream, started: Instant) -> (String, Duration) {
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    let read = async {
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&chunk[..n]),
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(10), read)
        .await
        .expect("the server closes the connection within 10 s");
    (
        String::from_utf8_lossy(&received).into_owned(),
        started.elapsed(),
    )
}

#[tokio::test]
async fn a_client_that_stalls_halfway_through_its_headers_is_disconnected() {
    let app = spawn_strict().await;
    let mut stream = TcpStream::connect(authority(&app)).await.unwrap();
    let started = Instant::now();
    stream
        .write_all(b"GET /v1/customers HTTP/1.1\r\nHost: loc")
        .await
        .unwrap();
    let (received, after) = read_until_closed(&mut stream, started).await;
    assert!(
        after >= Duration::from_millis(900),
        "closed too early: {after:?}"
    );
    assert!(after < Duration::from_secs(5), "closed late: {after:?}");
    assert!(!received.contains(" 200 "), "{received}");

    // Others are served meanwhile and afterwards.
    let (status, _) = crate::helpers::send(app.get("/customers")).await;
    assert_eq!(status, reqwest::StatusCode::OK);
}

#[tokio::test]
async fn a_request_whose_body_trickles_in_is_stopped_with_408() {
    let app = spawn_strict().await;
    let mut stream = TcpStream::connect(authority(&app)).await.unwrap();
    let head = format!(
        "POST /v1/customers HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{\"companyName\":",
        authority(&app),
        app.token
    );
    let started = Instant::now();
    stream.write_all(head.as_bytes()).await.unwrap();
    // One byte a second: far too slow to finish the 1000 within the 2 s limit.
    let trickle = async {
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if stream.write_all(b" ").await.is_err() {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(Duration::from_millis(2500), trickle).await;
    let (received, after) = read_until_closed(&mut stream, started).await;
    assert!(received.starts_with("HTTP/1.1 408"), "{received}");
    assert!(after < Duration::from_secs(6), "{after:?}");
    assert!(app.all_customers().await.is_empty());
}

#[tokio::test]
async fn a_connection_that_sends_nothing_is_closed_after_the_same_timeout() {
    let app = spawn_strict().await;
    let mut stream = TcpStream::connect(authority(&app)).await.unwrap();
    let started = Instant::now();
    let (received, after) = read_until_closed(&mut stream, started).await;
    assert!(
        after >= Duration::from_millis(900),
        "closed too early: {after:?}"
    );
    assert!(after < Duration::from_secs(5), "closed late: {after:?}");
    assert!(received.is_empty(), "{received}");
}
