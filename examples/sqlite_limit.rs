//! The ceiling for `POST /v1/customer-invoices/manual`: the same SQLite transaction that
//! `create_invoice` runs (src/store/sql/invoices.rs), issued straight at a database with
//! the same pragmas as src/store/sqlite.rs (WAL, `synchronous=FULL`, foreign keys on, one
//! writer connection), with no HTTP, JSON parsing, authentication or account lookup in
//! front of it. Keep [`create_invoice`] below in step with the store's when that changes.
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
    let store = portaal::startup::open_store(&url).await?;
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

    let setup = Arc::new(seed(pool, args.customers).await?);
    eprintln!(
        "{label}: database {} (journal_mode={journal}, synchronous={:?}), {} customers",
        db.display(),
        args.synchronous,
        args.customers
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

/// One account without a monthly limit (as the benchmark's account) and `customers` customers.
async fn seed(pool: SqlitePool, customers: usize) -> anyhow::Result<Setup> {
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
    tx.commit().await?;
    Ok(Setup {
        pool,
        account_id,
        customer_ids,
        time_zone: TimeZone::get("Europe/Amsterdam")?,
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

/// The statements and binds of the store's `create_invoice` (src/store/sql/invoices.rs), in
/// its order, for a manual invoice without PDF, e-mail notification or webhooks:
/// BEGIN; count; customer exists; number taken; account limit; INSERT; webhooks exist; COMMIT.
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

    let mut tx = setup.pool.begin().await?;
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
    let customer_ok: bool = sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM customers WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL)",
    )
    .bind(account_id)
    .bind(customer_id)
    .fetch_one(&mut *tx)
    .await?;
    anyhow::ensure!(customer_ok, "customer {customer_id} not found");
    let number_taken: bool = sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM customer_invoices WHERE account_id = $1 AND invoice_number = $2)",
    )
    .bind(account_id)
    .bind(number)
    .fetch_one(&mut *tx)
    .await?;
    anyhow::ensure!(!number_taken, "invoice number {number} taken");
    let limit: Option<i64> = sqlx::query_scalar::<_, Option<i64>>(
        "SELECT monthly_invoice_limit FROM accounts WHERE id = $1",
    )
    .bind(account_id)
    .fetch_one(&mut *tx)
    .await?;
    if let Some(limit) = limit.filter(|&limit| counted > limit) {
        anyhow::bail!("monthly limit {limit} reached");
    }
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
    // record_event (src/store/sql/outbox.rs): without webhooks and without an e-mail to send,
    // as in the benchmark, this check is all it does.
    let has_webhooks: bool = sqlx::query_scalar::<_, bool>(
        "SELECT EXISTS (SELECT 1 FROM webhooks WHERE account_id = $1 AND type = $2 AND deleted_at IS NULL)",
    )
    .bind(account_id)
    .bind("invoice-created")
    .fetch_one(&mut *tx)
    .await?;
    anyhow::ensure!(!has_webhooks, "the benchmark account has no webhooks");
    tx.commit().await?;
    Ok(())
}
