//! One page being drawn: text in the two fonts (left- or right-aligned, shrunk to fit),
//! rules, filled boxes, the logo, and the areas that link to a web address.

use pdf_writer::{Content, Name, Rect, Str};

use super::fonts::{Font, encode};

/// A4 in PDF points (1/72 inch), rounded as PDF writers usually do.
pub(super) const PAGE_WIDTH: f32 = 595.0;
pub(super) const PAGE_HEIGHT: f32 = 842.0;

/// The resource name of the logo image on the pages that show it.
pub(super) const LOGO_NAME: &[u8] = b"Im1";

/// Colours, as RGB fractions: near-black text, grey for labels and rules, and one accent.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Color(pub f32, pub f32, pub f32);

pub(super) const INK: Color = Color(0.13, 0.13, 0.15);
pub(super) const MUTED: Color = Color(0.42, 0.44, 0.48);
pub(super) const ACCENT: Color = Color(0.11, 0.30, 0.53);
pub(super) const RULE: Color = Color(0.80, 0.82, 0.85);
pub(super) const SHADE: Color = Color(0.94, 0.95, 0.96);

/// A clickable area of a page and the address it opens.
#[derive(Debug, Clone)]
pub(super) struct Link {
    pub rect: Rect,
    pub uri: String,
}

/// A page's drawing so far.
pub(super) struct Page {
    pub content: Content,
    pub links: Vec<Link>,
    pub has_logo: bool,
}

impl Page {
    pub(super) fn new() -> Page {
        Page {
            content: Content::new(),
            links: Vec::new(),
            has_logo: false,
        }
    }

    /// Draws `text` with its baseline starting at (`x`, `y`).
    pub(super) fn text(&mut self, x: f32, y: f32, font: Font, size: f32, color: Color, text: &str) {
        if text.is_empty() {
            return;
        }
        let Color(r, g, b) = color;
        self.content
            .begin_text()
            .set_font(Name(font.resource_name()), size)
            .set_fill_rgb(r, g, b)
            .next_line(x, y)
            .show(Str(&encode(text)))
            .end_text();
    }

    /// Draws `text` so that it ends at `right`.
    pub(super) fn text_right(
        &mut self,
        right: f32,
        y: f32,
        font: Font,
        size: f32,
        color: Color,
        text: &str,
    ) {
        let width = font.width(text, size);
        self.text(right - width, y, font, size, color, text);
    }

    /// Draws `text` ending at `right`, at `size` or smaller so it is at most `max_width`
    /// wide (the two make a column): a very large amount shrinks rather than running into its neighbour.
    pub(super) fn text_right_fit(
        &mut self,
        (right, max_width): (f32, f32),
        y: f32,
        font: Font,
        size: f32,
        color: Color,
        text: &str,
    ) {
        let size = fit_size(text, font, size, max_width);
        self.text_right(right, y, font, size, color, text);
    }

    /// A horizontal rule from `x1` to `x2` at `y`.
    pub(super) fn rule(&mut self, x1: f32, x2: f32, y: f32, width: f32, color: Color) {
        let Color(r, g, b) = color;
        self.content
            .set_stroke_rgb(r, g, b)
            .set_line_width(width)
            .move_to(x1, y)
            .line_to(x2, y)
            .stroke();
    }

    /// A filled rectangle with its lower left corner at (`x`, `y`).
    pub(super) fn fill(&mut self, x: f32, y: f32, width: f32, height: f32, color: Color) {
        let Color(r, g, b) = color;
        self.content
            .set_fill_rgb(r, g, b)
            .rect(x, y, width, height)
            .fill_nonzero();
    }

    /// Places the logo image in the given rectangle.
    pub(super) fn logo(&mut self, x: f32, y: f32, width: f32, height: f32) {
        self.has_logo = true;
        self.content
            .save_state()
            .transform([width, 0.0, 0.0, height, x, y])
            .x_object(Name(LOGO_NAME))
            .restore_state();
    }

    /// Makes the rectangle from (`x`, `y`) a link to `uri`.
    pub(super) fn link(&mut self, x: f32, y: f32, width: f32, height: f32, uri: &str) {
        self.links.push(Link {
            rect: Rect::new(x, y, x + width, y + height),
            uri: uri.to_owned(),
        });
    }
}

/// The largest size up to `size` at which `text` is at most `max_width` wide.
pub(super) fn fit_size(text: &str, font: Font, size: f32, max_width: f32) -> f32 {
    let width = font.width(text, size);
    if width <= max_width || width == 0.0 {
        size
    } else {
        size * max_width / width
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_only_shrinks_when_it_does_not_fit() {
        assert_eq!(fit_size("12", Font::Regular, 9.0, 100.0), 9.0);
        let size = fit_size("€ 1.000.000.000.000,00", Font::Bold, 9.0, 60.0);
        assert!(size < 9.0);
        assert!((Font::Bold.width("€ 1.000.000.000.000,00", size) - 60.0).abs() < 0.01);
    }
}
