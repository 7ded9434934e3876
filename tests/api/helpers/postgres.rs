//! A fresh PostgreSQL database per test, when `PORTAAL_TEST_DATABASE_URL` names a server.

/// The backend the suite runs on: PostgreSQL when `PORTAAL_TEST_DATABASE_URL` names a
/// server (each test gets a fresh database there), SQLite otherwise. With
/// `PORTAAL_TEST_REQUIRE_POSTGRES=1` a missing URL fails the test instead of falling back.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("PORTAAL_TEST_DATABASE_URL") {
        Ok(url) if !url.trim().is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("PORTAAL_TEST_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "PORTAAL_TEST_REQUIRE_POSTGRES=1 but PORTAAL_TEST_DATABASE_URL is not set"
            );
            None
        }
    }
}

/// A database of its own on the test PostgreSQL server, dropped when the test ends.
pub struct PgTestDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl PgTestDatabase {
    pub async fn create() -> Option<PgTestDatabase> {
        use sqlx::Connection;
        let admin_url = postgres_admin_url()?;
        let name = format!("portaal_test_{}", portaal::kernel::ids::random_hex(8));
        let mut admin = sqlx::PgConnection::connect(&admin_url)
            .await
            .expect("connect to the test PostgreSQL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("create a test database");
        admin.close().await.ok();
        let url = with_database(&admin_url, &name);
        Some(PgTestDatabase {
            admin_url,
            name,
            url,
        })
    }
}

impl Drop for PgTestDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs inside the test's runtime; a thread with its own runtime may block.
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async {
                use sqlx::Connection;
                if let Ok(mut admin) = sqlx::PgConnection::connect(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&mut admin)
                        .await;
                }
            });
        })
        .join();
    }
}

/// `postgres://user@host:port/db?x` with the database replaced by `name`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url
        .split_once('?')
        .map_or((url, None), |(b, q)| (b, Some(q)));
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let host_end = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |i| after_scheme + i);
    let mut out = format!("{}/{name}", &base[..host_end]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}
