//! Lines of a manual document (an invoice today, an offer next): a description, an amount
//! without VAT and a VAT rate each, read from a request with every problem named by path
//! (`lines.3.vatRate`), and totalled by the one VAT computation.

use serde::Deserialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::input::{Fields, TextKind, add_error, given};
use super::money::Money;
use super::vat::{LineInput, Totals, VatRate, compute_totals};

/// DECISIONS.md: 1 to 1000 lines, descriptions of 1 to 1000 characters.
pub const MAX_LINES: usize = 1000;
pub const MAX_DESCRIPTION: usize = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualLine {
    pub description: String,
    pub amount_excl_vat: Money,
    pub vat_rate: VatRate,
}

// One line of a request as documented; `parse_lines` reads each line into it.
#[derive(Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ManualLineRequest {
    #[schema(value_type = String, required = true, example = "Website template", max_length = 1000)]
    description: Option<Value>,
    /// Amount of the line without VAT, as `string` (a JSON number is accepted too); at most
    /// two decimals. Only Euro (EUR) is supported.
    #[schema(value_type = String, required = true, example = "12.95")]
    amount_excl_vat: Option<Value>,
    /// Percentage of the VAT that should be applied: `0`, `9` or `21`.
    #[schema(value_type = u8, required = true, example = 21)]
    vat_rate: Option<Value>,
}

/// The totals of a manual document: the one computation every view of it uses.
pub fn totals(lines: &[ManualLine]) -> Totals {
    let inputs: Vec<LineInput> = lines
        .iter()
        .map(|l| LineInput {
            amount_excl_vat: l.amount_excl_vat,
            rate: l.vat_rate,
        })
        .collect();
    compute_totals(&inputs)
}

/// Reads the `lines` field: 1 to [`MAX_LINES`] objects, each with a description, an
/// amount and a rate; `None` (with the errors written) when any of it is wrong.
pub fn parse_lines(f: &mut Fields, value: Option<&Value>) -> Option<Vec<ManualLine>> {
    let path = f.path("lines");
    let Some(value) = value.filter(|v| !v.is_null()) else {
        f.error("lines", format!("The {path} field is required."));
        return None;
    };
    let Some(items) = value.as_array() else {
        f.error(
            "lines",
            format!("The {path} field must be an array of lines."),
        );
        return None;
    };
    if items.is_empty() {
        f.error(
            "lines",
            format!("The {path} field must have at least 1 line."),
        );
        return None;
    }
    if items.len() > MAX_LINES {
        f.error(
            "lines",
            format!(
                "The {path} field must not have more than {MAX_LINES} lines (it has {}).",
                items.len()
            ),
        );
        return None;
    }
    let errors = f.errors_mut();
    let mut lines = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let prefix = format!("{path}.{i}");
        let request = match item {
            Value::Object(_) => ManualLineRequest::deserialize(item).ok(),
            _ => None,
        };
        let Some(request) = request else {
            add_error(
                errors,
                prefix.clone(),
                format!("The {prefix} field must be an object."),
            );
            continue;
        };
        let mut line = Fields::nested(prefix, errors);
        let description = line.required_text(
            "description",
            given(&request.description),
            MAX_DESCRIPTION,
            TextKind::Multiline,
        );
        let amount = line.required_value("amountExclVat", given(&request.amount_excl_vat), |v| {
            Money::from_json(v).map_err(|e| e.to_string())
        });
        let rate = line.required_value("vatRate", given(&request.vat_rate), |v| {
            VatRate::from_json(v).map_err(|e| e.to_string())
        });
        if let (Some(description), Some(amount_excl_vat), Some(vat_rate)) =
            (description, amount, rate)
        {
            lines.push(ManualLine {
                description,
                amount_excl_vat,
                vat_rate,
            });
        }
    }
    (lines.len() == items.len()).then_some(lines)
}
