//! `portaal backup` under load and `portaal restore` into a fresh place: every invoice
//! acknowledged before the backup started is there afterwards.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::json;

use crate::cli::{portaal, serve_with};
use crate::helpers::{PgTestDatabase, customer_body, send};

/// `--database-url URL` when the suite runs on PostgreSQL, nothing on SQLite.
fn database_args(database: &Option<PgTestDatabase>) -> Vec<String> {
    database
        .as_ref()
        .map_or(vec![], |d| vec!["--database-url".to_owned(), d.url.clone()])
}

fn run(data: &std::path::Path, db: &[String], args: &[&str]) -> std::process::Output {
    portaal(data)
        .args(db)
        .args(args)
        .output()
        .expect("portaal runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_backup_taken_under_load_restores_every_invoice_acknowledged_before_it_started() {
    let live_data = tempfile::tempdir().unwrap();
    let live_db = PgTestDatabase::create().await;
    let live_args = database_args(&live_db);
    let mut serve_args: Vec<&str> = live_args.iter().map(String::as_str).collect();
    serve_args.extend(["--rate-limit", "1000000"]);
    let (_live, lines, api) = serve_with(live_data.path(), &serve_args);
    let token = lines
        .iter()
        .find_map(|l| l.split_whitespace().find(|w| w.starts_with("ptl_")))
        .expect("a token is printed")
        .to_owned();
    let client = reqwest::Client::new();
    let (status, customer) = send(
        client
            .post(format!("{api}/customers"))
            .bearer_auth(&token)
            .json(&customer_body("Druk BV")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{customer}");
    let customer_id = customer["id"].as_str().unwrap().to_owned();

    // Creates run concurrently; each 201 is recorded with the moment it arrived.
    let acknowledged: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|writer| {
            let (client, api, token, customer_id) =
                (client.clone(), api.clone(), token.clone(), customer_id.clone());
            let (acknowledged, stop) = (acknowledged.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(Ordering::Relaxed) {
                    n += 1;
                    let body = json!({"customerId": customer_id, "invoiceNumber": format!("W{writer}-{n}"),
                        "issuedAt": "2025-04-14",
                        "lines": [{"description": "Werk", "amountExclVat": "10.00", "vatRate": 21}]});
                    let (status, invoice) = send(
                        client
                            .post(format!("{api}/customer-invoices/manual"))
                            .bearer_auth(&token)
                            .json(&body),
                    )
                    .await;
                    assert_eq!(status, StatusCode::CREATED, "{invoice}");
                    let id = invoice["id"].as_str().unwrap().to_owned();
                    acknowledged.lock().unwrap().push((id, Instant::now()));
                }
            })
        })
        .collect();

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let file = live_data.path().join("portaal.backup");
    let backup_started = Instant::now();
    let backup = {
        let (data, args, file) = (live_data.path().to_owned(), live_args.clone(), file.clone());
        tokio::task::spawn_blocking(move || {
            run(&data, &args, &["backup", "--to", file.to_str().unwrap()])
        })
        .await
        .unwrap()
    };
    assert!(
        backup.status.success(),
        "{}",
        String::from_utf8_lossy(&backup.stderr)
    );
    tokio::time::sleep(Duration::from_millis(500)).await;
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    let before: Vec<&String> = acknowledged
        .iter()
        .filter(|(_, at)| *at < backup_started)
        .map(|(id, _)| id)
        .collect();
    let during = acknowledged.len() - before.len();
    assert!(
        before.len() >= 10,
        "too little load: {} creates",
        before.len()
    );
    assert!(during > 0, "no create ran while the backup was taken");

    // A fresh place: a new data folder, and a new database on PostgreSQL.
    let fresh_data = tempfile::tempdir().unwrap();
    let fresh_db = PgTestDatabase::create().await;
    let fresh_args = database_args(&fresh_db);
    let from = file.to_str().unwrap();
    let restored = run(fresh_data.path(), &fresh_args, &["restore", "--from", from]);
    assert!(
        restored.status.success(),
        "{}",
        String::from_utf8_lossy(&restored.stderr)
    );
    // Once it holds data, replacing it takes --force.
    let again = run(fresh_data.path(), &fresh_args, &["restore", "--from", from]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let forced = run(
        fresh_data.path(),
        &fresh_args,
        &["restore", "--from", from, "--force"],
    );
    assert!(
        forced.status.success(),
        "{}",
        String::from_utf8_lossy(&forced.stderr)
    );

    let mut fresh_serve: Vec<&str> = fresh_args.iter().map(String::as_str).collect();
    fresh_serve.extend(["--rate-limit", "1000000"]);
    let (_restored, _, restored_api) = serve_with(fresh_data.path(), &fresh_serve);
    for id in &before {
        let (status, body) = send(
            client
                .get(format!("{restored_api}/customer-invoices/{id}"))
                .bearer_auth(&token),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{id} was acknowledged before the backup: {body}"
        );
    }
    eprintln!(
        "backup under load: {} creates before it started, {during} during or after",
        before.len()
    );
}

#[tokio::test]
async fn restore_refuses_a_file_that_is_not_a_portaal_backup() {
    let data = tempfile::tempdir().unwrap();
    let db = PgTestDatabase::create().await;
    let args = database_args(&db);
    let text = data.path().join("notes.txt");
    std::fs::write(&text, "not a backup").unwrap();
    let out = run(
        data.path(),
        &args,
        &["restore", "--from", text.to_str().unwrap()],
    );
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    if db.is_none() {
        // A SQLite database that `portaal backup` did not write, such as a live one.
        let live = tempfile::tempdir().unwrap();
        assert!(run(live.path(), &[], &["migrate"]).status.success());
        let file = live.path().join("portaal.db");
        let out = run(
            data.path(),
            &[],
            &["restore", "--from", file.to_str().unwrap()],
        );
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("not a backup made by"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert!(
        !data.path().join("portaal.db").exists(),
        "nothing was written"
    );
}
