//! Customer groups: the entity and its ID (the requests are `request.rs`).

use jiff::Timestamp;

crate::kernel::ids::id_type!(
    /// Names one customer group: `cug_` and 14 characters (`general.md` §4).
    CustomerGroupId,
    crate::kernel::ids::prefix::CUSTOMER_GROUP,
    "customer group"
);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerGroup {
    pub id: CustomerGroupId,
    pub name: String,
    pub created_at: Timestamp,
}
