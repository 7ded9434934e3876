//! Customer invoices and the monthly license counter.

macro_rules! invoices_impl {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn fetch_invoice<'e, E>(
                executor: E,
                account_id: &str,
                invoice_id: &str,
            ) -> $crate::store::StoreResult<$crate::store::CustomerInvoice>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let sql = format!(
                    "SELECT {} FROM customer_invoices WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL",
                    $crate::store::sql::INVOICE_COLUMNS
                );
                let row: Option<$crate::store::rows::InvoiceRow> = sqlx::query_as::<$db, _>(&sql)
                    .bind(account_id)
                    .bind(invoice_id)
                    .fetch_optional(executor)
                    .await?;
                row.ok_or($crate::store::StoreError::NotFound)?.into_invoice()
            }

            /// The statements of one invoice create, inside the caller's transaction.
            ///
            /// `single_writer`: no other transaction can write meanwhile (SQLite), so the
            /// limit is checked from the count read with the other checks, and every refusal
            /// (422, 426) happens before the first write: the caller may go on with the
            /// transaction after one. Otherwise (PostgreSQL) the limit is checked on the
            /// count the upsert returns, after the writes, and any error means roll back.
            async fn create_invoice_steps(
                tx: &mut <$db as sqlx::Database>::Connection,
                account_id: &str,
                new: &$crate::store::NewInvoiceRecord,
                events: &dyn $crate::store::EventRenderer,
                single_writer: bool,
            ) -> $crate::store::StoreResult<$crate::store::CustomerInvoice> {
                use $crate::store::rows::TAKEN;
                let mut invoice = new.invoice.clone();

                // One round trip for every check (each is a hop to the database thread on
                // SQLite). DECISIONS.md: validation (422) is checked before the limit (426).
                let (customer_ok, number_taken, limit, has_webhooks, counted_before, payment_term_days): (
                    bool,
                    bool,
                    Option<i64>,
                    bool,
                    i64,
                    i64,
                ) = sqlx::query_as::<$db, _>(
                    "SELECT
                        EXISTS (SELECT 1 FROM customers
                                 WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL),
                        EXISTS (SELECT 1 FROM customer_invoices WHERE account_id = $1 AND invoice_number = $3),
                        a.monthly_invoice_limit,
                        EXISTS (SELECT 1 FROM webhooks
                                 WHERE account_id = $1 AND type = $4 AND deleted_at IS NULL),
                        COALESCE((SELECT created FROM invoice_month_counts
                                   WHERE account_id = $1 AND month = $5), 0),
                        a.payment_term_days
                     FROM accounts a WHERE a.id = $1",
                )
                .bind(account_id)
                .bind(&invoice.customer_id)
                .bind(&invoice.invoice_number)
                .bind($crate::domain::events::EventType::InvoiceCreated.as_str())
                .bind(&new.license_month)
                .fetch_one(&mut *tx)
                .await?;
                if let Some(errors) = $crate::store::sql::invoice_create_errors(customer_ok, number_taken) {
                    return Err($crate::store::StoreError::Invalid(errors));
                }
                if single_writer && let Some(limit) = limit.filter(|&limit| counted_before >= limit) {
                    return Err($crate::store::StoreError::LimitReached { limit });
                }
                // The due date follows the account's payment term as this transaction
                // reads it: no separate account read before the create.
                invoice.due_at = $crate::domain::invoice::due_date(invoice.issued_at, payment_term_days);
                let lines = $crate::store::rows::stored_lines(&invoice.content);
                let insert = format!(
                    "INSERT INTO customer_invoices ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
                    $crate::store::sql::INVOICE_INSERT_COLUMNS
                );
                sqlx::query::<$db>(&insert)
                .bind(&invoice.id)
                .bind(account_id)
                .bind(&invoice.customer_id)
                .bind(&invoice.invoice_number)
                .bind(invoice.issued_at.to_string())
                .bind(invoice.due_at.to_string())
                .bind(&invoice.currency)
                .bind(invoice.amount.cents())
                .bind(lines)
                .bind(new.pdf.is_some())
                .bind(invoice.paid_at.map($crate::store::to_micros))
                .bind(&invoice.payment_token)
                .bind(invoice.send_notification)
                .bind(invoice.send_notification.then_some("queued"))
                .bind($crate::store::to_micros(invoice.created_at))
                .execute(&mut *tx)
                .await
                .map_err($crate::store::sql::invalid_if_taken("invoiceNumber", TAKEN))?;
                if let Some(pdf) = &new.pdf {
                    sqlx::query::<$db>("INSERT INTO invoice_pdfs (invoice_id, bytes) VALUES ($1, $2)")
                        .bind(&invoice.id)
                        .bind(pdf.as_slice())
                        .execute(&mut *tx)
                        .await?;
                }
                let email = invoice.send_notification.then_some(invoice.id.as_str());
                let kind = $crate::domain::events::EventType::InvoiceCreated;
                Self::record_known_event(&mut *tx, account_id, has_webhooks, email, || {
                    events.invoice_event(kind, &invoice)
                })
                .await?;

                // Counted last: on PostgreSQL the upsert locks the account's counter row until
                // the commit, so taking it after every other statement keeps the time that
                // one account's creates wait on each other short. The count it returns
                // includes every committed create, so the limit holds exactly; a create over
                // the limit returns an error and its transaction (or savepoint) is rolled
                // back, taking the invoice and the count with it. A duplicate number has
                // already failed on the unique index above: 422 comes before 426.
                let counted: i64 = sqlx::query_scalar::<$db, i64>(
                    "INSERT INTO invoice_month_counts (account_id, month, created) VALUES ($1, $2, 1)
                     ON CONFLICT (account_id, month)
                     DO UPDATE SET created = invoice_month_counts.created + 1
                     RETURNING created",
                )
                .bind(account_id)
                .bind(&new.license_month)
                .fetch_one(&mut *tx)
                .await?;
                if !single_writer && let Some(limit) = limit.filter(|&limit| counted > limit) {
                    return Err($crate::store::StoreError::LimitReached { limit });
                }
                debug_assert!(!single_writer || counted == counted_before + 1);
                Ok(invoice)
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::InvoiceStore for $store {
            async fn create_invoice(
                &self,
                account_id: &str,
                new: $crate::store::NewInvoiceRecord,
                events: std::sync::Arc<dyn $crate::store::EventRenderer>,
            ) -> $crate::store::StoreResult<$crate::store::CustomerInvoice> {
                // Each backend decides how the steps meet a commit (see `insert_invoice`).
                self.insert_invoice(account_id, new, events).await
            }

            async fn list_invoices(
                &self,
                account_id: &str,
                filter: &$crate::store::InvoiceFilter,
                page: $crate::store::PageQuery,
            ) -> $crate::store::StoreResult<Vec<$crate::store::CustomerInvoice>> {
                // A deferred join: the subquery skips OFFSET rows over the list index alone
                // (an index-only scan on PostgreSQL, a covering index on SQLite), and only the
                // page's rows are then read from the table. Skipping by the full rows made
                // page 5,000 of a million invoices read 75,000 table rows (bench/plans/).
                let mut sql = format!(
                    "SELECT {} FROM customer_invoices WHERE id IN (
                        SELECT id FROM customer_invoices WHERE account_id = $1 AND deleted_at IS NULL",
                    $crate::store::sql::INVOICE_COLUMNS
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
                // work per list request (16 connections, a million invoices: page 1 p99
                // 11.2 -> 8.8 ms, by customer 10.8 -> 8.1 ms). Page 1, the usual one, is one
                // statement in each connection's cache.
                sql.push_str(&format!(
                    " ORDER BY created_at DESC, id DESC LIMIT {} OFFSET {}",
                    page.limit + 1,
                    page.offset
                ));
                sql.push_str(") ORDER BY created_at DESC, id DESC");
                let mut query = sqlx::query_as::<$db, $crate::store::rows::InvoiceRow>(&sql).bind(account_id);
                if let Some(customer_id) = &filter.customer_id {
                    query = query.bind(customer_id);
                }
                if let Some(from) = filter.issued_from {
                    query = query.bind(from.to_string());
                }
                if let Some(to) = filter.issued_to {
                    query = query.bind(to.to_string());
                }
                let rows = query
                    .fetch_all(&self.read)
                    .await?;
                rows.into_iter().map($crate::store::rows::InvoiceRow::into_invoice).collect()
            }

            async fn get_invoice(
                &self,
                account_id: &str,
                invoice_id: &str,
            ) -> $crate::store::StoreResult<$crate::store::CustomerInvoice> {
                Self::fetch_invoice(&self.read, account_id, invoice_id).await
            }

            async fn mark_invoice_paid(
                &self,
                account_id: &str,
                invoice_id: &str,
                paid_at: jiff::Timestamp,
                events: &dyn $crate::store::EventRenderer,
            ) -> $crate::store::StoreResult<$crate::store::CustomerInvoice> {
                let mut tx = self.write.begin().await?;
                let result = sqlx::query::<$db>(
                    "UPDATE customer_invoices SET paid_at = $1
                     WHERE account_id = $2 AND id = $3 AND deleted_at IS NULL AND paid_at IS NULL",
                )
                .bind($crate::store::to_micros(paid_at))
                .bind(account_id)
                .bind(invoice_id)
                .execute(&mut *tx)
                .await?;
                let invoice = Self::fetch_invoice(&mut *tx, account_id, invoice_id).await?;
                if result.rows_affected() == 0 {
                    return Err($crate::store::StoreError::invalid(
                        "paidAt",
                        "This invoice is already marked paid; it keeps its first payment date.",
                    ));
                }
                let kind = $crate::domain::events::EventType::InvoicePaid;
                Self::record_event(&mut tx, account_id, kind, None, || events.invoice_event(kind, &invoice)).await?;
                tx.commit().await?;
                Ok(invoice)
            }

            async fn delete_invoice(
                &self,
                account_id: &str,
                invoice_id: &str,
                at: jiff::Timestamp,
                events: &dyn $crate::store::EventRenderer,
            ) -> $crate::store::StoreResult<()> {
                let mut tx = self.write.begin().await?;
                let invoice = Self::fetch_invoice(&mut *tx, account_id, invoice_id).await?;
                sqlx::query::<$db>(
                    "UPDATE customer_invoices SET deleted_at = $1
                     WHERE account_id = $2 AND id = $3 AND deleted_at IS NULL",
                )
                .bind($crate::store::to_micros(at))
                .bind(account_id)
                .bind(invoice_id)
                .execute(&mut *tx)
                .await?;
                let kind = $crate::domain::events::EventType::InvoiceDeleted;
                Self::record_event(&mut tx, account_id, kind, None, || events.invoice_event(kind, &invoice)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn get_invoice_pdf(
                &self,
                account_id: &str,
                invoice_id: &str,
            ) -> $crate::store::StoreResult<Vec<u8>> {
                let bytes: Option<Vec<u8>> = sqlx::query_scalar::<$db, Vec<u8>>(
                    "SELECT p.bytes FROM invoice_pdfs p JOIN customer_invoices i ON i.id = p.invoice_id
                     WHERE i.account_id = $1 AND i.id = $2 AND i.deleted_at IS NULL",
                )
                .bind(account_id)
                .bind(invoice_id)
                .fetch_optional(&self.read)
                .await?;
                bytes.ok_or($crate::store::StoreError::NotFound)
            }

            async fn invoices_counted(&self, account_id: &str, month: &str) -> $crate::store::StoreResult<i64> {
                let counted: Option<i64> = sqlx::query_scalar::<$db, i64>(
                    "SELECT created FROM invoice_month_counts WHERE account_id = $1 AND month = $2",
                )
                .bind(account_id)
                .bind(month)
                .fetch_optional(&self.read)
                .await?;
                Ok(counted.unwrap_or(0))
            }
        }
    };
}
pub(crate) use invoices_impl;
