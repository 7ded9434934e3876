//! Path parameters that name objects. An ID that is not valid UTF-8 or not of our shape
//! cannot name anything, so it is a 404 at once, with the JSON error body.

use axum::extract::{FromRequestParts, Path};
use axum::http::request::Parts;

use super::error::ApiError;
use crate::kernel::ids::is_well_formed;

/// One object ID from the path, such as `{customerId}`.
pub struct PathId(pub String);

/// Two object IDs from the path, such as `{customerGroupId}/customers/{customerId}`.
pub struct PathIds(pub String, pub String);

fn unknown() -> ApiError {
    ApiError::NotFound("No object was found for the given ID.".to_owned())
}

impl<S: Send + Sync> FromRequestParts<S> for PathId {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| unknown())?;
        if is_well_formed(&id) {
            Ok(PathId(id))
        } else {
            Err(unknown())
        }
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
