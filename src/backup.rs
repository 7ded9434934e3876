//! `portaal backup` and `portaal restore`: an online, consistent copy of the database and
//! putting one back. SQLite copies with `VACUUM INTO` (a snapshot read that does not stop
//! the writer) and marks the copy as a portaal backup; PostgreSQL uses `pg_dump`'s custom
//! format (one repeatable-read snapshot) and `pg_restore`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;

use anyhow::{Context, bail, ensure};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{ConnectOptions, Connection};

use crate::kernel::net::redact_url;

/// The settings row that marks a SQLite file as a portaal backup; removed on restore.
const MARKER: &str = "portaal_backup";
const SQLITE_MAGIC: &[u8] = b"SQLite format 3\0";
const PG_DUMP_MAGIC: &[u8] = b"PGDMP";

/// Writes a consistent copy of the database at `url` to `to`, which must not exist yet.
pub async fn backup(url: &str, to: &Path, created_at: jiff::Timestamp) -> anyhow::Result<()> {
    ensure!(
        !to.exists(),
        "{} exists already; choose a new file name",
        to.display()
    );
    let partial = with_suffix(to, ".partial");
    let _ = std::fs::remove_file(&partial);
    let result = match sqlite_path(url) {
        Some(db) => backup_sqlite(&db, &partial, created_at).await,
        None => run_tool(
            Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--no-privileges", "--file"])
                .arg(&partial)
                .arg(format!("--dbname={url}")),
            "pg_dump",
        ),
    };
    if let Err(e) = result {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    // Only a complete, synced copy gets the name asked for.
    std::fs::File::open(&partial)?.sync_all()?;
    std::fs::rename(&partial, to)?;
    sync_parent(to);
    Ok(())
}

async fn backup_sqlite(db: &Path, to: &Path, created_at: jiff::Timestamp) -> anyhow::Result<()> {
    ensure!(db.exists(), "there is no database at {}", db.display());
    let mut source = SqliteConnectOptions::new()
        .filename(db)
        .read_only(true)
        .connect()
        .await
        .with_context(|| format!("opening {}", db.display()))?;
    let target = to.to_str().context("the backup path must be valid UTF-8")?;
    sqlx::query("VACUUM INTO $1")
        .bind(target)
        .execute(&mut source)
        .await
        .context("copying the database (VACUUM INTO)")?;
    source.close().await?;
    let mut copy = open_plain(to).await?;
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)")
        .bind(MARKER)
        .bind(created_at.to_string())
        .execute(&mut copy)
        .await
        .context("marking the copy as a portaal backup")?;
    copy.close().await?;
    Ok(())
}

/// Replaces the database at `url` with the backup in `from`. Refuses a target that holds
/// data unless `force`, and a file that is not a portaal backup for this kind of database.
/// The server must be stopped meanwhile.
pub async fn restore(url: &str, from: &Path, force: bool) -> anyhow::Result<()> {
    let magic = read_magic(from)?;
    match sqlite_path(url) {
        Some(db) => {
            ensure!(
                magic.starts_with(SQLITE_MAGIC),
                "{} is not a SQLite portaal backup (a PostgreSQL one must be restored into PostgreSQL)",
                from.display()
            );
            restore_sqlite(&db, from, force).await
        }
        None => {
            ensure!(
                magic.starts_with(PG_DUMP_MAGIC),
                "{} is not a PostgreSQL portaal backup (made with `portaal backup` on PostgreSQL)",
                from.display()
            );
            restore_postgres(url, from, force).await
        }
    }
}

async fn restore_sqlite(db: &Path, from: &Path, force: bool) -> anyhow::Result<()> {
    {
        let mut backup = SqliteConnectOptions::new()
            .filename(from)
            .read_only(true)
            .connect()
            .await
            .with_context(|| format!("opening {}", from.display()))?;
        let marked: Option<String> =
            sqlx::query_scalar("SELECT value FROM settings WHERE key = $1")
                .bind(MARKER)
                .fetch_optional(&mut backup)
                .await
                .ok()
                .flatten();
        backup.close().await?;
        ensure!(
            marked.is_some(),
            "{} is a SQLite database but not a backup made by `portaal backup`",
            from.display()
        );
    }
    let occupied = std::fs::metadata(db).is_ok_and(|m| m.len() > 0);
    ensure!(
        !occupied || force,
        "{} holds a database already; stop the server and pass --force to replace it",
        db.display()
    );
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let staged = with_suffix(db, ".restoring");
    let _ = std::fs::remove_file(&staged);
    std::fs::copy(from, &staged).context("copying the backup")?;
    let mut copy = open_plain(&staged).await?;
    sqlx::query("DELETE FROM settings WHERE key = $1")
        .bind(MARKER)
        .execute(&mut copy)
        .await?;
    copy.close().await?;
    std::fs::File::open(&staged)?.sync_all()?;
    // The old database's write-ahead log must not be applied to the restored file.
    for suffix in ["-wal", "-shm", "-journal"] {
        let _ = std::fs::remove_file(with_suffix(db, suffix));
    }
    std::fs::rename(&staged, db)?;
    sync_parent(db);
    Ok(())
}

async fn restore_postgres(url: &str, from: &Path, force: bool) -> anyhow::Result<()> {
    let listing = Command::new("pg_restore")
        .arg("--list")
        .arg(from)
        .output()
        .context("running pg_restore (install the PostgreSQL client tools)")?;
    let listing = String::from_utf8_lossy(&listing.stdout);
    ensure!(
        ["_sqlx_migrations", "customer_invoices", "api_keys"]
            .iter()
            .all(|table| listing.contains(&format!("TABLE DATA public {table} "))),
        "{} is a PostgreSQL dump but not of a portaal database",
        from.display()
    );
    let mut connection = sqlx::PgConnection::connect(url)
        .await
        .with_context(|| format!("connecting to {}", redact_url(url)))?;
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(&mut connection)
    .await?;
    if tables > 0 {
        ensure!(
            force,
            "the database {} is not empty; stop the servers and pass --force to replace it",
            redact_url(url)
        );
        sqlx::query("DROP SCHEMA public CASCADE")
            .execute(&mut connection)
            .await?;
        sqlx::query("CREATE SCHEMA public")
            .execute(&mut connection)
            .await?;
    }
    connection.close().await?;
    run_tool(
        Command::new("pg_restore")
            .args([
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
            ])
            .arg(format!("--dbname={url}"))
            .arg(from),
        "pg_restore",
    )
}

/// The file of a `sqlite:` URL; `None` for PostgreSQL. Other schemes are refused.
fn sqlite_path(url: &str) -> Option<PathBuf> {
    let path = url.strip_prefix("sqlite:")?.trim_start_matches("//");
    Some(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

async fn open_plain(path: &Path) -> anyhow::Result<sqlx::SqliteConnection> {
    let options = SqliteConnectOptions::from_str("sqlite:")?
        .filename(path)
        .journal_mode(SqliteJournalMode::Delete);
    options
        .connect()
        .await
        .with_context(|| format!("opening {}", path.display()))
}

fn read_magic(path: &Path) -> anyhow::Result<Vec<u8>> {
    use std::io::Read;
    let mut file =
        std::fs::File::open(path).with_context(|| format!("opening {}", path.display()))?;
    let mut magic = vec![0; SQLITE_MAGIC.len()];
    let n = file.read(&mut magic)?;
    magic.truncate(n);
    Ok(magic)
}

fn run_tool(command: &mut Command, name: &str) -> anyhow::Result<()> {
    let output = command
        .output()
        .with_context(|| format!("running {name} (install the PostgreSQL client tools)"))?;
    if !output.status.success() {
        bail!(
            "{name} failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Makes a rename durable; best effort where directories cannot be opened.
fn sync_parent(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(dir) = std::fs::File::open(dir)
    {
        let _ = dir.sync_all();
    }
}
