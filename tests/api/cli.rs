//! The `portaal` binary itself: first start, accounts and API keys from the command line.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::{customer_body, send};

pub fn portaal(data: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_portaal"));
    cmd.env_clear()
        .env("PORTAAL_DATA_DIR", data)
        .env("PORTAAL_LOG", "warn");
    cmd
}

pub fn json_output(cmd: &mut Command) -> Value {
    let out = cmd.output().expect("portaal runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.trim().lines().count(),
        1,
        "one JSON object on stdout: {text}"
    );
    serde_json::from_str(text.trim()).expect("JSON on stdout")
}

pub struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `portaal serve` on a free port and returns it with the lines it printed up to
/// the one naming the API base URL, and that URL.
pub fn serve(data: &std::path::Path) -> (Server, Vec<String>, String) {
    serve_with(data, &[])
}

/// [`serve`] with extra arguments, such as `--database-url`.
pub fn serve_with(data: &std::path::Path, extra: &[&str]) -> (Server, Vec<String>, String) {
    let mut child = portaal(data)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("serve starts");
    let stdout = child.stdout.take().unwrap();
    let server = Server(child);
    let mut lines = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        lines.push(line.clone());
        if let Some((_, api)) = line.split_once("the API is at ") {
            let api = api.trim().to_owned();
            return (server, lines, api);
        }
        assert!(Instant::now() < deadline, "no address printed: {lines:?}");
    }
    panic!("serve exited without printing a key: {lines:?}");
}

#[tokio::test]
async fn the_first_start_prints_a_working_key_and_later_starts_do_not() {
    let data = tempfile::tempdir().unwrap();
    let (server, lines, api) = serve(data.path());
    assert!(data.path().join("portaal.db").exists());
    let token = lines
        .iter()
        .find_map(|l| l.split_whitespace().find(|w| w.starts_with("ptl_")))
        .expect("a token is printed")
        .to_owned();
    let client = reqwest::Client::new();
    let (status, body) = send(
        client
            .post(format!("{api}/customers"))
            .bearer_auth(&token)
            .json(&customer_body("Eerste BV")),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    drop(server);

    // A second start on the same database creates nothing and prints no key.
    let mut child = portaal(data.path())
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("the API is at http://127.0.0.1:"),
        "{printed}"
    );
    assert!(!printed.contains("ptl_"), "{printed}");
}

#[tokio::test]
async fn accounts_and_keys_are_managed_from_the_command_line() {
    let data = tempfile::tempdir().unwrap();
    let account = json_output(portaal(data.path()).args([
        "accounts",
        "create",
        "--name",
        "Bakkerij BV",
        "--monthly-invoice-limit",
        "5",
        "--json",
    ]));
    let account_id = account["id"].as_str().unwrap().to_owned();
    assert!(account_id.starts_with("acc_"));
    assert_eq!(account["monthlyInvoiceLimit"], 5);

    let updated = json_output(portaal(data.path()).args([
        "accounts",
        "update",
        "--id",
        &account_id,
        "--monthly-invoice-limit",
        "none",
        "--json",
    ]));
    assert!(updated["monthlyInvoiceLimit"].is_null());

    let key = json_output(portaal(data.path()).args([
        "api-keys",
        "create",
        "--account",
        &account_id,
        "--scope",
        "customers.read",
        "--json",
    ]));
    assert!(key["id"].as_str().unwrap().starts_with("key_"));
    assert!(key["token"].as_str().unwrap().starts_with("ptl_"));
    assert_eq!(key["scopes"], serde_json::json!(["customers.read"]));

    let all = json_output(portaal(data.path()).args([
        "api-keys",
        "create",
        "--account",
        &account_id,
        "--json",
    ]));
    assert_eq!(
        all["scopes"].as_array().unwrap().len(),
        25,
        "no --scope means every scope"
    );

    // Refusals are clear and change nothing.
    let bad_scope = portaal(data.path())
        .args([
            "api-keys",
            "create",
            "--account",
            &account_id,
            "--scope",
            "customer.write",
        ])
        .output()
        .unwrap();
    assert!(!bad_scope.status.success());
    assert!(String::from_utf8_lossy(&bad_scope.stderr).contains("unknown scope"));
    let bad_account = portaal(data.path())
        .args(["api-keys", "create", "--account", "acc_nope"])
        .output()
        .unwrap();
    assert!(!bad_account.status.success());

    // The key works against a server on the same data, until it is revoked.
    let (server, _, api) = serve(data.path());
    let client = reqwest::Client::new();
    let token = key["token"].as_str().unwrap();
    let (status, _) = send(client.get(format!("{api}/customers")).bearer_auth(token)).await;
    assert_eq!(status, StatusCode::OK);
    let revoke = portaal(data.path())
        .args(["api-keys", "revoke", "--id", key["id"].as_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        revoke.status.success(),
        "{}",
        String::from_utf8_lossy(&revoke.stderr)
    );
    let (status, _) = send(client.get(format!("{api}/customers")).bearer_auth(token)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    drop(server);
}

#[tokio::test]
async fn a_database_migrated_by_a_newer_portaal_is_refused() {
    use sqlx::Connection;
    let data = tempfile::tempdir().unwrap();
    let migrate = portaal(data.path()).arg("migrate").output().unwrap();
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    let url = format!("sqlite:{}", data.path().join("portaal.db").display());
    let mut db = sqlx::SqliteConnection::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time)
         VALUES (9999, 'from the future', 1, x'00', 0)",
    )
    .execute(&mut db)
    .await
    .unwrap();
    db.close().await.unwrap();
    for command in [&["migrate"][..], &["serve", "--listen", "127.0.0.1:0"][..]] {
        let out = portaal(data.path()).args(command).output().unwrap();
        assert!(
            !out.status.success(),
            "{command:?} started on a newer database"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("newer portaal") && stderr.contains("9999"),
            "{stderr}"
        );
    }
}
