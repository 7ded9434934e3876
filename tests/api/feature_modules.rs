//! Feature modules of an account's license (DECISIONS.md, "Features per account"): every
//! module is on for a new account, the operator turns them off and on with
//! `portaal accounts update`, and `GET /v1/account` shows them. (Each gated area's own
//! tests prove its 426.)

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::cli::{json_output, portaal};
use crate::helpers::{TestApp, send};

const MODULES: [&str; 9] = [
    "agreements",
    "appointments",
    "files",
    "oauth",
    "offers",
    "portal",
    "punchcards",
    "subscriptions",
    "tickets",
];

async fn modules(app: &TestApp) -> Value {
    let (status, body) = send(app.client.get(app.url("/account")).bearer_auth(&app.token)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["modules"].clone()
}

fn all_on_but(off: &[&str]) -> Value {
    Value::Object(
        MODULES
            .iter()
            .map(|m| (m.to_string(), json!(!off.contains(m))))
            .collect(),
    )
}

/// `portaal accounts update` on the test's own database, as another process would.
fn update(app: &TestApp, args: &[&str]) -> std::process::Output {
    let data = tempfile::tempdir().unwrap();
    let mut cmd = portaal(data.path());
    cmd.env("PORTAAL_DATABASE_URL", &app.database_url)
        .args(["accounts", "update", "--id", app.account_id.as_str()])
        .args(args);
    cmd.output().expect("portaal runs")
}

#[tokio::test]
async fn a_new_account_has_every_module_on() {
    let app = TestApp::spawn().await;
    assert_eq!(modules(&app).await, all_on_but(&[]));
}

#[tokio::test]
async fn the_operator_turns_modules_off_and_on_and_the_api_shows_it_at_once() {
    let app = TestApp::spawn().await;
    let data = tempfile::tempdir().unwrap();
    let updated = json_output(
        portaal(data.path())
            .env("PORTAAL_DATABASE_URL", &app.database_url)
            .args(["accounts", "update", "--id", app.account_id.as_str()])
            .args(["--disable-module", "offers", "--disable-module", "tickets"])
            .arg("--json"),
    );
    assert_eq!(updated["modules"], all_on_but(&["offers", "tickets"]));
    assert_eq!(modules(&app).await, all_on_but(&["offers", "tickets"]));

    let out = update(&app, &["--enable-module", "offers"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("modules off: tickets"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(modules(&app).await, all_on_but(&["tickets"]));
}

#[tokio::test]
async fn unknown_or_contradictory_modules_are_refused_and_change_nothing() {
    let app = TestApp::spawn().await;
    let out = update(&app, &["--disable-module", "invoices"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown module"), "{err}");
    assert!(err.contains("punchcards"), "names the modules: {err}");

    let out = update(
        &app,
        &["--disable-module", "files", "--enable-module", "files"],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("files") && err.contains("both"), "{err}");
    assert_eq!(modules(&app).await, all_on_but(&[]));
}
