//! Path parameters that name objects. An ID that is not valid UTF-8, not of our shape or
//! of another kind cannot name anything, so it is a 404 at once (no query), with the JSON
//! error body.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use super::error::ApiError;
use crate::kernel::ids::{TypedId, is_well_formed};

/// One typed object ID from the path, such as `{customerId}`: `PathId<CustomerId>`.
pub struct PathId<T>(pub T);

/// Two object IDs from the path, such as `{customerGroupId}/customers/{customerId}`.
pub struct PathIds(pub String, pub String);

fn unknown() -> ApiError {
    ApiError::NotFound("No object was found for the given ID.".to_owned())
}

impl<S: Send + Sync, T: TypedId> FromRequestParts<S> for PathId<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| unknown())?;
        if !is_well_formed(&id) {
            return Err(unknown());
        }
        // Of our shape but another kind: the answer a lookup would give, without one.
        T::parse_id(&id).map(PathId).ok_or_else(|| {
            ApiError::NotFound(format!(
                "No {} was found with ID `{}`.",
                T::NOUN,
                super::error::printable(&id)
            ))
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for PathIds {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path((a, b)) = Path::<(String, String)>::from_request_parts(parts, state)
            .await
            .map_err(|_| unknown())?;
        if is_well_formed(&a) && is_well_formed(&b) {
            Ok(PathIds(a, b))
        } else {
            Err(unknown())
        }
    }
}
