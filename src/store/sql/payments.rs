//! The seller's details, payments at a provider, and payment links.

macro_rules! payments_impl {
    ($store:ty, $db:ty) => {
        impl $store {
            async fn fetch_link<'e, E>(
                executor: E,
                account_id: &str,
                link_id: &str,
            ) -> $crate::store::StoreResult<$crate::store::PaymentLink>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let sql = format!(
                    "SELECT {} FROM payment_links WHERE account_id = $1 AND id = $2",
                    $crate::store::payment_rows::LINK_COLUMNS
                );
                let row: Option<$crate::store::payment_rows::LinkRow> = sqlx::query_as::<$db, _>(&sql)
                    .bind(account_id)
                    .bind(link_id)
                    .fetch_optional(executor)
                    .await?;
                row.ok_or($crate::store::StoreError::NotFound)?.into_link()
            }

            async fn fetch_payment<'e, E>(
                executor: E,
                account_id: &str,
                payment_id: &str,
            ) -> $crate::store::StoreResult<$crate::store::Payment>
            where
                E: sqlx::Executor<'e, Database = $db>,
            {
                let sql = format!(
                    "SELECT {} FROM payments WHERE account_id = $1 AND id = $2",
                    $crate::store::payment_rows::PAYMENT_COLUMNS
                );
                let row: Option<$crate::store::payment_rows::PaymentRow> = sqlx::query_as::<$db, _>(&sql)
                    .bind(account_id)
                    .bind(payment_id)
                    .fetch_optional(executor)
                    .await?;
                row.ok_or($crate::store::StoreError::NotFound)?.into_payment()
            }
        }

        #[async_trait::async_trait]
        impl $crate::store::PaymentStore for $store {
            async fn get_seller(
                &self,
                account_id: &str,
            ) -> $crate::store::StoreResult<$crate::domain::seller::SellerDetails> {
                let sql = format!(
                    "SELECT {} FROM accounts WHERE id = $1",
                    $crate::store::payment_rows::SELLER_COLUMNS
                );
                let row: Option<$crate::store::payment_rows::SellerRow> =
                    sqlx::query_as::<$db, _>(&sql).bind(account_id).fetch_optional(&self.read).await?;
                row.map(Into::into).ok_or($crate::store::StoreError::NotFound)
            }

            async fn update_seller(
                &self,
                account_id: &str,
                patch: &$crate::domain::seller::SellerPatch,
            ) -> $crate::store::StoreResult<$crate::domain::seller::SellerDetails> {
                // Each optional value: a flag saying whether to set it, then the new value.
                let text = |value: &Option<Option<String>>| (value.is_some(), value.clone().flatten());
                let (set_legal_name, legal_name) = text(&patch.legal_name);
                let (set_street, street) = text(&patch.street);
                let (set_zip_code, zip_code) = text(&patch.zip_code);
                let (set_city, city) = text(&patch.city);
                let (set_kvk, kvk) = text(&patch.kvk_number);
                let (set_vat, vat) = text(&patch.vat_number);
                let (set_iban, iban) = text(&patch.iban);
                let (set_bic, bic) = text(&patch.bic);
                let (set_email, email) = text(&patch.email);
                let (set_phone, phone) = text(&patch.phone);
                let (set_mollie, mollie) = text(&patch.mollie_api_key);
                let logo = patch.logo.clone().flatten();
                let result = sqlx::query::<$db>(
                    "UPDATE accounts SET
                        legal_name = CASE WHEN $1 THEN $2 ELSE legal_name END,
                        street = CASE WHEN $3 THEN $4 ELSE street END,
                        zip_code = CASE WHEN $5 THEN $6 ELSE zip_code END,
                        city = CASE WHEN $7 THEN $8 ELSE city END,
                        country_code = COALESCE($9, country_code),
                        kvk_number = CASE WHEN $10 THEN $11 ELSE kvk_number END,
                        vat_number = CASE WHEN $12 THEN $13 ELSE vat_number END,
                        iban = CASE WHEN $14 THEN $15 ELSE iban END,
                        bic = CASE WHEN $16 THEN $17 ELSE bic END,
                        email = CASE WHEN $18 THEN $19 ELSE email END,
                        phone = CASE WHEN $20 THEN $21 ELSE phone END,
                        mollie_api_key = CASE WHEN $22 THEN $23 ELSE mollie_api_key END,
                        logo = CASE WHEN $24 THEN $25 ELSE logo END,
                        logo_type = CASE WHEN $24 THEN $26 ELSE logo_type END
                     WHERE id = $27",
                )
                .bind(set_legal_name).bind(legal_name)
                .bind(set_street).bind(street)
                .bind(set_zip_code).bind(zip_code)
                .bind(set_city).bind(city)
                .bind(patch.country_code.clone())
                .bind(set_kvk).bind(kvk)
                .bind(set_vat).bind(vat)
                .bind(set_iban).bind(iban)
                .bind(set_bic).bind(bic)
                .bind(set_email).bind(email)
                .bind(set_phone).bind(phone)
                .bind(set_mollie).bind(mollie)
                .bind(patch.logo.is_some())
                .bind(logo.as_ref().map(|l| l.bytes.clone()))
                .bind(logo.as_ref().map(|l| l.media_type))
                .bind(account_id)
                .execute(&self.write)
                .await?;
                $crate::store::sql::one_changed(result.rows_affected())?;
                let sql = format!(
                    "SELECT {} FROM accounts WHERE id = $1",
                    $crate::store::payment_rows::SELLER_COLUMNS
                );
                let row: $crate::store::payment_rows::SellerRow =
                    sqlx::query_as::<$db, _>(&sql).bind(account_id).fetch_one(&self.write).await?;
                Ok(row.into())
            }

            async fn get_logo(
                &self,
                account_id: &str,
            ) -> $crate::store::StoreResult<Option<(Vec<u8>, String)>> {
                let row: Option<(Option<Vec<u8>>, Option<String>)> = sqlx::query_as::<$db, _>(
                    "SELECT logo, logo_type FROM accounts WHERE id = $1",
                )
                .bind(account_id)
                .fetch_optional(&self.read)
                .await?;
                match row {
                    None => Err($crate::store::StoreError::NotFound),
                    Some((Some(bytes), Some(media_type))) => Ok(Some((bytes, media_type))),
                    Some(_) => Ok(None),
                }
            }

            async fn get_mollie_api_key(&self, account_id: &str) -> $crate::store::StoreResult<Option<String>> {
                let row: Option<Option<String>> = sqlx::query_scalar::<$db, Option<String>>(
                    "SELECT mollie_api_key FROM accounts WHERE id = $1",
                )
                .bind(account_id)
                .fetch_optional(&self.read)
                .await?;
                row.ok_or($crate::store::StoreError::NotFound)
            }

            async fn find_invoice(
                &self,
                invoice_id: &str,
            ) -> $crate::store::StoreResult<(String, $crate::store::CustomerInvoice)> {
                let account_id: Option<String> = sqlx::query_scalar::<$db, String>(
                    "SELECT account_id FROM customer_invoices WHERE id = $1 AND deleted_at IS NULL",
                )
                .bind(invoice_id)
                .fetch_optional(&self.read)
                .await?;
                let account_id = account_id.ok_or($crate::store::StoreError::NotFound)?;
                let invoice = Self::fetch_invoice(&self.read, &account_id, invoice_id).await?;
                Ok((account_id, invoice))
            }

            async fn get_invoice_customer(
                &self,
                account_id: &str,
                customer_id: &str,
            ) -> $crate::store::StoreResult<$crate::store::Customer> {
                let sql = format!(
                    "{} WHERE c.account_id = $1 AND c.id = $2",
                    $crate::store::sql::CUSTOMER_SELECT
                );
                let row: Option<$crate::store::rows::CustomerRow> = sqlx::query_as::<$db, _>(&sql)
                    .bind(account_id)
                    .bind(customer_id)
                    .fetch_optional(&self.read)
                    .await?;
                row.map($crate::store::Customer::from).ok_or($crate::store::StoreError::NotFound)
            }

            async fn keep_invoice_pdf(
                &self,
                account_id: &str,
                invoice_id: &str,
                bytes: Vec<u8>,
            ) -> $crate::store::StoreResult<Vec<u8>> {
                let mut tx = self.write.begin().await?;
                // The invoice must be the account's; the PDF row itself has no account.
                Self::fetch_invoice(&mut *tx, account_id, invoice_id).await?;
                sqlx::query::<$db>(
                    "INSERT INTO invoice_pdfs (invoice_id, bytes) VALUES ($1, $2)
                     ON CONFLICT (invoice_id) DO NOTHING",
                )
                .bind(invoice_id)
                .bind(bytes)
                .execute(&mut *tx)
                .await?;
                let stored: Vec<u8> = sqlx::query_scalar::<$db, Vec<u8>>(
                    "SELECT bytes FROM invoice_pdfs WHERE invoice_id = $1",
                )
                .bind(invoice_id)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(stored)
            }

            async fn record_payment(
                &self,
                account_id: &str,
                payment: &$crate::store::Payment,
            ) -> $crate::store::StoreResult<()> {
                let (invoice_id, link_id) = match &payment.target {
                    $crate::store::PaymentTarget::Invoice(id) => (Some(id.as_str()), None),
                    $crate::store::PaymentTarget::Link(id) => (None, Some(id.as_str())),
                };
                let at = $crate::store::to_micros(payment.created_at);
                sqlx::query::<$db>(
                    "INSERT INTO payments (id, account_id, invoice_id, payment_link_id, provider,
                        provider_payment_id, amount_cents, status, payers_name, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)",
                )
                .bind(&payment.id)
                .bind(account_id)
                .bind(invoice_id)
                .bind(link_id)
                .bind(&payment.provider)
                .bind(&payment.provider_payment_id)
                .bind(payment.amount.cents())
                .bind(&payment.status)
                .bind(&payment.payers_name)
                .bind(at)
                .execute(&self.write)
                .await?;
                Ok(())
            }

            async fn latest_payment(
                &self,
                account_id: &str,
                target: &$crate::store::PaymentTarget,
            ) -> $crate::store::StoreResult<Option<$crate::store::Payment>> {
                let (column, id) = match target {
                    $crate::store::PaymentTarget::Invoice(id) => ("invoice_id", id),
                    $crate::store::PaymentTarget::Link(id) => ("payment_link_id", id),
                };
                let sql = format!(
                    "SELECT {} FROM payments WHERE account_id = $1 AND {column} = $2
                     ORDER BY created_at DESC, id DESC LIMIT 1",
                    $crate::store::payment_rows::PAYMENT_COLUMNS
                );
                let row: Option<$crate::store::payment_rows::PaymentRow> = sqlx::query_as::<$db, _>(&sql)
                    .bind(account_id)
                    .bind(id)
                    .fetch_optional(&self.read)
                    .await?;
                row.map(|row| row.into_payment()).transpose()
            }

            async fn find_payment(
                &self,
                provider: &str,
                provider_payment_id: &str,
            ) -> $crate::store::StoreResult<(String, $crate::store::Payment)> {
                let found: Option<(String, String)> = sqlx::query_as::<$db, _>(
                    "SELECT account_id, id FROM payments WHERE provider = $1 AND provider_payment_id = $2",
                )
                .bind(provider)
                .bind(provider_payment_id)
                .fetch_optional(&self.read)
                .await?;
                let (account_id, id) = found.ok_or($crate::store::StoreError::NotFound)?;
                let payment = Self::fetch_payment(&self.read, &account_id, &id).await?;
                Ok((account_id, payment))
            }

            async fn settle_payment(
                &self,
                account_id: &str,
                payment_id: &str,
                update: &$crate::store::PaymentUpdate,
                events: &dyn $crate::store::EventRenderer,
            ) -> $crate::store::StoreResult<$crate::store::Payment> {
                use $crate::domain::events::EventType;
                let mut tx = self.write.begin().await?;
                Self::fetch_payment(&mut *tx, account_id, payment_id).await?;
                // A paid payment stays paid (refunds are not a status), and only the update
                // that turns it paid goes on: of two webhooks racing on PostgreSQL, the
                // second waits for the first's row lock and then matches no row.
                let changed = sqlx::query::<$db>(
                    "UPDATE payments SET status = $1, payers_name = COALESCE($2, payers_name), updated_at = $3
                     WHERE account_id = $4 AND id = $5 AND status <> 'paid'",
                )
                .bind(&update.status)
                .bind(&update.payers_name)
                .bind($crate::store::to_micros(update.at))
                .bind(account_id)
                .bind(payment_id)
                .execute(&mut *tx)
                .await?;
                let payment = Self::fetch_payment(&mut *tx, account_id, payment_id).await?;
                let newly_paid = changed.rows_affected() == 1 && payment.status == "paid";
                if newly_paid {
                    let paid_at = update.paid_at.unwrap_or(update.at);
                    match &payment.target {
                        $crate::store::PaymentTarget::Invoice(invoice_id) => {
                            // Paid twice (two checkouts, or paid by API meanwhile): the invoice
                            // keeps its first date and no second event goes out.
                            let marked = sqlx::query::<$db>(
                                "UPDATE customer_invoices SET paid_at = $1
                                 WHERE account_id = $2 AND id = $3 AND paid_at IS NULL",
                            )
                            .bind($crate::store::to_micros(paid_at))
                            .bind(account_id)
                            .bind(invoice_id)
                            .execute(&mut *tx)
                            .await?;
                            if marked.rows_affected() == 1 {
                                let invoice = Self::fetch_invoice(&mut *tx, account_id, invoice_id).await;
                                // A deleted invoice is recorded as paid but sends no event.
                                if let Ok(invoice) = invoice {
                                    let kind = EventType::InvoicePaid;
                                    Self::record_event(&mut tx, account_id, kind, None, || {
                                        events.invoice_event(kind, &invoice)
                                    })
                                    .await?;
                                }
                            }
                        }
                        $crate::store::PaymentTarget::Link(link_id) => {
                            sqlx::query::<$db>(
                                "UPDATE payment_links SET status = 'paid'
                                 WHERE account_id = $1 AND id = $2 AND status = 'open' AND NOT reusable",
                            )
                            .bind(account_id)
                            .bind(link_id)
                            .execute(&mut *tx)
                            .await?;
                            let link = Self::fetch_link(&mut *tx, account_id, link_id).await?;
                            let kind = EventType::PaymentLinkPaid;
                            Self::record_event(&mut tx, account_id, kind, None, || {
                                events.payment_link_event(kind, &link)
                            })
                            .await?;
                        }
                    }
                }
                tx.commit().await?;
                Ok(payment)
            }

            async fn create_payment_link(
                &self,
                account_id: &str,
                link: &$crate::store::PaymentLink,
                events: &dyn $crate::store::EventRenderer,
            ) -> $crate::store::StoreResult<$crate::store::PaymentLink> {
                let mut tx = self.write.begin().await?;
                sqlx::query::<$db>(
                    "INSERT INTO payment_links (id, account_id, description, amount_cents, reusable,
                        expires_at, status, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(&link.id)
                .bind(account_id)
                .bind(&link.description)
                .bind(link.amount.cents())
                .bind(link.reusable)
                .bind(link.expires_at.map($crate::store::to_micros))
                .bind(link.status.as_str())
                .bind($crate::store::to_micros(link.created_at))
                .execute(&mut *tx)
                .await?;
                let stored = Self::fetch_link(&mut *tx, account_id, &link.id).await?;
                let kind = $crate::domain::events::EventType::PaymentLinkCreated;
                Self::record_event(&mut tx, account_id, kind, None, || events.payment_link_event(kind, &stored))
                    .await?;
                tx.commit().await?;
                Ok(stored)
            }

            async fn list_payment_links(
                &self,
                account_id: &str,
                page: $crate::store::PageQuery,
            ) -> $crate::store::StoreResult<Vec<$crate::store::PaymentLink>> {
                let sql = format!(
                    "SELECT {} FROM payment_links WHERE account_id = $1
                     ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
                    $crate::store::payment_rows::LINK_COLUMNS
                );
                let rows: Vec<$crate::store::payment_rows::LinkRow> = sqlx::query_as::<$db, _>(&sql)
                    .bind(account_id)
                    .bind((page.limit + 1) as i64)
                    .bind(page.offset as i64)
                    .fetch_all(&self.read)
                    .await?;
                rows.into_iter().map(|row| row.into_link()).collect()
            }

            async fn get_payment_link(
                &self,
                account_id: &str,
                link_id: &str,
            ) -> $crate::store::StoreResult<$crate::store::PaymentLink> {
                Self::fetch_link(&self.read, account_id, link_id).await
            }

            async fn find_payment_link(
                &self,
                link_id: &str,
            ) -> $crate::store::StoreResult<(String, $crate::store::PaymentLink)> {
                let account_id: Option<String> =
                    sqlx::query_scalar::<$db, String>("SELECT account_id FROM payment_links WHERE id = $1")
                        .bind(link_id)
                        .fetch_optional(&self.read)
                        .await?;
                let account_id = account_id.ok_or($crate::store::StoreError::NotFound)?;
                let link = Self::fetch_link(&self.read, &account_id, link_id).await?;
                Ok((account_id, link))
            }

            async fn close_payment_link(
                &self,
                account_id: &str,
                link_id: &str,
                now: jiff::Timestamp,
            ) -> $crate::store::StoreResult<$crate::store::PaymentLink> {
                let mut tx = self.write.begin().await?;
                let link = Self::fetch_link(&mut *tx, account_id, link_id).await?;
                let status = link.status_at(now);
                if status != $crate::store::LinkStatus::Open {
                    return Err($crate::store::StoreError::Refused(format!(
                        "This payment link is {} already and cannot be closed.",
                        status.as_str()
                    )));
                }
                sqlx::query::<$db>(
                    "UPDATE payment_links SET status = 'closed', closed_at = $1 WHERE account_id = $2 AND id = $3",
                )
                .bind($crate::store::to_micros(now))
                .bind(account_id)
                .bind(link_id)
                .execute(&mut *tx)
                .await?;
                let closed = Self::fetch_link(&mut *tx, account_id, link_id).await?;
                tx.commit().await?;
                Ok(closed)
            }

            async fn list_link_payments(
                &self,
                account_id: &str,
                link_id: &str,
                page: $crate::store::PageQuery,
            ) -> $crate::store::StoreResult<Vec<$crate::store::Payment>> {
                Self::fetch_link(&self.read, account_id, link_id).await?;
                let sql = format!(
                    "SELECT {} FROM payments WHERE account_id = $1 AND payment_link_id = $2
                     ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4",
                    $crate::store::payment_rows::PAYMENT_COLUMNS
                );
                let rows: Vec<$crate::store::payment_rows::PaymentRow> = sqlx::query_as::<$db, _>(&sql)
                    .bind(account_id)
                    .bind(link_id)
                    .bind((page.limit + 1) as i64)
                    .bind(page.offset as i64)
                    .fetch_all(&self.read)
                    .await?;
                rows.into_iter().map(|row| row.into_payment()).collect()
            }

            async fn expire_payment_links(
                &self,
                now: jiff::Timestamp,
                events: &dyn $crate::store::EventRenderer,
            ) -> $crate::store::StoreResult<u64> {
                let mut tx = self.write.begin().await?;
                let due: Vec<(String, String)> = sqlx::query_as::<$db, _>(
                    "UPDATE payment_links SET status = 'expired'
                     WHERE status = 'open' AND expires_at IS NOT NULL AND expires_at <= $1
                     RETURNING account_id, id",
                )
                .bind($crate::store::to_micros(now))
                .fetch_all(&mut *tx)
                .await?;
                for (account_id, link_id) in &due {
                    let link = Self::fetch_link(&mut *tx, account_id, link_id).await?;
                    let kind = $crate::domain::events::EventType::PaymentLinkExpired;
                    Self::record_event(&mut tx, account_id, kind, None, || events.payment_link_event(kind, &link))
                        .await?;
                }
                tx.commit().await?;
                Ok(due.len() as u64)
            }
        }
    };
}
pub(crate) use payments_impl;
