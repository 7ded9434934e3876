//! Fills one existing account with many customers and invoices, fast, for the read
//! benchmark (`bench/read-invoices.sh`): the rows are generated inside the database
//! (`generate_series` on PostgreSQL, a recursive CTE on SQLite) in transactions of
//! `--chunk` invoices, so a million invoices take seconds to minutes, not the hours that a
//! million API calls would.
//!
//! The database must already be migrated (`portaal migrate` or a first `portaal serve`).
//! IDs are deterministic (`cst_seed000001`, `inv_seed0000000001`, …) so that a benchmark
//! can name them; invoice `i` belongs to customer `i % customers + 1` and is created
//! `i` milliseconds after a fixed base, so the list order is the reverse of `i`.
//!
//! ```text
//! cargo run --release --example seed_invoices -- --database-url sqlite:/tmp/p/portaal.db \
//!     --account acc_xxx --customers 1000 --invoices 1000000
//! ```

use std::str::FromStr;
use std::time::Instant;

use anyhow::{Context, bail};
use clap::Parser;
use sqlx::postgres::PgPoolOptions;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

#[derive(Debug, Parser)]
#[command(about = "Seeds customers and invoices straight into a migrated portaal database")]
struct Args {
    /// `sqlite:PATH` or `postgres://…`.
    #[arg(long)]
    database_url: String,
    /// The account (it must exist) that gets the customers and invoices.
    #[arg(long)]
    account: String,
    #[arg(long, default_value_t = 1_000)]
    customers: i64,
    #[arg(long, default_value_t = 1_000_000)]
    invoices: i64,
    /// Invoices per transaction.
    #[arg(long, default_value_t = 100_000)]
    chunk: i64,
}

/// 2026-01-01T00:00:00Z in microseconds: invoice `i` is created `i` ms later.
const BASE_MICROS: i64 = 1_767_225_600_000_000;
const LINES: &str = r#"[{"description":"Consultancy","amountCents":100000,"vatRate":21},{"description":"Hosting (monthly)","amountCents":4999,"vatRate":9},{"description":"Support hours","amountCents":25000,"vatRate":0}]"#;

/// The statements for one backend: customers ($1 account, $2 count, $3 base), then
/// invoices ($1 account, $2 customers, $3 first i, $4 last i, $5 base, $6 lines).
struct Sql {
    customers: &'static str,
    invoices: &'static str,
}

const SQLITE: Sql = Sql {
    customers: "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $2)
        INSERT INTO customers (id, account_id, company_name, address, zip_code, city,
                               country_code, primary_email, created_at)
        SELECT printf('cst_seed%06d', i), $1, 'Seed Customer ' || i || ' B.V.', 'Keizersgracht ' || i,
               '1015 CJ', 'Amsterdam', 'NL', 'billing' || i || '@example.nl', $3 + i FROM s",
    invoices: "WITH RECURSIVE s(i) AS (SELECT $3 UNION ALL SELECT i + 1 FROM s WHERE i < $4)
        INSERT INTO customer_invoices (id, account_id, customer_id, invoice_number, issued_at,
            due_at, currency, amount_cents, lines, has_pdf, paid_at, payment_token,
            send_notification, notification_status, created_at)
        SELECT printf('inv_seed%010d', i), $1, printf('cst_seed%06d', i % $2 + 1),
               printf('S%010d', i), '2026-11-' || printf('%02d', i % 28 + 1),
               '2026-12-' || printf('%02d', i % 28 + 1), 'EUR', 155098, $6, 0,
               CASE WHEN i % 3 = 0 THEN $5 + i * 1000 + 86400000000 END,
               printf('%032x', i), 0, NULL, $5 + i * 1000 FROM s",
};

const POSTGRES: Sql = Sql {
    customers: "INSERT INTO customers (id, account_id, company_name, address, zip_code, city,
                               country_code, primary_email, created_at)
        SELECT 'cst_seed' || lpad(i::text, 6, '0'), $1, 'Seed Customer ' || i || ' B.V.',
               'Keizersgracht ' || i, '1015 CJ', 'Amsterdam', 'NL', 'billing' || i || '@example.nl',
               $3 + i FROM generate_series(1::bigint, $2) AS i",
    invoices: "INSERT INTO customer_invoices (id, account_id, customer_id, invoice_number, issued_at,
            due_at, currency, amount_cents, lines, has_pdf, paid_at, payment_token,
            send_notification, notification_status, created_at)
        SELECT 'inv_seed' || lpad(i::text, 10, '0'), $1, 'cst_seed' || lpad((i % $2 + 1)::text, 6, '0'),
               'S' || lpad(i::text, 10, '0'), '2026-11-' || lpad((i % 28 + 1)::text, 2, '0'),
               '2026-12-' || lpad((i % 28 + 1)::text, 2, '0'), 'EUR', 155098, $6, FALSE,
               CASE WHEN i % 3 = 0 THEN $5 + i * 1000 + 86400000000 END,
               md5(i::text), FALSE, NULL, $5 + i * 1000
          FROM generate_series($3::bigint, $4::bigint) AS i",
};

macro_rules! seed {
    ($pool:expr, $db:ty, $sql:expr, $args:expr) => {{
        let (pool, sql, args) = ($pool, $sql, $args);
        sqlx::query::<$db>(sql.customers)
            .bind(&args.account)
            .bind(args.customers)
            .bind(BASE_MICROS)
            .execute(&pool)
            .await
            .context("seeding customers")?;
        let mut first = 1;
        while first <= args.invoices {
            let last = (first + args.chunk - 1).min(args.invoices);
            let started = Instant::now();
            let mut tx = pool.begin().await?;
            sqlx::query::<$db>(sql.invoices)
                .bind(&args.account)
                .bind(args.customers)
                .bind(first)
                .bind(last)
                .bind(BASE_MICROS)
                .bind(LINES)
                .execute(&mut *tx)
                .await
                .context("seeding invoices")?;
            tx.commit().await?;
            eprintln!(
                "seeded invoices {first}..={last} in {:.1} s",
                started.elapsed().as_secs_f64()
            );
            first = last + 1;
        }
        pool
    }};
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    if args.customers < 1 || args.invoices < 0 || args.chunk < 1 {
        bail!("--customers and --chunk must be at least 1, --invoices at least 0");
    }
    let started = Instant::now();
    if args.database_url.starts_with("sqlite:") {
        // Same durability as portaal: the seed is a real, fsynced database.
        let options = SqliteConnectOptions::from_str(&args.database_url)?
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        let pool = seed!(pool, sqlx::Sqlite, SQLITE, &args);
        sqlx::query("ANALYZE").execute(&pool).await?;
        sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&pool)
            .await?;
    } else {
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect(&args.database_url)
            .await?;
        let pool = seed!(pool, sqlx::Postgres, POSTGRES, &args);
        // Sets the visibility map (index-only scans) and the statistics, as autovacuum
        // would after a burst of inserts.
        sqlx::query("VACUUM (ANALYZE) customer_invoices")
            .execute(&pool)
            .await?;
        sqlx::query("VACUUM (ANALYZE) customers")
            .execute(&pool)
            .await?;
    }
    println!(
        "seeded {} customers and {} invoices into {} in {:.1} s",
        args.customers,
        args.invoices,
        args.account,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
