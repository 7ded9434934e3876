//! The message's text and HTML: the plain-text part preferred, an HTML-only message turned
//! into readable text (paragraphs, lists, quotes as `>` lines, links with their addresses)
//! by `html2text`, `format=flowed` text (RFC 3676) joined back into paragraphs.

use mail_parser::{Message, MimeHeaders, PartType};

/// Width HTML is laid out at. Wide, so sentences are not broken into short lines; a ticket
/// page wraps the text itself.
const HTML_TEXT_WIDTH: usize = 1000;
/// HTML up to this size gets the full conversion (mail is rarely over 200 KiB of HTML).
pub const MAX_RICH_HTML_BYTES: usize = 1024 * 1024;
/// HTML nested up to this deep gets the full conversion (a Gmail thread of 50 replies
/// nests about 150 deep).
pub const MAX_RICH_HTML_DEPTH: usize = 256;

/// The text of the message's body parts, joined by a blank line. When the plain-text parts
/// hold nothing (some mailing tools send an empty one beside the HTML), the HTML's text.
pub(super) fn body_text(message: &Message<'_>) -> String {
    let text = plain_text(message);
    if !text.is_empty() {
        return text;
    }
    body_html(message)
        .map(|html| normalize(&html_to_text(&html)).trim().to_string())
        .unwrap_or_default()
}

fn plain_text(message: &Message<'_>) -> String {
    let pieces: Vec<String> = message
        .text_body
        .iter()
        .filter_map(|&id| message.parts.get(id as usize))
        .filter_map(|part| match &part.body {
            PartType::Text(text) => {
                let flowed = part
                    .content_type()
                    .and_then(|ct| ct.attribute("format"))
                    .is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
                let delsp = part
                    .content_type()
                    .and_then(|ct| ct.attribute("delsp"))
                    .is_some_and(|d| d.eq_ignore_ascii_case("yes"));
                let text = normalize(text);
                Some(if flowed { unflow(&text, delsp) } else { text })
            }
            PartType::Html(html) => Some(normalize(&html_to_text(html))),
            _ => None,
        })
        .map(|piece| piece.trim_end().to_string())
        .filter(|piece| !piece.trim().is_empty())
        .collect();
    pieces.join("\n\n").trim_start_matches('\n').to_string()
}

/// The HTML part(s) as sent, joined (Apple Mail splits the HTML around inline attachments).
pub(super) fn body_html(message: &Message<'_>) -> Option<String> {
    let pieces: Vec<&str> = message
        .html_body
        .iter()
        .filter_map(|&id| message.parts.get(id as usize))
        .filter_map(|part| match &part.body {
            PartType::Html(html) => Some(html.as_ref()),
            _ => None,
        })
        .collect();
    (!pieces.is_empty()).then(|| pieces.join("\n"))
}

/// Readable text from HTML: no markup, block elements on their own lines, `<blockquote>`
/// as `> ` lines (so quoted replies are recognised), links as footnotes with their address.
///
/// A full HTML parse and layout costs time that grows faster than the input on deeply
/// nested markup (100,000 nested `<div>`s took minutes), so HTML over
/// [`MAX_RICH_HTML_BYTES`] or nested deeper than [`MAX_RICH_HTML_DEPTH`] (far beyond any
/// mail program's output) takes mail-parser's plain single-pass conversion instead: still
/// text without markup, with fewer line breaks.
pub fn html_to_text(html: &str) -> String {
    let simple = || mail_parser::decoders::html::html_to_text(html);
    let text = if html_fits_full_parse(html) {
        html2text::config::plain_no_decorate()
            .link_footnotes(true)
            .no_table_borders()
            .allow_width_overflow()
            .string_from_read(html.as_bytes(), HTML_TEXT_WIDTH)
            // The renderer fails only on a width too narrow for the content, which
            // allow_width_overflow rules out.
            .unwrap_or_else(|_| simple())
    } else {
        simple()
    };
    // Outlook writes empty paragraphs (`<p>&nbsp;</p>`) for spacing: one blank line at most.
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim_end) {
        if !(line.is_empty() && lines.last().is_none_or(|last| last.is_empty())) {
            lines.push(line);
        }
    }
    lines.join("\n")
}

/// Whether `html` is small and shallow enough ([`MAX_RICH_HTML_BYTES`],
/// [`MAX_RICH_HTML_DEPTH`]) for a full HTML5 parse in reasonable time. A sanitiser built on
/// html5ever (ammonia) has the same cost on deep nesting as the text conversion: check this
/// before sanitising [`super::InboundMessage::html`] for display, and show the text when it
/// is false.
pub fn html_fits_full_parse(html: &str) -> bool {
    html.len() <= MAX_RICH_HTML_BYTES && nesting_at_most(html, MAX_RICH_HTML_DEPTH)
}

/// Whether the elements of `html` nest at most `limit` deep. An estimate from above: tags
/// are matched by name as a browser would, but elements a browser closes by itself (a `<p>`
/// before the next `<p>`) and tags inside comments count as open.
fn nesting_at_most(html: &str, limit: usize) -> bool {
    const VOID: &[&[u8]] = &[
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta",
        b"param", b"source", b"track", b"wbr",
    ];
    let bytes = html.as_bytes();
    let mut open: Vec<&[u8]> = Vec::new();
    let mut at = 0;
    while let Some(lt) = bytes[at..].iter().position(|&b| b == b'<') {
        let closing = bytes.get(at + lt + 1) == Some(&b'/');
        let start = at + lt + 1 + usize::from(closing);
        let len = bytes[start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b':' | b'_'))
            .count();
        at = start + len;
        if len == 0 {
            continue; // a comment, a doctype or a lone `<`
        }
        let name = &bytes[start..start + len];
        if closing {
            if let Some(pos) = open.iter().rposition(|o| o.eq_ignore_ascii_case(name)) {
                open.truncate(pos);
            }
        } else if !VOID.iter().any(|void| void.eq_ignore_ascii_case(name)) {
            open.push(name);
            if open.len() > limit {
                return false;
            }
        }
    }
    true
}

/// Line ends as `\n`; other control characters (but tabs) removed.
fn normalize(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .chars()
        .filter(|&c| c == '\n' || c == '\t' || !c.is_control())
        .collect()
}

/// RFC 3676: in `format=flowed` text a line ending in a space continues on the next line
/// (of the same quote depth); with `delsp=yes` that space is not part of the text. A
/// leading space added to protect a line ("space-stuffing") is removed. The signature
/// separator `-- ` is never joined.
fn unflow(text: &str, delsp: bool) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut open: Option<usize> = None; // quote depth of a paragraph still being joined
    for line in text.split('\n') {
        let depth = line.bytes().take_while(|&b| b == b'>').count();
        let content = &line[depth..];
        let content = content.strip_prefix(' ').unwrap_or(content);
        let is_signature = content == "-- ";
        let flowed = !is_signature && content.ends_with(' ');
        let content = if flowed && delsp {
            &content[..content.len() - 1]
        } else {
            content
        };
        match (open, out.last_mut()) {
            (Some(open_depth), Some(last)) if open_depth == depth && !is_signature => {
                last.push_str(content)
            }
            _ => {
                let prefix = if depth > 0 {
                    format!("{} ", ">".repeat(depth))
                } else {
                    String::new()
                };
                out.push(format!("{prefix}{content}"));
            }
        }
        open = flowed.then_some(depth);
    }
    out.iter()
        .map(|line| line.trim_end())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flowed_lines_are_joined_per_quote_depth() {
        let text = "Dit is een lange \nzin over twee regels.\n\n> Een oude \n> vraag.\n-- \nJan";
        assert_eq!(
            unflow(text, false),
            "Dit is een lange zin over twee regels.\n\n> Een oude vraag.\n--\nJan"
        );
        assert_eq!(unflow("Ge \nplakt", true), "Geplakt");
        assert_eq!(unflow(" From me", false), "From me");
    }

    #[test]
    fn html_becomes_text_without_markup() {
        let html = "<html><head><style>p{color:red}</style><title>x</title></head><body>\
                    <p>Hallo <b>team</b>,</p><p>Zie <a href=\"https://example.nl/f\">de factuur</a>.</p>\
                    <ul><li>een</li><li>twee</li></ul><blockquote>oud</blockquote></body></html>";
        let text = html_to_text(html);
        assert!(!text.contains('<'), "{text}");
        assert!(!text.contains("color:red"), "{text}");
        assert!(text.contains("Hallo team,"), "{text}");
        assert!(text.contains("https://example.nl/f"), "{text}");
        assert!(text.contains("een") && text.contains("twee"), "{text}");
        assert!(text.lines().any(|l| l.starts_with("> oud")), "{text}");
    }

    #[test]
    fn ordinary_mail_html_fits_a_full_parse_and_huge_html_does_not() {
        let outlook = format!(
            "<html><body>{}</body></html>",
            "<div><p><span>x</span></p></div>".repeat(5000)
        );
        assert!(html_fits_full_parse(&outlook));
        assert!(!html_fits_full_parse(
            &"<p>x</p>".repeat(MAX_RICH_HTML_BYTES / 8 + 1)
        ));
    }

    #[test]
    fn nesting_is_estimated_from_above() {
        assert!(nesting_at_most("<div><p>a</p><br><img src=x></div>", 2));
        assert!(!nesting_at_most("<div><p>a</p><div><span>b", 2));
        // Closing tags match by name: a stray `</x>` closes nothing.
        assert!(!nesting_at_most(&"<div></x>".repeat(3), 2));
        // `<div/>` opens a div in HTML: the slash means nothing on a non-void element.
        assert!(!nesting_at_most(&"<div/>".repeat(3), 2));
        // Closing an outer element closes what is inside it.
        assert!(nesting_at_most(&"<div><b><i></div>".repeat(100), 3));
        assert!(nesting_at_most("<!-- <> -->< a <", 0));
    }

    #[test]
    fn deeply_nested_html_takes_the_simple_conversion_in_little_time() {
        let started = std::time::Instant::now();
        let deep = format!(
            "{}diep{}",
            "<div>".repeat(100_000),
            "</div>".repeat(100_000)
        );
        assert!(!html_fits_full_parse(&deep));
        assert_eq!(html_to_text(&deep), "diep");
        let quotes = format!("<p>nieuw</p>{}oud", "<blockquote>".repeat(20_000));
        assert!(html_to_text(&quotes).starts_with("nieuw"));
        // Minutes through the full conversion; milliseconds this way (seconds allowed for
        // an unoptimised build on a busy machine).
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
    }
}
