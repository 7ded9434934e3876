//! How amounts, dates, IBANs and rates are written in Dutch and in English: one module for
//! the PDF, the pages and the e-mails alike.

use jiff::civil::Date;

use super::money::Money;
use super::vat::VatRate;

/// The language of the document: every label and every number follows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Language {
    /// `nl`: `€ 1.234,56`, `14-04-2025`.
    Dutch,
    /// `en`: `€1,234.56`, `14 April 2025`.
    English,
}

impl Language {
    /// The account's `locale` setting; anything but `en` is Dutch, the default of the API.
    pub fn from_locale(locale: &str) -> Language {
        if locale.eq_ignore_ascii_case("en") {
            Language::English
        } else {
            Language::Dutch
        }
    }

    /// The BCP 47 tag, for the document's `/Lang`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::Dutch => "nl",
            Language::English => "en",
        }
    }
}

/// An amount in euros: `€ 1.234,56` and `€ -5,00` in Dutch, `€1,234.56` and `-€5.00` in
/// English (the same spelling as the notification e-mail).
pub fn money(amount: Money, language: Language) -> String {
    let cents = amount.cents();
    // `unsigned_abs` is total, even for `i64::MIN`.
    let abs = cents.unsigned_abs();
    let (group, decimal) = match language {
        Language::Dutch => ('.', ','),
        Language::English => (',', '.'),
    };
    let whole = (abs / 100).to_string();
    let mut grouped = String::with_capacity(whole.len() + whole.len() / 3);
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(group);
        }
        grouped.push(digit);
    }
    let sign = if cents < 0 { "-" } else { "" };
    let fraction = abs % 100;
    match language {
        Language::Dutch => format!("€ {sign}{grouped}{decimal}{fraction:02}"),
        Language::English => format!("{sign}€{grouped}{decimal}{fraction:02}"),
    }
}

/// A calendar date: `14-04-2025` in Dutch, `14 April 2025` in English.
pub fn date(date: Date, language: Language) -> String {
    match language {
        Language::Dutch => date.strftime("%d-%m-%Y").to_string(),
        Language::English => date.strftime("%-d %B %Y").to_string(),
    }
}

/// An IBAN in groups of four, as printed on paper: `NL91 ABNA 0417 1643 00`. Spaces in the
/// input are dropped and letters capitalised first, so any spelling prints the same.
pub fn iban(iban: &str) -> String {
    let compact: Vec<char> = iban
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect();
    compact
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join(" ")
}

/// A VAT rate: `21%`.
pub fn rate(rate: VatRate) -> String {
    format!("{}%", rate.percent())
}

/// A payment term: `30 dagen`, `1 dag`; `30 days`, `1 day`.
pub fn days(days: i64, language: Language) -> String {
    match (language, days) {
        (Language::Dutch, 1) => "1 dag".to_owned(),
        (Language::Dutch, n) => format!("{n} dagen"),
        (Language::English, 1) => "1 day".to_owned(),
        (Language::English, n) => format!("{n} days"),
    }
}

/// One line of the VAT breakdown: `Btw 21% over € 13,55`, `VAT 21% on €13.55`.
pub fn vat_over(rate: VatRate, taxable: Money, language: Language) -> String {
    let (vat, over) = match language {
        Language::Dutch => ("Btw", "over"),
        Language::English => ("VAT", "on"),
    };
    format!(
        "{vat} {} {over} {}",
        self::rate(rate),
        money(taxable, language)
    )
}

/// The page number in the footer: `Pagina 1/3`, `Page 1/3`.
pub fn page_number(page: usize, pages: usize, language: Language) -> String {
    let word = match language {
        Language::Dutch => "Pagina",
        Language::English => "Page",
    };
    format!("{word} {page}/{pages}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use Language::{Dutch, English};

    fn eur(cents: i64) -> Money {
        Money::from_cents(cents)
    }

    #[test]
    fn dutch_amounts_use_a_comma_and_dots_between_thousands() {
        assert_eq!(money(eur(123_456), Dutch), "€ 1.234,56");
        assert_eq!(money(eur(0), Dutch), "€ 0,00");
        assert_eq!(money(eur(5), Dutch), "€ 0,05");
        assert_eq!(money(eur(-500), Dutch), "€ -5,00");
        assert_eq!(money(eur(-123_456_789), Dutch), "€ -1.234.567,89");
        assert_eq!(money(eur(99_999_999_999), Dutch), "€ 999.999.999,99");
        assert_eq!(money(eur(100_000), Dutch), "€ 1.000,00");
        assert_eq!(money(eur(99_900), Dutch), "€ 999,00");
    }

    #[test]
    fn english_amounts_use_a_point_and_commas_between_thousands() {
        assert_eq!(money(eur(123_456), English), "€1,234.56");
        assert_eq!(money(eur(0), English), "€0.00");
        assert_eq!(money(eur(-500), English), "-€5.00");
        assert_eq!(money(eur(-1), English), "-€0.01");
        // A total over many lines may exceed the largest single amount.
        assert_eq!(
            money(eur(121_000_000_000_000), English),
            "€1,210,000,000,000.00"
        );
        assert_eq!(money(eur(i64::MIN), English), "-€92,233,720,368,547,758.08");
    }

    #[test]
    fn dates_follow_the_language() {
        let day = Date::constant(2025, 4, 14);
        assert_eq!(date(day, Dutch), "14-04-2025");
        assert_eq!(date(day, English), "14 April 2025");
        let first = Date::constant(2026, 1, 1);
        assert_eq!(date(first, Dutch), "01-01-2026");
        assert_eq!(date(first, English), "1 January 2026");
    }

    #[test]
    fn ibans_are_printed_in_groups_of_four() {
        assert_eq!(iban("NL91ABNA0417164300"), "NL91 ABNA 0417 1643 00");
        assert_eq!(iban("nl91 abna 0417 1643 00"), "NL91 ABNA 0417 1643 00");
        assert_eq!(iban(""), "");
    }

    #[test]
    fn rates_terms_and_breakdown_lines_read_naturally() {
        assert_eq!(rate(VatRate::Reduced), "9%");
        assert_eq!(days(30, Dutch), "30 dagen");
        assert_eq!(days(1, English), "1 day");
        assert_eq!(
            vat_over(VatRate::Standard, eur(1355), Dutch),
            "Btw 21% over € 13,55"
        );
        assert_eq!(
            vat_over(VatRate::Zero, eur(-300), English),
            "VAT 0% on -€3.00"
        );
        assert_eq!(page_number(1, 3, Dutch), "Pagina 1/3");
    }

    #[test]
    fn only_en_selects_english() {
        assert_eq!(Language::from_locale("EN"), English);
        assert_eq!(Language::from_locale("nl"), Dutch);
        assert_eq!(Language::from_locale("de"), Dutch);
    }
}
