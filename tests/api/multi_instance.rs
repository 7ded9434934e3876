//! Two `portaal serve` processes on one PostgreSQL database, as behind a load balancer.
//! Runs when `PORTAAL_TEST_DATABASE_URL` names a PostgreSQL server.

use reqwest::StatusCode;
use serde_json::json;

use crate::cli::{json_output, portaal, serve_with};
use crate::helpers::{PgTestDatabase, customer_body, join_all, send};
use crate::outbox::Receiver;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_keep_numbers_unique_and_the_limit_exact() {
    let Some(database) = PgTestDatabase::create().await else {
        eprintln!("skipped: set PORTAAL_TEST_DATABASE_URL to run the multi-instance test");
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let url = database.url.as_str();
    let db = ["--database-url", url];
    let limit = 20;
    let account = json_output(portaal(data.path()).args(db).args([
        "accounts",
        "create",
        "--name",
        "Twee BV",
        "--monthly-invoice-limit",
        &limit.to_string(),
        "--json",
    ]));
    let account_id = account["id"].as_str().unwrap();
    let key = json_output(portaal(data.path()).args(db).args([
        "api-keys",
        "create",
        "--account",
        account_id,
        "--rate-limit",
        "100000",
        "--json",
    ]));
    let token = key["token"].as_str().unwrap().to_owned();

    // Both start at once on the same database.
    let serve_args = ["--database-url", url, "--allow-private-webhooks"];
    let (first, second) = std::thread::scope(|s| {
        let a = s.spawn(|| serve_with(data.path(), &serve_args));
        let b = s.spawn(|| serve_with(data.path(), &serve_args));
        (a.join().unwrap(), b.join().unwrap())
    });
    let (_server_a, _, api_a) = first;
    let (_server_b, _, api_b) = second;
    assert_ne!(api_a, api_b);

    let client = reqwest::Client::new();
    let (status, customer) = send(
        client
            .post(format!("{api_a}/customers"))
            .bearer_auth(&token)
            .json(&customer_body("Gedeeld BV")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    let customer_id = customer["id"].as_str().unwrap().to_owned();
    let (receiver, hook_url) = Receiver::start(&[]).await;
    let (status, _) = send(
        client
            .post(format!("{api_b}/webhooks"))
            .bearer_auth(&token)
            .json(&json!({"url": hook_url, "type": "invoice-created"})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);

    // 30 numbers, each sent to both instances at once: 60 requests for a limit of 20.
    let requests = (0..30).flat_map(|n| [api_a.clone(), api_b.clone()].map(|api| (n, api))).map(|(n, api)| {
        let body = json!({"customerId": customer_id, "invoiceNumber": format!("MI-{n}"), "issuedAt": "2025-04-14",
                          "lines": [{"description": "Werk", "amountExclVat": "100.00", "vatRate": 21}]});
        send(client.post(format!("{api}/customer-invoices/manual")).bearer_auth(&token).json(&body))
    });
    let results = join_all(requests).await;
    let mut created: Vec<String> = results
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .map(|(_, b)| b["invoiceNumber"].as_str().unwrap().to_owned())
        .collect();
    for (status, body) in &results {
        assert!(
            [
                StatusCode::CREATED,
                StatusCode::UNPROCESSABLE_ENTITY,
                StatusCode::UPGRADE_REQUIRED
            ]
            .contains(status),
            "{status}: {body}"
        );
        if *status == StatusCode::UNPROCESSABLE_ENTITY {
            assert!(body["errors"]["invoiceNumber"].is_array(), "{body}");
        }
    }
    assert_eq!(
        created.len(),
        limit,
        "exactly the limit is created across both instances"
    );
    created.sort();
    created.dedup();
    assert_eq!(created.len(), limit, "no number was created twice");

    // Both workers share the outbox: every created invoice's event arrives (at least once).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let mut arrived: Vec<String> = receiver
            .calls()
            .iter()
            .map(|c| serde_json::from_slice::<serde_json::Value>(&c.body).unwrap()["data"]["invoiceNumber"].as_str().unwrap().to_owned())
            .collect();
        arrived.sort();
        arrived.dedup();
        if arrived == created {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "events missing after 20 s: got {arrived:?}, want {created:?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }

    // Each instance sees everything the other wrote.
    for api in [&api_a, &api_b] {
        let (status, page) = send(
            client
                .get(format!("{api}/customer-invoices?per_page=100"))
                .bearer_auth(&token),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(page["data"].as_array().unwrap().len(), limit);
    }
}
