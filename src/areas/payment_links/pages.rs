//! `GET /payment-link/{linkId}`: a payment link's checkout page (its `checkoutUrl`), and the
//! pay action (`POST` to the same URL).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};

use super::model::{LinkStatus, PaymentLink};
use super::store::store;
use crate::areas::account;
use crate::areas::account::view::{self, SellerView, TransferView, logo_response, texts_for};
use crate::areas::payment_links::model::PaymentLinkId;
use crate::areas::payments::PaymentTarget;
use crate::areas::payments::flow::{self as pay, PageQuery, Started};
use crate::db::StoreError;
use crate::kernel::ids::AccountId;
use crate::web::AppState;
use crate::web::pages::{Texts, not_found, render};

/// The link and its account; otherwise the response to give (the "not found" page, or a 500).
async fn open(state: &AppState, link_id: &str) -> Result<(AccountId, PaymentLink), Response> {
    let Some(link_id) = PaymentLinkId::parse(link_id) else {
        return Err(not_found());
    };
    match store(&state.db).find_payment_link(&link_id).await {
        Ok(found) => Ok(found),
        Err(StoreError::NotFound) => Err(not_found()),
        Err(e) => Err(pay::internal("reading a payment link for its page", e)),
    }
}

fn url_of(state: &AppState, link: &PaymentLink) -> String {
    state.ctx.public_url(&link.page_path())
}

pub async fn show_checkout(
    State(state): State<AppState>,
    Path(link_id): Path<String>,
    Query(query): Query<PageQuery>,
) -> Response {
    let (account_id, mut link) = match open(&state, &link_id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let mut notice = None;
    if query.returned() {
        let target = PaymentTarget::Link(link.id.clone());
        let t = texts_for(&state, &account_id).await;
        notice = Some(
            match pay::refresh_latest(&state, &account_id, &target).await {
                Ok(Some(payment)) if payment.status == "paid" => t.link_thanks,
                Ok(_) => t.processing,
                Err(_) => t.provider_down,
            },
        );
        if let Ok(fresh) = store(&state.db)
            .get_payment_link(&account_id, &link.id)
            .await
        {
            link = fresh;
        }
    }
    page(&state, &account_id, &link, notice, StatusCode::OK).await
}

pub async fn pay_link(State(state): State<AppState>, Path(link_id): Path<String>) -> Response {
    let (account_id, link) = match open(&state, &link_id).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let url = url_of(&state, &link);
    if link.status_at(state.now()) != LinkStatus::Open {
        return Redirect::to(&url).into_response();
    }
    let started = pay::start(
        &state,
        &account_id,
        PaymentTarget::Link(link.id.clone()),
        link.amount,
        link.description.clone(),
        format!("{url}?return=1"),
    )
    .await;
    match started {
        Started::Redirect(checkout) => Redirect::to(&checkout).into_response(),
        Started::NotOffered => Redirect::to(&url).into_response(),
        Started::ProviderDown => {
            let t = texts_for(&state, &account_id).await;
            page(
                &state,
                &account_id,
                &link,
                Some(t.provider_down),
                StatusCode::BAD_GATEWAY,
            )
            .await
        }
        Started::Failed(response) => response,
    }
}

pub async fn seller_logo(State(state): State<AppState>, Path(link_id): Path<String>) -> Response {
    match open(&state, &link_id).await {
        Ok((account_id, _)) => logo_response(&state, &account_id).await,
        Err(response) => response,
    }
}

#[derive(askama::Template)]
#[template(path = "portal/payment_link.html")]
struct CheckoutPage {
    t: &'static Texts,
    seller: SellerView,
    description: String,
    amount: String,
    valid_until: Option<String>,
    /// The message for a link that cannot be paid any more.
    closed_message: Option<&'static str>,
    pay_url: String,
    online: bool,
    transfer: Option<TransferView>,
    notice: Option<&'static str>,
}

async fn page(
    state: &AppState,
    account_id: &AccountId,
    link: &PaymentLink,
    notice: Option<&'static str>,
    status: StatusCode,
) -> Response {
    let accounts = account::store(&state.db);
    let loaded = tokio::try_join!(
        accounts.get_account(account_id),
        accounts.get_seller(account_id),
    );
    let (account, seller) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return pay::internal("reading a checkout page's account", e),
    };
    let t = Texts::for_locale(&account.locale);
    let url = url_of(state, link);
    let closed_message = match link.status_at(state.now()) {
        LinkStatus::Open => None,
        LinkStatus::Paid => Some(t.link_paid),
        LinkStatus::Closed => Some(t.link_closed),
        LinkStatus::Expired => Some(t.link_expired),
    };
    let open = closed_message.is_none();
    let view = CheckoutPage {
        t,
        seller: SellerView::new(&seller, &account.name, format!("{url}/logo")),
        description: link.description.clone(),
        amount: t.money(link.amount),
        valid_until: link.expires_at.map(|at| {
            // The link works through the day before the moment it expires.
            let last = at.to_zoned(state.ctx.time_zone.clone()).date().yesterday();
            last.map(|d| t.date(d)).unwrap_or_default()
        }),
        closed_message,
        pay_url: url,
        online: open && seller.mollie_enabled,
        transfer: view::transfer(&seller, &account.name, link.amount, link.id.as_str())
            .filter(|_| open)
            .map(|b| TransferView::new(t, b)),
        notice,
    };
    render(status, &view)
}
