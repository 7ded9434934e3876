//! The invoice PDF: one customer invoice as an A4 document, rendered in process in pure
//! Rust with `pdf-writer` and the standard Helvetica fonts.
//!
//! The document carries what Art. 35a Wet OB 1968 asks of an invoice (the seller's name,
//! address and VAT number, the customer's name and address, a unique number, the issue
//! date, a description of each line, the VAT rate and VAT amount, the taxable amount and VAT
//! per rate) plus the KvK number, which the trade register rules ask on business documents,
//! and what the customer needs to pay: the due date, the IBAN with the invoice number as
//! reference, and the online payment link. Quantities and unit prices are not separate
//! fields of an invoice line here, so they are part of its description.
//!
//! Nothing here computes an amount: the figures come from [`crate::kernel::vat::Totals`],
//! so the PDF shows exactly what the API shows. The output depends only on the input (no
//! clock, no random IDs), so the same invoice always renders to the same bytes.

mod canvas;
mod fonts;

mod labels;
mod layout;
mod logo;
mod table;

use jiff::civil::Date;
use miniz_oxide::deflate::compress_to_vec_zlib;
use pdf_writer::types::{ActionType, AnnotationType, BorderType};
use pdf_writer::{Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::kernel::lines::ManualLine;
use crate::kernel::vat::Totals;

pub use crate::kernel::format::Language;

/// A postal address as printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Address<'a> {
    /// Street and house number.
    pub street: &'a str,
    pub zip_code: &'a str,
    pub city: &'a str,
    /// A country name or ISO code, printed as given.
    pub country: &'a str,
}

/// The party that sends the invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seller<'a> {
    /// The legal name, as registered with the KvK.
    pub legal_name: &'a str,
    pub address: Address<'a>,
    /// The Chamber of Commerce (KvK) registration number.
    pub kvk_number: &'a str,
    /// The VAT identification number (btw-id), e.g. `NL123456789B01`.
    pub vat_number: &'a str,
    /// Printed in groups of four, whatever its spacing here.
    pub iban: &'a str,
    pub bic: Option<&'a str>,
    pub email: Option<&'a str>,
    pub phone: Option<&'a str>,
    /// PNG or JPEG bytes, shown top left. An unreadable image is left out with a warning.
    pub logo: Option<&'a [u8]>,
}

/// The party the invoice is addressed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Customer<'a> {
    pub company_name: &'a str,
    /// The customer's address; its `country` is the customer's country code.
    pub address: Address<'a>,
}

/// Everything printed on one invoice.
#[derive(Debug, Clone, Copy)]
pub struct InvoiceDocument<'a> {
    pub language: Language,
    pub seller: Seller<'a>,
    pub customer: Customer<'a>,
    /// Also the payment reference and the document title.
    pub invoice_number: &'a str,
    pub issue_date: Date,
    pub due_date: Date,
    pub payment_term_days: i64,
    /// The descriptions, in order; the amounts of line `i` are `totals.lines[i]`.
    pub lines: &'a [ManualLine],
    /// The result of [`crate::kernel::lines::totals`] for `lines`.
    pub totals: &'a Totals,
    /// The online payment page; printed and clickable. Empty to leave it out.
    pub payment_url: &'a str,
}

/// The fixed object numbers; each page takes the numbers after these.
const CATALOG: Ref = Ref::new(1);
const PAGE_TREE: Ref = Ref::new(2);
const INFO: Ref = Ref::new(3);
const REGULAR: Ref = Ref::new(4);
const BOLD: Ref = Ref::new(5);
const LOGO: Ref = Ref::new(6);
const LOGO_MASK: Ref = Ref::new(7);
const FIRST_FREE: i32 = 8;

/// Page contents compress about tenfold; level 1 does most of that at a fraction of the
/// time of the default level.
const DEFLATE_LEVEL: u8 = 1;

/// Renders the invoice as a PDF file.
pub fn render_invoice(doc: &InvoiceDocument) -> Vec<u8> {
    debug_assert_eq!(
        doc.lines.len(),
        doc.totals.lines.len(),
        "totals of other lines"
    );
    let logo = doc
        .seller
        .logo
        .and_then(|bytes| logo::decode(bytes, doc.invoice_number));
    let pages = layout::lay_out(doc, logo.as_ref());

    let mut pdf = Pdf::new();
    pdf.catalog(CATALOG)
        .pages(PAGE_TREE)
        .lang(TextStr(doc.language.tag()));
    pdf.document_info(INFO)
        .title(TextStr(doc.invoice_number))
        .producer(TextStr("portaal"));
    for (id, font) in [(REGULAR, fonts::Font::Regular), (BOLD, fonts::Font::Bold)] {
        pdf.type1_font(id)
            .base_font(Name(font.base_font()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    if let Some(logo) = &logo {
        write_logo(&mut pdf, logo);
    }

    let mut next = Ref::new(FIRST_FREE);
    let mut page_ids = Vec::with_capacity(pages.len());
    for page in pages {
        let page_id = next.bump();
        let content_id = next.bump();
        let link_ids: Vec<Ref> = page.links.iter().map(|_| next.bump()).collect();
        page_ids.push(page_id);

        let mut writer = pdf.page(page_id);
        writer
            .media_box(Rect::new(0.0, 0.0, canvas::PAGE_WIDTH, canvas::PAGE_HEIGHT))
            .parent(PAGE_TREE)
            .contents(content_id);
        if !link_ids.is_empty() {
            writer.annotations(link_ids.iter().copied());
        }
        let mut resources = writer.resources();
        resources
            .fonts()
            .pair(Name(fonts::Font::Regular.resource_name()), REGULAR)
            .pair(Name(fonts::Font::Bold.resource_name()), BOLD);
        if page.has_logo {
            resources.x_objects().pair(Name(canvas::LOGO_NAME), LOGO);
        }
        resources.finish();
        writer.finish();

        for (id, link) in link_ids.iter().zip(&page.links) {
            let mut annotation = pdf.annotation(*id);
            annotation.subtype(AnnotationType::Link).rect(link.rect);
            annotation
                .border_style()
                .width(0.0)
                .style(BorderType::Solid);
            annotation
                .action()
                .action_type(ActionType::Uri)
                .uri(Str(link.uri.as_bytes()));
        }

        let content = compress_to_vec_zlib(&page.content.finish(), DEFLATE_LEVEL);
        pdf.stream(content_id, &content).filter(Filter::FlateDecode);
    }
    let count = i32::try_from(page_ids.len()).unwrap_or(i32::MAX);
    pdf.pages(PAGE_TREE).kids(page_ids).count(count);
    pdf.finish()
}

fn write_logo(pdf: &mut Pdf, logo: &logo::Logo) {
    let (data, filter) = match &logo.samples {
        logo::Samples::Jpeg(data) => (data, Filter::DctDecode),
        logo::Samples::Deflated(data) => (data, Filter::FlateDecode),
    };
    let width = i32::try_from(logo.width).unwrap_or(i32::MAX);
    let height = i32::try_from(logo.height).unwrap_or(i32::MAX);
    let mut image = pdf.image_xobject(LOGO, data);
    image.filter(filter);
    image.width(width).height(height).bits_per_component(8);
    if logo.gray {
        image.color_space().device_gray();
    } else {
        image.color_space().device_rgb();
    }
    if logo.alpha.is_some() {
        image.s_mask(LOGO_MASK);
    }
    image.finish();
    if let Some(alpha) = &logo.alpha {
        let mut mask = pdf.image_xobject(LOGO_MASK, alpha);
        mask.filter(Filter::FlateDecode);
        mask.width(width).height(height).bits_per_component(8);
        mask.color_space().device_gray();
    }
}

#[cfg(test)]
mod tests;
