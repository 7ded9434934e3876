//! The request of Create Payment Link (`payment-links.md`), as documented and as read.

use crate::kernel::input::{FieldErrors, Fields, TextKind, given};
use crate::kernel::money::Money;
use crate::kernel::time::parse_date;
use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

// The request of Create Payment Link, read by `NewPaymentLink::parse`.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct CreatePaymentLinkRequest {
    /// Also shown on the payer's bank statement; 1 to 255 characters.
    #[schema(value_type = String, required = true, example = "Contribution costs")]
    description: Option<Value>,
    /// In euros, more than zero, at most two decimals; a string or a number.
    #[schema(value_type = String, required = true, example = "12.95")]
    amount: Option<Value>,
    /// `YYYY-MM-DD`, today or later; the link works through the end of that day.
    #[schema(value_type = Option<String>, example = "2024-05-04")]
    expires_at: Option<Value>,
    /// Default `false`: the link is paid once.
    #[schema(value_type = Option<bool>)]
    reusable: Option<Value>,
}

/// The description is also what the payer's bank statement shows; providers cut long ones.
pub const MAX_DESCRIPTION: usize = 255;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPaymentLink {
    pub description: String,
    /// More than zero.
    pub amount: Money,
    pub reusable: bool,
    /// The end of the `expiresAt` day in the deployment's zone: the link works through that
    /// whole day.
    pub expires_at: Option<Timestamp>,
}

impl NewPaymentLink {
    pub fn parse(
        req: CreatePaymentLinkRequest,
        tz: &TimeZone,
        now: Timestamp,
    ) -> Result<NewPaymentLink, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut f = Fields::new(&mut errors);
        let description = f.required_text(
            "description",
            given(&req.description),
            MAX_DESCRIPTION,
            TextKind::Line,
        );
        let amount = match given(&req.amount) {
            None => {
                f.error("amount", "The amount field is required.");
                None
            }
            Some(value) => match Money::from_json(value) {
                Ok(amount) if amount.cents() > 0 => Some(amount),
                Ok(_) => {
                    f.error(
                        "amount",
                        "Must be more than 0.00: a payment link collects money.",
                    );
                    None
                }
                Err(e) => {
                    f.error("amount", e.to_string());
                    None
                }
            },
        };
        let reusable = f.optional_bool("reusable", given(&req.reusable));
        let expires_at = match given(&req.expires_at) {
            None => Some(None),
            Some(value) => match expiry(value, tz, now) {
                Ok(at) => Some(Some(at)),
                Err(message) => {
                    f.error("expiresAt", message);
                    None
                }
            },
        };
        match (description, amount, reusable, expires_at) {
            (Some(description), Some(amount), Some(reusable), Some(expires_at))
                if errors.is_empty() =>
            {
                Ok(NewPaymentLink {
                    description,
                    amount,
                    reusable: reusable.unwrap_or(false),
                    expires_at,
                })
            }
            _ => Err(errors),
        }
    }
}

/// `YYYY-MM-DD`, today or later: the link stops working when that day ends.
fn expiry(value: &Value, tz: &TimeZone, now: Timestamp) -> Result<Timestamp, String> {
    let text = value
        .as_str()
        .ok_or_else(|| "Must be a date string in the format YYYY-MM-DD.".to_owned())?;
    let date: Date = parse_date(text).map_err(str::to_owned)?;
    let today = now.to_zoned(tz.clone()).date();
    if date < today {
        return Err(format!("Must be today ({today}) or a later date."));
    }
    let next_day = date
        .tomorrow()
        .map_err(|_| "Must be a date before the year 9999.".to_owned())?;
    next_day
        .to_zoned(tz.clone())
        .map(|start| start.timestamp())
        .map_err(|_| "Must be a date this server can represent.".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(body: Value) -> Result<NewPaymentLink, FieldErrors> {
        let tz = TimeZone::get("Europe/Amsterdam").unwrap();
        let now: Timestamp = "2024-04-29T19:00:00Z".parse().unwrap();
        NewPaymentLink::parse(serde_json::from_value(body).unwrap(), &tz, now)
    }

    #[test]
    fn the_reference_example_is_accepted_and_expires_when_its_day_ends() {
        let link = parse(
            json!({"description": "Contribution costs", "amount": "12.95",
            "expiresAt": "2024-05-04", "reusable": true}),
        )
        .unwrap();
        assert_eq!(link.amount, Money::from_cents(1295));
        assert!(link.reusable);
        // Midnight at the end of 4 May in Amsterdam (summer time) is 22:00 UTC.
        assert_eq!(link.expires_at.unwrap().to_string(), "2024-05-04T22:00:00Z");
    }

    #[test]
    fn reusable_defaults_to_single_use_and_expiry_to_none() {
        let link = parse(json!({"description": "x", "amount": 1})).unwrap();
        assert!(!link.reusable);
        assert_eq!(link.expires_at, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let errors = parse(json!({"amount": "0.00", "expiresAt": "2024-04-28", "reusable": "yes"}))
            .unwrap_err();
        let fields: Vec<&str> = errors.keys().map(String::as_str).collect();
        assert_eq!(fields, ["amount", "description", "expiresAt", "reusable"]);
        assert!(parse(json!({"description": "x", "amount": "-1.00"})).is_err());
        assert!(parse(json!({"description": "x", "amount": "1.005"})).is_err());
        assert!(
            parse(json!({"description": "x", "amount": "1", "expiresAt": "2024-02-30"})).is_err()
        );
    }
}
