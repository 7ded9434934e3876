//! The line table: one row per invoice line (description, VAT rate, amount excluding VAT,
//! VAT, amount including VAT), its header repeated on every page it runs onto.

use super::canvas::{INK, RULE, SHADE};
use super::fonts::{Font, wrap};
use super::layout::{ASCENT, BODY, BOTTOM, Flow, LEADING, LEFT, PAD, RIGHT, TOP};
use crate::kernel::format;

// A description column, then four right-aligned ones. Amounts up to € 99.999.999,99 fit
// their column at full size; larger ones are set smaller to fit.
/// The space between two columns.
const GAP: f32 = 8.0;
pub(super) const INCL_RIGHT: f32 = RIGHT - PAD;
const VAT_RIGHT: f32 = INCL_RIGHT - 84.0;
const EXCL_RIGHT: f32 = VAT_RIGHT - 80.0;
const RATE_RIGHT: f32 = EXCL_RIGHT - 80.0;
const DESCRIPTION_WIDTH: f32 = RATE_RIGHT - 34.0 - GAP - (LEFT + PAD);
/// Each amount column's right edge and the widest its text may be.
const COLUMNS: [(f32, f32); 4] = [
    (RATE_RIGHT, 34.0 - GAP),
    (EXCL_RIGHT, 80.0 - GAP),
    (VAT_RIGHT, 80.0 - GAP),
    (INCL_RIGHT, 84.0 - GAP),
];
const HEADER_HEIGHT: f32 = 20.0;
const ROW_PAD: f32 = 4.0;

/// The description column must stay wide enough for a readable line of text.
const _: () = assert!(DESCRIPTION_WIDTH > 190.0);

impl Flow<'_> {
    fn table_header(&mut self) {
        let labels = self.labels;
        let (top, base) = (self.y, self.y - 13.0);
        let page = self.page();
        page.fill(
            LEFT,
            top - HEADER_HEIGHT,
            RIGHT - LEFT,
            HEADER_HEIGHT,
            SHADE,
        );
        page.text(LEFT + PAD, base, Font::Bold, 8.0, INK, labels.description);
        let headings = [labels.rate, labels.excl_vat, labels.vat, labels.incl_vat];
        for ((right, width), label) in COLUMNS.into_iter().zip(headings) {
            page.text_right_fit((right, width), base, Font::Bold, 8.0, INK, label);
        }
        self.y = top - HEADER_HEIGHT;
    }

    /// One row per invoice line; a row taller than what is left of the page moves to the
    /// next one, and a row taller than a whole page is split between its text lines.
    pub(super) fn line_table(&mut self) {
        self.ensure(HEADER_HEIGHT + LEADING + 2.0 * ROW_PAD);
        self.table_header();
        let (doc, language) = (self.doc, self.doc.language);
        let page_room = TOP - 28.0 - HEADER_HEIGHT - BOTTOM;
        for (line, totals) in doc.lines.iter().zip(&doc.totals.lines) {
            let text = wrap(&line.description, Font::Regular, BODY, DESCRIPTION_WIDTH);
            let height = text.len() as f32 * LEADING + 2.0 * ROW_PAD;
            let fits_here = self.y - height >= BOTTOM;
            if !fits_here && (height <= page_room || self.y - LEADING - 2.0 * ROW_PAD < BOTTOM) {
                self.new_page();
                self.table_header();
            }
            let base = self.y - ROW_PAD - ASCENT;
            let amounts = [
                format::rate(totals.rate),
                format::money(totals.amount_excl_vat, language),
                format::money(totals.vat, language),
                format::money(totals.amount_incl_vat, language),
            ];
            let page = self.page();
            for ((right, width), value) in COLUMNS.into_iter().zip(&amounts) {
                page.text_right_fit((right, width), base, Font::Regular, BODY, INK, value);
            }
            self.y -= ROW_PAD;
            for piece in &text {
                if self.y - LEADING < BOTTOM {
                    self.new_page();
                    self.table_header();
                    self.y -= ROW_PAD;
                }
                let base = self.y - ASCENT;
                self.page()
                    .text(LEFT + PAD, base, Font::Regular, BODY, INK, piece);
                self.y -= LEADING;
            }
            self.y -= ROW_PAD;
            let y = self.y;
            self.page().rule(LEFT, RIGHT, y, 0.5, RULE);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel::money::Money;
    use crate::pdf::Language;

    #[test]
    fn amounts_up_to_a_hundred_million_fit_their_columns_at_full_size() {
        let rate = Font::Regular.width("21%", BODY);
        assert!(rate <= COLUMNS[0].1, "{rate}");
        for language in [Language::Dutch, Language::English] {
            let amount = format::money(Money::from_cents(-9_999_999_999), language);
            for (_, width) in &COLUMNS[1..] {
                let needed = Font::Regular.width(&amount, BODY);
                assert!(needed <= *width, "{amount} is {needed} wide");
            }
        }
    }
}
