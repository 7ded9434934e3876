//! Bearer-token authentication, scopes and rate limiting for every `/v1` route.
//! Tokens are stored only as SHA-256 hashes; the token itself is never logged.

use std::time::Instant;

use axum::Json;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::AppState;
use super::error::ApiError;
use crate::kernel::features::{Module, ModuleSet};
use crate::kernel::ids::AccountId;
use crate::kernel::scopes::Scope;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Principal {
    pub account_id: AccountId,
    pub key_id: String,
    pub scopes: Vec<Scope>,
    /// The feature modules the account has turned off.
    pub disabled_modules: ModuleSet,
}

impl Principal {
    /// 426 when the account has turned `module` off (DECISIONS.md, "Features per account"):
    /// the first check of every operation of a gated area, before its scope.
    pub fn require_module(&self, module: Module) -> Result<(), ApiError> {
        if self.disabled_modules.contains(module) {
            Err(ApiError::LicenseLimit(format!(
                "The {module} module is not enabled for this account; the operator can enable \
                 it with `portaal accounts update --enable-module {module}`."
            )))
        } else {
            Ok(())
        }
    }

    /// [`Principal::require_module`], then [`Principal::require`].
    pub fn require_in(&self, module: Module, scope: Scope) -> Result<(), ApiError> {
        self.require_module(module)?;
        self.require(scope)
    }

    pub fn require(&self, scope: Scope) -> Result<(), ApiError> {
        if self.scopes.contains(&scope) {
            Ok(())
        } else {
            Err(ApiError::Forbidden(format!(
                "This API key lacks the `{scope}` scope needed for this request."
            )))
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(|| ApiError::Unauthorized(MISSING.to_owned()))
    }
}

const MISSING: &str = "Send your API key in the header `Authorization: Bearer <token>`.";

/// The SHA-256 of a token, hex-encoded: what the database holds.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The token from `Authorization: Bearer …`, or from `Authentication: Bearer …` as the
/// reference's authentication guide spells it.
fn bearer_token(headers: &HeaderMap) -> Result<&str, &'static str> {
    let value = headers
        .get("authorization")
        .or_else(|| headers.get("authentication"))
        .ok_or(MISSING)?;
    let value = value
        .to_str()
        .map_err(|_| "The Authorization header must be plain ASCII: `Bearer <token>`.")?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or("The Authorization header must read `Bearer <token>`.")?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.len() > 200 {
        return Err("The Authorization header must read `Bearer <token>`.");
    }
    Ok(token)
}

pub async fn authenticate(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let token = match bearer_token(req.headers()) {
        Ok(token) => token,
        Err(message) => return ApiError::Unauthorized(message.to_owned()).into_response(),
    };
    let key = match state.db.find_api_key(&hash_token(token)).await {
        Ok(Some(key)) if !key.revoked => key,
        Ok(_) => {
            return ApiError::Unauthorized(
                "This API key is unknown or has been revoked.".to_owned(),
            )
            .into_response();
        }
        Err(e) => return ApiError::from(e).into_response(),
    };
    let limit = key
        .rate_limit
        .and_then(|l| u32::try_from(l).ok())
        .unwrap_or(state.rate_limit_per_minute);
    let decision = state.rate_limiter.check(&key.id, limit, Instant::now());
    let mut response = if decision.allowed {
        req.extensions_mut().insert(Principal {
            account_id: key.account_id,
            key_id: key.id,
            scopes: key.scopes,
            disabled_modules: key.disabled_modules,
        });
        next.run(req).await
    } else {
        let reset_secs = decision.reset_in.as_secs_f64().ceil() as u64;
        let reset_at = state.now().as_second() as u64 + reset_secs;
        let body = serde_json::json!({"code": 429, "message": "Too many requests."});
        let mut limited = (StatusCode::TOO_MANY_REQUESTS, Json(body)).into_response();
        let headers = limited.headers_mut();
        headers.insert("retry-after", HeaderValue::from(reset_secs.max(1)));
        headers.insert("x-ratelimit-reset", HeaderValue::from(reset_at));
        limited
    };
    let headers = response.headers_mut();
    headers.insert(
        HeaderName::from_static("x-ratelimit-limit"),
        HeaderValue::from(decision.limit),
    );
    headers.insert(
        HeaderName::from_static("x-ratelimit-remaining"),
        HeaderValue::from(decision.remaining),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(name: &'static str, value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(name, HeaderValue::from_static(value));
        h
    }

    #[test]
    fn both_header_spellings_carry_the_token() {
        assert_eq!(
            bearer_token(&headers("authorization", "Bearer abc")),
            Ok("abc")
        );
        assert_eq!(
            bearer_token(&headers("authentication", "bearer abc")),
            Ok("abc")
        );
        assert!(bearer_token(&headers("authorization", "Basic abc")).is_err());
        assert!(bearer_token(&headers("authorization", "Bearer ")).is_err());
        assert!(bearer_token(&HeaderMap::new()).is_err());
    }

    #[test]
    fn a_disabled_module_is_a_426_checked_before_the_scope() {
        let principal = Principal {
            account_id: AccountId::new(),
            key_id: "key_x".into(),
            scopes: vec![Scope::OffersRead],
            disabled_modules: ModuleSet::EMPTY.with(Module::Tickets),
        };
        assert!(
            principal
                .require_in(Module::Offers, Scope::OffersRead)
                .is_ok()
        );
        let refused = principal
            .require_in(Module::Tickets, Scope::TicketsRead)
            .unwrap_err();
        assert_eq!(refused.status(), StatusCode::UPGRADE_REQUIRED);
        let ApiError::LicenseLimit(message) = refused else {
            panic!("{refused:?}");
        };
        assert!(message.contains("--enable-module tickets"), "{message}");
        let forbidden = principal
            .require_in(Module::Offers, Scope::OffersWrite)
            .unwrap_err();
        assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
    }
}
