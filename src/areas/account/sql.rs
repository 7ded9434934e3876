//! The account's SQL, compiled once per backend (see `mod.rs`): accounts, API keys and
//! the seller details.

use super::{Backend, DB};
use crate::areas::account::model::{
    ACCOUNT_COLUMNS, Account, AccountPatch, AccountRow, NewAccount, NewApiKey,
};
use crate::areas::account::seller::{SELLER_COLUMNS, SellerDetails, SellerPatch, SellerRow};
use crate::areas::account::store::AccountStore;
use crate::db::{StoreError, StoreResult, one_changed, to_micros};
use crate::kernel::ids::AccountId;
use crate::kernel::scopes;

#[async_trait::async_trait]
impl AccountStore for Backend {
    async fn count_accounts(&self) -> StoreResult<i64> {
        Ok(
            sqlx::query_scalar::<DB, i64>("SELECT COUNT(*) FROM accounts")
                .fetch_one(&self.write)
                .await?,
        )
    }

    async fn create_account(&self, new: NewAccount) -> StoreResult<Account> {
        sqlx::query::<DB>(
            "INSERT INTO accounts (id, name, monthly_invoice_limit, payment_term_days, created_at)
             VALUES ($1, $2, $3, 14, $4)",
        )
        .bind(&new.id)
        .bind(&new.name)
        .bind(new.monthly_invoice_limit)
        .bind(to_micros(new.created_at))
        .execute(&self.write)
        .await?;
        self.get_account(&new.id).await
    }

    async fn get_account(&self, account_id: &AccountId) -> StoreResult<Account> {
        let sql = format!("SELECT {} FROM accounts WHERE id = $1", ACCOUNT_COLUMNS);
        let row: Option<AccountRow> = sqlx::query_as::<DB, _>(&sql)
            .bind(account_id)
            .fetch_optional(&self.write)
            .await?;
        row.map(Account::from).ok_or(StoreError::NotFound)
    }

    async fn update_account(
        &self,
        account_id: &AccountId,
        patch: AccountPatch,
    ) -> StoreResult<Account> {
        let result = sqlx::query::<DB>(
            "UPDATE accounts SET
                name = COALESCE($1, name),
                monthly_invoice_limit = CASE WHEN $2 THEN $3 ELSE monthly_invoice_limit END,
                payment_term_days = COALESCE($4, payment_term_days),
                locale = COALESCE($5, locale)
             WHERE id = $6",
        )
        .bind(patch.name)
        .bind(patch.monthly_invoice_limit.is_some())
        .bind(patch.monthly_invoice_limit.flatten())
        .bind(patch.payment_term_days)
        .bind(patch.locale)
        .bind(account_id)
        .execute(&self.write)
        .await?;
        one_changed(result.rows_affected())?;
        self.get_account(account_id).await
    }

    async fn create_api_key(&self, key: NewApiKey) -> StoreResult<()> {
        sqlx::query::<DB>(
            "INSERT INTO api_keys (id, account_id, token_hash, scopes, rate_limit, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&key.id)
        .bind(&key.account_id)
        .bind(&key.token_hash)
        .bind(scopes::join(&key.scopes))
        .bind(key.rate_limit)
        .bind(to_micros(key.created_at))
        .execute(&self.write)
        .await?;
        Ok(())
    }

    async fn get_seller(&self, account_id: &AccountId) -> StoreResult<SellerDetails> {
        let sql = format!("SELECT {} FROM accounts WHERE id = $1", SELLER_COLUMNS);
        let row: Option<SellerRow> = sqlx::query_as::<DB, _>(&sql)
            .bind(account_id)
            .fetch_optional(&self.read)
            .await?;
        row.map(Into::into).ok_or(StoreError::NotFound)
    }

    async fn update_seller(
        &self,
        account_id: &AccountId,
        patch: &SellerPatch,
    ) -> StoreResult<SellerDetails> {
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
        let result = sqlx::query::<DB>(
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
        .bind(set_legal_name)
        .bind(legal_name)
        .bind(set_street)
        .bind(street)
        .bind(set_zip_code)
        .bind(zip_code)
        .bind(set_city)
        .bind(city)
        .bind(patch.country_code.clone())
        .bind(set_kvk)
        .bind(kvk)
        .bind(set_vat)
        .bind(vat)
        .bind(set_iban)
        .bind(iban)
        .bind(set_bic)
        .bind(bic)
        .bind(set_email)
        .bind(email)
        .bind(set_phone)
        .bind(phone)
        .bind(set_mollie)
        .bind(mollie)
        .bind(patch.logo.is_some())
        .bind(logo.as_ref().map(|l| l.bytes.clone()))
        .bind(logo.as_ref().map(|l| l.media_type))
        .bind(account_id)
        .execute(&self.write)
        .await?;
        one_changed(result.rows_affected())?;
        let sql = format!("SELECT {} FROM accounts WHERE id = $1", SELLER_COLUMNS);
        let row: SellerRow = sqlx::query_as::<DB, _>(&sql)
            .bind(account_id)
            .fetch_one(&self.write)
            .await?;
        Ok(row.into())
    }

    async fn get_logo(&self, account_id: &AccountId) -> StoreResult<Option<(Vec<u8>, String)>> {
        let row: Option<(Option<Vec<u8>>, Option<String>)> =
            sqlx::query_as::<DB, _>("SELECT logo, logo_type FROM accounts WHERE id = $1")
                .bind(account_id)
                .fetch_optional(&self.read)
                .await?;
        match row {
            None => Err(StoreError::NotFound),
            Some((Some(bytes), Some(media_type))) => Ok(Some((bytes, media_type))),
            Some(_) => Ok(None),
        }
    }

    async fn get_mollie_api_key(&self, account_id: &AccountId) -> StoreResult<Option<String>> {
        let row: Option<Option<String>> = sqlx::query_scalar::<DB, Option<String>>(
            "SELECT mollie_api_key FROM accounts WHERE id = $1",
        )
        .bind(account_id)
        .fetch_optional(&self.read)
        .await?;
        row.ok_or(StoreError::NotFound)
    }
}
