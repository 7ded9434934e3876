//! HTTP plumbing every area uses: the shared state, the one error type, the JSON body
//! extractor, pagination, path IDs, authentication and rate limits, idempotency keys,
//! signed links, the cross-cutting layers, serving, and what every customer page shares.
//! Nothing here knows an area.

pub mod auth;
pub mod error;
pub mod idempotency;
pub mod json;
pub mod layers;
pub mod pages;
pub mod pagination;
pub mod path;
pub mod rate_limit;
pub mod serve;
pub mod signed_links;
pub mod state;

pub use error::{ApiError, ApiResult};
pub use state::{AppState, Context, Settings};

/// JSON bodies above this size are refused with 413. The largest valid manual invoice
/// (1000 lines of 1000 characters) stays well below it.
pub const JSON_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// The largest body any route accepts (an invoice PDF upload, with its form around it);
/// the idempotency layer reads bodies up to this size.
pub const UPLOAD_BODY_LIMIT: usize = 10 * 1024 * 1024 + 64 * 1024;

/// The default of `--request-time-limit`.
pub const REQUEST_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// Request headers above this many bytes in all (names and values) are refused with 431.
/// hyper itself stops at 100 headers or about 400 KB; no client of this API needs more than
/// a few hundred bytes, and every header is held in memory for the whole request.
pub const HEADER_BYTES_LIMIT: usize = 16 * 1024;

/// What an area serves: its documented `/v1` operations, each declared once with
/// `utoipa_axum::routes!` from the handler's `#[utoipa::path]` (the OpenAPI document is
/// built from them), and its public pages outside `/v1`. Areas add routes only through
/// these two methods (a test checks that no area calls `.route(` itself).
pub struct Routes {
    api: utoipa_axum::router::OpenApiRouter<AppState>,
    public: axum::Router<AppState>,
}

impl Default for Routes {
    fn default() -> Self {
        Routes::new()
    }
}

impl Routes {
    pub fn new() -> Routes {
        Routes {
            api: utoipa_axum::router::OpenApiRouter::new(),
            public: axum::Router::new(),
        }
    }

    /// Documented operations on one path.
    pub fn api(mut self, operations: utoipa_axum::router::UtoipaMethodRouter<AppState>) -> Routes {
        self.api = self.api.routes(operations);
        self
    }

    /// Documented operations on one path whose bodies may be larger than
    /// [`JSON_BODY_LIMIT`] (file uploads), up to `limit` bytes.
    pub fn api_with_body_limit(
        mut self,
        (schemas, paths, method_router): utoipa_axum::router::UtoipaMethodRouter<AppState>,
        limit: usize,
    ) -> Routes {
        let method_router = method_router.layer(axum::extract::DefaultBodyLimit::max(limit));
        self.api = self.api.routes((schemas, paths, method_router));
        self
    }

    /// A public page (or download, or provider callback) outside `/v1`: no API key, no
    /// OpenAPI entry.
    pub fn page(
        mut self,
        path: &str,
        method_router: axum::routing::MethodRouter<AppState>,
    ) -> Routes {
        self.public = self.public.route(path, method_router);
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.api = self.api.merge(other.api);
        self.public = self.public.merge(other.public);
        self
    }

    /// The `/v1` router with its OpenAPI paths, and the public router.
    pub fn into_parts(
        self,
    ) -> (
        utoipa_axum::router::OpenApiRouter<AppState>,
        axum::Router<AppState>,
    ) {
        (self.api, self.public)
    }
}
