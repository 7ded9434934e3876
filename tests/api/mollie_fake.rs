//! A local stand-in for Mollie that speaks the documented v2 Payments API: `POST
//! /v2/payments` (201, a `payment` resource with `_links.checkout`), `GET /v2/payments/{id}`
//! (only with the key that created it), RFC 7807 errors, a hosted checkout page where the
//! payer pays or cancels, and the webhook call (`id=tr_...` as a form) before the redirect
//! back, as Mollie does.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};

#[derive(Clone, Debug)]
pub struct FakePayment {
    pub id: String,
    pub api_key: String,
    pub status: String,
    /// The create request as sent.
    pub request: Value,
    pub paid_at: Option<String>,
}

#[derive(Clone, Default)]
pub struct MollieFake {
    payments: Arc<Mutex<HashMap<String, FakePayment>>>,
    order: Arc<Mutex<Vec<String>>>,
    counter: Arc<AtomicU64>,
    /// Answer 503 to creates, as during an outage.
    pub down: Arc<AtomicBool>,
    /// What our webhook endpoint answered, in order.
    pub webhook_answers: Arc<Mutex<Vec<u16>>>,
    base: Arc<Mutex<String>>,
}

/// A key of the shape Mollie issues, for accounts in tests.
pub const TEST_KEY: &str = "test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM";

impl MollieFake {
    /// Starts the fake; returns it and its API base (`http://127.0.0.1:<port>/v2`).
    pub async fn start() -> (MollieFake, String) {
        let fake = MollieFake::default();
        let app = Router::new()
            .route("/v2/payments", post(create_payment))
            .route("/v2/payments/{id}", get(get_payment))
            .route("/checkout/{id}", get(checkout_page).post(checkout_action))
            .with_state(fake.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr: SocketAddr = listener.local_addr().unwrap();
        *fake.base.lock().unwrap() = format!("http://{addr}");
        tokio::spawn(async move { axum::serve(listener, app).await });
        (fake, format!("http://{addr}/v2"))
    }

    /// Every payment created, oldest first.
    pub fn payments(&self) -> Vec<FakePayment> {
        let payments = self.payments.lock().unwrap();
        self.order
            .lock()
            .unwrap()
            .iter()
            .map(|id| payments[id].clone())
            .collect()
    }

    /// The hosted checkout page of a payment.
    pub fn checkout_url(&self, id: &str) -> String {
        format!("{}/checkout/{id}", self.base.lock().unwrap())
    }

    /// Sets a payment's status, as when the payer pays elsewhere or it expires.
    pub fn set_status(&self, id: &str, status: &str) {
        let mut payments = self.payments.lock().unwrap();
        let payment = payments.get_mut(id).unwrap();
        payment.status = status.to_owned();
        if status == "paid" {
            payment.paid_at = Some("2025-04-14T12:30:00+00:00".to_owned());
        }
    }
}

fn problem(status: StatusCode, detail: &str, field: Option<&str>) -> Response {
    let mut body = json!({"status": status.as_u16(), "title": status.canonical_reason(), "detail": detail,
        "_links": {"documentation": {"href": "https://docs.mollie.com/overview/handling-errors", "type": "text/html"}}});
    if let Some(field) = field {
        body["field"] = json!(field);
    }
    let mut response = (status, Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        "application/hal+json".parse().unwrap(),
    );
    response
}

fn api_key(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let key = value.strip_prefix("Bearer ")?;
    (key.starts_with("test_") || key.starts_with("live_")).then(|| key.to_owned())
}

fn resource(fake: &MollieFake, p: &FakePayment) -> Value {
    let base = fake.base.lock().unwrap().clone();
    let mut body = json!({
        "resource": "payment",
        "id": p.id,
        "mode": if p.api_key.starts_with("live_") { "live" } else { "test" },
        "status": p.status,
        "amount": p.request["amount"],
        "description": p.request["description"],
        "redirectUrl": p.request["redirectUrl"],
        "webhookUrl": p.request["webhookUrl"],
        "metadata": p.request["metadata"],
        "createdAt": "2025-04-14T12:00:00+00:00",
        "_links": {"self": {"href": format!("{base}/v2/payments/{}", p.id), "type": "application/hal+json"}}
    });
    if p.status == "open" {
        body["_links"]["checkout"] =
            json!({"href": format!("{base}/checkout/{}", p.id), "type": "text/html"});
    }
    if let Some(paid_at) = &p.paid_at {
        body["paidAt"] = json!(paid_at);
        body["details"] =
            json!({"consumerName": "T. Tester", "consumerAccount": "NL53INGB0000000000"});
    }
    body
}

async fn create_payment(
    State(fake): State<MollieFake>,
    headers: HeaderMap,
    Json(request): Json<Value>,
) -> Response {
    let Some(key) = api_key(&headers) else {
        return problem(
            StatusCode::UNAUTHORIZED,
            "Missing authentication, or failed to authenticate",
            None,
        );
    };
    if fake.down.load(Ordering::SeqCst) {
        return problem(
            StatusCode::SERVICE_UNAVAILABLE,
            "Service temporarily unavailable",
            None,
        );
    }
    let value = request["amount"]["value"].as_str().unwrap_or_default();
    let two_decimals = value.split_once('.').is_some_and(|(w, f)| {
        !w.is_empty()
            && w.bytes().all(|b| b.is_ascii_digit())
            && f.len() == 2
            && f.bytes().all(|b| b.is_ascii_digit())
    });
    if !two_decimals || request["amount"]["currency"] != "EUR" {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The amount is invalid",
            Some("amount.value"),
        );
    }
    if request["description"].as_str().is_none_or(str::is_empty) {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The description is invalid",
            Some("description"),
        );
    }
    if request["redirectUrl"].as_str().is_none() {
        return problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "The redirect URL is invalid",
            Some("redirectUrl"),
        );
    }
    let n = fake.counter.fetch_add(1, Ordering::SeqCst) + 1;
    let payment = FakePayment {
        id: format!("tr_fake{n:05}"),
        api_key: key,
        status: "open".to_owned(),
        request,
        paid_at: None,
    };
    let body = resource(&fake, &payment);
    fake.order.lock().unwrap().push(payment.id.clone());
    fake.payments
        .lock()
        .unwrap()
        .insert(payment.id.clone(), payment);
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        "application/hal+json".parse().unwrap(),
    );
    response
}

async fn get_payment(
    State(fake): State<MollieFake>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    let Some(key) = api_key(&headers) else {
        return problem(
            StatusCode::UNAUTHORIZED,
            "Missing authentication, or failed to authenticate",
            None,
        );
    };
    let found = fake.payments.lock().unwrap().get(&id).cloned();
    match found {
        // Another profile's payment does not exist for this key.
        Some(p) if p.api_key == key => Json(resource(&fake, &p)).into_response(),
        _ => problem(StatusCode::NOT_FOUND, "No payment exists with token", None),
    }
}

async fn checkout_page(State(fake): State<MollieFake>, Path(id): Path<String>) -> Response {
    let Some(p) = fake.payments.lock().unwrap().get(&id).cloned() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    Html(format!(
        "<!doctype html><title>Test checkout</title><h1>Test payment {id}</h1><p>{} EUR</p>\
         <form method=post><button name=action value=paid id=mollie-paid>Paid</button>\
         <button name=action value=canceled id=mollie-cancel>Canceled</button></form>",
        p.request["amount"]["value"].as_str().unwrap_or_default()
    ))
    .into_response()
}

#[derive(Deserialize)]
struct Action {
    action: String,
}

async fn checkout_action(
    State(fake): State<MollieFake>,
    Path(id): Path<String>,
    Form(action): Form<Action>,
) -> Response {
    let request = {
        let payments = fake.payments.lock().unwrap();
        let Some(p) = payments.get(&id) else {
            return StatusCode::NOT_FOUND.into_response();
        };
        p.request.clone()
    };
    fake.set_status(
        &id,
        if action.action == "paid" {
            "paid"
        } else {
            "canceled"
        },
    );
    // Mollie calls the webhook, then sends the payer back.
    if let Some(webhook) = request["webhookUrl"].as_str() {
        let answer = reqwest::Client::new()
            .post(webhook)
            .form(&[("id", id.as_str())])
            .send()
            .await;
        let code = answer.map(|r| r.status().as_u16()).unwrap_or(0);
        fake.webhook_answers.lock().unwrap().push(code);
    }
    Redirect::to(request["redirectUrl"].as_str().unwrap_or("/")).into_response()
}
