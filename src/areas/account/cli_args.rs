//! The `accounts update` flags for the seller details an invoice prints, each checked as it
//! is parsed (IBAN checksum, VAT number shape, ...). An empty value clears a setting.

use std::path::PathBuf;

use clap::Args;

use super::seller::{self, SellerPatch};

/// A flag's value: `None` clears the setting.
#[derive(Debug, Clone)]
pub struct Setting(pub Option<String>);

fn setting(text: &str, parse: fn(&str) -> Result<String, String>) -> Result<Setting, String> {
    if text.trim().is_empty() {
        Ok(Setting(None))
    } else {
        parse(text).map(|value| Setting(Some(value)))
    }
}

fn line(text: &str) -> Result<Setting, String> {
    seller::parse_text(text, 255).map(Setting)
}

fn iban(text: &str) -> Result<Setting, String> {
    setting(text, seller::parse_iban)
}

fn vat_number(text: &str) -> Result<Setting, String> {
    setting(text, seller::parse_vat_number)
}

fn kvk_number(text: &str) -> Result<Setting, String> {
    setting(text, seller::parse_kvk_number)
}

fn bic(text: &str) -> Result<Setting, String> {
    setting(text, seller::parse_bic)
}

fn mollie_key(text: &str) -> Result<Setting, String> {
    setting(text, seller::parse_mollie_api_key)
}

#[derive(Debug, Clone, Args)]
pub struct SellerArgs {
    /// The registered name printed on invoices (defaults to the account's name).
    #[arg(long, value_parser = line)]
    pub legal_name: Option<Setting>,
    /// Street and number.
    #[arg(long, value_parser = line)]
    pub street: Option<Setting>,
    #[arg(long, value_parser = line)]
    pub zip_code: Option<Setting>,
    #[arg(long, value_parser = line)]
    pub city: Option<Setting>,
    /// Two letters, such as NL.
    #[arg(long, value_parser = seller::parse_country_code)]
    pub country_code: Option<String>,
    /// Chamber of Commerce number: eight digits.
    #[arg(long, value_parser = kvk_number)]
    pub kvk_number: Option<Setting>,
    /// VAT identification number, e.g. NL123456789B01.
    #[arg(long, value_parser = vat_number)]
    pub vat_number: Option<Setting>,
    /// Checked with its ISO 13616 check digits; spaces allowed.
    #[arg(long, value_parser = iban)]
    pub iban: Option<Setting>,
    #[arg(long, value_parser = bic)]
    pub bic: Option<Setting>,
    #[arg(long, value_parser = line)]
    pub email: Option<Setting>,
    #[arg(long, value_parser = line)]
    pub phone: Option<Setting>,
    /// A PNG or JPEG file of at most 512 KiB; an empty value removes the logo.
    #[arg(long)]
    pub logo: Option<PathBuf>,
    /// The account's own Mollie API key (live_... or test_...): lets customers pay online.
    /// An empty value turns online payment off.
    #[arg(long, value_parser = mollie_key, hide_env_values = true)]
    pub mollie_api_key: Option<Setting>,
}

impl SellerArgs {
    /// The change these flags ask for, reading the logo file if one is named.
    pub fn patch(&self) -> anyhow::Result<SellerPatch> {
        let take = |s: &Option<Setting>| s.as_ref().map(|s| s.0.clone());
        let logo = match &self.logo {
            None => None,
            Some(path) if path.as_os_str().is_empty() => Some(None),
            Some(path) => {
                let bytes = std::fs::read(path)
                    .map_err(|e| anyhow::anyhow!("reading the logo {}: {e}", path.display()))?;
                let logo = seller::parse_logo(bytes)
                    .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
                Some(Some(logo))
            }
        };
        Ok(SellerPatch {
            legal_name: take(&self.legal_name),
            street: take(&self.street),
            zip_code: take(&self.zip_code),
            city: take(&self.city),
            country_code: self.country_code.clone(),
            kvk_number: take(&self.kvk_number),
            vat_number: take(&self.vat_number),
            iban: take(&self.iban),
            bic: take(&self.bic),
            email: take(&self.email),
            phone: take(&self.phone),
            logo,
            mollie_api_key: take(&self.mollie_api_key),
        })
    }
}

impl SellerPatch {
    pub fn is_empty(&self) -> bool {
        self.legal_name.is_none()
            && self.street.is_none()
            && self.zip_code.is_none()
            && self.city.is_none()
            && self.country_code.is_none()
            && self.kvk_number.is_none()
            && self.vat_number.is_none()
            && self.iban.is_none()
            && self.bic.is_none()
            && self.email.is_none()
            && self.phone.is_none()
            && self.logo.is_none()
            && self.mollie_api_key.is_none()
    }
}
