//! The requests of the Customers API, as documented and as read, and the rules for what
//! `POST /customers` and `PATCH /customers/{id}` may store.

use serde::{Deserialize, Deserializer};
use serde_json::Value;
use utoipa::ToSchema;

use crate::areas::account::seller::parse_vat_number;
use crate::einvoice::parse_peppol_id;
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
    /// Our addition: the customer's VAT identification number with its country prefix,
    /// stated on e-invoices (spaces and dots are dropped).
    #[schema(value_type = Option<String>, example = "NL987654321B01")]
    vat_number: Option<Value>,
    /// Our addition: the customer's Chamber of Commerce number; for a Dutch customer its
    /// KvK number (eight digits) or, for a public body, its OIN (twenty digits).
    #[schema(value_type = Option<String>, example = "12345678")]
    coc_number: Option<Value>,
    /// Our addition: the customer's Peppol participant ID, `scheme:identifier`, where its
    /// e-invoices are addressed; with one, invoice e-mails carry the UBL e-invoice.
    #[schema(value_type = Option<String>, example = "0106:12345678")]
    peppol_id: Option<Value>,
    /// Our addition: attach the UBL e-invoice to this customer's invoice e-mails even
    /// without a `peppolId`. `false` when omitted.
    #[schema(value_type = Option<bool>, example = false)]
    send_ubl: Option<Value>,
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
    /// Our addition; `null` clears it.
    #[serde(default, deserialize_with = "null_kept")]
    #[schema(value_type = Option<String>)]
    vat_number: Option<Value>,
    /// Our addition; `null` clears it.
    #[serde(default, deserialize_with = "null_kept")]
    #[schema(value_type = Option<String>)]
    coc_number: Option<Value>,
    /// Our addition; `null` clears it.
    #[serde(default, deserialize_with = "null_kept")]
    #[schema(value_type = Option<String>)]
    peppol_id: Option<Value>,
    /// Our addition; `null` sets it back to `false`.
    #[serde(default, deserialize_with = "null_kept")]
    #[schema(value_type = Option<bool>)]
    send_ubl: Option<Value>,
}

/// A field an edit may clear: a JSON `null` is kept as `Some(Value::Null)`, told apart from
/// a field not sent at all (`None`, by `#[serde(default)]`).
fn null_kept<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

/// Longest accepted value of ordinary text fields (names, addresses).
pub const MAX_TEXT: usize = 255;
/// RFC 5321 limits a forward path to 254 characters.
pub const MAX_EMAIL: usize = 254;
pub const MAX_ZIP: usize = 20;
pub const MAX_PHONE: usize = 32;
/// Longest accepted input of the e-invoice identifiers, before spaces are dropped.
const MAX_VAT_INPUT: usize = 32;
const MAX_COC: usize = 35;
/// A four-digit scheme, `:`, and at most 128 characters (Peppol's participant IDs).
const MAX_PEPPOL_ID: usize = 133;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCustomer {
    pub company_name: String,
    pub address: String,
    pub zip_code: String,
    pub city: String,
    pub country_code: String,
    pub primary_email: String,
    pub phone: Option<String>,
    pub vat_number: Option<String>,
    pub coc_number: Option<String>,
    pub peppol_id: Option<String>,
    pub send_ubl: bool,
}

/// A partial update; `None` leaves the stored value as it is, and for the fields an edit
/// can clear, `Some(None)` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerPatch {
    pub company_name: Option<String>,
    pub address: Option<String>,
    pub zip_code: Option<String>,
    pub city: Option<String>,
    pub country_code: Option<String>,
    pub primary_email: Option<String>,
    pub phone: Option<String>,
    pub vat_number: Option<Option<String>>,
    pub coc_number: Option<Option<String>>,
    pub peppol_id: Option<Option<String>>,
    pub send_ubl: Option<bool>,
}

impl CustomerPatch {
    pub fn is_empty(&self) -> bool {
        *self == CustomerPatch::default()
    }
}

const EDITABLE: [&str; 11] = [
    "companyName",
    "address",
    "zipCode",
    "city",
    "countryCode",
    "primaryEmail",
    "phone",
    "vatNumber",
    "cocNumber",
    "peppolId",
    "sendUbl",
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
        let vat_number = vat_number_field(&mut f, given(&req.vat_number));
        let coc_number = coc_number_field(&mut f, given(&req.coc_number));
        let peppol_id = peppol_id_field(&mut f, given(&req.peppol_id));
        let send_ubl = f.optional_bool("sendUbl", given(&req.send_ubl));
        // A Dutch registration number has a shape; the country is known once both are read.
        if let (Some(country), Some(Some(coc))) = (&country_code, &coc_number)
            && let Some(message) = coc_number_problem(country, coc)
        {
            f.error("cocNumber", message);
        }
        match (
            company_name,
            address,
            zip_code,
            city,
            primary_email,
            country_code,
            phone,
            (vat_number, coc_number, peppol_id),
            send_ubl,
        ) {
            (
                Some(company_name),
                Some(address),
                Some(zip_code),
                Some(city),
                Some(primary_email),
                Some(country_code),
                Some(phone),
                (Some(vat_number), Some(coc_number), Some(peppol_id)),
                Some(send_ubl),
            ) if errors.is_empty() => Ok(NewCustomer {
                company_name,
                address,
                zip_code,
                city,
                country_code,
                primary_email,
                phone,
                vat_number,
                coc_number,
                peppol_id,
                send_ubl: send_ubl.unwrap_or(false),
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
        // A `null` counts as sent for the fields it clears.
        let sent_or_null = [
            &req.vat_number,
            &req.coc_number,
            &req.peppol_id,
            &req.send_ubl,
        ];
        if !sent.iter().any(|value| given(value).is_some())
            && !sent_or_null.iter().any(|value| value.is_some())
        {
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
        patch.vat_number = clearable(&mut f, &req.vat_number, vat_number_field);
        patch.coc_number = clearable(&mut f, &req.coc_number, coc_number_field);
        patch.peppol_id = clearable(&mut f, &req.peppol_id, peppol_id_field);
        if let (Some(country), Some(Some(coc))) = (&patch.country_code, &patch.coc_number)
            && let Some(message) = coc_number_problem(country, coc)
        {
            f.error("cocNumber", message);
        }
        patch.send_ubl = match &req.send_ubl {
            None => None,
            Some(Value::Null) => Some(false),
            Some(value) => f.optional_bool("sendUbl", Some(value)).flatten(),
        };
        if errors.is_empty() {
            Ok(patch)
        } else {
            Err(errors)
        }
    }
}

/// A field an edit can clear: absent keeps the stored value (`None`), `null` or `""`
/// clears it (`Some(None)`), anything else is read by `read` (`None` when invalid, with the
/// error recorded).
fn clearable(
    f: &mut Fields,
    value: &Option<Value>,
    read: fn(&mut Fields, Option<&Value>) -> Option<Option<String>>,
) -> Option<Option<String>> {
    match value {
        None => None,
        Some(Value::Null) => Some(None),
        Some(value) => read(f, Some(value)),
    }
}

/// An optional VAT identification number, by the seller's rules (`parse_vat_number`: the
/// Dutch btw-id shape, else two letters and 2 to 12 letters or digits), whose prefix is a
/// country code (or `EL`, Greece's), as an e-invoice requires (BR-CO-09). `Some(None)` when
/// absent or empty, `None` when invalid.
fn vat_number_field(f: &mut Fields, value: Option<&Value>) -> Option<Option<String>> {
    let text = f.optional_text("vatNumber", value, MAX_VAT_INPUT, TextKind::Line)?;
    let Some(text) = text else {
        return Some(None);
    };
    let checked = parse_vat_number(&text).and_then(|vat| {
        let prefix = &vat[..2];
        if is_country_code(prefix) || prefix == "EL" || prefix == "XI" {
            Ok(vat)
        } else {
            Err(format!(
                "`{text}` does not start with a country code (NL123456789B01)"
            ))
        }
    });
    match checked {
        Ok(vat) => Some(Some(vat)),
        Err(reason) => {
            let message = format!("The {} field is not valid: {reason}.", f.path("vatNumber"));
            f.error("vatNumber", message);
            None
        }
    }
}

/// An optional Chamber of Commerce number, stored without spaces and dots: letters, digits,
/// `-` and `/`. Whether a Dutch customer's has the KvK or OIN shape is
/// [`coc_number_problem`]'s to say, once the country is known.
fn coc_number_field(f: &mut Fields, value: Option<&Value>) -> Option<Option<String>> {
    let text = f.optional_text("cocNumber", value, MAX_COC, TextKind::Line)?;
    let Some(text) = text else {
        return Some(None);
    };
    let compact: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.')
        .collect();
    if !compact.is_empty()
        && compact
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '/')
    {
        Some(Some(compact))
    } else {
        let message = format!(
            "The {} field must be a registration number of letters and digits, such as the KvK number 12345678.",
            f.path("cocNumber")
        );
        f.error("cocNumber", message);
        None
    }
}

/// What is wrong with a Dutch customer's Chamber of Commerce number: it is its KvK number
/// (eight digits) or, for a public body, its OIN (twenty digits), the two the e-invoice
/// rules know for Dutch parties (schemes 0106 and 0190). Numbers of other countries have no
/// shape checked.
pub fn coc_number_problem(country_code: &str, coc_number: &str) -> Option<String> {
    let digits = coc_number.bytes().all(|b| b.is_ascii_digit());
    let dutch_shape = digits && matches!(coc_number.len(), 8 | 20);
    (country_code == "NL" && !dutch_shape).then(|| {
        "The cocNumber field of a Dutch customer must be its KvK number (eight digits) or, for a public body, its OIN (twenty digits).".to_owned()
    })
}

/// An optional Peppol participant ID, `scheme:identifier`, checked as the e-invoice
/// checks it (`einvoice::parse_peppol_id`: a scheme Peppol accepts, and the check digits
/// of the schemes that have them), so that a stored ID never fails an e-invoice.
fn peppol_id_field(f: &mut Fields, value: Option<&Value>) -> Option<Option<String>> {
    let text = f.optional_text("peppolId", value, MAX_PEPPOL_ID, TextKind::Line)?;
    let Some(text) = text else {
        return Some(None);
    };
    match parse_peppol_id(&text) {
        Ok(_) => Some(Some(text)),
        Err(reason) => {
            let message = format!("The {} field is not valid: {reason}.", f.path("peppolId"));
            f.error("peppolId", message);
            None
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

    #[test]
    fn e_invoice_identifiers_are_checked_by_shape_and_stored_compact() {
        let mut body = json!({"companyName": "Test BV", "address": "Teststraat 1", "zipCode": "1234AB",
                              "city": "Amsterdam", "primaryEmail": "info@test.nl",
                              "vatNumber": "nl 8594.67.032b01", "cocNumber": "6959 1231",
                              "peppolId": " 0106:69591231 ", "sendUbl": true});
        let c = NewCustomer::try_from(create(body.clone())).unwrap();
        assert_eq!(c.vat_number.as_deref(), Some("NL859467032B01"));
        assert_eq!(c.coc_number.as_deref(), Some("69591231"));
        assert_eq!(c.peppol_id.as_deref(), Some("0106:69591231"));
        assert!(c.send_ubl);

        // A foreign customer's registration number has no fixed shape; a Dutch one does.
        body["countryCode"] = json!("BE");
        body["cocNumber"] = json!("0203.201.340");
        body["vatNumber"] = json!("BE0203201340");
        let c = NewCustomer::try_from(create(body.clone())).unwrap();
        assert_eq!(c.coc_number.as_deref(), Some("0203201340"));
        body["countryCode"] = json!("NL");
        let errors = NewCustomer::try_from(create(body.clone())).unwrap_err();
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["cocNumber"]);

        for (field, bad) in [
            ("vatNumber", json!("NL859467032")),
            ("vatNumber", json!("QQ123456789")),
            ("vatNumber", json!(12)),
            ("cocNumber", json!("1234 <5678>")),
            ("peppolId", json!("12345678")),
            ("peppolId", json!("0208:0203201341")),
            ("sendUbl", json!("yes")),
        ] {
            let mut body = body.clone();
            body["countryCode"] = json!("BE");
            body[field] = bad.clone();
            let errors = NewCustomer::try_from(create(body)).unwrap_err();
            assert_eq!(errors.keys().collect::<Vec<_>>(), [field], "{bad}");
        }
        // Greek VAT numbers start with EL, not the country code GR.
        body["countryCode"] = json!("GR");
        body["cocNumber"] = json!(null);
        body["vatNumber"] = json!("EL123456789");
        assert!(NewCustomer::try_from(create(body)).is_ok());
    }

    #[test]
    fn an_edit_clears_an_identifier_with_null_and_keeps_what_it_does_not_send() {
        let patch = CustomerPatch::try_from(edit(
            json!({"vatNumber": null, "cocNumber": "", "sendUbl": null}),
        ))
        .unwrap();
        assert_eq!(patch.vat_number, Some(None));
        assert_eq!(patch.coc_number, Some(None));
        assert_eq!(patch.peppol_id, None);
        assert_eq!(patch.send_ubl, Some(false));
        assert_eq!(patch.phone, None);
        let patch =
            CustomerPatch::try_from(edit(json!({"peppolId": "9944:NL859467032B01"}))).unwrap();
        assert_eq!(patch.peppol_id, Some(Some("9944:NL859467032B01".into())));
        let errors =
            CustomerPatch::try_from(edit(json!({"countryCode": "nl", "cocNumber": "1234"})))
                .unwrap_err();
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["cocNumber"]);
    }
}
