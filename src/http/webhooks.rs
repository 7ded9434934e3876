//! Webhooks API (`webhooks.md`): subscriptions to one event type each, plus our `DELETE` of a
//! subscription and the list of its deliveries; target URLs are checked before they are stored.

use std::borrow::Cow;
use std::net::IpAddr;

use crate::domain::net::is_public_ip;
use std::time::Duration;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use rand::Rng;
use rand::distr::Alphanumeric;
use reqwest::Url;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};

use super::AppState;
use super::auth::Principal;
use super::error::{ApiError, ApiResult, ErrorBody, NotFoundExt};
use super::json::JsonObject;
use super::pagination::{ListQuery, Paginated};
use super::path::PathId;
use crate::domain::events::EventType;
use crate::domain::ids::{self, prefix};
use crate::domain::input::{FieldErrors, Fields, TextKind};
use crate::domain::scopes::Scope;
use crate::store::{DeliveryRecord, Webhook};

/// Longest target URL we store; browsers and proxies commonly stop near 2000 characters.
const MAX_URL_CHARS: usize = 2000;
/// Length of a webhook's signing secret, as in the reference's example `OUJX2prdBbJxR77BZlGz`
/// (20 characters of `[A-Za-z0-9]`, about 119 bits).
const SECRET_LEN: usize = 20;
/// How long resolving a target host may take before the URL is refused.
const LOOKUP_TIME_LIMIT: Duration = Duration::from_secs(5);

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/webhooks", get(list_webhooks).post(create_webhook))
        .route(
            "/webhooks/{webhookId}",
            get(get_webhook).delete(delete_webhook),
        )
        .route(
            "/webhooks/{webhookId}/deliveries",
            get(list_webhook_deliveries),
        )
}

/// The reference's "Webhook record".
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct WebhookBody {
    /// Always starts with `wbh_`.
    #[schema(example = "wbh_abc12345def678")]
    pub id: String,
    /// The event type this webhook receives.
    #[serde(rename = "type")]
    #[schema(value_type = EventTypeName, example = "customer-created")]
    pub event_type: &'static str,
    /// The URL that is called for each event.
    #[schema(example = "https://mijnklantportaal.nl/webhook-incoming")]
    pub url: String,
    /// Key of the `X-Webhook-Signature` header: lowercase hex HMAC-SHA256 of the raw body.
    #[schema(example = "OUJX2prdBbJxR77BZlGz")]
    pub secret: String,
    #[schema(example = "2024-04-29T21:00:00+02:00")]
    pub created_at: String,
}

impl WebhookBody {
    fn new(state: &AppState, w: Webhook) -> WebhookBody {
        WebhookBody {
            created_at: state.atom(w.created_at),
            event_type: w.event_type.as_str(),
            id: w.id,
            url: w.url,
            secret: w.secret,
        }
    }
}

/// One delivery of an event to a webhook (portaal addition).
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DeliveryBody {
    /// The `id` of the event body (and the `X-Webhook-Id` header); starts with `evt_`.
    #[schema(example = "evt_abc12345def678")]
    pub event_id: String,
    #[serde(rename = "type")]
    #[schema(value_type = EventTypeName, example = "customer-created")]
    pub event_type: String,
    /// `pending` until delivered or given up.
    #[schema(example = "pending", pattern = "^(pending|delivered|failed)$")]
    pub status: String,
    /// Attempts made so far.
    #[schema(example = 1)]
    pub attempts: i64,
    /// HTTP status of the last answer, if there was one.
    #[schema(example = 503)]
    pub last_status_code: Option<i64>,
    /// Why the last attempt failed.
    #[schema(example = "the receiver answered 503")]
    pub last_error: Option<String>,
    /// When a pending delivery is tried next.
    #[schema(example = "2024-04-29T21:05:00+02:00")]
    pub next_attempt_at: Option<String>,
    #[schema(example = "2024-04-29T21:00:00+02:00")]
    pub created_at: String,
    #[schema(example = "2024-04-29T21:00:01+02:00")]
    pub delivered_at: Option<String>,
}

impl DeliveryBody {
    fn new(state: &AppState, d: DeliveryRecord) -> DeliveryBody {
        DeliveryBody {
            next_attempt_at: d.next_attempt_at.map(|at| state.atom(at)),
            created_at: state.atom(d.created_at),
            delivered_at: d.delivered_at.map(|at| state.atom(at)),
            event_id: d.event_id,
            event_type: d.event_type,
            status: d.status,
            attempts: d.attempts,
            last_status_code: d.last_status_code,
            last_error: d.last_error,
        }
    }
}

/// Documents `type` as the reference's 23 event types.
pub struct EventTypeName;

impl utoipa::PartialSchema for EventTypeName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some("One of the reference's webhook event types."))
            .enum_values(Some(EventType::ALL.iter().map(|t| t.as_str())))
            .into()
    }
}

impl ToSchema for EventTypeName {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("EventType")
    }
}

#[derive(Deserialize, ToSchema)]
#[allow(
    dead_code,
    reason = "documents the request body in the OpenAPI document"
)]
pub struct CreateWebhookRequest {
    /// An absolute `http` or `https` URL without user name or password, on a public address.
    #[schema(
        example = "https://mijnklantportaal.nl/webhook-incoming",
        max_length = 2000
    )]
    url: String,
    #[serde(rename = "type")]
    #[schema(value_type = EventTypeName, example = "customer-created")]
    event_type: String,
}

/// A `url` that passed the checks that need no network: its host, and the port to call.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    host: Host,
    port: u16,
}

#[derive(Debug, PartialEq, Eq)]
enum Host {
    Ip(IpAddr),
    Domain(String),
}

/// Checks everything about a target URL that needs no network: absolute, `http` or `https`,
/// with a host, without credentials (they would be sent to the receiver and shown on
/// every list). The message names what is wrong.
fn parse_target(text: &str) -> Result<Target, &'static str> {
    let url = Url::parse(text).map_err(|_| {
        "The url field must be an absolute http or https URL, such as https://example.com/webhook-incoming."
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err("The url field must start with http:// or https://.");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("The url field must not contain a user name or password.");
    }
    // The URL parser writes IPv4 hosts in dotted form, whatever shorthand was sent
    // (`2130706433` is `127.0.0.1`), and IPv6 hosts in brackets.
    let host = match url.host_str() {
        None | Some("") => return Err("The url field must name a host."),
        Some(text) => {
            let bare = text.trim_start_matches('[').trim_end_matches(']');
            match bare.parse::<IpAddr>() {
                Ok(ip) => Host::Ip(ip),
                Err(_) => Host::Domain(text.to_owned()),
            }
        }
    };
    let port = url
        .port_or_known_default()
        .ok_or("The url field must name a port.")?;
    Ok(Target { host, port })
}

/// Checks that `target` reaches only public addresses: an IP host directly, a name by
/// resolving it. Every address must be public: the sender's own lookup may pick any one.
async fn check_reachable(target: &Target) -> Result<(), &'static str> {
    const PRIVATE: &str = "The url field points to a loopback, private or otherwise internal address; use a publicly reachable URL.";
    let addresses: Vec<IpAddr> = match &target.host {
        Host::Ip(ip) => vec![*ip],
        Host::Domain(name) => {
            let lookup = tokio::net::lookup_host((name.as_str(), target.port));
            match tokio::time::timeout(LOOKUP_TIME_LIMIT, lookup).await {
                Ok(Ok(found)) => found.map(|a| a.ip()).collect(),
                Ok(Err(_)) => Vec::new(),
                Err(_) => {
                    return Err(
                        "The host of the url field could not be resolved in time; try again later.",
                    );
                }
            }
        }
    };
    if addresses.is_empty() {
        return Err("The host of the url field could not be resolved.");
    }
    if addresses.into_iter().all(is_public_ip) {
        Ok(())
    } else {
        Err(PRIVATE)
    }
}

/// The request body read field by field; `url` is checked without network here.
fn parse_create(
    body: &serde_json::Map<String, serde_json::Value>,
) -> ApiResult<(EventType, String, Target)> {
    let mut errors = FieldErrors::new();
    let mut fields = Fields::new(body, &mut errors);
    let url = fields.required_text("url", MAX_URL_CHARS, TextKind::Line);
    let target = url.as_deref().and_then(|text| match parse_target(text) {
        Ok(target) => Some(target),
        Err(message) => {
            fields.error("url", message);
            None
        }
    });
    let event_type = fields
        .required_text("type", 64, TextKind::Line)
        .and_then(|text| {
            let parsed = EventType::parse(&text);
            if parsed.is_none() {
                fields.error("type", unknown_type_message());
            }
            parsed
        });
    match (event_type, url, target) {
        (Some(event_type), Some(url), Some(target)) => Ok((event_type, url, target)),
        _ => Err(ApiError::validation(errors)),
    }
}

fn unknown_type_message() -> String {
    let names: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
    format!("The type field must be one of: {}.", names.join(", "))
}

/// A signing secret: [`SECRET_LEN`] characters of `[A-Za-z0-9]` from the thread-local CSPRNG.
fn new_secret() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(SECRET_LEN)
        .map(char::from)
        .collect()
}

/// List Webhook records: the account's active webhooks, newest first.
#[utoipa::path(get, path = "/webhooks", tag = "Webhooks API", operation_id = "list-webhooks",
    params(("page" = Option<u64>, Query, description = "1-based page number"),
           ("per_page" = Option<u64>, Query, description = "Items per page, 1 to 100 (default 15); our addition")),
    responses((status = 200, body = Paginated<WebhookBody>), (status = 422, body = ErrorBody)))]
pub async fn list_webhooks(
    State(state): State<AppState>,
    principal: Principal,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Paginated<WebhookBody>>> {
    principal.require(Scope::WebhooksRead)?;
    let query = ListQuery::parse(&params)?;
    let rows = state
        .store
        .list_webhooks(&principal.account_id, query.store_query())
        .await?;
    Ok(Json(Paginated::new(
        &query,
        state.api_url("/webhooks"),
        rows,
        |w| WebhookBody::new(&state, w),
    )))
}

/// Get Webhook record.
#[utoipa::path(get, path = "/webhooks/{webhookId}", tag = "Webhooks API", operation_id = "get-webhook",
    params(("webhookId" = String, Path, description = "ID of the webhook record")),
    responses((status = 200, body = WebhookBody), (status = 404, body = ErrorBody)))]
pub async fn get_webhook(
    State(state): State<AppState>,
    principal: Principal,
    PathId(webhook_id): PathId,
) -> ApiResult<Json<WebhookBody>> {
    principal.require(Scope::WebhooksRead)?;
    let webhook = state
        .store
        .get_webhook(&principal.account_id, &webhook_id)
        .await
        .or_not_found("webhook", &webhook_id)?;
    Ok(Json(WebhookBody::new(&state, webhook)))
}

/// Create Webhook record: subscribes `url` to one event type; the answer holds the secret
/// that signs its deliveries.
#[utoipa::path(post, path = "/webhooks", tag = "Webhooks API", operation_id = "create-webhook",
    request_body = CreateWebhookRequest,
    responses((status = 201, body = WebhookBody), (status = 422, body = ErrorBody)))]
pub async fn create_webhook(
    State(state): State<AppState>,
    principal: Principal,
    JsonObject(body): JsonObject,
) -> ApiResult<(StatusCode, Json<WebhookBody>)> {
    principal.require(Scope::WebhooksWrite)?;
    // Only a request valid in every other way costs a DNS lookup.
    let (event_type, url, target) = parse_create(&body)?;
    if !state.allow_private_webhooks {
        check_reachable(&target)
            .await
            .map_err(|message| ApiError::field("url", message))?;
    }
    let webhook = Webhook {
        id: ids::new_id(prefix::WEBHOOK),
        event_type,
        url,
        secret: new_secret(),
        created_at: state.clock.now(),
    };
    let webhook = state
        .store
        .create_webhook(&principal.account_id, &webhook)
        .await?;
    Ok((StatusCode::CREATED, Json(WebhookBody::new(&state, webhook))))
}

/// Delete Webhook record: no more deliveries are made to it, pending ones included.
#[utoipa::path(delete, path = "/webhooks/{webhookId}", tag = "Webhooks API", operation_id = "delete-webhook",
    description = "portaal addition: the reference implies it (the `webhooks.write` scope \"create new webhooks and delete existing ones\") but does not document it.",
    params(("webhookId" = String, Path, description = "ID of the webhook record")),
    responses((status = 204, description = "Deleted"), (status = 404, body = ErrorBody)))]
pub async fn delete_webhook(
    State(state): State<AppState>,
    principal: Principal,
    PathId(webhook_id): PathId,
) -> ApiResult<StatusCode> {
    principal.require(Scope::WebhooksWrite)?;
    state
        .store
        .delete_webhook(&principal.account_id, &webhook_id, state.clock.now())
        .await
        .or_not_found("webhook", &webhook_id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// List the deliveries of a webhook, newest first.
#[utoipa::path(get, path = "/webhooks/{webhookId}/deliveries", tag = "Webhooks API",
    operation_id = "list-webhook-deliveries",
    description = "portaal addition: not in the reference. Shows each event sent (or to be sent) to the webhook, with the outcome of the last attempt.",
    params(("webhookId" = String, Path, description = "ID of the webhook record"),
           ("page" = Option<u64>, Query, description = "1-based page number"),
           ("per_page" = Option<u64>, Query, description = "Items per page, 1 to 100 (default 15)")),
    responses((status = 200, body = Paginated<DeliveryBody>), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn list_webhook_deliveries(
    State(state): State<AppState>,
    principal: Principal,
    PathId(webhook_id): PathId,
    Query(params): Query<Vec<(String, String)>>,
) -> ApiResult<Json<Paginated<DeliveryBody>>> {
    principal.require(Scope::WebhooksRead)?;
    let query = ListQuery::parse(&params)?;
    // The deliveries query alone would answer an empty page for a foreign or unknown ID.
    state
        .store
        .get_webhook(&principal.account_id, &webhook_id)
        .await
        .or_not_found("webhook", &webhook_id)?;
    let rows = state
        .store
        .list_webhook_deliveries(&principal.account_id, &webhook_id, query.store_query())
        .await?;
    Ok(Json(Paginated::new(
        &query,
        state.api_url(&format!("/webhooks/{webhook_id}/deliveries")),
        rows,
        |d| DeliveryBody::new(&state, d),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, Ipv6Addr};

    #[test]
    fn target_urls_must_be_absolute_http_with_a_host_and_no_credentials() {
        assert_eq!(
            parse_target("https://example.com/hook?x=1"),
            Ok(Target {
                host: Host::Domain("example.com".into()),
                port: 443
            })
        );
        assert_eq!(
            parse_target("http://127.0.0.1:9/x"),
            Ok(Target {
                host: Host::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)),
                port: 9
            })
        );
        assert_eq!(
            parse_target("http://[::1]/x").map(|t| t.host),
            Ok(Host::Ip(IpAddr::V6(Ipv6Addr::LOCALHOST)))
        );
        // Numeric shorthands of IPv4 hosts are read as the address they mean.
        assert_eq!(
            parse_target("http://2130706433/").map(|t| t.host),
            Ok(Host::Ip(IpAddr::V4(Ipv4Addr::LOCALHOST)))
        );
        // The WHATWG parser (as the sender's) skips extra slashes: this is host `x`.
        assert_eq!(
            parse_target("http:///x").map(|t| t.host),
            Ok(Host::Domain("x".into()))
        );
        for bad in [
            "not a url",
            "/relative/path",
            "example.com/hook",
            "http://",
            "https://",
            "ftp://example.com/x",
            "file:///etc/passwd",
            "javascript:alert(1)",
            "mailto:a@example.com",
            "https://user:pw@example.com/x",
            "https://user@example.com/x",
            "https://:pw@example.com/x",
        ] {
            assert!(parse_target(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn secrets_are_twenty_alphanumerics_and_differ() {
        let a = new_secret();
        assert_eq!(a.len(), SECRET_LEN);
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric()), "{a}");
        assert_ne!(a, new_secret());
    }

    #[tokio::test]
    async fn ip_hosts_are_checked_without_a_lookup() {
        let private = parse_target("http://10.0.0.1/x").unwrap();
        assert!(check_reachable(&private).await.is_err());
        let public = parse_target("http://8.8.8.8/x").unwrap();
        assert_eq!(check_reachable(&public).await, Ok(()));
    }

    #[test]
    fn the_unknown_type_message_lists_every_event_type() {
        let message = unknown_type_message();
        for t in EventType::ALL {
            assert!(message.contains(t.as_str()), "{t}");
        }
    }
}
