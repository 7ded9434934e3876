//! The account: the tenant every object belongs to, its API keys, and the seller details its
//! invoices print. `GET /v1/account` shows them; operators change them with the CLI
//! (`admin.rs`, `cli_args.rs`).

pub mod admin;
mod body;
pub mod cli_args;
mod http;
pub mod model;
pub mod seller;
pub mod store;
pub mod view;

use utoipa_axum::routes;

pub use body::AccountBody;
pub use model::{Account, AccountPatch, NewAccount};
pub use store::{AccountStore, store};

use crate::web::Routes;

pub fn routes() -> Routes {
    Routes::new().api(routes!(http::get_account))
}

// The SQL of this module, compiled once per backend (`Backend` and `DB` differ).
#[path = "."]
mod sqlite {
    use crate::db::sqlite::{Backend, DB};
    mod sql;
}
#[path = "."]
mod postgres {
    use crate::db::postgres::{Backend, DB};
    mod sql;
}
