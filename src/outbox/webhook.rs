//! One webhook call: `POST` of the event body, signed with HMAC-SHA256 of the raw body keyed
//! with the webhook's secret (lowercase hex in `X-Webhook-Signature`), 10 s timeout, no
//! redirects; any 2xx is success (DECISIONS.md).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::kernel::net::is_public_ip;

pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The client for webhook calls. Unless `allow_private`, names resolve only to public
/// addresses ([`is_public_ip`]) at the moment of connecting, so a name that turned private
/// after the webhook was created (DNS rebinding) is refused too.
pub fn client(allow_private: bool) -> reqwest::Client {
    let builder = reqwest::Client::builder();
    let builder = if allow_private {
        builder
    } else {
        // Through an HTTP(S)_PROXY from the environment the proxy would resolve the host,
        // and the public-only check below would never see the address: no proxy then.
        builder.dns_resolver(Arc::new(PublicOnly)).no_proxy()
    };
    builder
        .timeout(TIMEOUT)
        .connect_timeout(TIMEOUT)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!(
            "portaal/",
            env!("CARGO_PKG_VERSION"),
            " (webhooks)"
        ))
        .build()
        .expect("the HTTP client builds")
}

pub fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

struct PublicOnly;

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if found.is_empty() {
                return Err(format!("{host} has no address").into());
            }
            if !found.iter().all(|a| is_public_ip(a.ip())) {
                return Err(format!("{host} resolves to a private or local address").into());
            }
            let addrs: Addrs = Box::new(found.into_iter());
            Ok(addrs)
        })
    }
}

/// Whether `url` names an IP address that is not public (names are checked on resolving).
pub fn names_private_ip(url: &str) -> bool {
    let Ok(url) = reqwest::Url::parse(url) else {
        return false;
    };
    let host = url.host_str().unwrap_or_default();
    host.trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
        .is_ok_and(|ip| !is_public_ip(ip))
}

/// The result of one call: the status code if an answer came, and an error if it failed.
pub struct CallResult {
    pub status: Option<u16>,
    pub error: Option<String>,
}

pub async fn call(
    client: &reqwest::Client,
    url: &str,
    secret: &str,
    event_id: &str,
    body: &str,
) -> CallResult {
    let response = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Webhook-Signature", signature(secret, body.as_bytes()))
        .header("X-Webhook-Id", event_id)
        .body(body.to_owned())
        .send()
        .await;
    match response {
        Ok(response) => {
            let status = response.status();
            CallResult {
                status: Some(status.as_u16()),
                error: (!status.is_success()).then(|| format!("the receiver answered {status}")),
            }
        }
        Err(e) if e.is_timeout() => CallResult {
            status: None,
            error: Some(format!("no answer within {} seconds", TIMEOUT.as_secs())),
        },
        Err(e) => CallResult {
            status: None,
            error: Some(format!("the call failed: {}", without_url(&e))),
        },
    }
}

/// reqwest's error text, without the URL (which may carry a token in its query).
fn without_url(e: &reqwest::Error) -> String {
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut text = String::from(if e.is_connect() {
        "could not connect"
    } else {
        "request error"
    });
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_lowercase_hex_hmac_sha256() {
        // RFC 4231 test case 2.
        assert_eq!(
            signature("Jefe", b"what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }
}
