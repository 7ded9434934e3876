//! State an area keeps per database handle, created on first use and dropped with the
//! handle: the SQLite invoice group commit (its queue and task), PostgreSQL's per-account
//! turns. The database layer holds it without knowing its types.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};

#[derive(Default)]
pub struct Slots(RwLock<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>);

impl Slots {
    /// The `T` of this database, made by `init` the first time it is asked for.
    pub fn get_or_init<T: Any + Send + Sync>(&self, init: impl FnOnce() -> T) -> Arc<T> {
        let id = TypeId::of::<T>();
        if let Some(found) = self.0.read().unwrap_or_else(|e| e.into_inner()).get(&id) {
            return Arc::clone(found)
                .downcast()
                .expect("a slot holds its own type");
        }
        let mut slots = self.0.write().unwrap_or_else(|e| e.into_inner());
        let slot = slots.entry(id).or_insert_with(|| Arc::new(init()));
        Arc::clone(slot)
            .downcast()
            .expect("a slot holds its own type")
    }
}
