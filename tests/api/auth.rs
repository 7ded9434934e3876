//! Authentication, scopes and rate limiting.

use portaal::areas::account::admin;
use portaal::kernel::scopes::Scope;
use reqwest::StatusCode;

use crate::helpers::{Options, TestApp, assert_error, customer_body, send};

#[tokio::test]
async fn requests_without_a_valid_token_are_401() {
    let app = TestApp::spawn().await;
    let url = app.url("/customers");
    let cases = [
        app.client.get(&url),
        app.client.get(&url).header("Authorization", "Bearer"),
        app.client
            .get(&url)
            .header("Authorization", "Bearer ptl_unknown"),
        app.client
            .get(&url)
            .header("Authorization", format!("Basic {}", app.token)),
        app.client
            .get(&url)
            .header("Authorization", app.token.clone()),
        app.client
            .get(&url)
            .header("Authorization", vec![0xff_u8, 0xfe]),
        app.client
            .get(&url)
            .header("Authorization", format!("Bearer {}", "x".repeat(5000))),
    ];
    for request in cases {
        let (status, body) = send(request).await;
        assert_error(status, &body, 401);
    }
}

#[tokio::test]
async fn both_header_spellings_of_the_reference_work() {
    let app = TestApp::spawn().await;
    let url = app.url("/customers");
    let (status, _) = send(
        app.client
            .get(&url)
            .header("Authorization", format!("Bearer {}", app.token)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = send(
        app.client
            .get(&url)
            .header("Authentication", format!("Bearer {}", app.token)),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_revoked_key_is_401_at_once() {
    let app = TestApp::spawn().await;
    let key = admin::create_api_key(&app.db, app.clock.as_ref(), &app.account_id, &[], None)
        .await
        .unwrap();
    let (status, _) = send(
        app.client
            .get(app.url("/customers"))
            .bearer_auth(&key.token),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    admin::revoke_api_key(&app.db, app.clock.as_ref(), &key.id)
        .await
        .unwrap();
    let (status, body) = send(
        app.client
            .get(app.url("/customers"))
            .bearer_auth(&key.token),
    )
    .await;
    assert_error(status, &body, 401);
}

/// Another process on the same database (the CLI, a second instance) revokes the key
/// while this server knows it. SQLite: the server reads the key on every request, so the
/// next request is refused. PostgreSQL: the server keeps keys it has seen and forgets them
/// when the revocation's notification arrives, a few milliseconds after the commit; the
/// test allows a second.
#[tokio::test]
async fn a_key_revoked_by_another_process_is_refused_within_a_second() {
    let app = TestApp::spawn().await;
    let token = app.key_with(&[Scope::CustomersRead]).await;
    let token = token.as_str();
    let url = app.url("/customers");
    // Seen (and kept, on PostgreSQL) by the server.
    for _ in 0..3 {
        let (status, _) = send(app.client.get(&url).bearer_auth(token)).await;
        assert_eq!(status, StatusCode::OK);
    }
    let other = portaal::db::Db::open(&app.database_url).await.unwrap();
    let hash = portaal::web::auth::hash_token(token);
    let record = other.find_api_key(&hash).await.unwrap().unwrap();
    let revoked_at = std::time::Instant::now();
    other
        .revoke_api_key(
            &record.id,
            portaal::kernel::clock::Clock::now(app.clock.as_ref()),
        )
        .await
        .unwrap();
    loop {
        let (status, body) = send(app.client.get(&url).bearer_auth(token)).await;
        if status == StatusCode::UNAUTHORIZED {
            assert_error(status, &body, 401);
            break;
        }
        assert_eq!(status, StatusCode::OK);
        assert!(
            revoked_at.elapsed() < std::time::Duration::from_secs(1),
            "the revoked key still works after a second"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    // And stays refused.
    let (status, _) = send(app.client.get(&url).bearer_auth(token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_key_without_the_write_scope_gets_403_on_create_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let reader = app.key_with(&[Scope::CustomersRead]).await;
    let (status, body) = send(
        app.client
            .post(app.url("/customers"))
            .bearer_auth(&reader)
            .json(&customer_body("Nope BV")),
    )
    .await;
    assert_error(status, &body, 403);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("customers.write"),
        "{body}"
    );
    let (status, _) = send(app.client.get(app.url("/customers")).bearer_auth(&reader)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(app.all_customers().await.is_empty());

    let invoices_only = app.key_with(&[Scope::InvoicesRead]).await;
    let (status, body) = send(
        app.client
            .get(app.url("/customers"))
            .bearer_auth(&invoices_only),
    )
    .await;
    assert_error(status, &body, 403);
    let (status, body) = send(
        app.client
            .get(app.url("/customer-groups"))
            .bearer_auth(&invoices_only),
    )
    .await;
    assert_error(status, &body, 403);
}

#[tokio::test]
async fn the_61st_request_in_a_minute_is_429_with_the_reference_headers() {
    let app = TestApp::spawn_with(Options {
        rate_limit: 60,
        ..Options::default()
    })
    .await;
    for i in 0..60u32 {
        let response = app.get("/customers").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        let headers = response.headers();
        assert_eq!(headers["x-ratelimit-limit"], "60");
        assert_eq!(
            headers["x-ratelimit-remaining"],
            (59 - i).to_string().as_str()
        );
    }
    let response = app.get("/customers").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    let headers = response.headers().clone();
    assert_eq!(headers["x-ratelimit-limit"], "60");
    assert_eq!(headers["x-ratelimit-remaining"], "0");
    let retry_after: u64 = headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=60).contains(&retry_after), "{retry_after}");
    let reset: i64 = headers["x-ratelimit-reset"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(reset > app.clock_now_seconds() - 1, "{reset}");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body,
        serde_json::json!({"code": 429, "message": "Too many requests."})
    );

    // Limits are per key: a second key of the same account is not affected.
    let other = app.key_with(&[Scope::CustomersRead]).await;
    let (status, _) = send(app.client.get(app.url("/customers")).bearer_auth(&other)).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn a_key_can_carry_its_own_rate_limit() {
    let app = TestApp::spawn_with(Options {
        rate_limit: 60,
        ..Options::default()
    })
    .await;
    let key = admin::create_api_key(&app.db, app.clock.as_ref(), &app.account_id, &[], Some(2))
        .await
        .unwrap();
    for expected in [
        StatusCode::OK,
        StatusCode::OK,
        StatusCode::TOO_MANY_REQUESTS,
    ] {
        let (status, _) = send(
            app.client
                .get(app.url("/customers"))
                .bearer_auth(&key.token),
        )
        .await;
        assert_eq!(status, expected);
    }
}
