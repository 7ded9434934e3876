//! Customer invoices' SQL, compiled once per backend (see `mod.rs`). Every create, on
//! either backend and whether alone or in SQLite's group commit, runs the same three
//! statements below: [`Backend::invoice_checks`], [`Backend::insert_invoices`] and
//! [`Backend::count_created`], decided by `store::Decider`.

use std::sync::Arc;

use super::{Backend, DB};
use crate::areas::customer_invoices::model::InvoiceId;
use crate::areas::customer_invoices::model::{
    CustomerInvoice, INVOICE_COLUMNS, InvoiceFilter, InvoiceRow, NewInvoiceRecord,
    credited_invoice_number, stored_lines,
};
use crate::areas::customer_invoices::store::{CreateCheck, Decider, InvoiceStore, TAKEN};
use crate::areas::customers::model::CustomerId;
use crate::areas::customers::{CUSTOMER_SELECT, Customer, CustomerRow};
use crate::areas::events::Event;
use crate::db::{PageQuery, StoreError, StoreResult, invalid_if_taken, to_micros};
use crate::kernel::events::EventType;
use crate::kernel::ids::AccountId;
use crate::web::Context;

/// A connection inside a transaction of this backend.
type Conn = <DB as sqlx::Database>::Connection;

/// The columns a create writes, in the order [`Backend::insert_invoices`] binds them.
const INSERT_COLUMNS: &str = "id, account_id, customer_id, invoice_number, issued_at, due_at,
    currency, amount_cents, lines, credited_invoice_number, has_pdf, paid_at, payment_token,
    send_notification, notification_status, created_at";
const INSERT_COLUMN_COUNT: usize = 16;

impl Backend {
    /// A live invoice of the account, in any transaction.
    pub(crate) async fn fetch_invoice<'e, E>(
        executor: E,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
    ) -> StoreResult<CustomerInvoice>
    where
        E: sqlx::Executor<'e, Database = DB>,
    {
        let sql = format!(
            "SELECT {INVOICE_COLUMNS} FROM customer_invoices
             WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL"
        );
        let row: Option<InvoiceRow> = sqlx::query_as::<DB, _>(&sql)
            .bind(account_id)
            .bind(invoice_id)
            .fetch_optional(executor)
            .await?;
        row.ok_or(StoreError::NotFound)?.into_invoice()
    }

    /// Every create's checks in one query (each statement is a hop to the database thread
    /// on SQLite), in the creates' order.
    pub(crate) async fn invoice_checks(
        conn: &mut Conn,
        creates: &[(&AccountId, &NewInvoiceRecord)],
    ) -> StoreResult<Vec<CreateCheck>> {
        let values = (0..creates.len())
            .map(|i| format!("({i}, {})", Self::params(4 * i + 1, 4)))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "WITH req (i, account_id, customer_id, number, month) AS (VALUES {values})
             SELECT req.i,
                EXISTS (SELECT 1 FROM customers c
                         WHERE c.account_id = req.account_id AND c.id = req.customer_id
                           AND c.deleted_at IS NULL),
                EXISTS (SELECT 1 FROM customer_invoices x
                         WHERE x.account_id = req.account_id AND x.invoice_number = req.number),
                a.monthly_invoice_limit,
                EXISTS (SELECT 1 FROM webhooks w
                         WHERE w.account_id = req.account_id AND w.type = 'invoice-created'
                           AND w.deleted_at IS NULL),
                COALESCE((SELECT m.created FROM invoice_month_counts m
                           WHERE m.account_id = req.account_id AND m.month = req.month), 0),
                a.payment_term_days
             FROM req JOIN accounts a ON a.id = req.account_id
             ORDER BY req.i"
        );
        let mut query = sqlx::query_as::<DB, (i32, bool, bool, Option<i64>, bool, i64, i64)>(&sql);
        for (account_id, new) in creates {
            query = query
                .bind(*account_id)
                .bind(&new.invoice.customer_id)
                .bind(&new.invoice.invoice_number)
                .bind(&new.license_month);
        }
        let rows = query.fetch_all(&mut *conn).await?;
        if rows.len() != creates.len() {
            // An unknown account: on SQLite the group is then committed create by create,
            // which reports it for that create alone.
            return Err(StoreError::NotFound);
        }
        Ok(rows
            .into_iter()
            .map(
                |(
                    _,
                    customer_ok,
                    number_taken,
                    limit,
                    has_webhooks,
                    counted,
                    payment_term_days,
                )| {
                    CreateCheck {
                        customer_ok,
                        number_taken,
                        limit,
                        has_webhooks,
                        counted,
                        payment_term_days,
                    }
                },
            )
            .collect())
    }

    /// The accepted invoices of a transaction in one statement: (account, invoice, whether
    /// its PDF is stored).
    pub(crate) async fn insert_invoices(
        conn: &mut Conn,
        rows: &[(&AccountId, &CustomerInvoice, bool)],
    ) -> Result<(), sqlx::Error> {
        if rows.is_empty() {
            return Ok(());
        }
        let values = (0..rows.len())
            .map(|i| {
                let params = Self::params(INSERT_COLUMN_COUNT * i + 1, INSERT_COLUMN_COUNT);
                format!("({params})")
            })
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!("INSERT INTO customer_invoices ({INSERT_COLUMNS}) VALUES {values}");
        let mut query = sqlx::query::<DB>(&sql);
        for (account_id, invoice, has_pdf) in rows {
            query = query
                .bind(&invoice.id)
                .bind(*account_id)
                .bind(&invoice.customer_id)
                .bind(&invoice.invoice_number)
                .bind(invoice.issued_at.to_string())
                .bind(invoice.due_at.to_string())
                .bind(&invoice.currency)
                .bind(invoice.amount.cents())
                .bind(stored_lines(&invoice.content))
                .bind(credited_invoice_number(&invoice.content))
                .bind(*has_pdf)
                .bind(invoice.paid_at.map(to_micros))
                .bind(&invoice.payment_token)
                .bind(invoice.send_notification)
                .bind(invoice.send_notification.then_some("queued"))
                .bind(to_micros(invoice.created_at));
        }
        query.execute(&mut *conn).await?;
        Ok(())
    }

    /// Stores a new invoice's PDF in its create's transaction.
    pub(crate) async fn insert_invoice_pdf(
        conn: &mut Conn,
        invoice_id: &InvoiceId,
        pdf: &[u8],
    ) -> StoreResult<()> {
        sqlx::query::<DB>("INSERT INTO invoice_pdfs (invoice_id, bytes) VALUES ($1, $2)")
            .bind(invoice_id)
            .bind(pdf)
            .execute(&mut *conn)
            .await?;
        Ok(())
    }

    /// Counts `created` more invoices of the account in `month`; returns the month's count.
    /// On PostgreSQL the upsert locks the account's counter row until the commit, so every
    /// create takes it last, after its other statements: one account's creates then wait
    /// on each other as briefly as possible, and the count stays exact.
    pub(crate) async fn count_created(
        conn: &mut Conn,
        account_id: &AccountId,
        month: &str,
        created: i64,
    ) -> StoreResult<i64> {
        Ok(sqlx::query_scalar::<DB, i64>(
            "INSERT INTO invoice_month_counts (account_id, month, created) VALUES ($1, $2, $3)
             ON CONFLICT (account_id, month)
             DO UPDATE SET created = invoice_month_counts.created + excluded.created
             RETURNING created",
        )
        .bind(account_id)
        .bind(month)
        .bind(created)
        .fetch_one(&mut *conn)
        .await?)
    }

    /// One create alone in the caller's transaction: PostgreSQL's every create, SQLite's
    /// when its group could not be committed together.
    ///
    /// `single_writer`: no other transaction can write meanwhile (SQLite), so the count
    /// read with the checks is exact and every refusal (422, 426) comes before the first
    /// write. Otherwise (PostgreSQL) the limit is checked again on the count the upsert
    /// returns, and any error means roll back.
    pub(crate) async fn create_invoice_alone(
        conn: &mut Conn,
        account_id: &AccountId,
        new: &NewInvoiceRecord,
        ctx: &Context,
        single_writer: bool,
    ) -> StoreResult<CustomerInvoice> {
        let checks = Self::invoice_checks(&mut *conn, &[(account_id, new)]).await?;
        let check = checks[0];
        let invoice = Decider::default().decide(account_id, new, &check)?;
        Self::insert_invoices(&mut *conn, &[(account_id, &invoice, new.pdf.is_some())])
            .await
            .map_err(invalid_if_taken("invoiceNumber", TAKEN))?;
        if let Some(pdf) = &new.pdf {
            Self::insert_invoice_pdf(&mut *conn, &invoice.id, pdf).await?;
        }
        let email = invoice.send_notification.then_some(invoice.id.as_str());
        Self::record_known_event(&mut *conn, account_id, check.has_webhooks, email, || {
            Event::InvoiceCreated(invoice.clone()).render(ctx)
        })
        .await?;
        // A create over the limit returns an error and its transaction is rolled back,
        // taking the invoice and the count with it.
        let counted = Self::count_created(&mut *conn, account_id, &new.license_month, 1).await?;
        if !single_writer && let Some(limit) = check.limit.filter(|&limit| counted > limit) {
            return Err(StoreError::LimitReached { limit });
        }
        debug_assert!(!single_writer || counted == check.counted + 1);
        Ok(invoice)
    }
}

#[async_trait::async_trait]
impl InvoiceStore for Backend {
    async fn create_invoice(
        &self,
        account_id: &AccountId,
        new: NewInvoiceRecord,
        ctx: &Arc<Context>,
    ) -> StoreResult<CustomerInvoice> {
        // Each backend decides how creates meet a commit (`group_commit.rs`, `turns.rs`).
        self.insert_invoice(account_id, new, ctx).await
    }

    async fn list_invoices(
        &self,
        account_id: &AccountId,
        filter: &InvoiceFilter,
        page: PageQuery,
    ) -> StoreResult<Vec<CustomerInvoice>> {
        // A deferred join: the subquery skips OFFSET rows over the list index alone
        // (an index-only scan on PostgreSQL, a covering index on SQLite), and only the
        // page's rows are then read from the table, not the skipped ones (the plans and
        // figures: bench/plans/).
        let mut sql = format!(
            "SELECT {} FROM customer_invoices WHERE id IN (
                SELECT id FROM customer_invoices WHERE account_id = $1 AND deleted_at IS NULL",
            INVOICE_COLUMNS
        );
        let mut next = 2;
        let mut param = |sql: &mut String, clause: &str| {
            sql.push_str(&clause.replace("$?", &format!("${next}")));
            next += 1;
        };
        if filter.customer_id.is_some() {
            param(&mut sql, " AND customer_id = $?");
        }
        if filter.issued_from.is_some() {
            param(&mut sql, " AND issued_at >= $?");
        }
        if filter.issued_to.is_some() {
            param(&mut sql, " AND issued_at <= $?");
        }
        match filter.paid {
            Some(true) => sql.push_str(" AND paid_at IS NOT NULL"),
            Some(false) => sql.push_str(" AND paid_at IS NULL"),
            None => {}
        }
        // LIMIT and OFFSET are written into the statement (numbers of ours, not
        // text of the client's): with them as parameters, PostgreSQL cannot cost
        // a generic plan and so plans every execution anew, which was most of its
        // work per list request (bench/README.md, "Issue 7, second pass", item 6). Page 1,
        // the usual one, is one statement in each connection's cache.
        sql.push_str(&format!(
            " ORDER BY created_at DESC, id DESC LIMIT {} OFFSET {}",
            page.limit + 1,
            page.offset
        ));
        sql.push_str(") ORDER BY created_at DESC, id DESC");
        let mut query = sqlx::query_as::<DB, InvoiceRow>(&sql).bind(account_id);
        if let Some(customer_id) = &filter.customer_id {
            query = query.bind(customer_id);
        }
        if let Some(from) = filter.issued_from {
            query = query.bind(from.to_string());
        }
        if let Some(to) = filter.issued_to {
            query = query.bind(to.to_string());
        }
        let rows = query.fetch_all(&self.read).await?;
        rows.into_iter().map(InvoiceRow::into_invoice).collect()
    }

    async fn get_invoice(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
    ) -> StoreResult<CustomerInvoice> {
        Self::fetch_invoice(&self.read, account_id, invoice_id).await
    }

    async fn mark_invoice_paid(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
        paid_at: jiff::Timestamp,
        ctx: &Context,
    ) -> StoreResult<CustomerInvoice> {
        let mut tx = self.write.begin().await?;
        let result = sqlx::query::<DB>(
            "UPDATE customer_invoices SET paid_at = $1
             WHERE account_id = $2 AND id = $3 AND deleted_at IS NULL AND paid_at IS NULL",
        )
        .bind(to_micros(paid_at))
        .bind(account_id)
        .bind(invoice_id)
        .execute(&mut *tx)
        .await?;
        let invoice = Self::fetch_invoice(&mut *tx, account_id, invoice_id).await?;
        if result.rows_affected() == 0 {
            return Err(StoreError::invalid(
                "paidAt",
                "This invoice is already marked paid; it keeps its first payment date.",
            ));
        }
        Self::record_event(&mut tx, account_id, EventType::InvoicePaid, None, || {
            Event::InvoicePaid(invoice.clone()).render(ctx)
        })
        .await?;
        tx.commit().await?;
        Ok(invoice)
    }

    async fn delete_invoice(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
        ctx: &Context,
    ) -> StoreResult<()> {
        let mut tx = self.write.begin().await?;
        let invoice = Self::fetch_invoice(&mut *tx, account_id, invoice_id).await?;
        sqlx::query::<DB>(
            "UPDATE customer_invoices SET deleted_at = $1
             WHERE account_id = $2 AND id = $3 AND deleted_at IS NULL",
        )
        .bind(to_micros(ctx.now()))
        .bind(account_id)
        .bind(invoice_id)
        .execute(&mut *tx)
        .await?;
        Self::record_event(&mut tx, account_id, EventType::InvoiceDeleted, None, || {
            Event::InvoiceDeleted(invoice).render(ctx)
        })
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn get_invoice_pdf(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
    ) -> StoreResult<Vec<u8>> {
        let bytes: Option<Vec<u8>> = sqlx::query_scalar::<DB, Vec<u8>>(
            "SELECT p.bytes FROM invoice_pdfs p JOIN customer_invoices i ON i.id = p.invoice_id
             WHERE i.account_id = $1 AND i.id = $2 AND i.deleted_at IS NULL",
        )
        .bind(account_id)
        .bind(invoice_id)
        .fetch_optional(&self.read)
        .await?;
        bytes.ok_or(StoreError::NotFound)
    }

    async fn keep_invoice_pdf(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
        bytes: Vec<u8>,
    ) -> StoreResult<Vec<u8>> {
        let mut tx = self.write.begin().await?;
        // The invoice must be the account's; the PDF row itself has no account.
        Self::fetch_invoice(&mut *tx, account_id, invoice_id).await?;
        sqlx::query::<DB>(
            "INSERT INTO invoice_pdfs (invoice_id, bytes) VALUES ($1, $2)
             ON CONFLICT (invoice_id) DO NOTHING",
        )
        .bind(invoice_id)
        .bind(bytes)
        .execute(&mut *tx)
        .await?;
        let stored: Vec<u8> = sqlx::query_scalar::<DB, Vec<u8>>(
            "SELECT bytes FROM invoice_pdfs WHERE invoice_id = $1",
        )
        .bind(invoice_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn get_invoice_ubl(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
    ) -> StoreResult<Vec<u8>> {
        let bytes: Option<Vec<u8>> = sqlx::query_scalar::<DB, Vec<u8>>(
            "SELECT u.bytes FROM invoice_ubl u JOIN customer_invoices i ON i.id = u.invoice_id
             WHERE i.account_id = $1 AND i.id = $2 AND i.deleted_at IS NULL",
        )
        .bind(account_id)
        .bind(invoice_id)
        .fetch_optional(&self.read)
        .await?;
        bytes.ok_or(StoreError::NotFound)
    }

    async fn keep_invoice_ubl(
        &self,
        account_id: &AccountId,
        invoice_id: &InvoiceId,
        bytes: Vec<u8>,
    ) -> StoreResult<Vec<u8>> {
        let mut tx = self.write.begin().await?;
        // The invoice must be the account's and live; the row itself has no account.
        Self::fetch_invoice(&mut *tx, account_id, invoice_id).await?;
        sqlx::query::<DB>(
            "INSERT INTO invoice_ubl (invoice_id, bytes) VALUES ($1, $2)
             ON CONFLICT (invoice_id) DO NOTHING",
        )
        .bind(invoice_id)
        .bind(bytes)
        .execute(&mut *tx)
        .await?;
        let stored: Vec<u8> = sqlx::query_scalar::<DB, Vec<u8>>(
            "SELECT bytes FROM invoice_ubl WHERE invoice_id = $1",
        )
        .bind(invoice_id)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(stored)
    }

    async fn invoices_counted(&self, account_id: &AccountId, month: &str) -> StoreResult<i64> {
        let counted: Option<i64> = sqlx::query_scalar::<DB, i64>(
            "SELECT created FROM invoice_month_counts WHERE account_id = $1 AND month = $2",
        )
        .bind(account_id)
        .bind(month)
        .fetch_optional(&self.read)
        .await?;
        Ok(counted.unwrap_or(0))
    }

    async fn find_invoice(
        &self,
        invoice_id: &InvoiceId,
    ) -> StoreResult<(AccountId, CustomerInvoice)> {
        let account_id: Option<AccountId> = sqlx::query_scalar::<DB, AccountId>(
            "SELECT account_id FROM customer_invoices WHERE id = $1 AND deleted_at IS NULL",
        )
        .bind(invoice_id)
        .fetch_optional(&self.read)
        .await?;
        let account_id = account_id.ok_or(StoreError::NotFound)?;
        let invoice = Self::fetch_invoice(&self.read, &account_id, invoice_id).await?;
        Ok((account_id, invoice))
    }

    async fn get_invoice_customer(
        &self,
        account_id: &AccountId,
        customer_id: &CustomerId,
    ) -> StoreResult<Customer> {
        let sql = format!("{} WHERE c.account_id = $1 AND c.id = $2", CUSTOMER_SELECT);
        let row: Option<CustomerRow> = sqlx::query_as::<DB, _>(&sql)
            .bind(account_id)
            .bind(customer_id)
            .fetch_optional(&self.read)
            .await?;
        row.map(Customer::from).ok_or(StoreError::NotFound)
    }
}
