//! What every handler shares: [`AppState`], a handle to one [`Settings`], and the
//! [`Context`] that renders objects as the API shows them (handlers and events alike).

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use jiff::tz::TimeZone;

use super::rate_limit::RateLimiter;
use super::signed_links::LinkSigner;
use crate::db::Db;
use crate::kernel::clock::Clock;

/// A handle to one [`Settings`], so that the extractors' many clones per request cost one
/// reference count each (bench/README.md, "Issue 7, second pass", item 3).
#[derive(Clone)]
pub struct AppState(Arc<Settings>);

impl AppState {
    pub fn new(settings: Settings) -> AppState {
        AppState(Arc::new(settings))
    }
}

impl std::ops::Deref for AppState {
    type Target = Settings;

    fn deref(&self) -> &Settings {
        &self.0
    }
}

pub struct Settings {
    pub db: Db,
    /// Where the API and the pages are, the zone and the clock.
    pub ctx: Arc<Context>,
    pub signer: LinkSigner,
    pub rate_limit_per_minute: u32,
    pub rate_limiter: Arc<RateLimiter>,
    /// Lets webhook URLs resolve to loopback, private and link-local addresses (tests and
    /// closed networks); off by default, so a key cannot aim deliveries at internal hosts.
    pub allow_private_webhooks: bool,
    /// Mollie's Payments API, used with each account's own key.
    pub mollie: crate::payments::mollie::MollieApi,
    /// A request (body upload included) taking longer is answered with 408.
    pub request_time_limit: Duration,
}

impl Settings {
    /// Now, by the deployment's clock.
    pub fn now(&self) -> Timestamp {
        self.ctx.clock.now()
    }
}

/// What showing an object as the API does needs: the API's and the pages' base URLs, the
/// deployment's time zone and its clock. Response bodies and event bodies are built with
/// it, so a webhook receives an object exactly as the API returns it.
pub struct Context {
    pub clock: Arc<dyn Clock>,
    pub time_zone: TimeZone,
    /// `<public url>/v1`, without trailing slash.
    pub api_base: Arc<str>,
    /// The public origin, without trailing slash: the base of pages and download links.
    pub public_base: Arc<str>,
}

impl Context {
    /// An ATOM date-time in the deployment's zone.
    pub fn atom(&self, at: Timestamp) -> String {
        crate::kernel::time::format_atom(at, &self.time_zone)
    }

    pub fn api_url(&self, path: &str) -> String {
        format!("{}{path}", self.api_base)
    }

    pub fn public_url(&self, path: &str) -> String {
        format!("{}{path}", self.public_base)
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}
