//! A client of Mollie's v2 Payments API (`POST /v2/payments`, `GET /v2/payments/{id}`),
//! with the account's own API key. The base URL is a deployment setting so that tests (and
//! staging) can point it at a server that speaks the same protocol.

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use super::{PaymentProvider, PaymentRequest, ProviderError, ProviderPayment};

/// One HTTP client for every account; the key is per request.
#[derive(Clone)]
pub struct MollieApi {
    client: reqwest::Client,
    base: String,
}

impl MollieApi {
    pub fn new(base: &str) -> anyhow::Result<MollieApi> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("portaal/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(MollieApi {
            client,
            base: base.trim_end_matches('/').to_owned(),
        })
    }

    /// The provider acting for one account.
    pub fn for_account(&self, api_key: String) -> Mollie {
        Mollie {
            api: self.clone(),
            api_key,
        }
    }
}

pub struct Mollie {
    api: MollieApi,
    api_key: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreatePayment<'a> {
    amount: Amount,
    description: &'a str,
    redirect_url: &'a str,
    webhook_url: &'a str,
    metadata: Metadata<'a>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    reference: &'a str,
}

#[derive(Serialize, Deserialize)]
struct Amount {
    currency: String,
    value: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PaymentResource {
    id: String,
    status: String,
    paid_at: Option<String>,
    details: Option<Details>,
    #[serde(rename = "_links")]
    links: Option<Links>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Details {
    consumer_name: Option<String>,
}

#[derive(Deserialize)]
struct Links {
    checkout: Option<Link>,
}

#[derive(Deserialize)]
struct Link {
    href: String,
}

/// Mollie's error body (RFC 7807 style).
#[derive(Deserialize)]
struct ErrorResource {
    detail: Option<String>,
}

impl Mollie {
    async fn send(
        &self,
        request: reqwest::RequestBuilder,
    ) -> Result<ProviderPayment, ProviderError> {
        let response = request
            .bearer_auth(&self.api_key)
            .send()
            .await
            .map_err(|e| ProviderError::Unavailable(e.without_url().to_string()))?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| ProviderError::Unavailable(e.without_url().to_string()))?;
        if status.is_server_error() {
            return Err(ProviderError::Unavailable(format!(
                "Mollie answered {status}"
            )));
        }
        if !status.is_success() {
            let detail = serde_json::from_slice::<ErrorResource>(&bytes)
                .ok()
                .and_then(|e| e.detail)
                .unwrap_or_else(|| format!("Mollie answered {status}"));
            return Err(ProviderError::Refused(detail));
        }
        let payment: PaymentResource = serde_json::from_slice(&bytes).map_err(|e| {
            ProviderError::Unavailable(format!("Mollie's answer is not a payment: {e}"))
        })?;
        Ok(ProviderPayment {
            id: payment.id,
            status: payment.status,
            checkout_url: payment.links.and_then(|l| l.checkout).map(|l| l.href),
            paid_at: payment.paid_at.and_then(|at| at.parse().ok()),
            payers_name: payment.details.and_then(|d| d.consumer_name),
        })
    }
}

#[async_trait]
impl PaymentProvider for Mollie {
    fn name(&self) -> &'static str {
        "mollie"
    }

    async fn create_payment(
        &self,
        request: &PaymentRequest,
    ) -> Result<ProviderPayment, ProviderError> {
        let body = CreatePayment {
            amount: Amount {
                currency: "EUR".to_owned(),
                value: request.amount.to_string(),
            },
            description: &request.description,
            redirect_url: &request.redirect_url,
            webhook_url: &request.webhook_url,
            metadata: Metadata {
                reference: &request.reference,
            },
        };
        let url = format!("{}/payments", self.api.base);
        self.send(self.api.client.post(url).json(&body)).await
    }

    async fn get_payment(&self, id: &str) -> Result<ProviderPayment, ProviderError> {
        // Mollie IDs are `tr_` and letters/digits; anything else never reaches the URL.
        if !id.starts_with("tr_") || !id[3..].bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(ProviderError::Refused(format!(
                "{id:?} is not a Mollie payment ID"
            )));
        }
        let url = format!("{}/payments/{id}", self.api.base);
        self.send(self.api.client.get(url)).await
    }
}
