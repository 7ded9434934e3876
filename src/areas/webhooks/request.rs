//! The request of Create Webhook record, as documented and as read, and the checks on a
//! target URL (no credentials, public addresses only).

use super::body::EventTypeName;
use crate::kernel::events::EventType;
use crate::kernel::input::{FieldErrors, Fields, TextKind, given};
use crate::kernel::net::is_public_ip;
use rand::Rng;
use rand::distr::Alphanumeric;
use reqwest::Url;
use serde::Deserialize;
use serde_json::Value;
use std::net::IpAddr;
use std::time::Duration;
use utoipa::ToSchema;

/// Longest target URL we store; browsers and proxies commonly stop near 2000 characters.
const MAX_URL_CHARS: usize = 2000;
/// Length of a webhook's signing secret, as in the reference's example `OUJX2prdBbJxR77BZlGz`
/// (20 characters of `[A-Za-z0-9]`, about 119 bits).
const SECRET_LEN: usize = 20;
/// How long resolving a target host may take before the URL is refused.
const LOOKUP_TIME_LIMIT: Duration = Duration::from_secs(5);

// The request of Create Webhook record, read into `NewWebhook` by `TryFrom`.
#[derive(Deserialize, ToSchema)]
pub struct CreateWebhookRequest {
    /// An absolute `http` or `https` URL without user name or password, on a public address.
    #[schema(
        value_type = String,
        required = true,
        example = "https://mijnklantportaal.nl/webhook-incoming",
        max_length = 2000
    )]
    url: Option<Value>,
    #[serde(rename = "type")]
    #[schema(value_type = EventTypeName, required = true, example = "customer-created")]
    event_type: Option<Value>,
}

/// A `url` that passed the checks that need no network: its host, and the port to call.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    host: Host,
    port: u16,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Host {
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
pub async fn check_reachable(target: &Target) -> Result<(), &'static str> {
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

/// A new subscription, checked without network (see [`check_reachable`] for the rest).
pub struct NewWebhook {
    pub event_type: EventType,
    pub url: String,
    pub target: Target,
}

impl TryFrom<CreateWebhookRequest> for NewWebhook {
    type Error = FieldErrors;

    fn try_from(req: CreateWebhookRequest) -> Result<NewWebhook, FieldErrors> {
        parse_create(req)
    }
}

/// The request read field by field; `url` is checked without network here.
fn parse_create(req: CreateWebhookRequest) -> Result<NewWebhook, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut fields = Fields::new(&mut errors);
    let url = fields.required_text("url", given(&req.url), MAX_URL_CHARS, TextKind::Line);
    let target = url.as_deref().and_then(|text| match parse_target(text) {
        Ok(target) => Some(target),
        Err(message) => {
            fields.error("url", message);
            None
        }
    });
    let event_type = fields
        .required_text("type", given(&req.event_type), 64, TextKind::Line)
        .and_then(|text| {
            let parsed = EventType::parse(&text);
            if parsed.is_none() {
                fields.error("type", unknown_type_message());
            }
            parsed
        });
    match (event_type, url, target) {
        (Some(event_type), Some(url), Some(target)) => Ok(NewWebhook {
            event_type,
            url,
            target,
        }),
        _ => Err(errors),
    }
}

fn unknown_type_message() -> String {
    let names: Vec<&str> = EventType::ALL.iter().map(|t| t.as_str()).collect();
    format!("The type field must be one of: {}.", names.join(", "))
}

/// A signing secret: `SECRET_LEN` characters of `[A-Za-z0-9]` from the thread-local CSPRNG.
pub fn new_secret() -> String {
    rand::rng()
        .sample_iter(Alphanumeric)
        .take(SECRET_LEN)
        .map(char::from)
        .collect()
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
