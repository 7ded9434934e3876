//! Customers API (`customers.md`): list, get, create, edit and delete (soft; our addition).
//! Customers are soft-deleted so invoices keep their owner.

mod body;
mod http;
pub mod model;
pub mod request;
pub mod store;

use utoipa_axum::routes;

pub use body::CustomerBody;
pub use model::{CUSTOMER_SELECT, Customer, CustomerRow};
pub use store::{CustomerStore, store};

use crate::web::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .api(routes!(http::list_customers, http::create_customer))
        .api(routes!(
            http::get_customer,
            http::edit_customer,
            http::delete_customer
        ))
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
