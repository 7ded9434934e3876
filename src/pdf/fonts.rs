//! The two standard-14 fonts the invoice uses (Helvetica and Helvetica-Bold): WinAnsi
//! encoding of text, glyph widths for measuring it, and word wrapping.
//!
//! Every PDF reader ships these fonts, so nothing is embedded and the files stay small.
//! The widths are the advance widths of Adobe's Core 14 AFM files (in 1/1000 em), laid out
//! by WinAnsiEncoding code (ISO 32000-1, Annex D.2). The Euro sign is not in the original
//! AFM files; 556 is the width readers use for it (that of the digits).

use std::borrow::Cow;

/// One of the two fonts on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Font {
    Regular,
    Bold,
}

impl Font {
    /// The resource name the page content uses for this font.
    pub(super) fn resource_name(self) -> &'static [u8] {
        match self {
            Font::Regular => b"F1",
            Font::Bold => b"F2",
        }
    }

    /// The PostScript name of the standard font.
    pub(super) fn base_font(self) -> &'static [u8] {
        match self {
            Font::Regular => b"Helvetica",
            Font::Bold => b"Helvetica-Bold",
        }
    }

    fn widths(self) -> &'static [u16; 256] {
        match self {
            Font::Regular => &HELVETICA,
            Font::Bold => &HELVETICA_BOLD,
        }
    }

    /// The width in points of WinAnsi-encoded `text` at `size` points.
    pub(super) fn width_of_encoded(self, text: &[u8], size: f32) -> f32 {
        let widths = self.widths();
        let units: u32 = text
            .iter()
            .map(|&b| u32::from(widths[usize::from(b)]))
            .sum();
        units as f32 * size / 1000.0
    }

    /// The width in points of `text` at `size` points, as it will be shown.
    pub(super) fn width(self, text: &str, size: f32) -> f32 {
        self.width_of_encoded(&encode(text), size)
    }
}

/// `text` in WinAnsiEncoding. A character the encoding lacks becomes `?`, and any control
/// character (tab, newline) a space, so that what is measured is exactly what is shown.
pub(super) fn encode(text: &str) -> Cow<'_, [u8]> {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        return Cow::Borrowed(text.as_bytes());
    }
    Cow::Owned(text.chars().map(encode_char).collect())
}

fn encode_char(c: char) -> u8 {
    let code = u32::from(c);
    match code {
        0x20..=0x7e | 0xa0..=0xff => code as u8,
        0x00..=0x1f | 0x7f..=0x9f => b' ',
        _ => match c {
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8a,
            '‹' => 0x8b,
            'Œ' => 0x8c,
            'Ž' => 0x8e,
            '\u{2018}' => 0x91,
            '\u{2019}' => 0x92,
            '\u{201c}' => 0x93,
            '\u{201d}' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9a,
            '›' => 0x9b,
            'œ' => 0x9c,
            'ž' => 0x9e,
            'Ÿ' => 0x9f,
            // Other spaces and hyphens have a plain equivalent; anything else cannot be
            // shown by a standard font.
            '\u{2000}'..='\u{200a}' | '\u{202f}' => b' ',
            '\u{2010}' | '\u{2011}' | '\u{2212}' => b'-',
            _ => b'?',
        },
    }
}

/// Widths are sums of floats: a line measured word by word may come out a hair wider
/// than the same line measured whole.
const TOLERANCE: f32 = 1e-3;

/// Breaks `text` into lines no wider than `max_width` points at `size`: at spaces where
/// possible, inside a word only when the word alone is too wide, and at every newline.
/// Always at least one line, so that an empty cell still takes its row.
pub(super) fn wrap(text: &str, font: Font, size: f32, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0;
        let space = font.width(" ", size);
        for word in paragraph.split([' ', '\t', '\r']).filter(|w| !w.is_empty()) {
            let word_width = font.width(word, size);
            let needed = if line.is_empty() {
                word_width
            } else {
                line_width + space + word_width
            };
            if needed <= max_width + TOLERANCE {
                if !line.is_empty() {
                    line.push(' ');
                }
                line.push_str(word);
                line_width = needed;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            // The word starts a new line; a word wider than a whole line is cut.
            line_width = 0.0;
            for c in word.chars() {
                let char_width = font.width_of_encoded(&[encode_char(c)], size);
                if line_width + char_width > max_width + TOLERANCE && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(c);
                line_width += char_width;
            }
        }
        lines.push(line);
    }
    lines
}

const HELVETICA: [u16; 256] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x00
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x10
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 584, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0x30
    1010, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 0x50
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 0x60
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0, // 0x70
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 0x80
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667, // 0x90
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 556, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 0xF0
];

const HELVETICA_BOLD: [u16; 256] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x00
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, // 0x10
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 584, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0x30
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 0x50
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 0x60
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0, // 0x70
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0, // 0x80
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667, // 0x90
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 0xF0
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dutch_and_euro_characters_have_their_winansi_codes() {
        assert_eq!(&*encode("€ é ë ï ö ü"), b"\x80 \xe9 \xeb \xef \xf6 \xfc");
        assert_eq!(&*encode("Łódź"), b"?\xf3d?");
        assert_eq!(&*encode("a\tb\nc"), b"a b c");
        assert!(matches!(encode("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn widths_match_the_adobe_metrics() {
        // "Hello": H 722, e 556, l 222, l 222, o 556 = 2278 units.
        assert!((Font::Regular.width("Hello", 10.0) - 22.78).abs() < 1e-4);
        // Bold digits and the euro sign are all 556 wide, like the regular ones.
        assert_eq!(Font::Bold.width("€0", 1000.0), 1112.0);
        assert_eq!(Font::Regular.width("€0", 1000.0), 1112.0);
        assert_eq!(Font::Regular.width("", 12.0), 0.0);
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_cuts_only_overlong_words() {
        let size = 10.0;
        let width = Font::Regular.width("aaaa aaaa", size);
        assert_eq!(
            wrap("aaaa aaaa aaaa", Font::Regular, size, width),
            ["aaaa aaaa", "aaaa"]
        );
        let lines = wrap(&"x".repeat(40), Font::Regular, size, width);
        assert!(lines.len() > 1, "{lines:?}");
        assert_eq!(lines.concat(), "x".repeat(40));
        for line in &lines {
            assert!(Font::Regular.width(line, size) <= width, "{line}");
        }
        assert_eq!(wrap("one\ntwo", Font::Regular, size, 500.0), ["one", "two"]);
        assert_eq!(wrap("", Font::Regular, size, 500.0), [""]);
    }
}
