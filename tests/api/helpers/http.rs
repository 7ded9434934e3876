//! Sending requests and reading answers: JSON bodies, the error body's shape, raw TCP.

use jiff::Timestamp;
use reqwest::{RequestBuilder, Response, StatusCode};
use serde_json::{Value, json};

use super::app::TestApp;

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
