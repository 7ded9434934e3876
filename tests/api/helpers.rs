//! What the tests share: a running server per test (`app`), requests and assertions
//! (`http`), a PostgreSQL database per test (`postgres`), and invoices (`invoices`).

mod app;
mod http;
pub mod invoices;
mod postgres;

pub use app::{Options, TestApp};
pub use http::*;
pub use postgres::PgTestDatabase;
