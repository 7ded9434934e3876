//! Customer Groups API (`customer-groups.md`), plus our `DELETE` of a group and removal of
//! one customer from a group. Groups are deleted for real; their memberships go with them.

mod body;
mod http;
pub mod model;
pub mod request;
pub mod store;

use utoipa_axum::routes;

pub use body::{CustomerGroupBody, CustomerList};
pub use model::CustomerGroup;
pub use store::{GroupStore, store};

use crate::web::Routes;

pub fn routes() -> Routes {
    Routes::new()
        .api(routes!(
            http::list_customer_groups,
            http::create_customer_group
        ))
        .api(routes!(
            http::get_customer_group,
            http::edit_customer_group,
            http::delete_customer_group
        ))
        .api(routes!(http::add_customers_to_group))
        .api(routes!(http::remove_customer_from_group))
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
