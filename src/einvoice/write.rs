//! A checked [`Document`] written as UBL 2.1 XML with `quick-xml`, which escapes every text
//! and attribute value. Elements appear in the order the UBL 2.1 schema prescribes.

use std::io;

use base64::Engine;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::check::{Document, Kind, Line, Party};
use crate::kernel::money::Money;
use crate::kernel::vat::VatRate;

type Xml = Writer<Vec<u8>>;

/// Peppol BIS Billing 3.0 (PEPPOL-EN16931-R004) and its one billing process (R007).
const CUSTOMIZATION_ID: &str =
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0";
const PROFILE_ID: &str = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0";
const CAC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2";
const CBC: &str = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2";
const CURRENCY: &str = "EUR";
/// UN/ECE recommendation 20: "one" (a unit).
const UNIT: &str = "C62";

/// The document as UTF-8 XML.
pub fn document(doc: &Document<'_>) -> Vec<u8> {
    let pdf_size = doc
        .pdf
        .as_ref()
        .map_or(0, |(_, bytes)| bytes.len() * 4 / 3 + 4);
    let capacity = 4096 + doc.lines.len() * 700 + pdf_size;
    let mut xml = Writer::new_with_indent(Vec::with_capacity(capacity), b' ', 2);
    // Writing into a Vec cannot fail: io errors come only from the underlying writer.
    write_document(&mut xml, doc).expect("writing XML into memory cannot fail");
    xml.into_inner()
}

fn write_document(xml: &mut Xml, doc: &Document<'_>) -> io::Result<()> {
    xml.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let (root, namespace) = match doc.kind {
        Kind::Invoice => (
            "Invoice",
            "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
        ),
        Kind::CreditNote => (
            "CreditNote",
            "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
        ),
    };
    xml.create_element(root)
        .with_attributes([("xmlns", namespace), ("xmlns:cac", CAC), ("xmlns:cbc", CBC)])
        .write_inner_content(|xml| body(xml, doc))?;
    Ok(())
}

fn body(xml: &mut Xml, doc: &Document<'_>) -> io::Result<()> {
    text(xml, "cbc:CustomizationID", CUSTOMIZATION_ID)?;
    text(xml, "cbc:ProfileID", PROFILE_ID)?;
    text(xml, "cbc:ID", &doc.number)?;
    text(xml, "cbc:IssueDate", &doc.issue_date.to_string())?;
    match doc.kind {
        Kind::Invoice => {
            text(xml, "cbc:DueDate", &doc.due_date.to_string())?;
            text(xml, "cbc:InvoiceTypeCode", "380")?;
        }
        // A UBL 2.1 credit note has no DueDate; see the payment terms below.
        Kind::CreditNote => text(xml, "cbc:CreditNoteTypeCode", "381")?,
    }
    text(xml, "cbc:DocumentCurrencyCode", CURRENCY)?;
    text(xml, "cbc:BuyerReference", &doc.buyer_reference)?;
    if let Some(credited) = &doc.credited_invoice {
        nest(xml, "cac:BillingReference", |xml| {
            nest(xml, "cac:InvoiceDocumentReference", |xml| {
                text(xml, "cbc:ID", credited)
            })
        })?;
    }
    if let Some((file_name, bytes)) = &doc.pdf {
        nest(xml, "cac:AdditionalDocumentReference", |xml| {
            text(xml, "cbc:ID", &doc.number)?;
            nest(xml, "cac:Attachment", |xml| {
                let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
                xml.create_element("cbc:EmbeddedDocumentBinaryObject")
                    .with_attributes([("mimeCode", "application/pdf"), ("filename", file_name)])
                    // Base64 has no character XML would need escaped.
                    .write_text_content(BytesText::from_escaped(encoded))?;
                Ok(())
            })
        })?;
    }
    nest(xml, "cac:AccountingSupplierParty", |xml| {
        party(xml, &doc.seller)
    })?;
    nest(xml, "cac:AccountingCustomerParty", |xml| {
        party(xml, &doc.buyer)
    })?;
    if let Some(payment) = &doc.payment {
        nest(xml, "cac:PaymentMeans", |xml| {
            let name = match payment.means_code {
                "58" => "SEPA credit transfer",
                _ => "Credit transfer",
            };
            xml.create_element("cbc:PaymentMeansCode")
                .with_attribute(("name", name))
                .write_text_content(escaped(payment.means_code))?;
            text(xml, "cbc:PaymentID", &payment.reference)?;
            nest(xml, "cac:PayeeFinancialAccount", |xml| {
                text(xml, "cbc:ID", &payment.iban)?;
                text(xml, "cbc:Name", &payment.account_name)?;
                if let Some(bic) = &payment.bic {
                    nest(xml, "cac:FinancialInstitutionBranch", |xml| {
                        text(xml, "cbc:ID", bic)
                    })?;
                }
                Ok(())
            })
        })?;
    }
    if doc.kind == Kind::CreditNote {
        // BR-CO-25: a positive amount due needs a due date or payment terms.
        let due = doc.due_date;
        nest(xml, "cac:PaymentTerms", |xml| {
            text(
                xml,
                "cbc:Note",
                &format!("Terugbetaling uiterlijk {due} / Refund by {due}"),
            )
        })?;
    }
    nest(xml, "cac:TaxTotal", |xml| {
        amount(xml, "cbc:TaxAmount", doc.vat_total)?;
        for (rate, taxable, vat) in &doc.breakdown {
            nest(xml, "cac:TaxSubtotal", |xml| {
                amount(xml, "cbc:TaxableAmount", *taxable)?;
                amount(xml, "cbc:TaxAmount", *vat)?;
                category(xml, "cac:TaxCategory", *rate)
            })?;
        }
        Ok(())
    })?;
    nest(xml, "cac:LegalMonetaryTotal", |xml| {
        amount(xml, "cbc:LineExtensionAmount", doc.line_total)?;
        amount(xml, "cbc:TaxExclusiveAmount", doc.line_total)?;
        amount(xml, "cbc:TaxInclusiveAmount", doc.total)?;
        amount(xml, "cbc:PayableAmount", doc.total)
    })?;
    for (index, line) in doc.lines.iter().enumerate() {
        invoice_line(xml, doc.kind, index + 1, line)?;
    }
    Ok(())
}

fn party(xml: &mut Xml, party: &Party<'_>) -> io::Result<()> {
    nest(xml, "cac:Party", |xml| {
        let (scheme, id) = &party.endpoint;
        xml.create_element("cbc:EndpointID")
            .with_attribute(("schemeID", scheme.as_ref()))
            .write_text_content(escaped(id))?;
        nest(xml, "cac:PostalAddress", |xml| {
            text(xml, "cbc:StreetName", &party.street)?;
            text(xml, "cbc:CityName", &party.city)?;
            text(xml, "cbc:PostalZone", &party.zip_code)?;
            nest(xml, "cac:Country", |xml| {
                text(xml, "cbc:IdentificationCode", &party.country_code)
            })
        })?;
        if let Some(vat) = &party.vat_number {
            nest(xml, "cac:PartyTaxScheme", |xml| {
                text(xml, "cbc:CompanyID", vat)?;
                nest(xml, "cac:TaxScheme", |xml| text(xml, "cbc:ID", "VAT"))
            })?;
        }
        nest(xml, "cac:PartyLegalEntity", |xml| {
            text(xml, "cbc:RegistrationName", &party.legal_name)?;
            match &party.company_id {
                None => {}
                Some((None, number)) => text(xml, "cbc:CompanyID", number)?,
                Some((Some(scheme), number)) => {
                    xml.create_element("cbc:CompanyID")
                        .with_attribute(("schemeID", *scheme))
                        .write_text_content(escaped(number))?;
                }
            }
            Ok(())
        })?;
        if party.phone.is_some() || party.email.is_some() {
            nest(xml, "cac:Contact", |xml| {
                if let Some(phone) = &party.phone {
                    text(xml, "cbc:Telephone", phone)?;
                }
                if let Some(email) = &party.email {
                    text(xml, "cbc:ElectronicMail", email)?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })
}

/// One line: quantity 1 at the line amount, or -1 at minus the line amount when that is
/// negative, since a price may not be (BR-27).
fn invoice_line(xml: &mut Xml, kind: Kind, number: usize, line: &Line<'_>) -> io::Result<()> {
    let (element, quantity_element) = match kind {
        Kind::Invoice => ("cac:InvoiceLine", "cbc:InvoicedQuantity"),
        Kind::CreditNote => ("cac:CreditNoteLine", "cbc:CreditedQuantity"),
    };
    let (quantity, price) = if line.amount.cents() < 0 {
        (
            "-1",
            Money::from_cents(line.amount.cents().saturating_neg()),
        )
    } else {
        ("1", line.amount)
    };
    nest(xml, element, |xml| {
        text(xml, "cbc:ID", &number.to_string())?;
        xml.create_element(quantity_element)
            .with_attribute(("unitCode", UNIT))
            .write_text_content(escaped(quantity))?;
        amount(xml, "cbc:LineExtensionAmount", line.amount)?;
        nest(xml, "cac:Item", |xml| {
            text(xml, "cbc:Name", &line.name)?;
            category(xml, "cac:ClassifiedTaxCategory", line.rate)
        })?;
        nest(xml, "cac:Price", |xml| {
            amount(xml, "cbc:PriceAmount", price)
        })
    })
}

/// The VAT category of a rate: S (standard rated) for 9 % and 21 %, Z (zero rated) for 0 %.
fn category(xml: &mut Xml, element: &str, rate: VatRate) -> io::Result<()> {
    let code = match rate {
        VatRate::Zero => "Z",
        VatRate::Reduced | VatRate::Standard => "S",
    };
    nest(xml, element, |xml| {
        text(xml, "cbc:ID", code)?;
        text(xml, "cbc:Percent", &rate.percent().to_string())?;
        nest(xml, "cac:TaxScheme", |xml| text(xml, "cbc:ID", "VAT"))
    })
}

fn nest(
    xml: &mut Xml,
    element: &str,
    content: impl FnOnce(&mut Xml) -> io::Result<()>,
) -> io::Result<()> {
    xml.create_element(element).write_inner_content(content)?;
    Ok(())
}

fn text(xml: &mut Xml, element: &str, value: &str) -> io::Result<()> {
    xml.create_element(element)
        .write_text_content(escaped(value))?;
    Ok(())
}

/// An amount in euros with two decimals (the rules allow at most two: BR-DEC-*).
fn amount(xml: &mut Xml, element: &str, money: Money) -> io::Result<()> {
    xml.create_element(element)
        .with_attribute(("currencyID", CURRENCY))
        .write_text_content(escaped(&money.to_string()))?;
    Ok(())
}

/// Element content with `<`, `>` and `&` escaped; quotes need no escaping outside attributes.
fn escaped(value: &str) -> BytesText<'_> {
    BytesText::from_escaped(quick_xml::escape::partial_escape(value))
}
