//! The requests of the Customer Groups API, as documented and as read.

use crate::areas::customers::request::MAX_TEXT;
use crate::kernel::ids;
use crate::kernel::input::{FieldErrors, Fields, TextKind, given};
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

/// How many customer IDs one request may name.
const MAX_IDS: usize = 1000;

#[derive(Deserialize, ToSchema)]
pub struct CreateCustomerGroupRequest {
    #[schema(value_type = String, required = true, example = "Hosting customers", max_length = 255)]
    name: Option<Value>,
    /// Customer IDs to put in the group; unknown IDs are skipped.
    #[schema(value_type = Option<Vec<String>>, example = json!(["cst_abc12345def678"]))]
    customers: Option<Value>,
}

#[derive(Deserialize, ToSchema)]
pub struct EditCustomerGroupRequest {
    #[schema(value_type = String, required = true, example = "Hosting customers", max_length = 255)]
    name: Option<Value>,
}

#[derive(Deserialize, ToSchema)]
pub struct AddCustomersRequest {
    /// Customer IDs to add; unknown IDs are skipped.
    #[schema(value_type = Vec<String>, required = true, example = json!(["cst_abc12345def678"]))]
    customers: Option<Value>,
}

/// A new group: its name and the customers to put in it.
pub struct NewGroup {
    pub name: String,
    pub customers: Vec<String>,
}

/// Unknown IDs are skipped (the reference says so); IDs that cannot exist are skipped here,
/// before any query.
fn known_shapes(mut ids: Vec<String>) -> Vec<String> {
    ids.retain(|id| ids::is_well_formed(id));
    ids
}

impl TryFrom<CreateCustomerGroupRequest> for NewGroup {
    type Error = FieldErrors;

    fn try_from(req: CreateCustomerGroupRequest) -> Result<NewGroup, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut fields = Fields::new(&mut errors);
        let name = fields.required_text("name", given(&req.name), MAX_TEXT, TextKind::Line);
        let customers = fields.optional_string_list("customers", given(&req.customers), MAX_IDS);
        match (name, customers.map(known_shapes)) {
            (Some(name), Some(customers)) => Ok(NewGroup { name, customers }),
            _ => Err(errors),
        }
    }
}

impl EditCustomerGroupRequest {
    /// The new name.
    pub fn parse(self) -> Result<String, FieldErrors> {
        let mut errors = FieldErrors::new();
        let name = Fields::new(&mut errors).required_text(
            "name",
            given(&self.name),
            MAX_TEXT,
            TextKind::Line,
        );
        name.ok_or(errors)
    }
}

impl AddCustomersRequest {
    /// The customers to add (well-formed IDs only; unknown ones are skipped later).
    pub fn parse(self) -> Result<Vec<String>, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut fields = Fields::new(&mut errors);
        if given(&self.customers).is_none() {
            fields.error("customers", "The customers field is required.");
        }
        let customers = fields.optional_string_list("customers", given(&self.customers), MAX_IDS);
        match customers.filter(|_| errors.is_empty()).map(known_shapes) {
            Some(customers) => Ok(customers),
            None => Err(errors),
        }
    }
}
