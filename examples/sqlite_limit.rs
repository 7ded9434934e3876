//! The ceiling for `POST /v1/customer-invoices/manual` without group commit: the statements
//! that one invoice create runs in the store (the store's own code,
//! `customer_invoices::group_commit::create_in_transaction`), each create in its own
//! transaction, on a database with the same pragmas as src/db/sqlite.rs (WAL,
//! `synchronous=FULL`, foreign keys on, one writer connection), with no HTTP, JSON parsing
//! or authentication in front of it. portaal itself commits concurrent creates together
//! (one fsync for the group), so it can go beyond this figure.
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

use anyhow::Context as _;
use clap::Parser;
use jiff::tz::TimeZone;
use portaal::areas::account::admin;
use portaal::areas::customer_invoices::group_commit::create_in_transaction;
use portaal::areas::customer_invoices::model::InvoiceId;
use portaal::areas::customer_invoices::{CustomerInvoice, InvoiceContent, NewInvoiceRecord};
use portaal::areas::customers;
use portaal::areas::customers::model::CustomerId;
use portaal::areas::customers::request::NewCustomer;
use portaal::areas::webhooks::model::WebhookId;
use portaal::areas::webhooks::{self, Webhook};
use portaal::db::Db;
use portaal::kernel::clock::SystemClock;
use portaal::kernel::events::EventType;
use portaal::kernel::ids;
use portaal::kernel::lines::{self, ManualLine};
use portaal::kernel::money::Money;
use portaal::kernel::time::month_key;
use portaal::kernel::vat::VatRate;
use portaal::web::Context;
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
    account_id: portaal::kernel::ids::AccountId,
    customer_ids: Vec<CustomerId>,
    ctx: Arc<Context>,
}

const DESCRIPTIONS: [&str; 5] = [
    "Consultancy, April",
    "Hosting (monthly)",
    "Support hours",
    "Licence renewal",
    "Travel expenses",
];
const VAT_RATES: [VatRate; 3] = [VatRate::Zero, VatRate::Reduced, VatRate::Standard];

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

    // portaal creates the tables (its migrations) and the account and customers; then the
    // creates run on a pool of our own, so `--synchronous` can be changed.

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

    let setup = Arc::new(seed(&url, pool, args.customers, args.webhook).await?);
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

/// One account without a monthly limit (as the benchmark's account) and `customers`
/// customers, made through portaal's own stores; with `webhook`, one `invoice-created`
/// webhook of that account.
async fn seed(
    url: &str,
    pool: SqlitePool,
    customers: usize,
    webhook: bool,
) -> anyhow::Result<Setup> {
    let db = Db::open(url).await?;
    let ctx = context()?;
    let account = admin::create_account(&db, ctx.clock.as_ref(), "Benchmark account", None).await?;
    let mut customer_ids = Vec::with_capacity(customers);
    for i in 0..customers {
        let id = CustomerId::new();
        let new = NewCustomer {
            company_name: format!("Benchmark Customer {i} B.V."),
            address: format!("Keizersgracht {}", i + 1),
            zip_code: "1015 CJ".into(),
            city: "Amsterdam".into(),
            country_code: "NL".into(),
            primary_email: format!("billing{i}@example.nl"),
            phone: None,
            vat_number: None,
            coc_number: None,
            peppol_id: None,
            send_ubl: false,
        };
        customers::store(&db)
            .create_customer(&account.id, &id, &new, &ctx)
            .await?;
        customer_ids.push(id);
    }
    if webhook {
        let hook = Webhook {
            id: WebhookId::new(),
            event_type: EventType::InvoiceCreated,
            url: "http://127.0.0.1:9/never-called".into(),
            secret: "OUJX2prdBbJxR77BZlGz".into(),
            created_at: ctx.now(),
        };
        webhooks::store(&db)
            .create_webhook(&account.id, &hook)
            .await?;
    }
    if let Db::Sqlite(backend) = &db {
        backend.close().await;
    }
    Ok(Setup {
        pool,
        account_id: account.id,
        customer_ids,
        ctx: Arc::new(ctx),
    })
}

/// Where events are rendered: the real clock and zone, a local base URL.
fn context() -> anyhow::Result<Context> {
    Ok(Context {
        clock: Arc::new(SystemClock),
        time_zone: TimeZone::get("Europe/Amsterdam")?,
        api_base: "http://127.0.0.1:8080/v1".into(),
        public_base: "http://127.0.0.1:8080".into(),
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
    let run = ids::random_hex(4);
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

/// 1 to 5 lines as the benchmark's requests send them.
fn random_lines() -> Vec<ManualLine> {
    let mut rng = rand::rng();
    let count = rng.random_range(1..=5);
    (0..count)
        .map(|_| ManualLine {
            description: DESCRIPTIONS[rng.random_range(0..DESCRIPTIONS.len())].to_owned(),
            amount_excl_vat: Money::from_cents(rng.random_range(100..=250_000)),
            vat_rate: VAT_RATES[rng.random_range(0..VAT_RATES.len())],
        })
        .collect()
}

/// One create in its own transaction, with the store's statements (the checks, the
/// insert, the event and delivery when a webhook listens, the license count last), as
/// the handler hands it over: a manual invoice without PDF or e-mail notification.
async fn create_invoice(setup: &Setup, number: &str) -> anyhow::Result<()> {
    let customer_id = {
        let i = rand::rng().random_range(0..setup.customer_ids.len());
        setup.customer_ids[i].clone()
    };
    let now = setup.ctx.now();
    let lines = random_lines();
    let issued_at = "2025-04-14".parse()?;
    let invoice = CustomerInvoice {
        id: InvoiceId::new(),
        customer_id,
        invoice_number: number.to_owned(),
        issued_at,
        due_at: issued_at,
        currency: "EUR".into(),
        amount: lines::totals(&lines).total,
        content: InvoiceContent::Manual {
            lines,
            credited_invoice_number: None,
        },
        has_pdf: false,
        paid_at: None,
        payment_token: ids::random_hex(16),
        send_notification: false,
        notification: None,
        created_at: now,
    };
    let new = NewInvoiceRecord {
        invoice,
        license_month: month_key(now, &setup.ctx.time_zone),
        pdf: None,
    };
    let mut tx = setup.pool.begin().await?;
    create_in_transaction(&mut tx, &setup.account_id, &new, &setup.ctx).await?;
    tx.commit().await?;
    Ok(())
}
