//! Identifiers in an e-invoice: the code lists the official rules check them against
//! (copied from `../shared/einvoice/rules`, release 2025-Q2), the check digits the Peppol
//! rules verify for some schemes, and which scheme a VAT number or IBAN belongs to.

/// ISO 3166-1 alpha-2 codes as the Peppol rules accept them for a country (their
/// `ISO3166` list, which adds `1A` for Kosovo and `XI` for Northern Ireland).
const COUNTRIES: &str = "1A AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO \
BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES \
ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ \
IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM \
MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW \
PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO \
TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XI YE YT ZA ZM ZW";

/// The electronic address schemes (EAS) Peppol accepts for an `EndpointID` (its `eaid` list,
/// rule PEPPOL-EN16931-CL008).
const ADDRESS_SCHEMES: &str = "0002 0007 0009 0037 0060 0088 0096 0097 0106 0130 0135 0142 0147 0151 0154 \
0158 0170 0177 0183 0184 0188 0190 0191 0192 0193 0194 0195 0196 0198 0199 0200 0201 0202 0203 0204 0205 0208 \
0209 0210 0211 0212 0213 0215 0216 0217 0218 0221 0225 0230 0235 0240 9910 9913 9914 9915 9918 9919 9920 9922 \
9923 9924 9925 9926 9927 9928 9929 9930 9931 9932 9933 9934 9935 9936 9937 9938 9939 9940 9941 9942 9943 9944 \
9945 9946 9947 9948 9949 9950 9951 9952 9953 9957 9959";

/// The electronic address scheme of a VAT number, by its prefix (the EAS code list's
/// "... VAT number" entries).
const VAT_SCHEMES: [(&str, &str); 36] = [
    ("AD", "9922"),
    ("AL", "9923"),
    ("AT", "9914"),
    ("BA", "9924"),
    ("BE", "9925"),
    ("BG", "9926"),
    ("CH", "9927"),
    ("CY", "9928"),
    ("CZ", "9929"),
    ("DE", "9930"),
    ("EE", "9931"),
    ("EL", "9933"),
    ("ES", "9920"),
    ("FR", "9957"),
    ("GB", "9932"),
    ("HR", "9934"),
    ("HU", "9910"),
    ("IE", "9935"),
    ("LI", "9936"),
    ("LT", "9937"),
    ("LU", "9938"),
    ("LV", "9939"),
    ("MC", "9940"),
    ("ME", "9941"),
    ("MK", "9942"),
    ("MT", "9943"),
    ("NL", "9944"),
    ("PL", "9945"),
    ("PT", "9946"),
    ("RO", "9947"),
    ("RS", "9948"),
    ("SI", "9949"),
    ("SK", "9950"),
    ("SM", "9951"),
    ("TR", "9952"),
    ("VA", "9953"),
];

/// Countries whose IBANs take part in SEPA: the EU and EEA states, Switzerland, the United
/// Kingdom, Monaco, San Marino, Vatican City, Andorra and Gibraltar.
const SEPA: &str = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK \
IS LI NO CH GB MC SM VA AD GI";

fn listed(list: &str, code: &str) -> bool {
    !code.is_empty() && !code.contains(' ') && list.split(' ').any(|c| c == code)
}

/// Whether `code` is a country code the rules accept.
pub fn is_country(code: &str) -> bool {
    code.len() == 2 && listed(COUNTRIES, code)
}

/// Whether a VAT number starts with a prefix rule BR-CO-09 accepts: a country code, or `EL`
/// for Greece, followed by at least one letter or digit.
pub fn is_vat_number(vat: &str) -> bool {
    let Some(prefix) = vat.get(..2) else {
        return false;
    };
    (is_country(prefix) || prefix == "EL")
        && vat.len() > 2
        && vat[2..].bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The electronic address scheme of a VAT number, if its country has one.
pub fn vat_scheme(vat: &str) -> Option<&'static str> {
    let prefix = vat.get(..2)?;
    VAT_SCHEMES
        .iter()
        .find(|(country, _)| *country == prefix)
        .map(|(_, scheme)| *scheme)
}

/// SEPA credit transfer (58) for an IBAN of a SEPA country, else credit transfer (30).
pub fn payment_means_code(iban: &str) -> &'static str {
    match iban.get(..2) {
        Some(country) if listed(SEPA, country) => "58",
        _ => "30",
    }
}

/// A Peppol participant identifier `scheme:id` split in two, when the scheme is one the
/// rules accept and the identifier passes the checks they apply to that scheme.
pub fn parse_peppol_id(text: &str) -> Result<(&str, &str), String> {
    let Some((scheme, id)) = text.split_once(':') else {
        return Err("must read scheme:identifier, such as 0106:12345678".to_owned());
    };
    if !(scheme.len() == 4 && listed(ADDRESS_SCHEMES, scheme)) {
        return Err(format!(
            "`{scheme}` is not an electronic address scheme Peppol accepts (such as 0106 for a KvK number)"
        ));
    }
    if id.is_empty() || id.len() > 128 || !id.chars().all(|c| c.is_ascii_graphic()) {
        return Err("the identifier after the scheme must be 1 to 128 letters, digits or signs without spaces".to_owned());
    }
    let valid = match scheme {
        "0007" => id.len() == 10 && all_digits(id) && luhn(&id[..9]) == digit(id, 9),
        "0088" => all_digits(id) && gln_ok(id),
        "0151" => id.len() == 11 && all_digits(id) && abn_ok(id),
        "0184" => {
            (id.len() == 10 && id.starts_with("DK") && all_digits(&id[2..]))
                || (id.len() == 8 && all_digits(id))
        }
        "0192" => id.len() == 9 && all_digits(id) && mod11_ok(id),
        "0208" => id.len() == 10 && all_digits(id) && mod97_ok(id),
        _ => true,
    };
    if valid {
        Ok((scheme, id))
    } else {
        Err(format!(
            "`{id}` is not a valid identifier in scheme {scheme}: its length or check digits are wrong"
        ))
    }
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// The value of the ASCII digit at byte `index` (the caller checked that it is one).
fn digit(text: &str, index: usize) -> u32 {
    u32::from(text.as_bytes()[index] - b'0')
}

/// The GS1 check digit (GLN, scheme 0088): weights 3 and 1 from the right of the body.
fn gln_ok(id: &str) -> bool {
    let body = &id[..id.len() - 1];
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    (10 - sum % 10) % 10 == digit(id, id.len() - 1)
}

/// Norwegian organisation numbers (0192): weights 2 to 7 from the right, modulo 11.
fn mod11_ok(id: &str) -> bool {
    let body = &id[..id.len() - 1];
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| u32::from(b - b'0') * (i as u32 % 6 + 2))
        .sum();
    id.bytes().any(|b| b != b'0') && (11 - sum % 11) % 11 == digit(id, id.len() - 1)
}

/// Belgian enterprise numbers (0208): the last two digits are 97 minus the first eight
/// modulo 97.
fn mod97_ok(id: &str) -> bool {
    let body: u32 = id[..8].parse().unwrap_or(0);
    let check: u32 = id[8..].parse().unwrap_or(u32::MAX);
    97 - body % 97 == check
}

/// The Luhn check digit of `body` (Swedish organisation numbers, 0007).
fn luhn(body: &str) -> u32 {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 0 {
                (d * 2) % 10 + d * 2 / 10
            } else {
                d
            }
        })
        .sum();
    (10 - sum % 10) % 10
}

/// Australian Business Numbers (0151): weighted sum modulo 89, with one taken off the
/// first digit.
fn abn_ok(id: &str) -> bool {
    const WEIGHTS: [i64; 11] = [10, 1, 3, 5, 7, 9, 11, 13, 15, 17, 19];
    let sum: i64 = id
        .bytes()
        .zip(WEIGHTS)
        .enumerate()
        .map(|(i, (b, w))| (i64::from(b) - if i == 0 { 49 } else { 48 }) * w)
        .sum();
    sum % 89 == 0
}

/// Test helpers: identifiers with a correct check digit, made from a body.
#[cfg(test)]
pub(crate) fn with_check_digit(scheme: &str, body: &str) -> String {
    match scheme {
        "0088" => (0..10)
            .map(|d| format!("{body}{d}"))
            .find(|id| gln_ok(id))
            .unwrap(),
        "0192" => (0..10)
            .map(|d| format!("{body}{d}"))
            .find(|id| mod11_ok(id))
            .unwrap_or_default(),
        "0208" => format!("{body}{:02}", 97 - body.parse::<u32>().unwrap() % 97),
        "0007" => format!("{body}{}", luhn(body)),
        _ => body.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_well_formed() {
        assert_eq!(COUNTRIES.split(' ').count(), 251);
        assert!(ADDRESS_SCHEMES.split(' ').all(|s| s.len() == 4));
        for (country, scheme) in VAT_SCHEMES {
            assert!(is_country(country) || country == "EL", "{country}");
            assert!(listed(ADDRESS_SCHEMES, scheme), "{scheme}");
        }
        assert!(SEPA.split(' ').all(is_country));
    }

    #[test]
    fn countries_and_vat_prefixes() {
        assert!(is_country("NL") && is_country("XI") && !is_country("UK") && !is_country(""));
        assert!(!is_country("N") && !is_country("NL "));
        assert!(is_vat_number("NL123456789B01") && is_vat_number("EL123456789"));
        assert!(!is_vat_number("XX123") && !is_vat_number("NL") && !is_vat_number("NL12 3"));
        assert_eq!(vat_scheme("NL123456789B01"), Some("9944"));
        assert_eq!(vat_scheme("BE0203201340"), Some("9925"));
        assert_eq!(vat_scheme("SE556677889901"), None);
    }

    #[test]
    fn sepa_ibans_are_paid_by_sepa_credit_transfer() {
        assert_eq!(payment_means_code("NL91ABNA0417164300"), "58");
        assert_eq!(payment_means_code("CH9300762011623852957"), "58");
        assert_eq!(payment_means_code("BR1800360305000010009795493C1"), "30");
    }

    #[test]
    fn peppol_ids_need_a_known_scheme_and_an_identifier() {
        assert_eq!(parse_peppol_id("0106:12345678"), Ok(("0106", "12345678")));
        assert_eq!(
            parse_peppol_id("9944:NL123456789B01"),
            Ok(("9944", "NL123456789B01"))
        );
        for bad in [
            "0106",
            "0106:",
            ":123",
            "1234:5678",
            "106:1",
            "0106:12 34",
            "0106:é",
        ] {
            assert!(parse_peppol_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn check_digits_are_verified_where_the_rules_verify_them() {
        // Published examples: a GS1 GLN, a Belgian enterprise number (0203.201.340), a
        // Norwegian organisation number, a Swedish one, an ABN, a Danish CVR.
        for good in [
            "0088:5790000435975",
            "0208:0203201340",
            "0192:923609016",
            "0007:5560360793",
            "0151:51824753556",
            "0184:DK12345678",
            "0184:12345678",
        ] {
            assert!(parse_peppol_id(good).is_ok(), "{good}");
        }
        for bad in [
            "0088:5790000435976",
            "0088:57900004359a5",
            "0208:0203201341",
            "0208:203201340",
            "0192:923609017",
            "0007:5560360794",
            "0151:51824753557",
            "0184:DK1234567",
            "0184:SE12345678",
        ] {
            assert!(parse_peppol_id(bad).is_err(), "{bad}");
        }
        assert!(
            parse_peppol_id(&format!(
                "0088:{}",
                with_check_digit("0088", "871234567890")
            ))
            .is_ok()
        );
        assert!(parse_peppol_id(&format!("0208:{}", with_check_digit("0208", "04215234"))).is_ok());
        assert!(
            parse_peppol_id(&format!("0007:{}", with_check_digit("0007", "556036079"))).is_ok()
        );
    }
}
