//! What an invoice must say about the business that sends it (Art. 35a Wet OB 1968: name,
//! address, VAT number; the Handelsregisterbesluit adds the KvK number), how it is paid, and
//! the checks on each value an operator sets.

use iban::{Iban, IbanLike};

/// The seller's details as stored; `None` where the operator has not set a value yet.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SellerDetails {
    pub legal_name: Option<String>,
    pub street: Option<String>,
    pub zip_code: Option<String>,
    pub city: Option<String>,
    pub country_code: String,
    pub kvk_number: Option<String>,
    pub vat_number: Option<String>,
    /// Electronic form, no spaces: `NL91ABNA0417164300`.
    pub iban: Option<String>,
    pub bic: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// The media type of the stored logo, when there is one.
    pub logo_type: Option<String>,
    /// The account has its own Mollie API key, so customers can pay online.
    pub mollie_enabled: bool,
}

impl SellerDetails {
    /// What the seller's invoices still lack that Dutch law asks of them.
    pub fn missing_for_invoices(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        for (value, name) in [
            (&self.legal_name, "legalName"),
            (&self.street, "street"),
            (&self.zip_code, "zipCode"),
            (&self.city, "city"),
            (&self.kvk_number, "kvkNumber"),
            (&self.vat_number, "vatNumber"),
        ] {
            if value.is_none() {
                missing.push(name);
            }
        }
        missing
    }
}

pub const SELLER_COLUMNS: &str = "legal_name, street, zip_code, city, country_code, kvk_number,
    vat_number, iban, bic, email, phone, logo_type, mollie_api_key IS NOT NULL AS mollie_enabled";

#[derive(sqlx::FromRow)]
pub struct SellerRow {
    legal_name: Option<String>,
    street: Option<String>,
    zip_code: Option<String>,
    city: Option<String>,
    country_code: String,
    kvk_number: Option<String>,
    vat_number: Option<String>,
    iban: Option<String>,
    bic: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    logo_type: Option<String>,
    mollie_enabled: bool,
}

impl From<SellerRow> for SellerDetails {
    fn from(r: SellerRow) -> SellerDetails {
        SellerDetails {
            legal_name: r.legal_name,
            street: r.street,
            zip_code: r.zip_code,
            city: r.city,
            country_code: r.country_code,
            kvk_number: r.kvk_number,
            vat_number: r.vat_number,
            iban: r.iban,
            bic: r.bic,
            email: r.email,
            phone: r.phone,
            logo_type: r.logo_type,
            mollie_enabled: r.mollie_enabled,
        }
    }
}

/// A change to the seller's details: `None` keeps a value, `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct SellerPatch {
    pub legal_name: Option<Option<String>>,
    pub street: Option<Option<String>>,
    pub zip_code: Option<Option<String>>,
    pub city: Option<Option<String>>,
    pub country_code: Option<String>,
    pub kvk_number: Option<Option<String>>,
    pub vat_number: Option<Option<String>>,
    pub iban: Option<Option<String>>,
    pub bic: Option<Option<String>>,
    pub email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub logo: Option<Option<Logo>>,
    pub mollie_api_key: Option<Option<String>>,
}

/// An image to print on invoices and pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Logo {
    pub bytes: Vec<u8>,
    pub media_type: &'static str,
}

/// Larger logos are refused: they end up in every PDF and page.
pub const LOGO_MAX_BYTES: usize = 512 * 1024;

/// A one-line text of at most `max` characters (trimmed); empty means "clear it".
pub fn parse_text(text: &str, max: usize) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if text.chars().count() > max {
        return Err(format!("must be at most {max} characters"));
    }
    if text.chars().any(char::is_control) {
        return Err("must be one line without control characters".to_owned());
    }
    Ok(Some(text.to_owned()))
}

/// An IBAN with a valid ISO 13616 check (mod 97) and country format, spaces allowed;
/// stored in its electronic form.
pub fn parse_iban(text: &str) -> Result<String, String> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    compact
        .parse::<Iban>()
        .map(|iban| iban.electronic_str().to_owned())
        .map_err(|_| {
            format!(
                "`{}` is not a valid IBAN: its check digits or length do not match its country",
                text.trim()
            )
        })
}

/// A VAT identification number. Dutch numbers (the btw-id since 2020) have the shape
/// `NL` + 9 digits + `B` + 2 digits; other EU numbers are a country code and 2 to 12 letters
/// or digits.
pub fn parse_vat_number(text: &str) -> Result<String, String> {
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect::<String>()
        .to_ascii_uppercase();
    let bytes = compact.as_bytes();
    if let Some(rest) = compact.strip_prefix("NL") {
        let rest = rest.as_bytes();
        let shape = rest.len() == 12
            && rest[..9].iter().all(u8::is_ascii_digit)
            && rest[9] == b'B'
            && rest[10..].iter().all(u8::is_ascii_digit);
        return if shape {
            Ok(compact)
        } else {
            Err(format!(
                "`{}` is not a Dutch VAT number: it must read NL, nine digits, B and two digits (NL123456789B01)",
                text.trim()
            ))
        };
    }
    let shape = (4..=14).contains(&bytes.len())
        && bytes[..2].iter().all(u8::is_ascii_uppercase)
        && bytes[2..].iter().all(u8::is_ascii_alphanumeric);
    if shape {
        Ok(compact)
    } else {
        Err(format!(
            "`{}` is not a VAT number: it must start with a country code (NL123456789B01)",
            text.trim()
        ))
    }
}

/// A Chamber of Commerce (KvK) number: eight digits.
pub fn parse_kvk_number(text: &str) -> Result<String, String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if compact.len() == 8 && compact.bytes().all(|b| b.is_ascii_digit()) {
        Ok(compact)
    } else {
        Err(format!(
            "`{}` is not a KvK number: it must be eight digits",
            text.trim()
        ))
    }
}

/// A BIC (ISO 9362): 8 or 11 letters and digits, the country at positions 5 and 6.
pub fn parse_bic(text: &str) -> Result<String, String> {
    let bic = text.trim().to_ascii_uppercase();
    let bytes = bic.as_bytes();
    let shape = (bytes.len() == 8 || bytes.len() == 11)
        && bytes[..6].iter().all(u8::is_ascii_uppercase)
        && bytes[6..].iter().all(u8::is_ascii_alphanumeric);
    if shape {
        Ok(bic)
    } else {
        Err(format!(
            "`{}` is not a BIC: it must be 8 or 11 letters and digits",
            text.trim()
        ))
    }
}

/// An ISO 3166-1 alpha-2 country code.
pub fn parse_country_code(text: &str) -> Result<String, String> {
    let code = text.trim().to_ascii_uppercase();
    if code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(format!(
            "`{}` is not a country code: use two letters, such as NL",
            text.trim()
        ))
    }
}

/// A Mollie API key as Mollie issues them: `live_` or `test_` and 30 or more letters and digits.
pub fn parse_mollie_api_key(text: &str) -> Result<String, String> {
    let key = text.trim();
    let rest = key
        .strip_prefix("live_")
        .or_else(|| key.strip_prefix("test_"));
    match rest {
        Some(rest) if rest.len() >= 30 && rest.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            Ok(key.to_owned())
        }
        _ => Err("a Mollie API key starts with live_ or test_ followed by at least 30 letters and digits".to_owned()),
    }
}

/// A PNG or JPEG image of at most [`LOGO_MAX_BYTES`], recognised by its signature.
pub fn parse_logo(bytes: Vec<u8>) -> Result<Logo, String> {
    if bytes.len() > LOGO_MAX_BYTES {
        return Err(format!(
            "the logo is {} bytes; at most {LOGO_MAX_BYTES} are allowed",
            bytes.len()
        ));
    }
    let media_type = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        "image/png"
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else {
        return Err("the logo must be a PNG or JPEG image".to_owned());
    };
    Ok(Logo { bytes, media_type })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_iban_with_a_good_check_is_stored_without_spaces() {
        assert_eq!(
            parse_iban("nl91 abna 0417 1643 00").unwrap(),
            "NL91ABNA0417164300"
        );
    }

    #[test]
    fn an_iban_with_one_digit_changed_is_refused() {
        assert!(parse_iban("NL91ABNA0417164301").is_err());
        assert!(parse_iban("NL91ABNA041716430").is_err());
        assert!(parse_iban("").is_err());
    }

    #[test]
    fn dutch_vat_numbers_need_the_btw_id_shape() {
        assert_eq!(
            parse_vat_number("nl 8594.67.032B01").unwrap(),
            "NL859467032B01"
        );
        assert!(parse_vat_number("NL859467032").is_err());
        assert!(parse_vat_number("NL859467032X01").is_err());
        assert!(parse_vat_number("NL85946703B012").is_err());
        assert_eq!(parse_vat_number("DE123456789").unwrap(), "DE123456789");
        assert!(parse_vat_number("123456789").is_err());
    }

    #[test]
    fn kvk_numbers_are_eight_digits() {
        assert_eq!(parse_kvk_number("6959 1231").unwrap(), "69591231");
        assert!(parse_kvk_number("6959123").is_err());
        assert!(parse_kvk_number("6959123a").is_err());
    }

    #[test]
    fn bic_country_and_mollie_key_shapes() {
        assert_eq!(parse_bic("abnanl2a").unwrap(), "ABNANL2A");
        assert!(parse_bic("ABNA").is_err());
        assert_eq!(parse_country_code("nl").unwrap(), "NL");
        assert!(parse_country_code("NLD").is_err());
        assert!(parse_mollie_api_key("test_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM").is_ok());
        assert!(parse_mollie_api_key("test_short").is_err());
        assert!(parse_mollie_api_key("prod_dHar4XY7LxsDOtmnkVtjNVWXLSlXsM").is_err());
    }

    #[test]
    fn logos_are_png_or_jpeg_and_small() {
        assert_eq!(
            parse_logo(b"\x89PNG\r\n\x1a\nrest".to_vec())
                .unwrap()
                .media_type,
            "image/png"
        );
        assert_eq!(
            parse_logo(vec![0xFF, 0xD8, 0xFF, 0xE0]).unwrap().media_type,
            "image/jpeg"
        );
        assert!(parse_logo(b"GIF89a".to_vec()).is_err());
        assert!(parse_logo(vec![0xFF; LOGO_MAX_BYTES + 1]).is_err());
    }

    /// The e-invoice names the same missing fields as `missingForInvoices`, in its order,
    /// and the IBAN besides (payment instructions need it, a PDF does not): for every
    /// combination of the seven fields set or not, through the conversion the `/ubl`
    /// endpoint uses.
    #[test]
    fn the_e_invoice_lists_what_missing_for_invoices_lists_and_the_iban() {
        use crate::areas::customer_invoices::ubl::ubl_seller;
        use crate::einvoice::{Buyer, Invoice, Line, UblError, UblInput, render};
        use crate::kernel::money::Money;
        use crate::kernel::vat::VatRate;

        let complete = SellerDetails {
            legal_name: Some("Voorbeeld B.V.".into()),
            street: Some("Keizersgracht 1".into()),
            zip_code: Some("1015AA".into()),
            city: Some("Amsterdam".into()),
            country_code: "NL".into(),
            kvk_number: Some("69591231".into()),
            vat_number: Some("NL859467032B01".into()),
            iban: Some("NL91ABNA0417164300".into()),
            ..SellerDetails::default()
        };
        let buyer = Buyer {
            company_name: "Klant B.V.".into(),
            address: "Markt 2".into(),
            zip_code: "9711 LV".into(),
            city: "Groningen".into(),
            country_code: "NL".into(),
            email: "klant@example.nl".into(),
            coc_number: Some("12345678".into()),
            ..Buyer::default()
        };
        for unset in 0..(1u32 << 7) {
            let mut seller = complete.clone();
            let fields = [
                &mut seller.legal_name,
                &mut seller.street,
                &mut seller.zip_code,
                &mut seller.city,
                &mut seller.kvk_number,
                &mut seller.vat_number,
                &mut seller.iban,
            ];
            for (bit, field) in fields.into_iter().enumerate() {
                if unset & (1 << bit) != 0 {
                    *field = None;
                }
            }
            let mut expected = seller.missing_for_invoices();
            if seller.iban.is_none() {
                expected.push("iban");
            }
            let input = UblInput {
                seller: ubl_seller(&seller),
                buyer: buyer.clone(),
                invoice: Invoice {
                    number: "2025-001".into(),
                    issue_date: jiff::civil::Date::constant(2025, 4, 14),
                    due_date: jiff::civil::Date::constant(2025, 4, 28),
                    lines: vec![Line {
                        description: "Werk".into(),
                        amount_excl_vat: Money::from_cents(10_000),
                        vat_rate: VatRate::Standard,
                    }],
                    payment_reference: "2025-001".into(),
                    buyer_reference: None,
                    credited_invoice: None,
                    pdf: None,
                },
            };
            match render(&input) {
                Ok(_) => assert!(expected.is_empty(), "{unset:07b}: {expected:?}"),
                Err(UblError::IncompleteSeller { missing }) => {
                    assert_eq!(missing, expected, "{unset:07b}")
                }
                Err(other) => panic!("{unset:07b}: {other}"),
            }
        }
    }

    #[test]
    fn missing_fields_are_listed_by_their_api_names() {
        let seller = SellerDetails {
            legal_name: Some("Voorbeeld BV".into()),
            ..SellerDetails::default()
        };
        assert_eq!(
            seller.missing_for_invoices(),
            ["street", "zipCode", "city", "kvkNumber", "vatNumber"]
        );
    }
}
