//! One backend-agnostic story through the `Store` traits, told on SQLite and, when
//! `PORTAAL_TEST_DATABASE_URL` names a PostgreSQL server, on PostgreSQL too: both backends
//! must behave identically, including the outbox leases the HTTP suite cannot see.

use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use portaal::areas::account::{AccountPatch, NewAccount};
use portaal::areas::customer_invoices::model::InvoiceId;
use portaal::areas::customer_invoices::{CustomerInvoice, InvoiceContent, NewInvoiceRecord};
use portaal::areas::customers::model::CustomerId;
use portaal::areas::customers::request::NewCustomer;
use portaal::areas::payment_links::model::PaymentLinkId;
use portaal::areas::payment_links::{LinkStatus, PaymentLink};
use portaal::areas::payments::{Payment, PaymentTarget, PaymentUpdate};
use portaal::areas::webhooks::Webhook;
use portaal::areas::webhooks::model::WebhookId;
use portaal::db::{Db, PageQuery, StoreError};
use portaal::kernel::clock::ManualClock;
use portaal::kernel::events::EventType;
use portaal::kernel::lines::ManualLine;
use portaal::kernel::money::Money;
use portaal::kernel::vat::VatRate;
use portaal::outbox::DeliveryOutcome;
use portaal::web::Context;

/// Where events are rendered: a fixed clock, so the story reads the same every time.
fn context() -> Context {
    Context {
        // Before the story's `now`, so what it records is due when the story claims it.
        clock: Arc::new(ManualClock::new(at("2025-03-01T09:59:00Z"))),
        time_zone: jiff::tz::TimeZone::get("Europe/Amsterdam").unwrap(),
        api_base: "http://127.0.0.1/v1".into(),
        public_base: "http://127.0.0.1".into(),
    }
}

fn cst(id: &str) -> CustomerId {
    CustomerId::parse(id).unwrap()
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn customer() -> NewCustomer {
    NewCustomer {
        company_name: "Verhaal BV".into(),
        address: "Straat 1".into(),
        zip_code: "1234AB".into(),
        city: "Utrecht".into(),
        country_code: "NL".into(),
        primary_email: "info@verhaal.example".into(),
        phone: None,
        vat_number: None,
        coc_number: None,
        peppol_id: None,
        send_ubl: false,
    }
}

fn invoice(customer_id: &CustomerId, number: &str) -> NewInvoiceRecord {
    let invoice = CustomerInvoice {
        id: InvoiceId::new(),
        customer_id: customer_id.clone(),
        invoice_number: number.into(),
        issued_at: "2025-03-01".parse().unwrap(),
        due_at: "2025-03-15".parse().unwrap(),
        currency: "EUR".into(),
        amount: Money::from_cents(1567),
        content: InvoiceContent::Manual {
            lines: vec![ManualLine {
                description: "Werk".into(),
                amount_excl_vat: Money::from_cents(1295),
                vat_rate: VatRate::Standard,
            }],
            credited_invoice_number: None,
        },
        has_pdf: false,
        paid_at: None,
        payment_token: portaal::kernel::ids::random_hex(16),
        send_notification: false,
        notification: None,
        created_at: at("2025-03-01T10:00:00Z"),
    };
    NewInvoiceRecord {
        invoice,
        license_month: "2025-03".into(),
        pdf: None,
    }
}

async fn story(db: Db) {
    let ctx = Arc::new(context());
    let now = at("2025-03-01T10:00:00Z");
    let account = portaal::areas::account::store(&db)
        .create_account(NewAccount {
            id: portaal::kernel::ids::AccountId::new(),
            name: "Verhaal".into(),
            monthly_invoice_limit: Some(2),
            created_at: now,
        })
        .await
        .unwrap();
    let other = portaal::areas::account::store(&db)
        .create_account(NewAccount {
            id: portaal::kernel::ids::AccountId::new(),
            name: "Ander".into(),
            monthly_invoice_limit: None,
            created_at: now,
        })
        .await
        .unwrap();
    let a = &account.id;

    // A webhook listens to new invoices; another account's customer stays invisible.
    let hook = Webhook {
        id: WebhookId::new(),
        event_type: EventType::InvoiceCreated,
        url: "http://127.0.0.1:9/hook".into(),
        secret: "secret".into(),
        created_at: now,
    };
    portaal::areas::webhooks::store(&db)
        .create_webhook(a, &hook)
        .await
        .unwrap();
    let c = portaal::areas::customers::store(&db)
        .create_customer(a, &cst("cst_storystory0001"), &customer(), &ctx)
        .await
        .unwrap();
    portaal::areas::customers::store(&db)
        .create_customer(&other.id, &cst("cst_storystory0002"), &customer(), &ctx)
        .await
        .unwrap();
    assert!(matches!(
        portaal::areas::customers::store(&db)
            .get_customer(a, &cst("cst_storystory0002"))
            .await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        portaal::areas::customers::store(&db)
            .list_customers(
                a,
                PageQuery {
                    offset: 0,
                    limit: 10
                }
            )
            .await
            .unwrap()
            .len(),
        1
    );

    // Invoices: a number is taken once, the limit of 2 holds, a foreign customer is refused.
    let first = invoice(&c.id, "S-1");
    portaal::areas::customer_invoices::store(&db)
        .create_invoice(a, first.clone(), &ctx)
        .await
        .unwrap();
    let dup = invoice(&c.id, "S-1");
    assert!(
        matches!(portaal::areas::customer_invoices::store(&db).create_invoice(a, dup, &ctx).await, Err(StoreError::Invalid(e)) if e.contains_key("invoiceNumber"))
    );
    let foreign = invoice(&cst("cst_storystory0002"), "S-2");
    assert!(
        matches!(portaal::areas::customer_invoices::store(&db).create_invoice(a, foreign, &ctx).await, Err(StoreError::Invalid(e)) if e.contains_key("customerId"))
    );
    let second = invoice(&c.id, "S-3");
    portaal::areas::customer_invoices::store(&db)
        .create_invoice(a, second, &ctx)
        .await
        .unwrap();
    let third = invoice(&c.id, "S-4");
    assert!(matches!(
        portaal::areas::customer_invoices::store(&db)
            .create_invoice(a, third, &ctx)
            .await,
        Err(StoreError::LimitReached { limit: 2 })
    ));
    assert_eq!(
        portaal::areas::customer_invoices::store(&db)
            .invoices_counted(a, "2025-03")
            .await
            .unwrap(),
        2,
        "refused creates do not count"
    );

    let paid = portaal::areas::customer_invoices::store(&db)
        .mark_invoice_paid(a, &first.invoice.id, now, &ctx)
        .await
        .unwrap();
    assert_eq!(paid.paid_at, Some(now));
    assert!(matches!(
        portaal::areas::customer_invoices::store(&db)
            .mark_invoice_paid(a, &first.invoice.id, now, &ctx)
            .await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        portaal::areas::customer_invoices::store(&db)
            .mark_invoice_paid(&other.id, &first.invoice.id, now, &ctx)
            .await,
        Err(StoreError::NotFound)
    ));
    portaal::areas::customer_invoices::store(&db)
        .delete_invoice(a, &first.invoice.id, &ctx)
        .await
        .unwrap();
    assert!(matches!(
        portaal::areas::customer_invoices::store(&db)
            .get_invoice(a, &first.invoice.id)
            .await,
        Err(StoreError::NotFound)
    ));
    portaal::areas::account::store(&db)
        .update_account(
            a,
            AccountPatch {
                monthly_invoice_limit: Some(None),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    // The outbox: two deliveries (S-1, S-3) to claim. A claim holds them for its lease.
    let lease = SignedDuration::from_mins(2);
    let claimed = portaal::outbox::store(&db)
        .claim_deliveries(now, lease, 10)
        .await
        .unwrap();
    assert_eq!(claimed.len(), 2);
    assert!(claimed.iter().all(|d| d.attempts == 1
        && d.webhook.as_ref().map(|w| w.0.as_str()) == Some("http://127.0.0.1:9/hook")));
    assert!(
        portaal::outbox::store(&db)
            .claim_deliveries(now, lease, 10)
            .await
            .unwrap()
            .is_empty(),
        "leased deliveries are not claimed twice"
    );
    // The first is delivered; the worker that held the second "crashes": after the lease it comes back.
    portaal::outbox::store(&db)
        .finish_delivery(
            &claimed[0],
            &DeliveryOutcome::Delivered {
                status_code: Some(200),
            },
            now,
        )
        .await
        .unwrap();
    let later = now + SignedDuration::from_mins(3);
    let again = portaal::outbox::store(&db)
        .claim_deliveries(later, lease, 10)
        .await
        .unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(
        (again[0].event_id.as_str(), again[0].attempts),
        (claimed[1].event_id.as_str(), 2)
    );
    portaal::outbox::store(&db)
        .finish_delivery(
            &again[0],
            &DeliveryOutcome::Failed {
                status_code: Some(500),
                error: "gave up".into(),
            },
            later,
        )
        .await
        .unwrap();
    assert_eq!(
        portaal::outbox::store(&db)
            .list_outbox(Some("failed"), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        portaal::outbox::store(&db)
            .retry_failed(None, later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        portaal::outbox::store(&db)
            .claim_deliveries(later, lease, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    let log = portaal::areas::webhooks::store(&db)
        .list_webhook_deliveries(
            a,
            &hook.id,
            PageQuery {
                offset: 0,
                limit: 10,
            },
        )
        .await
        .unwrap();
    assert_eq!(log.len(), 2);
    assert!(
        portaal::areas::webhooks::store(&db)
            .list_webhook_deliveries(
                &other.id,
                &hook.id,
                PageQuery {
                    offset: 0,
                    limit: 10
                }
            )
            .await
            .unwrap()
            .is_empty()
    );
}

/// Seller details, payments and payment links: a payment turns paid once, whatever the
/// provider repeats, and a single-use link is paid by its first payment.
async fn payments_story(db: Db) {
    let ctx = Arc::new(context());
    use portaal::areas::account::seller::{SellerPatch, parse_iban};
    let now = at("2025-03-01T10:00:00Z");
    let page = PageQuery {
        offset: 0,
        limit: 10,
    };
    let account = portaal::areas::account::store(&db)
        .create_account(NewAccount {
            id: portaal::kernel::ids::AccountId::new(),
            name: "Betaal".into(),
            monthly_invoice_limit: None,
            created_at: now,
        })
        .await
        .unwrap();
    let a = &account.id;
    let seller = portaal::areas::account::store(&db)
        .get_seller(a)
        .await
        .unwrap();
    assert_eq!(seller.country_code, "NL");
    assert!(seller.iban.is_none() && !seller.mollie_enabled);
    let seller = portaal::areas::account::store(&db)
        .update_seller(
            a,
            &SellerPatch {
                legal_name: Some(Some("Betaal B.V.".into())),
                iban: Some(Some(parse_iban("NL91 ABNA 0417 1643 00").unwrap())),
                mollie_api_key: Some(Some("test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM".into())),
                ..SellerPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(seller.iban.as_deref(), Some("NL91ABNA0417164300"));
    assert!(seller.mollie_enabled);
    // Clearing one value leaves the others.
    let seller = portaal::areas::account::store(&db)
        .update_seller(
            a,
            &SellerPatch {
                iban: Some(None),
                ..SellerPatch::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (seller.iban, seller.legal_name.as_deref()),
        (None, Some("Betaal B.V."))
    );

    let c = portaal::areas::customers::store(&db)
        .create_customer(a, &cst("cst_betaalstory001"), &customer(), &ctx)
        .await
        .unwrap();
    let inv = portaal::areas::customer_invoices::store(&db)
        .create_invoice(a, invoice(&c.id, "P-1"), &ctx)
        .await
        .unwrap();
    let (found_account, found) = portaal::areas::customer_invoices::store(&db)
        .find_invoice(&inv.id)
        .await
        .unwrap();
    assert_eq!(
        (found_account.as_str(), found.id.as_str()),
        (a.as_str(), inv.id.as_str())
    );

    // The first rendering of a PDF is kept.
    let first = portaal::areas::customer_invoices::store(&db)
        .keep_invoice_pdf(a, &inv.id, b"%PDF-1 first".to_vec())
        .await
        .unwrap();
    let second = portaal::areas::customer_invoices::store(&db)
        .keep_invoice_pdf(a, &inv.id, b"%PDF-1 second".to_vec())
        .await
        .unwrap();
    assert_eq!(
        (first.as_slice(), second.as_slice()),
        (&b"%PDF-1 first"[..], &b"%PDF-1 first"[..])
    );

    let pay = |id: &str, target: PaymentTarget, provider_id: &str| Payment {
        id: id.into(),
        target,
        provider: "mollie".into(),
        provider_payment_id: provider_id.into(),
        amount: Money::from_cents(1567),
        status: "open".into(),
        payers_name: None,
        created_at: now,
    };
    portaal::areas::payments::store(&db)
        .record_payment(
            a,
            &pay(
                "ipy_story000000001",
                PaymentTarget::Invoice(inv.id.clone()),
                "tr_story1",
            ),
        )
        .await
        .unwrap();
    let paid = PaymentUpdate {
        status: "paid".into(),
        payers_name: Some("J. Jansen".into()),
        paid_at: Some(at("2025-03-02T09:00:00Z")),
        at: at("2025-03-02T09:00:05Z"),
    };
    let (owner, payment) = portaal::areas::payments::store(&db)
        .find_payment("mollie", "tr_story1")
        .await
        .unwrap();
    assert_eq!(&owner, a);
    let settled = portaal::areas::payments::store(&db)
        .settle_payment(a, &payment.id, &paid, &ctx)
        .await
        .unwrap();
    assert_eq!(
        (settled.status.as_str(), settled.payers_name.as_deref()),
        ("paid", Some("J. Jansen"))
    );
    assert_eq!(
        portaal::areas::customer_invoices::store(&db)
            .get_invoice(a, &inv.id)
            .await
            .unwrap()
            .paid_at,
        Some(at("2025-03-02T09:00:00Z"))
    );
    // Mollie repeats itself: the invoice keeps its first payment date.
    let again = PaymentUpdate {
        paid_at: Some(at("2025-03-05T09:00:00Z")),
        ..paid.clone()
    };
    portaal::areas::payments::store(&db)
        .settle_payment(a, &payment.id, &again, &ctx)
        .await
        .unwrap();
    assert_eq!(
        portaal::areas::customer_invoices::store(&db)
            .get_invoice(a, &inv.id)
            .await
            .unwrap()
            .paid_at,
        Some(at("2025-03-02T09:00:00Z"))
    );
    // A paid payment stays paid whatever is reported later.
    let later_report = PaymentUpdate {
        status: "failed".into(),
        ..paid.clone()
    };
    let kept = portaal::areas::payments::store(&db)
        .settle_payment(a, &payment.id, &later_report, &ctx)
        .await
        .unwrap();
    assert_eq!(kept.status, "paid");

    // A single-use link is paid by its first payment; a closed one cannot be closed again.
    let link = |id: &str, reusable: bool, expires_at: Option<Timestamp>| PaymentLink {
        id: PaymentLinkId::parse(id).unwrap(),
        description: "Contributie".into(),
        amount: Money::from_cents(1295),
        reusable,
        expires_at,
        status: LinkStatus::Open,
        created_at: now,
    };
    let once = portaal::areas::payment_links::store(&db)
        .create_payment_link(a, &link("plk_storyonce00001", false, None), &ctx)
        .await
        .unwrap();
    let reusable = portaal::areas::payment_links::store(&db)
        .create_payment_link(a, &link("plk_storyreuse0001", true, None), &ctx)
        .await
        .unwrap();
    let expiring = portaal::areas::payment_links::store(&db)
        .create_payment_link(
            a,
            &link(
                "plk_storyexpire001",
                false,
                Some(at("2025-03-03T00:00:00Z")),
            ),
            &ctx,
        )
        .await
        .unwrap();
    for (n, l) in [(1, &once), (2, &reusable), (3, &reusable)] {
        portaal::areas::payments::store(&db)
            .record_payment(
                a,
                &pay(
                    &format!("plp_story00000000{n}"),
                    PaymentTarget::Link(l.id.clone()),
                    &format!("tr_link{n}"),
                ),
            )
            .await
            .unwrap();
        portaal::areas::payments::store(&db)
            .settle_payment(a, &format!("plp_story00000000{n}"), &paid, &ctx)
            .await
            .unwrap();
    }
    assert_eq!(
        portaal::areas::payment_links::store(&db)
            .get_payment_link(a, &once.id)
            .await
            .unwrap()
            .status,
        LinkStatus::Paid
    );
    assert_eq!(
        portaal::areas::payment_links::store(&db)
            .get_payment_link(a, &reusable.id)
            .await
            .unwrap()
            .status,
        LinkStatus::Open
    );
    assert_eq!(
        portaal::areas::payment_links::store(&db)
            .list_link_payments(a, &reusable.id, page)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        portaal::areas::payment_links::store(&db)
            .list_payment_links(a, page)
            .await
            .unwrap()
            .len(),
        3
    );
    let closed = portaal::areas::payment_links::store(&db)
        .close_payment_link(a, &reusable.id, now)
        .await
        .unwrap();
    assert_eq!(closed.status, LinkStatus::Closed);
    assert!(matches!(
        portaal::areas::payment_links::store(&db)
            .close_payment_link(a, &reusable.id, now)
            .await,
        Err(StoreError::Refused(_))
    ));
    assert!(matches!(
        portaal::areas::payment_links::store(&db)
            .close_payment_link(a, &once.id, now)
            .await,
        Err(StoreError::Refused(_))
    ));

    // Expiry: shown at once, recorded by the sweep exactly once.
    let later = at("2025-03-04T00:00:00Z");
    assert_eq!(expiring.status_at(later), LinkStatus::Expired);
    assert_eq!(
        portaal::areas::payment_links::store(&db)
            .expire_payment_links(now, &ctx)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        portaal::areas::payment_links::store(&db)
            .expire_payment_links(later, &ctx)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        portaal::areas::payment_links::store(&db)
            .expire_payment_links(later, &ctx)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        portaal::areas::payment_links::store(&db)
            .get_payment_link(a, &expiring.id)
            .await
            .unwrap()
            .status,
        LinkStatus::Expired
    );

    // Another account sees none of it.
    let other = portaal::areas::account::store(&db)
        .create_account(NewAccount {
            id: portaal::kernel::ids::AccountId::new(),
            name: "Ander".into(),
            monthly_invoice_limit: None,
            created_at: now,
        })
        .await
        .unwrap();
    assert!(matches!(
        portaal::areas::payment_links::store(&db)
            .get_payment_link(&other.id, &once.id)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        portaal::areas::payment_links::store(&db)
            .list_link_payments(&other.id, &once.id, page)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        portaal::areas::payment_links::store(&db)
            .list_payment_links(&other.id, page)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        portaal::areas::customer_invoices::store(&db)
            .keep_invoice_pdf(&other.id, &inv.id, b"x".to_vec())
            .await,
        Err(StoreError::NotFound)
    ));
}

#[tokio::test]
async fn the_store_story_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = portaal::db::Db::open(&format!("sqlite:{}", dir.path().join("story.db").display()))
        .await
        .unwrap();
    story(db.clone()).await;
    payments_story(db).await;
}

#[tokio::test]
async fn the_store_story_on_postgresql() {
    use sqlx::Connection;
    let Ok(admin_url) = std::env::var("PORTAAL_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("PORTAAL_TEST_REQUIRE_POSTGRES").as_deref() != Ok("1"),
            "PORTAAL_TEST_REQUIRE_POSTGRES=1 but PORTAAL_TEST_DATABASE_URL is not set"
        );
        eprintln!("skipped: set PORTAAL_TEST_DATABASE_URL to tell the story on PostgreSQL");
        return;
    };
    let name = format!("portaal_story_{}", portaal::kernel::ids::random_hex(6));
    let mut admin = sqlx::PgConnection::connect(&admin_url).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .unwrap();
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    let db = portaal::db::Db::open(&format!("{base}/{name}"))
        .await
        .unwrap();
    story(db.clone()).await;
    payments_story(db).await;
    sqlx::query(&format!("DROP DATABASE {name} WITH (FORCE)"))
        .execute(&mut admin)
        .await
        .unwrap();
}
