//! The new text of a reply: the earlier messages a mail program quotes below (or between)
//! the customer's words are cut, so a ticket thread does not repeat itself.
//!
//! Recognised, in English, Dutch, German and French:
//! - an attribution line followed by quoted lines or nothing: "On Mon, 3 Mar 2025 at 14:02,
//!   Jan <jan@example.nl> wrote:", "Op ma 3 mrt 2025 om 14:02 schreef Jan <..>:", Apple's
//!   "Op 3 mrt 2025, om 14:02 heeft Jan het volgende geschreven:", "Am .. schrieb ..:",
//!   "Le .. a écrit :" (also when a mail program wrapped it over up to three lines);
//! - Outlook's header block ("From: / Sent: / Subject:", "Van: / Verzonden: / Onderwerp:")
//!   and its "-----Original Message-----" line, with the rule line drawn above them;
//! - lines starting with `>` anywhere (quoted text between the customer's answers).
//!
//! Forwarded messages are kept: what a customer forwards is what the ticket is about.

/// Lines an attribution may be wrapped over.
const MAX_ATTRIBUTION_LINES: usize = 3;
/// How far below a "From:" line Outlook's "Sent:" and "Subject:" lines are looked for.
const HEADER_BLOCK_LINES: usize = 6;

/// `text` (lines separated by `\n`) without the quoted earlier messages; `text` itself when
/// nothing would be left, so a misjudged message shows too much rather than nothing.
pub fn strip_quoted(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let end = (0..lines.len())
        .find(|&i| starts_quote(&lines, i))
        .unwrap_or(lines.len());
    let mut kept: Vec<&str> = lines[..end]
        .iter()
        .copied()
        .filter(|line| !line.trim_start().starts_with('>'))
        .collect();
    // The rule line Outlook draws above its header block, and blank lines, at the end.
    while kept
        .last()
        .is_some_and(|line| line.trim().is_empty() || is_rule(line))
    {
        kept.pop();
    }
    while kept.first().is_some_and(|line| line.trim().is_empty()) {
        kept.remove(0);
    }
    if kept.is_empty() {
        return text.trim().to_string();
    }
    kept.join("\n").trim_end().to_string()
}

/// Whether the quoted part of the message begins at line `i`.
fn starts_quote(lines: &[&str], i: usize) -> bool {
    is_original_message_line(lines[i])
        || is_outlook_header_block(lines, i)
        || attribution_len(lines, i).is_some_and(|len| followed_by_quote(lines, i + len))
}

/// How many lines (1 to 3) from `i` form an attribution, if they do.
fn attribution_len(lines: &[&str], i: usize) -> Option<usize> {
    let mut joined = String::new();
    for (n, line) in lines[i..].iter().take(MAX_ATTRIBUTION_LINES).enumerate() {
        if n > 0 && line.trim().is_empty() {
            return None;
        }
        if n > 0 {
            joined.push(' ');
        }
        joined.push_str(line.trim());
        if is_attribution(&joined) {
            return Some(n + 1);
        }
    }
    None
}

fn is_attribution(line: &str) -> bool {
    let lower = line.to_lowercase();
    let starts = |p: &str| lower.starts_with(p);
    let ends = |p: &str| lower.ends_with(p);
    (starts("on ") && ends(" wrote:"))
        || (starts("op ") && (lower.contains(" schreef ") || ends(" schreef:")) && ends(":"))
        || (starts("op ") && ends(" het volgende geschreven:"))
        || (starts("am ") && lower.contains(" schrieb ") && ends(":"))
        || (starts("le ") && (ends(" a écrit :") || ends(" a écrit:")))
}

/// Whether the next non-blank line from `i` is quoted, or there is none.
fn followed_by_quote(lines: &[&str], i: usize) -> bool {
    lines[i..]
        .iter()
        .find(|line| !line.trim().is_empty())
        .is_none_or(|line| line.trim_start().starts_with('>'))
}

/// "-----Original Message-----" and its translations.
fn is_original_message_line(line: &str) -> bool {
    let trimmed = line.trim();
    let Some(inner) = trimmed
        .strip_prefix("--")
        .and_then(|rest| rest.strip_suffix("--"))
    else {
        return false;
    };
    let inner = inner.trim_matches('-').trim().to_lowercase();
    matches!(
        inner.as_str(),
        "original message"
            | "oorspronkelijk bericht"
            | "origineel bericht"
            | "oorspronkelijk e-mailbericht"
            | "ursprüngliche nachricht"
            | "message d'origine"
    )
}

/// Outlook's block: "From:" (or "Van:", "Von:", "De:") with a "Sent:"/"Date:" line and a
/// "Subject:" line below it.
fn is_outlook_header_block(lines: &[&str], i: usize) -> bool {
    const FROM: &[&str] = &["from:", "van:", "von:", "de:"];
    const SENT: &[&str] = &[
        "sent:",
        "date:",
        "verzonden:",
        "datum:",
        "gesendet:",
        "envoyé:",
    ];
    const SUBJECT: &[&str] = &["subject:", "onderwerp:", "betreff:", "objet:"];
    let has = |line: &str, names: &[&str]| {
        let lower = line.trim().to_lowercase();
        names.iter().any(|name| lower.starts_with(name))
    };
    if !has(lines[i], FROM) || forwarded_above(lines, i) {
        return false;
    }
    let below = &lines[i + 1..lines.len().min(i + 1 + HEADER_BLOCK_LINES)];
    below.iter().any(|line| has(line, SENT)) && below.iter().any(|line| has(line, SUBJECT))
}

/// Whether the nearest non-blank line above `i` announces a forwarded message ("----------
/// Forwarded message ---------", "Begin forwarded message:", and the Dutch forms).
fn forwarded_above(lines: &[&str], i: usize) -> bool {
    lines[..i]
        .iter()
        .rev()
        .find(|line| !line.trim().is_empty())
        .is_some_and(|line| {
            let lower = line.trim().trim_matches('-').trim().to_lowercase();
            matches!(
                lower.as_str(),
                "forwarded message"
                    | "doorgestuurd bericht"
                    | "begin forwarded message:"
                    | "begin doorgestuurd bericht:"
                    | "weitergeleitete nachricht"
                    | "message transféré"
            )
        })
}

/// A line drawn of `_` or `-` (Outlook's separator above its header block).
fn is_rule(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.len() >= 10 && trimmed.chars().all(|c| c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_attribution_and_quoted_lines_are_cut() {
        let text = "Dank u, dat klopt.\n\nGroet,\nJan\n\n\
                    On Mon, 3 Mar 2025 at 14:02, Support <support@example.nl> wrote:\n\
                    > Goedemiddag,\n>\n> Uw factuur is verstuurd.\n";
        assert_eq!(strip_quoted(text), "Dank u, dat klopt.\n\nGroet,\nJan");
    }

    #[test]
    fn a_wrapped_dutch_attribution_is_cut() {
        let text = "Prima!\n\nOp ma 3 mrt 2025 om 14:02 schreef Support Team <\n\
                    support@example.nl>:\n\n> Vraag?\n";
        assert_eq!(strip_quoted(text), "Prima!");
        let apple =
            "Goed.\n\nOp 3 mrt 2025, om 14:02 heeft Support het volgende geschreven:\n\n> x";
        assert_eq!(strip_quoted(apple), "Goed.");
        let german = "Ja.\nAm 03.03.2025 um 14:02 schrieb Support <s@example.nl>:\n> x";
        assert_eq!(strip_quoted(german), "Ja.");
        let french = "Oui.\nLe lun. 3 mars 2025 à 14:02, Support a écrit :\n> x";
        assert_eq!(strip_quoted(french), "Oui.");
    }

    #[test]
    fn an_attribution_like_sentence_without_quotes_below_stays() {
        let text = "On Monday my colleague wrote:\nthe invoice is wrong.\nPlease check.";
        assert_eq!(strip_quoted(text), text);
    }

    #[test]
    fn outlook_header_blocks_are_cut_with_their_rule() {
        let text = "Bedankt voor het snelle antwoord.\n\n\
                    ________________________________\n\
                    Van: Support <support@example.nl>\n\
                    Verzonden: maandag 3 maart 2025 14:02\n\
                    Aan: Jan Jansen <jan@example.nl>\n\
                    Onderwerp: RE: Factuur 2025-001\n\n\
                    Goedemiddag,\n";
        assert_eq!(strip_quoted(text), "Bedankt voor het snelle antwoord.");

        let english =
            "Thanks.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\nSubject: x\n\nOld";
        assert_eq!(strip_quoted(english), "Thanks.");
    }

    #[test]
    fn a_from_line_without_the_rest_of_the_block_stays() {
        let text = "From: my accountant\nthe numbers do not add up.";
        assert_eq!(strip_quoted(text), text);
    }

    #[test]
    fn interleaved_quotes_are_removed_and_the_answers_kept() {
        let text = "> Is the address right?\nYes.\n> And the amount?\nNo, it should be 12.95.";
        assert_eq!(strip_quoted(text), "Yes.\nNo, it should be 12.95.");
    }

    #[test]
    fn forwarded_messages_are_kept() {
        let text = "See below.\n\n---------- Forwarded message ---------\nFrom: bank\nDate: today\nSubject: x\n\nPayment failed";
        // The forwarded header block looks like Outlook's, but a forward is what the ticket
        // is about.
        assert_eq!(strip_quoted(text), text);
        let apple = "Zie hieronder.\n\nBegin doorgestuurd bericht:\n\nVan: bank\nDatum: vandaag\nOnderwerp: x\n\nMislukt";
        assert_eq!(strip_quoted(apple), apple);
    }

    #[test]
    fn a_message_that_is_only_quoted_keeps_its_full_text() {
        let text = "> just the old text\n> again";
        assert_eq!(strip_quoted(text), text);
    }
}
