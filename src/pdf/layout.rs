//! Where everything goes: the letterhead and addresses on page 1, the line table (in
//! [`super::table`]), the totals with the VAT breakdown, the
//! payment details, and a footer with the seller's registrations and the page number.
//!
//! Content flows down from the top of a page; whatever does not fit above the footer moves
//! to the next page. Page numbers ("1/3") are drawn last, once the page count is known.

use super::InvoiceDocument;
use super::canvas::{ACCENT, INK, MUTED, PAGE_HEIGHT, PAGE_WIDTH, Page, RULE, SHADE, fit_size};
use super::fonts::{Font, wrap};
use super::labels::Labels;
use super::logo::Logo;
use super::table::INCL_RIGHT;
use crate::kernel::format;

pub(super) const LEFT: f32 = 50.0;
pub(super) const RIGHT: f32 = PAGE_WIDTH - 50.0;
/// Cells keep this far from the edges of the table and the boxes.
pub(super) const PAD: f32 = 6.0;
pub(super) const TOP: f32 = PAGE_HEIGHT - 48.0;
/// Flowing content stays above this line; the footer is below it.
pub(super) const BOTTOM: f32 = 70.0;

pub(super) const BODY: f32 = 9.0;
pub(super) const LEADING: f32 = 11.5;
const SMALL: f32 = 7.5;
/// How far a baseline sits below the top of its line, for 9-point text.
pub(super) const ASCENT: f32 = 7.5;

/// The seller's name (without a logo) on the left and their address block on the right
/// are each at most this wide, so they never meet.
const LETTERHEAD_WIDTH: f32 = 230.0;
/// The largest logo: a box in the top left corner, in points.
const LOGO_BOX: (f32, f32) = (170.0, 60.0);

/// Lays the invoice out on as many pages as it needs.
pub(super) fn lay_out(doc: &InvoiceDocument, logo: Option<&Logo>) -> Vec<Page> {
    let mut flow = Flow {
        doc,
        labels: Labels::of(doc.language),
        pages: vec![Page::new()],
        y: TOP,
    };
    flow.letterhead(logo);
    flow.addresses_and_dates();
    flow.line_table();
    flow.totals();
    flow.payment();
    flow.footers();
    flow.pages
}

pub(super) struct Flow<'a> {
    pub doc: &'a InvoiceDocument<'a>,
    pub labels: &'static Labels,
    pub pages: Vec<Page>,
    /// The top of the next thing to draw on the last page.
    pub y: f32,
}

impl Flow<'_> {
    pub(super) fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("there is always a page")
    }

    /// Starts a new page under a one-line reminder of whose invoice this is.
    pub(super) fn new_page(&mut self) {
        self.pages.push(Page::new());
        let (name, title) = (self.doc.seller.legal_name, self.labels.title);
        let reference = format!("{title} {}", self.doc.invoice_number);
        let page = self.page();
        page.text(LEFT, TOP - ASCENT, Font::Bold, BODY, INK, name);
        page.text_right(RIGHT, TOP - ASCENT, Font::Regular, BODY, MUTED, &reference);
        page.rule(LEFT, RIGHT, TOP - 14.0, 0.5, RULE);
        self.y = TOP - 28.0;
    }

    /// Makes room for `height` points, on a new page if this one is too full.
    pub(super) fn ensure(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    /// Logo (or the seller's name) on the left; the title and the seller on the right.
    fn letterhead(&mut self, logo: Option<&Logo>) {
        let seller = &self.doc.seller;
        let mut left_bottom = TOP;
        if let Some(logo) = logo {
            let scale = (LOGO_BOX.0 / logo.width as f32).min(LOGO_BOX.1 / logo.height as f32);
            let (width, height) = (logo.width as f32 * scale, logo.height as f32 * scale);
            self.page().logo(LEFT, TOP - height, width, height);
            left_bottom = TOP - height;
        } else {
            for (i, line) in wrap(seller.legal_name, Font::Bold, 16.0, LETTERHEAD_WIDTH)
                .iter()
                .enumerate()
            {
                let y = TOP - 13.0 - i as f32 * 19.0;
                self.page().text(LEFT, y, Font::Bold, 16.0, ACCENT, line);
                left_bottom = y - 6.0;
            }
        }

        let title = self.labels.title.to_uppercase();
        self.page()
            .text_right(RIGHT, TOP - 18.0, Font::Bold, 22.0, ACCENT, &title);
        let address = &seller.address;
        let mut lines = vec![
            (Font::Bold, seller.legal_name.to_owned()),
            (Font::Regular, address.street.to_owned()),
            (
                Font::Regular,
                format!("{} {}", address.zip_code, address.city),
            ),
            (Font::Regular, address.country.to_owned()),
        ];
        if let Some(email) = seller.email {
            lines.push((Font::Regular, email.to_owned()));
        }
        if let Some(phone) = seller.phone {
            lines.push((Font::Regular, format!("{} {phone}", self.labels.phone)));
        }
        lines.push((
            Font::Regular,
            format!("{} {}", self.labels.kvk, seller.kvk_number),
        ));
        let vat_label = self.labels.vat_number;
        lines.push((Font::Regular, format!("{vat_label} {}", seller.vat_number)));
        let mut y = TOP - 38.0;
        for (font, text) in lines.iter().filter(|(_, text)| !text.trim().is_empty()) {
            for line in wrap(text, *font, 8.5, LETTERHEAD_WIDTH) {
                self.page().text_right(RIGHT, y, *font, 8.5, INK, &line);
                y -= 10.5;
            }
        }
        self.y = left_bottom.min(y + 4.0) - 16.0;
    }

    /// The customer on the left, the invoice's number, dates and term on the right.
    fn addresses_and_dates(&mut self) {
        let top = self.y;
        let (labels, doc) = (self.labels, self.doc);
        let customer = &doc.customer;
        self.page().text(
            LEFT,
            top - 6.0,
            Font::Bold,
            SMALL,
            MUTED,
            &labels.bill_to.to_uppercase(),
        );
        let mut y = top - 20.0;
        let address = &customer.address;
        let lines = [
            (Font::Bold, customer.company_name.to_owned()),
            (Font::Regular, address.street.to_owned()),
            (
                Font::Regular,
                format!("{} {}", address.zip_code, address.city),
            ),
            (Font::Regular, address.country.to_owned()),
        ];
        for (font, text) in lines.iter().filter(|(_, text)| !text.trim().is_empty()) {
            for line in wrap(text, *font, 10.0, 250.0) {
                self.page().text(LEFT, y, *font, 10.0, INK, &line);
                y -= 13.0;
            }
        }

        let language = doc.language;
        let facts = [
            (labels.invoice_number, doc.invoice_number.to_owned()),
            (labels.issue_date, format::date(doc.issue_date, language)),
            (labels.due_date, format::date(doc.due_date, language)),
            (
                labels.payment_term,
                format::days(doc.payment_term_days, language),
            ),
        ];
        let (label_x, value_x) = (RIGHT - 215.0, RIGHT - 120.0);
        let mut fact_y = top - 20.0;
        for (label, value) in facts {
            self.page()
                .text(label_x, fact_y, Font::Regular, BODY, MUTED, label);
            for line in wrap(&value, Font::Bold, BODY, RIGHT - value_x) {
                self.page()
                    .text(value_x, fact_y, Font::Bold, BODY, INK, &line);
                fact_y -= 13.0;
            }
        }
        self.y = y.min(fact_y) - 12.0;
    }

    /// Subtotal, one line per VAT rate (rate, taxable amount, VAT), total VAT and total.
    fn totals(&mut self) {
        let (labels, doc, language) = (self.labels, self.doc, self.doc.language);
        let totals = doc.totals;
        let mut rows = vec![(labels.subtotal.to_owned(), totals.subtotal)];
        for rate in &totals.breakdown {
            rows.push((
                format::vat_over(rate.rate, rate.taxable, language),
                rate.vat,
            ));
        }
        rows.push((labels.total_vat.to_owned(), totals.vat));
        let height = rows.len() as f32 * 14.0 + 32.0;
        self.y -= 10.0;
        self.ensure(height);
        // Amounts line up with the table's last column; labels take the room to their left.
        const AMOUNT: (f32, f32) = (INCL_RIGHT, 100.0);
        let (label_x, width) = (RIGHT - 250.0, 140.0);
        let mut y = self.y - 4.0;
        for (label, amount) in rows {
            let size = fit_size(&label, Font::Regular, BODY, width);
            let value = format::money(amount, language);
            let page = self.page();
            page.text(label_x, y - ASCENT, Font::Regular, size, INK, &label);
            page.text_right_fit(AMOUNT, y - ASCENT, Font::Regular, BODY, INK, &value);
            y -= 14.0;
        }
        let total = format::money(totals.total, language);
        let page = self.page();
        page.rule(label_x, RIGHT, y + 2.0, 1.0, ACCENT);
        let base = y - 13.0;
        let label = if totals.total.cents() < 0 {
            labels.total_credit
        } else {
            labels.total
        };
        let size = fit_size(label, Font::Bold, 11.0, width);
        page.text(label_x, base, Font::Bold, size, ACCENT, label);
        page.text_right_fit(AMOUNT, base, Font::Bold, 11.0, ACCENT, &total);
        self.y = base - 16.0;
    }

    /// How to pay: the bank details with the invoice number as reference, and the link.
    fn payment(&mut self) {
        let (labels, doc, language) = (self.labels, self.doc, self.doc.language);
        let seller = &doc.seller;
        let mut bank = vec![("IBAN", format::iban(seller.iban))];
        if let Some(bic) = seller.bic.filter(|bic| !bic.trim().is_empty()) {
            bank.push(("BIC", bic.to_owned()));
        }
        bank.push((labels.account_name, seller.legal_name.to_owned()));
        let due = [
            (labels.amount_due, format::money(doc.totals.total, language)),
            (labels.pay_before, format::date(doc.due_date, language)),
            (labels.reference, doc.invoice_number.to_owned()),
        ];
        const LABEL_WIDTH: f32 = 88.0;
        let inner = (LEFT + 12.0, RIGHT - 12.0);
        let middle = (LEFT + RIGHT) / 2.0 + 6.0;
        let left = grid(&bank, inner.0, middle - 10.0, LABEL_WIDTH);
        let right = grid(&due, middle, inner.1, LABEL_WIDTH);
        let url_size = fit_size(doc.payment_url, Font::Regular, BODY, inner.1 - inner.0).max(7.0);
        let url = wrap(doc.payment_url, Font::Regular, url_size, inner.1 - inner.0);
        let rows = left.len().max(right.len());
        let url_height = if doc.payment_url.is_empty() {
            0.0
        } else {
            14.0 + url.len() as f32 * 11.0
        };
        let height = 34.0 + rows as f32 * 13.0 + url_height + 8.0;

        self.y -= 8.0;
        self.ensure(height);
        let top = self.y;
        let page = self.page();
        page.fill(LEFT, top - height, RIGHT - LEFT, height, SHADE);
        page.text(
            inner.0,
            top - 18.0,
            Font::Bold,
            10.0,
            ACCENT,
            labels.payment,
        );
        let first = top - 36.0;
        for cells in [&left, &right] {
            for (i, (x, label, value, value_x)) in cells.iter().enumerate() {
                let y = first - i as f32 * 13.0;
                if let Some(label) = label {
                    page.text(*x, y, Font::Regular, 8.5, MUTED, label);
                }
                page.text(*value_x, y, Font::Bold, BODY, INK, value);
            }
        }
        if !doc.payment_url.is_empty() {
            let mut y = first - rows as f32 * 13.0 - 4.0;
            page.text(inner.0, y, Font::Regular, 8.5, MUTED, labels.pay_online);
            for piece in &url {
                y -= 11.0;
                page.text(inner.0, y, Font::Regular, url_size, ACCENT, piece);
                let width = Font::Regular.width(piece, url_size);
                page.link(inner.0, y - 2.5, width, url_size + 3.0, doc.payment_url);
            }
        }
        self.y = top - height;
    }

    /// The seller's legal identity and the page number at the bottom of every page.
    fn footers(&mut self) {
        let (doc, labels) = (self.doc, self.labels);
        let seller = &doc.seller;
        let mut parts = vec![
            seller.legal_name.to_owned(),
            format!("{} {}", labels.kvk, seller.kvk_number),
            format!("{} {}", labels.vat_number, seller.vat_number),
            format!("IBAN {}", format::iban(seller.iban)),
        ];
        if let Some(email) = seller.email {
            parts.push(email.to_owned());
        }
        let line = parts.join("  ·  ");
        let count = self.pages.len();
        for (i, page) in self.pages.iter_mut().enumerate() {
            page.rule(LEFT, RIGHT, 52.0, 0.5, RULE);
            let size = fit_size(&line, Font::Regular, SMALL, RIGHT - LEFT - 70.0);
            page.text(LEFT, 40.0, Font::Regular, size, MUTED, &line);
            let number = format::page_number(i + 1, count, doc.language);
            page.text_right(RIGHT, 40.0, Font::Regular, SMALL, MUTED, &number);
        }
    }
}

/// A cell of a label/value grid: label x, label (on its first line only), value, value x.
type Cell<'a> = (f32, Option<&'a str>, String, f32);

/// Lays out label/value pairs between `left` and `right`, wrapping long values.
fn grid<'a>(pairs: &[(&'a str, String)], left: f32, right: f32, label_width: f32) -> Vec<Cell<'a>> {
    let mut cells = Vec::new();
    for (label, value) in pairs {
        let value_x = left + label_width;
        for (i, line) in wrap(value, Font::Bold, BODY, right - value_x)
            .into_iter()
            .enumerate()
        {
            cells.push((left, (i == 0).then_some(*label), line, value_x));
        }
    }
    cells
}
