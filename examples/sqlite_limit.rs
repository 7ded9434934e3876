//! The ceiling for `POST /v1/customer-invoices/manual` without group commit: the statements
//! that one invoice create runs in the store (`create_invoice_steps` in
//! src/store/sql/invoices.rs), each create in its own transaction, issued straight at a
//! database with the same pragmas as src/store/sqlite.rs (WAL, `synchronous=FULL`, foreign
//! keys on, one writer connection), with no HTTP, JSON parsing, authentication or account
//! lookup in front of it. portaal itself runs concurrent creates in savepoints of one shared
//! transaction (one fsync for the group), so it can go beyond this figure. Keep
//! [`create_invoice`] below in step with the store's when that changes.
//!
//! Only `portaal::startup::open_store` (which applies the migrations) is used from the
//! crate, so that changes inside portaal rarely break this example's build.
//!
//! Run through `bench/create-invoices.sh`, or alone:
//!
//! ```text
//! cargo run --release --example sqlite_limit -- --connections 1,16,64 --duration-secs 10
//! ```
//!
//! Prints one machine-readable line per concurrency:
//! `direct-sqlite connections=16 rate=1234.5 p50_ms=1.23 p99_ms=4.56 creates=12345 errors=0`

use std::str::FromStr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use rand::Rng;
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

#[derive(Debug, Parser)]
#[command(about = "Creates manual invoices straight in SQLite, as portaal's create_invoice does")]
struct Args {
    /// Concurrent tasks, comma-separated; one measurement each.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64")]
    connections: Vec<usize>,
    /// Seconds per measurement.
    #[arg(long, default_value_t = 10)]
    duration_secs: u64,
    /// Customers to seed; each invoice picks one at random.
    #[arg(long, default_value_t = 100)]
    customers: usize,
    /// Folder for the database (a fresh temporary folder, removed at the end, by default).
    #[arg(long)]
    data_dir: Option<std::path::PathBuf>,
    /// `full` is portaal's setting (every commit is fsynced before it returns). `normal` is
    /// only for finding out how much of the time the fsync per commit takes; it is not what
    /// portaal does, and its rows are labelled `direct-sqlite-normal`.
    #[arg(long, value_enum, default_value = "full")]
    synchronous: Sync,
    /// Subscribe one `invoice-created` webhook for the account, so that each create also
    /// writes its event and delivery row (as with `WEBHOOK=hang bench/create-invoices.sh`).
    /// Nothing sends them here. Rows are labelled as without it.
    #[arg(long)]
    webhook: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Sync {
    Full,
    Normal,
}

/// What the tasks share.
struct Setup {
    pool: SqlitePool,
    account_id: String,
    customer_ids: Vec<String>,
    time_zone: TimeZone,
    /// The account has one `invoice-created` webhook.
    webhook: bool,
}

const DESCRIPTIONS: [&str; 5] = [
    "Consultancy, April",
    "Hosting (monthly)",
    "Support hours",
    "Licence renewal",
    "Travel expenses",
];
const VAT_RATES: [i64; 3] = [0, 9, 21];

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    anyhow::ensure!(!args.connections.is_empty(), "--connections is empty");
    anyhow::ensure!(
        args.connections.iter().all(|&n| n > 0),
        "--connections must be positive"
    );
    anyhow::ensure!(args.customers > 0, "--customers must be at least 1");

    let temp = match &args.data_dir {
        Some(_) => None,
        None => Some(
            tempfile::Builder::new()
                .prefix("portaal-sqlite-limit-")
                .tempdir()
                .context("creating a temporary folder")?,
        ),
    };
    let dir = match (&args.data_dir, &temp) {
        (Some(dir), _) => dir.clone(),
        (None, Some(temp)) => temp.path().to_path_buf(),
        (None, None) => unreachable!(),
    };
    let db = dir.join("portaal.db");
    anyhow::ensure!(
        !db.exists(),
        "{} exists; give an empty folder",
        db.display()
    );
    let url = format!("sqlite:{}", db.display());

    // portaal creates the tables (its migrations); then we talk to the file directly.
    let store = portaal::db::Db::open(&url).await?;
    drop(store);

    // The same connect options as SqliteStore::connect's writer (src/store/sqlite/mod.rs).
    let options = SqliteConnectOptions::from_str(&url)?
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(match args.synchronous {
            Sync::Full => SqliteSynchronous::Full,
            Sync::Normal => SqliteSynchronous::Normal,
        })
        .foreign_keys(true)
        .busy_timeout(Duration::from_secs(5))
        .pragma("temp_store", "memory");
    let pool = SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(30))
        .connect_with(options)
        .await?;
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&pool)
        .await?;
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&pool)
        .await?;
    let (label, expected) = match args.synchronous {
        Sync::Full => ("direct-sqlite", 2),
        Sync::Normal => ("direct-sqlite-normal", 1),
    };
    anyhow::ensure!(
        journal.eq_ignore_ascii_case("wal") && synchronous == expected,
        "expected journal_mode=wal and synchronous={expected}, got {journal} and {synchronous}"
    );

    let setup = Arc::new(seed(pool, args.customers, args.webhook).await?);
    eprintln!(
        "{label}: database {} (journal_mode={journal}, synchronous={:?}), {} customers, {}",
        db.display(),
        args.synchronous,
        args.customers,
        if args.webhook {
            "one invoice-created webhook (each create writes an event and a delivery)"
        } else {
            "no webhooks"
        }
    );

    let duration = Duration::from_secs(args.duration_secs);
    for &connections in &args.connections {
        let outcome = measure(&setup, connections, duration).await?;
        println!(
            "{label} connections={connections} rate={:.1} p50_ms={:.2} p99_ms={:.2} creates={} errors={}",
            outcome.rate, outcome.p50_ms, outcome.p99_ms, outcome.creates, outcome.errors
        );
    }

    let invoices: i64 = sqlx::query_scalar("SELECT count(*) FROM customer_invoices")
        .fetch_one(&setup.pool)
        .await?;
    eprintln!("{label}: {invoices} invoices in the database");
    setup.pool.close().await;
    drop(temp);
    Ok(())
}

/// One account without a monthly limit (as the benchmark's account) and `customers` customers;
/// with `webhook`, one `invoice-created` webhook of that account.
async fn seed(pool: SqlitePool, customers: usize, webhook: bool) -> anyhow::Result<Setup> {
    let now = Timestamp::now().as_microsecond();
    let account_id = new_id("acc");
    sqlx::query(
        "INSERT INTO accounts (id, name, monthly_invoice_limit, payment_term_days, created_at)
         VALUES ($1, $2, $3, 14, $4)",
    )
    .bind(&account_id)
    .bind("Benchmark account")
    .bind(None::<i64>)
    .bind(now)
    .execute(&pool)
    .await?;
    let mut tx = pool.begin().await?;
    let mut customer_ids = Vec::with_capacity(customers);
    for i in 0..customers {
        let id = new_id("cst");
        sqlx::query(
            "INSERT INTO customers (id, account_id, company_name, address, zip_code, city, country_code,
                                    primary_email, phone, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&id)
        .bind(&account_id)
        .bind(format!("Benchmark Customer {i} B.V."))
        .bind(format!("Keizersgracht {}", i + 1))
        .bind("1015 CJ")
        .bind("Amsterdam")
        .bind("NL")
        .bind(format!("billing{i}@example.nl"))
        .bind(None::<String>)
        .bind(now + i as i64)
        .execute(&mut *tx)
        .await?;
        customer_ids.push(id);
    }
    if webhook {
        sqlx::query(
            "INSERT INTO webhooks (id, account_id, type, url, secret, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(new_id("wbh"))
        .bind(&account_id)
        .bind("invoice-created")
        .bind("http://127.0.0.1:9/never-called")
        .bind("OUJX2prdBbJxR77BZlGz")
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Setup {
        pool,
        account_id,
        customer_ids,
        time_zone: TimeZone::get("Europe/Amsterdam")?,
        webhook,
    })
}

struct Outcome {
    rate: f64,
    p50_ms: f64,
    p99_ms: f64,
    creates: usize,
    errors: usize,
}

async fn measure(
    setup: &Arc<Setup>,
    connections: usize,
    duration: Duration,
) -> anyhow::Result<Outcome> {
    // A per-measurement prefix keeps invoice numbers unique across measurements and reruns.
    let run = random_hex(4);
    let start = Instant::now();
    let deadline = start + duration;
    let mut tasks = Vec::with_capacity(connections);
    for task in 0..connections {
        let setup = Arc::clone(setup);
        let prefix = format!("D{run}-c{connections}-t{task}-");
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let mut counter = 0u64;
            while Instant::now() < deadline {
                counter += 1;
                let number = format!("{prefix}{counter}");
                let began = Instant::now();
                match create_invoice(&setup, &number).await {
                    Ok(()) => latencies.push(began.elapsed()),
                    Err(e) => {
                        errors += 1;
                        if errors <= 3 {
                            eprintln!("direct-sqlite: create failed: {e:#}");
                        }
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (mut l, e) = task.await?;
        latencies.append(&mut l);
        errors += e;
    }
    let elapsed = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let percentile = |p: f64| -> f64 {
        if latencies.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * latencies.len() as f64).ceil() as usize;
        latencies[rank.clamp(1, latencies.len()) - 1].as_secs_f64() * 1000.0
    };
    Ok(Outcome {
        rate: latencies.len() as f64 / elapsed,
        p50_ms: percentile(50.0),
        p99_ms: percentile(99.0),
        creates: latencies.len(),
        errors,
    })
}

/// 1 to 5 lines as portaal stores them, with the total including VAT.
fn random_lines() -> (String, i64) {
    let mut rng = rand::rng();
    let count = rng.random_range(1..=5);
    let mut lines = Vec::with_capacity(count);
    let mut total = 0i64;
    for _ in 0..count {
        let cents: i64 = rng.random_range(100..=250_000);
        let rate = VAT_RATES[rng.random_range(0..VAT_RATES.len())];
        total += cents + (cents * rate + 50) / 100;
        lines.push(serde_json::json!({
            "description": DESCRIPTIONS[rng.random_range(0..DESCRIPTIONS.len())],
            "amountCents": cents,
            "vatRate": rate,
        }));
    }
    (
        serde_json::to_string(&lines).expect("lines serialise"),
        total,
    )
}

/// An identifier as portaal makes them: a prefix, `_` and 14 characters from `[a-z0-9]`.
fn new_id(prefix: &str) -> String {
    const ALPHABET: &[u8; 36] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    let mut id = String::with_capacity(prefix.len() + 15);
    id.push_str(prefix);
    id.push('_');
    for _ in 0..14 {
        id.push(ALPHABET[rng.random_range(0..ALPHABET.len())] as char);
    }
    id
}

/// `len` random bytes, hex-encoded (the payment token has 16).
fn random_hex(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| format!("{:02x}", rng.random::<u8>()))
        .collect()
}

/// The statements and binds of one create in the store (`create_invoice_steps` in
/// src/store/sql/invoices.rs, then `record_known_event` in src/store/sql/outbox.rs), in
/// their order, for a manual invoice without PDF or e-mail notification, one transaction per
/// create: BEGIN; count; the one SELECT of every check; INSERT; COMMIT. With `--webhook` (the
/// account then has one `invoice-created` webhook) `record_known_event` also writes the event
/// and its delivery row before the COMMIT; without it, it writes nothing.
///
/// portaal itself runs these steps in a SAVEPOINT of a transaction that several creates
/// share (the group commit in src/store/sqlite.rs); here each create has its own transaction
/// and fsync, which is the ceiling without group commit.
async fn create_invoice(setup: &Setup, number: &str) -> anyhow::Result<()> {
    let account_id = setup.account_id.as_str();
    let customer_id = {
        let i = rand::rng().random_range(0..setup.customer_ids.len());
        setup.customer_ids[i].as_str()
    };
    let now = Timestamp::now();
    let license_month = now
        .to_zoned(setup.time_zone.clone())
        .strftime("%Y-%m")
        .to_string();
    let id = new_id("inv");
    let payment_token = random_hex(16);
    let (lines, amount_cents) = random_lines();
    // Rendered before the transaction, as portaal renders it before handing the create over.
    let event = setup.webhook.then(|| {
        event_body(
            &id,
            customer_id,
            number,
            amount_cents,
            &lines,
            &payment_token,
        )
    });

    let mut tx = setup.pool.begin().await?;
    let (customer_ok, number_taken, limit, has_webhooks, _payment_term_days): (
        bool,
        bool,
        Option<i64>,
        bool,
        i64,
    ) =
        sqlx::query_as(
            "SELECT
                            EXISTS (SELECT 1 FROM customers
                                     WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL),
                            EXISTS (SELECT 1 FROM customer_invoices WHERE account_id = $1 AND invoice_number = $3),
                            a.monthly_invoice_limit,
                            EXISTS (SELECT 1 FROM webhooks
                                     WHERE account_id = $1 AND type = $4 AND deleted_at IS NULL),
                            a.payment_term_days
                         FROM accounts a WHERE a.id = $1",
        )
        .bind(account_id)
        .bind(customer_id)
        .bind(number)
        .bind("invoice-created")
        .fetch_one(&mut *tx)
        .await?;
    anyhow::ensure!(customer_ok, "customer {customer_id} not found");
    anyhow::ensure!(!number_taken, "invoice number {number} taken");
    anyhow::ensure!(
        has_webhooks == setup.webhook,
        "expected has_webhooks={}, the database says {has_webhooks}",
        setup.webhook
    );
    sqlx::query(
        "INSERT INTO customer_invoices (id, account_id, customer_id, invoice_number, issued_at, due_at,
                        currency, amount_cents, lines, has_pdf, paid_at, payment_token, send_notification,
                        notification_status, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
    )
    .bind(&id)
    .bind(account_id)
    .bind(customer_id)
    .bind(number)
    .bind("2025-04-14")
    .bind("2025-04-28")
    .bind("EUR")
    .bind(amount_cents)
    .bind(Some(lines))
    .bind(false)
    .bind(None::<i64>)
    .bind(&payment_token)
    .bind(false)
    .bind(None::<&str>)
    .bind(now.as_microsecond())
    .execute(&mut *tx)
    .await?;
    // record_known_event: nothing without webhooks (and without an e-mail to send).
    if let Some((event_id, body)) = &event {
        let at = now.as_microsecond();
        sqlx::query(
            "INSERT INTO events (id, account_id, type, body, created_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(event_id)
        .bind(account_id)
        .bind("invoice-created")
        .bind(body)
        .bind(at)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO deliveries (event_id, target, account_id, channel, next_attempt_at, created_at)
                         SELECT $1, w.id, w.account_id, 'webhook', $2, $2 FROM webhooks w
                          WHERE w.account_id = $3 AND w.type = $4 AND w.deleted_at IS NULL",
        )
        .bind(event_id)
        .bind(at)
        .bind(account_id)
        .bind("invoice-created")
        .execute(&mut *tx)
        .await?;
    }
    // Counted last, as the store does (the counter row's lock is held until the commit).
    let counted: i64 = sqlx::query_scalar::<_, i64>(
        "INSERT INTO invoice_month_counts (account_id, month, created) VALUES ($1, $2, 1)
                     ON CONFLICT (account_id, month)
                     DO UPDATE SET created = invoice_month_counts.created + 1
                     RETURNING created",
    )
    .bind(account_id)
    .bind(&license_month)
    .fetch_one(&mut *tx)
    .await?;
    if let Some(limit) = limit.filter(|&limit| counted > limit) {
        anyhow::bail!("monthly limit {limit} reached");
    }
    tx.commit().await?;
    Ok(())
}

/// An `invoice-created` event of about the size and shape portaal renders (`{"id", "type",
/// "createdAt", "data"}`, `data` the invoice as the API returns it); its ID and body.
fn event_body(
    invoice_id: &str,
    customer_id: &str,
    number: &str,
    amount_cents: i64,
    lines: &str,
    payment_token: &str,
) -> (String, String) {
    let euros = |cents: i64| format!("{}.{:02}", cents / 100, cents % 100);
    let stored: Vec<serde_json::Value> = serde_json::from_str(lines).expect("lines are JSON");
    let mut subtotal = 0;
    let lines: Vec<serde_json::Value> = stored
        .iter()
        .map(|line| {
            let cents = line["amountCents"].as_i64().unwrap_or(0);
            let rate = line["vatRate"].as_i64().unwrap_or(0);
            let vat = (cents * rate + 50) / 100;
            subtotal += cents;
            serde_json::json!({
                "description": line["description"],
                "amountExclVat": euros(cents),
                "vatRate": rate,
                "vatAmount": euros(vat),
                "amountInclVat": euros(cents + vat),
            })
        })
        .collect();
    let breakdown: Vec<serde_json::Value> = VAT_RATES
        .iter()
        .map(|rate| serde_json::json!({ "vatRate": rate, "taxableAmount": "0.00", "vatAmount": "0.00" }))
        .collect();
    let id = new_id("evt");
    let body = serde_json::json!({
        "id": id,
        "type": "invoice-created",
        "createdAt": "2025-04-14T10:00:00+02:00",
        "data": {
            "id": invoice_id,
            "customerId": customer_id,
            "invoiceNumber": number,
            "issuedAt": "2025-04-14",
            "dueAt": "2025-04-28",
            "currency": "EUR",
            "amount": euros(amount_cents),
            "paidAt": null,
            "createdAt": "2025-04-14T10:00:00+02:00",
            "links": {
                "customer": {
                    "href": format!("http://127.0.0.1:8080/v1/customers/{customer_id}"),
                    "type": "application/json",
                },
                "onlinePaymentLink": {
                    "href": format!("http://127.0.0.1:8080/public-invoice/{invoice_id}/pay/{payment_token}"),
                    "type": "text/html",
                },
            },
            "notificationStatus": null,
            "subtotalAmount": euros(subtotal),
            "vatAmount": euros(amount_cents - subtotal),
            "lines": lines,
            "vatBreakdown": breakdown,
        },
    })
    .to_string();
    (id, body)
}
