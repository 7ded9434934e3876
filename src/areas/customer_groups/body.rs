//! A customer group as the API shows it.

use serde::Serialize;
use utoipa::ToSchema;

use super::model::CustomerGroup;
use crate::areas::customers::CustomerBody;
use crate::web::Context;

#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CustomerGroupBody {
    /// Always starts with `cug_`.
    #[schema(example = "cug_abc12345def678")]
    pub id: String,
    #[schema(example = "Webhosting customers")]
    pub name: String,
    #[schema(example = "2025-07-27T14:42:00+02:00")]
    pub created_at: String,
}

impl CustomerGroupBody {
    pub fn new(ctx: &Context, g: CustomerGroup) -> CustomerGroupBody {
        CustomerGroupBody {
            created_at: ctx.atom(g.created_at),
            id: g.id.into_string(),
            name: g.name,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CustomerList {
    pub data: Vec<CustomerBody>,
}
