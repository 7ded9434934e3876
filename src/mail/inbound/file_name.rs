//! Attachment file names made safe to store, show and offer for download: whatever a sender
//! wrote in `Content-Disposition` / `Content-Type` (already decoded from RFC 2047 / 2231).

/// File names are cut to this many bytes of UTF-8, the limit of common file systems.
pub const MAX_FILE_NAME_BYTES: usize = 255;
/// The extension kept when a long name is cut, if it is at most this long.
const MAX_KEPT_EXTENSION: usize = 16;

/// A safe version of `name`: only its last path component (`/` and `\` both count), no
/// control characters (C0, DEL, C1) and no bidirectional or invisible formatting characters
/// (a right-to-left override can make `invoice\u{202e}fdp.exe` look like `invoiceexe.pdf`),
/// no leading dots (no hidden files, no `..`), no leading or trailing spaces or trailing dots
/// (which Windows drops), at most [`MAX_FILE_NAME_BYTES`] bytes with the extension kept.
/// `None` when nothing is left.
pub fn safe_file_name(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !is_invisible_format(*c))
        .collect();
    let trimmed = cleaned
        .trim_start_matches(|c: char| c == '.' || c.is_whitespace())
        .trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.is_empty() {
        return None;
    }
    Some(shorten(trimmed))
}

/// Formatting characters that change how a name is displayed without being seen: bidi
/// embeddings, overrides and isolates, marks, zero-width characters, the BOM.
fn is_invisible_format(c: char) -> bool {
    matches!(c,
        '\u{061c}' | '\u{180e}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}'
        | '\u{2060}'..='\u{2069}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}')
}

/// Cuts `name` to [`MAX_FILE_NAME_BYTES`] on a character boundary, keeping a short
/// extension (`.pdf`) so the file still opens with the right program.
fn shorten(name: &str) -> String {
    if name.len() <= MAX_FILE_NAME_BYTES {
        return name.to_string();
    }
    let extension = name
        .rfind('.')
        .map(|dot| &name[dot..])
        .filter(|ext| ext.len() <= MAX_KEPT_EXTENSION)
        .unwrap_or_default();
    let mut end = MAX_FILE_NAME_BYTES - extension.len();
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    let stem = name[..end].trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    format!("{stem}{extension}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parts_are_dropped() {
        assert_eq!(
            safe_file_name("../../etc/passwd").as_deref(),
            Some("passwd")
        );
        assert_eq!(
            safe_file_name("C:\\Users\\jan\\Factuur 12.pdf").as_deref(),
            Some("Factuur 12.pdf")
        );
        assert_eq!(safe_file_name("/tmp/").as_deref(), None);
        assert_eq!(safe_file_name("..").as_deref(), None);
        assert_eq!(safe_file_name(".htaccess").as_deref(), Some("htaccess"));
    }

    #[test]
    fn control_and_bidi_characters_are_removed() {
        assert_eq!(
            safe_file_name("in\0voice\r\n.pdf\u{7f}").as_deref(),
            Some("invoice.pdf")
        );
        assert_eq!(
            safe_file_name("factuur\u{202e}fdp.exe").as_deref(),
            Some("factuurfdp.exe")
        );
        assert_eq!(safe_file_name("\u{200b}\u{feff}").as_deref(), None);
        assert_eq!(safe_file_name("a\u{85}b").as_deref(), Some("ab"));
    }

    #[test]
    fn non_ascii_names_are_kept() {
        assert_eq!(
            safe_file_name("Überweisung ✓ één.pdf").as_deref(),
            Some("Überweisung ✓ één.pdf")
        );
        assert_eq!(
            safe_file_name("  rapport.docx . ").as_deref(),
            Some("rapport.docx")
        );
    }

    #[test]
    fn long_names_are_cut_to_255_bytes_keeping_the_extension() {
        let long = format!("{}.pdf", "é".repeat(300));
        let safe = safe_file_name(&long).unwrap();
        assert!(safe.len() <= MAX_FILE_NAME_BYTES, "{}", safe.len());
        assert!(safe.len() >= MAX_FILE_NAME_BYTES - 1);
        assert!(safe.ends_with("é.pdf"));

        let no_extension = "x".repeat(1000);
        assert_eq!(safe_file_name(&no_extension).unwrap().len(), 255);
        // A "extension" longer than 16 bytes is just part of the name.
        let odd = format!("a.{}", "b".repeat(400));
        assert_eq!(safe_file_name(&odd).unwrap().len(), 255);
    }
}
