//! The requests of the Customers API, as documented and as read, and the rules for what
//! `POST /customers` and `PATCH /customers/{id}` may store.

use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use crate::kernel::input::is_valid_email;
use crate::kernel::input::{FieldErrors, Fields, TextKind, given};

// Read into `NewCustomer` by `TryFrom`, with every field checked.
/// The request of Create Customer.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreateCustomerRequest {
    #[schema(value_type = String, required = true, example = "Test Company BV", max_length = 255)]
    company_name: Option<Value>,
    #[schema(value_type = String, required = true, example = "Teststreet 123", max_length = 255)]
    address: Option<Value>,
    #[schema(value_type = String, required = true, example = "1234AB", max_length = 20)]
    zip_code: Option<Value>,
    #[schema(value_type = String, required = true, example = "Amsterdam", max_length = 255)]
    city: Option<Value>,
    #[schema(value_type = String, required = true, example = "john.doe@test.com", max_length = 254)]
    primary_email: Option<Value>,
    /// ISO 3166-1 alpha-2; `NL` when omitted.
    #[schema(value_type = Option<String>, example = "NL")]
    country_code: Option<Value>,
    /// Our addition: the customer's phone number.
    #[schema(value_type = Option<String>, example = "+312012345678")]
    phone: Option<Value>,
}

/// The request of Edit Customer: every field optional, at least one required.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct EditCustomerRequest {
    #[schema(value_type = Option<String>)]
    company_name: Option<Value>,
    #[schema(value_type = Option<String>)]
    address: Option<Value>,
    #[schema(value_type = Option<String>)]
    zip_code: Option<Value>,
    #[schema(value_type = Option<String>)]
    city: Option<Value>,
    #[schema(value_type = Option<String>)]
    primary_email: Option<Value>,
    #[schema(value_type = Option<String>)]
    country_code: Option<Value>,
    #[schema(value_type = Option<String>)]
    phone: Option<Value>,
}

/// Longest accepted value of ordinary text fields (names, addresses).
pub const MAX_TEXT: usize = 255;
/// RFC 5321 limits a forward path to 254 characters.
pub const MAX_EMAIL: usize = 254;
pub const MAX_ZIP: usize = 20;
pub const MAX_PHONE: usize = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCustomer {
    pub company_name: String,
    pub address: String,
    pub zip_code: String,
    pub city: String,
    pub country_code: String,
    pub primary_email: String,
    pub phone: Option<String>,
}

/// A partial update; `None` leaves the stored value as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerPatch {
    pub company_name: Option<String>,
    pub address: Option<String>,
    pub zip_code: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub primary_email: Option<String>,
    pub phone: Option<String>,
}

impl CustomerPatch {
    pub fn is_empty(&self) -> bool {
        *self == CustomerPatch::default()
    }
}

const EDITABLE: [&str; 7] = [
    "companyName",
    "address",
    "zipCode",
    "city",
    "countryCode",
    "primaryEmail",
    "phone",
];

impl TryFrom<CreateCustomerRequest> for NewCustomer {
    type Error = FieldErrors;

    fn try_from(req: CreateCustomerRequest) -> Result<NewCustomer, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut f = Fields::new(&mut errors);
        let line = TextKind::Line;
        let company_name = f.required_text("companyName", given(&req.company_name), MAX_TEXT, line);
        let address = f.required_text("address", given(&req.address), MAX_TEXT, line);
        let zip_code = f.required_text("zipCode", given(&req.zip_code), MAX_ZIP, line);
        let city = f.required_text("city", given(&req.city), MAX_TEXT, line);
        let primary_email = f
            .required_text("primaryEmail", given(&req.primary_email), MAX_EMAIL, line)
            .and_then(|e| checked_email(&mut f, e));
        let country_code = f
            .optional_text("countryCode", given(&req.country_code), MAX_TEXT, line)
            .map(|c| c.unwrap_or_else(|| "NL".to_owned()))
            .and_then(|c| checked_country(&mut f, c));
        let phone = f.optional_text("phone", given(&req.phone), MAX_PHONE, line);
        match (
            company_name,
            address,
            zip_code,
            city,
            primary_email,
            country_code,
            phone,
        ) {
            (
                Some(company_name),
                Some(address),
                Some(zip_code),
                Some(city),
                Some(primary_email),
                Some(country_code),
                Some(phone),
            ) if errors.is_empty() => Ok(NewCustomer {
                company_name,
                address,
                zip_code,
                city,
                country_code,
                primary_email,
                phone,
            }),
            _ => Err(errors),
        }
    }
}

impl TryFrom<EditCustomerRequest> for CustomerPatch {
    type Error = FieldErrors;

    /// Every field is optional, but at least one must be sent (`customers.md`, Edit Customer).
    fn try_from(req: EditCustomerRequest) -> Result<CustomerPatch, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut f = Fields::new(&mut errors);
        let sent = [
            &req.company_name,
            &req.address,
            &req.zip_code,
            &req.city,
            &req.country_code,
            &req.primary_email,
            &req.phone,
        ];
        if !sent.iter().any(|value| given(value).is_some()) {
            f.error(
                "body",
                format!(
                    "Send at least one of the fields {} to change.",
                    EDITABLE.join(", ")
                ),
            );
            return Err(errors);
        }
        let mut patch = CustomerPatch::default();
        let text = |f: &mut Fields, name: &str, value: &Option<Value>, max: usize| {
            given(value).and_then(|v| f.required_text(name, Some(v), max, TextKind::Line))
        };
        patch.company_name = text(&mut f, "companyName", &req.company_name, MAX_TEXT);
        patch.address = text(&mut f, "address", &req.address, MAX_TEXT);
        patch.zip_code = text(&mut f, "zipCode", &req.zip_code, MAX_ZIP);
        patch.city = text(&mut f, "city", &req.city, MAX_TEXT);
        patch.primary_email = text(&mut f, "primaryEmail", &req.primary_email, MAX_EMAIL)
            .and_then(|e| checked_email(&mut f, e));
        patch.country_code = text(&mut f, "countryCode", &req.country_code, MAX_TEXT)
            .and_then(|c| checked_country(&mut f, c));
        patch.phone = text(&mut f, "phone", &req.phone, MAX_PHONE);
        if errors.is_empty() {
            Ok(patch)
        } else {
            Err(errors)
        }
    }
}

fn checked_email(f: &mut Fields, email: String) -> Option<String> {
    if is_valid_email(&email) {
        Some(email)
    } else {
        let msg = format!(
            "The {} field must be a valid e-mail address.",
            f.path("primaryEmail")
        );
        f.error("primaryEmail", msg);
        None
    }
}

fn checked_country(f: &mut Fields, code: String) -> Option<String> {
    let upper = code.to_ascii_uppercase();
    if is_country_code(&upper) {
        Some(upper)
    } else {
        let msg = format!(
            "The {} field must be an ISO 3166-1 alpha-2 country code, like \"NL\" or \"BE\".",
            f.path("countryCode")
        );
        f.error("countryCode", msg);
        None
    }
}

/// Every officially assigned ISO 3166-1 alpha-2 code.
const COUNTRY_CODES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS \
BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ \
FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT \
JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP \
MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE \
RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV \
TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && COUNTRY_CODES.split(' ').any(|c| c == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn create(body: Value) -> CreateCustomerRequest {
        serde_json::from_value(body).unwrap()
    }

    fn edit(body: Value) -> EditCustomerRequest {
        serde_json::from_value(body).unwrap()
    }

    #[test]
    fn the_country_list_has_every_assigned_code_once() {
        let codes: Vec<&str> = COUNTRY_CODES.split(' ').collect();
        assert_eq!(codes.len(), 249);
        let unique: std::collections::BTreeSet<_> = codes.iter().collect();
        assert_eq!(unique.len(), 249);
        assert!(
            is_country_code("NL")
                && is_country_code("BE")
                && !is_country_code("XX")
                && !is_country_code("UK")
        );
    }

    #[test]
    fn email_addresses_are_checked_for_shape() {
        for ok in [
            "john.doe@test.com",
            "a+b@sub.example.nl",
            "x@xn--bcher-kva.example",
        ] {
            assert!(is_valid_email(ok), "{ok}");
        }
        for bad in [
            "", "plain", "@x.nl", "a@", "a@nl", "a b@x.nl", "a@@x.nl", "a@x..nl", ".a@x.nl",
            "a@-x.nl", "a@x.n1",
        ] {
            assert!(!is_valid_email(bad), "{bad}");
        }
    }

    #[test]
    fn a_new_customer_defaults_to_the_netherlands_and_reports_every_bad_field() {
        let body = json!({"companyName": "Test BV", "address": "Teststraat 1", "zipCode": "1234AB",
                          "city": "Amsterdam", "primaryEmail": "info@test.nl"});
        let c = NewCustomer::try_from(create(body)).unwrap();
        assert_eq!(c.country_code, "NL");
        let bad = json!({"companyName": 5, "primaryEmail": "nope", "countryCode": "Nederland"});
        let errors = NewCustomer::try_from(create(bad)).unwrap_err();
        assert_eq!(
            errors.keys().map(String::as_str).collect::<Vec<_>>(),
            [
                "address",
                "city",
                "companyName",
                "countryCode",
                "primaryEmail",
                "zipCode"
            ]
        );
    }

    #[test]
    fn an_empty_patch_is_refused() {
        let errors = CustomerPatch::try_from(edit(json!({"unknown": 1}))).unwrap_err();
        assert!(errors.contains_key("body"));
        let patch = CustomerPatch::try_from(edit(json!({"city": " Utrecht "}))).unwrap();
        assert_eq!(patch.city.as_deref(), Some("Utrecht"));
    }
}
