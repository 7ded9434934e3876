//! The account setting `invoiceNumberFormat` (default `{YYYY}-{SEQ:4}`): reading it, and
//! writing the number of a generated invoice.
//!
//! Placeholders (upper case, in braces):
//! - `{YYYY}` the year of the invoice date, `{YY}` its last two digits, `{MM}` its month
//!   (`01`-`12`);
//! - `{SEQ}` the sequence number, `{SEQ:n}` the same padded with zeros to at least `n`
//!   digits (`n` from 1 to 9; a number that outgrows the padding keeps all its digits).
//!
//! Exactly one sequence placeholder is required. Everything else is literal text; braces are
//! only allowed around placeholders, control characters not at all, and the format may not
//! start or end with a space (invoice numbers are compared after trimming).
//!
//! The sequence is per account and calendar year when the format shows the year (`{YYYY}` or
//! `{YY}`), and one sequence for all years when it does not, so a number never repeats:
//! `F{SEQ:5}` continues from `F00120` on 1 January instead of restarting at `F00001`.
//! The year is that of the invoice date (`issuedAt`), not of the moment it was made, so a
//! December period billed after New Year's downtime still counts in December's year.

use std::fmt;

use jiff::civil::Date;

/// The default format, and the format of accounts that never set one.
pub const DEFAULT_FORMAT: &str = "{YYYY}-{SEQ:4}";

/// Invoice numbers are at most 64 characters (DECISIONS.md, `invoiceNumber`); a format must
/// leave room for a ten-digit sequence.
const MAX_NUMBER_LENGTH: usize = 64;
const ROOM_FOR_SEQUENCE: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Literal(String),
    Year,
    ShortYear,
    Month,
    Sequence { width: usize },
}

/// A checked `invoiceNumberFormat`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat {
    text: String,
    parts: Vec<Part>,
}

/// Which counter a generated number takes its sequence from, within one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SequenceScope {
    Year(i16),
    AllYears,
}

impl SequenceScope {
    /// The stored key of the counter: `"2025"`, or `"all"`.
    pub fn key(self) -> String {
        match self {
            SequenceScope::Year(year) => format!("{year:04}"),
            SequenceScope::AllYears => "all".to_owned(),
        }
    }
}

/// Why a text is not a usable format; each message is shown beside the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    #[error(
        "Must contain {{SEQ}} or {{SEQ:n}}, for the sequence number, like \"{{YYYY}}-{{SEQ:4}}\"."
    )]
    NoSequence,
    #[error("Must contain only one {{SEQ}} or {{SEQ:n}}.")]
    TwoSequences,
    #[error(
        "Unknown placeholder {{{0}}}: use {{YYYY}}, {{YY}}, {{MM}}, {{SEQ}} or {{SEQ:n}} (upper case)."
    )]
    UnknownPlaceholder(String),
    #[error("{{SEQ:n}} takes a width from 1 to 9, like {{SEQ:4}}.")]
    BadWidth,
    #[error("A \"{{\" must be closed by \"}}\"; braces are only allowed around placeholders.")]
    Unclosed,
    #[error("A \"}}\" has no \"{{\" before it; braces are only allowed around placeholders.")]
    StrayClose,
    #[error("Must not contain control characters such as tabs or line breaks.")]
    ControlCharacter,
    #[error("Must not start or end with a space.")]
    OuterSpace,
    #[error("Too long: a number made from it must fit in 64 characters with a 10-digit sequence.")]
    TooLong,
}

impl NumberFormat {
    /// Reads and checks a format.
    pub fn parse(text: &str) -> Result<NumberFormat, FormatError> {
        if text.chars().any(char::is_control) {
            return Err(FormatError::ControlCharacter);
        }
        if text.trim() != text {
            return Err(FormatError::OuterSpace);
        }
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            match c {
                '{' => {
                    let close = rest.find('}').ok_or(FormatError::Unclosed)?;
                    let name = &rest[1..close];
                    if name.contains('{') {
                        return Err(FormatError::Unclosed);
                    }
                    if !literal.is_empty() {
                        parts.push(Part::Literal(std::mem::take(&mut literal)));
                    }
                    parts.push(placeholder(name)?);
                    rest = &rest[close + 1..];
                }
                '}' => return Err(FormatError::StrayClose),
                _ => {
                    literal.push(c);
                    rest = &rest[c.len_utf8()..];
                }
            }
        }
        if !literal.is_empty() {
            parts.push(Part::Literal(literal));
        }
        match parts
            .iter()
            .filter(|p| matches!(p, Part::Sequence { .. }))
            .count()
        {
            0 => return Err(FormatError::NoSequence),
            1 => {}
            _ => return Err(FormatError::TwoSequences),
        }
        let format = NumberFormat {
            text: text.to_owned(),
            parts,
        };
        if format.longest_number() > MAX_NUMBER_LENGTH {
            return Err(FormatError::TooLong);
        }
        Ok(format)
    }

    /// The format as the account set it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The counter that numbers an invoice dated `date`.
    pub fn scope(&self, date: Date) -> SequenceScope {
        let shows_year = self
            .parts
            .iter()
            .any(|p| matches!(p, Part::Year | Part::ShortYear));
        if shows_year {
            SequenceScope::Year(date.year())
        } else {
            SequenceScope::AllYears
        }
    }

    /// The number of the invoice dated `date` with sequence number `seq` (from 1).
    pub fn render(&self, date: Date, seq: u64) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Year => out.push_str(&format!("{:04}", date.year())),
                Part::ShortYear => out.push_str(&format!("{:02}", date.year() % 100)),
                Part::Month => out.push_str(&format!("{:02}", date.month())),
                Part::Sequence { width } => out.push_str(&format!("{seq:0width$}")),
            }
        }
        out
    }

    /// The numbers the sequence offers from `next` on (a counter never written is 1), in
    /// order: the store takes the first one no invoice of the account holds, probing each
    /// with the unique index on `(account_id, invoice_number)`. Skipped ones are taken by
    /// invoices made through the API, which may use any number.
    pub fn candidates(&self, date: Date, next: u64) -> impl Iterator<Item = (u64, String)> + '_ {
        (next.max(1)..).map(move |seq| (seq, self.render(date, seq)))
    }

    /// The first of [`NumberFormat::candidates`] that `taken` says is free.
    pub fn first_free(
        &self,
        date: Date,
        next: u64,
        mut taken: impl FnMut(&str) -> bool,
    ) -> (u64, String) {
        self.candidates(date, next)
            .find(|(_, number)| !taken(number))
            .expect("the sequence is endless")
    }

    fn longest_number(&self) -> usize {
        self.parts
            .iter()
            .map(|part| match part {
                Part::Literal(text) => text.chars().count(),
                Part::Year => 4,
                Part::ShortYear | Part::Month => 2,
                Part::Sequence { width } => (*width).max(ROOM_FOR_SEQUENCE),
            })
            .sum()
    }
}

impl Default for NumberFormat {
    fn default() -> NumberFormat {
        NumberFormat::parse(DEFAULT_FORMAT).expect("the default format is valid")
    }
}

impl fmt::Display for NumberFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

fn placeholder(name: &str) -> Result<Part, FormatError> {
    Ok(match name {
        "YYYY" => Part::Year,
        "YY" => Part::ShortYear,
        "MM" => Part::Month,
        "SEQ" => Part::Sequence { width: 1 },
        _ => match name.strip_prefix("SEQ:").map(str::as_bytes) {
            // One digit, 1-9: `{SEQ:04}`, `{SEQ:+4}` and `{SEQ:10}` are refused.
            Some(&[digit @ b'1'..=b'9']) => Part::Sequence {
                width: usize::from(digit - b'0'),
            },
            Some(_) => return Err(FormatError::BadWidth),
            None => return Err(FormatError::UnknownPlaceholder(name.to_owned())),
        },
    })
}

#[cfg(test)]
#[path = "numbering_tests.rs"]
mod tests;
