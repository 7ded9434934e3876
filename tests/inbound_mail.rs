//! Inbound e-mail parsing (`portaal::mail::inbound::parse`) on real-looking messages in
//! `tests/inbound/`: what Gmail, Thunderbird, Outlook, Exchange and Postfix send, and
//! malformed input that must be refused with a message that says what is wrong.

use portaal::mail::inbound::{
    Automatic, InboundError, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_FILE_NAME_BYTES,
    MAX_MESSAGE_BYTES, ReplyToken, parse, safe_file_name,
};
use proptest::prelude::*;

/// The reply token in the plus-addresses of the fixtures.
const TOKEN: &str = "9f86d081884c7d659a2feaa0c55ad015";

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/inbound/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap_or_else(|e| panic!("tests/inbound/{name}: {e}"))
}

fn token() -> ReplyToken {
    ReplyToken::parse(TOKEN).unwrap()
}

#[test]
fn gmail_multipart_alternative_with_quoted_printable_text_and_base64_html() {
    let message = parse(&fixture("gmail_alternative.eml")).unwrap();
    assert_eq!(message.from.address, "jan.jansen@example.com");
    // =?UTF-8?Q?Jan_J=C3=A4nsen?=
    assert_eq!(message.from.name.as_deref(), Some("Jan Jänsen"));
    assert_eq!(message.subject, "Vraag over factuur 2025-001 – € 12,95");
    assert_eq!(
        message.message_id.as_deref(),
        Some("CAF3k9x2mQ1vN5pL8wZr0TqYb7=hX4cJ9eD2sK6uA@mail.gmail.com")
    );
    assert_eq!(
        message.date.unwrap().to_string(),
        "2025-03-03T13:31:58Z",
        "Mon, 3 Mar 2025 14:31:58 +0100"
    );
    assert_eq!(message.reply_tokens, vec![token()]);
    // The text/plain part is preferred; its quoted-printable soft line breaks are joined.
    assert_eq!(
        message.text,
        "Goedemiddag,\n\nOp factuur 2025-001 staat € 12,95 voor één crème-brûlée-taart, maar \
         ik had er twee besteld en ook twee ontvangen. Kunt u de factuur aanpassen naar het \
         juiste bedrag van € 25,90?\n\nMet vriendelijke groet,\nJan Jänsen"
    );
    assert_eq!(message.new_text, message.text);
    // The base64 HTML part is kept, decoded, as sent.
    let html = message.html.as_deref().unwrap();
    assert!(html.contains("<b>€ 25,90</b>"), "{html}");
    assert!(message.attachments.is_empty());
    assert!(!message.is_automatic());
}

#[test]
fn thunderbird_latin1_subject_and_body_with_encoded_attachment_names() {
    let message = parse(&fixture("thunderbird_latin1_attachments.eml")).unwrap();
    // =?ISO-8859-1?B?...?=
    assert_eq!(
        message.subject,
        "Überweisung für Rechnung 2025-014, Beleg anbei"
    );
    assert_eq!(message.from.name.as_deref(), Some("Petra Müller"));
    assert_eq!(
        message.cc,
        vec![portaal::mail::inbound::Mailbox {
            address: "buchhaltung@mueller-soehne.example".into(),
            name: Some("Buchhaltung".into()),
        }]
    );
    assert_eq!(message.delivered_to, vec!["support@bakkerij-devries.nl"]);
    assert!(message.reply_tokens.is_empty(), "no plus-address, no token");
    // 8-bit ISO-8859-1, format=flowed: the soft break after "am " is joined.
    assert!(
        message.text.contains(
            "Die Zahlung ging am Freitag über unsere Hausbank raus.\n\nMit freundlichen Grüßen"
        ),
        "{}",
        message.text
    );
    let [pdf, png] = message.attachments.as_slice() else {
        panic!("two attachments: {:?}", message.attachments);
    };
    // RFC 2231: filename*=UTF-8''%C3%9Cberweisung%20M%C3%A4rz.pdf
    assert_eq!(pdf.file_name, "Überweisung März.pdf");
    assert_eq!(pdf.content_type, "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-1.4\n") && pdf.bytes.ends_with(b"%%EOF\n"));
    // RFC 2047 in ISO-8859-1: "=?ISO-8859-1?Q?Kontoauszug_f=FCr_M=E4rz=2Epng?="
    assert_eq!(png.file_name, "Kontoauszug für März.png");
    assert_eq!(png.content_type, "image/png");
    assert!(png.bytes.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(png.content_id, None);
}

#[test]
fn a_gmail_reply_carries_its_thread_and_its_new_text() {
    let message = parse(&fixture("gmail_reply.eml")).unwrap();
    // The address as written; matching a customer ignores case.
    assert_eq!(message.from.address, "Jan.Jansen@Example.com");
    assert_eq!(message.subject, "Re: Vraag over factuur 2025-001 – € 12,95");
    assert_eq!(
        message.in_reply_to,
        vec!["tim_q1w2e3r4t5y6u7@portaal.bakkerij-devries.nl"]
    );
    assert_eq!(
        message.references,
        vec![
            "tim_a8k2m4p6r8t0v2@portaal.bakkerij-devries.nl",
            "tim_q1w2e3r4t5y6u7@portaal.bakkerij-devries.nl",
        ]
    );
    assert_eq!(message.reply_tokens, vec![token()]);
    // The Dutch attribution is wrapped over two lines; the quote below it goes.
    assert_eq!(
        message.new_text,
        "Dank u wel, de nieuwe factuur klopt nu.\n\nGroet,\nJan"
    );
    assert!(message.text.starts_with(&message.new_text));
    assert!(
        message
            .text
            .contains("> We hebben de factuur aangepast naar € 25,90."),
        "the full text keeps the quote: {}",
        message.text
    );
}

#[test]
fn an_outlook_html_only_reply_becomes_readable_text() {
    let message = parse(&fixture("outlook_html_only_reply.eml")).unwrap();
    let text = &message.text;
    // Markup gone; the `<address>` the HTML wrote as `&lt;...&gt;` is text and stays.
    for markup in [
        "<p",
        "<div",
        "<b>",
        "<span",
        "<img",
        "<o:p",
        "</",
        "MsoNormal",
        "font-family",
        "&nbsp;",
        "&#8364;",
        "&lt;",
        "mso",
    ] {
        assert!(!text.contains(markup), "{markup:?} in {text}");
    }
    // windows-1252 quoted-printable (=F3, =91, =92) and the &#8364; entity, decoded.
    assert!(
        text.starts_with(
            "Hoi,\n\nHet klopt nog steeds niet: ik zie op de factuur € 12,95 staan en de \
             levering van vrijdag ontbreekt. Kunnen jullie dat vóór het weekend corrigeren?"
        ),
        "{text}"
    );
    assert!(
        text.contains("zie ‘Mijn facturen’ in het portaal."),
        "{text}"
    );
    // The Dutch header block ("Van: / Verzonden: / Onderwerp:") starts the quote.
    assert!(
        text.contains("\nVerzonden: dinsdag 4 maart 2025 10:02\n"),
        "{text}"
    );
    assert!(
        message
            .new_text
            .ends_with("Met vriendelijke groet,\n\nKees Bakker\n\n[Logo Bakker BV]"),
        "{}",
        message.new_text
    );
    assert!(!message.new_text.contains("Van:"));
    assert_eq!(
        message.in_reply_to,
        vec!["tim_z9x8c7v6b5n4m3@portaal.bakkerij-devries.nl"]
    );
    // The HTML as sent, for the lead's sanitiser, and the inline logo it shows by cid.
    let html = message.html.as_deref().unwrap();
    assert!(html.contains("src=\"cid:image001.png@01DB8C5E.4F1A2B30\""));
    let [logo] = message.attachments.as_slice() else {
        panic!("one attachment: {:?}", message.attachments);
    };
    assert_eq!(logo.file_name, "image001.png");
    assert_eq!(
        logo.content_id.as_deref(),
        Some("image001.png@01DB8C5E.4F1A2B30")
    );
}

#[test]
fn an_empty_plain_part_beside_the_html_gives_the_html_text() {
    let raw = "From: nieuwsbrief@leverancier.example\r\nTo: support@bakkerij-devries.nl\r\n\
               Subject: Prijswijziging\r\nMIME-Version: 1.0\r\n\
               Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n\
               --alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n \r\n\
               --alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
               <p>Per 1 april stijgt de meelprijs met 4%.</p><p>Met groet,<br>Molen de Hoop</p>\r\n\
               --alt--\r\n";
    let message = parse(raw.as_bytes()).unwrap();
    assert_eq!(
        message.text,
        "Per 1 april stijgt de meelprijs met 4%.\n\nMet groet,\nMolen de Hoop"
    );
}

#[test]
fn an_exchange_out_of_office_reply_is_automatic() {
    let message = parse(&fixture("exchange_auto_reply.eml")).unwrap();
    assert_eq!(
        message.automatic,
        Some(Automatic::AutoSubmitted("auto-generated".into()))
    );
    assert!(message.is_automatic());
    // Still parsed in full: the lead may log it, never turn it into a ticket message.
    assert!(
        message
            .text
            .starts_with("Ik ben tot en met maandag 10 maart afwezig")
    );
}

#[test]
fn a_postfix_bounce_is_automatic_by_each_of_its_signs() {
    let raw = String::from_utf8(fixture("postfix_bounce.eml")).unwrap();
    let message = parse(raw.as_bytes()).unwrap();
    assert_eq!(
        message.automatic,
        Some(Automatic::AutoSubmitted("auto-replied".into()))
    );
    assert_eq!(message.from.address, "MAILER-DAEMON@mx.bakkerij-devries.nl");
    // The delivery report and the returned headers are parts of the report.
    let types: Vec<&str> = message
        .attachments
        .iter()
        .map(|a| a.content_type.as_str())
        .collect();
    assert_eq!(types, ["message/delivery-status", "text/rfc822-headers"]);

    // Without Auto-Submitted, the empty return path still gives it away ...
    let without = raw.replace("Auto-Submitted: auto-replied\n", "");
    assert_eq!(
        parse(without.as_bytes()).unwrap().automatic,
        Some(Automatic::EmptyReturnPath)
    );
    // ... and without that, the multipart/report.
    let without = without.replace("Return-Path: <>\n", "");
    assert_eq!(
        parse(without.as_bytes()).unwrap().automatic,
        Some(Automatic::Report)
    );
}

/// A small message with `headers` above the usual ones.
fn with_headers(headers: &str) -> Vec<u8> {
    format!(
        "{headers}From: Kees <kees@bakker-bv.example>\r\nTo: support@bakkerij-devries.nl\r\n\
         Subject: Afwezig\r\nDate: Tue, 4 Mar 2025 10:29:58 +0000\r\n\r\nIk ben afwezig.\r\n"
    )
    .into_bytes()
}

#[test]
fn every_auto_reply_sign_is_recognised_and_a_person_is_not() {
    let cases = [
        (
            "Auto-Submitted: auto-replied\r\n",
            Some(Automatic::AutoSubmitted("auto-replied".into())),
        ),
        (
            "Auto-Submitted: Auto-Notified; owner-email=\"x@y.nl\"\r\n",
            Some(Automatic::AutoSubmitted("Auto-Notified".into())),
        ),
        ("Auto-Submitted: no\r\n", None),
        ("Auto-Submitted: No \r\n", None),
        (
            "Precedence: bulk\r\n",
            Some(Automatic::Precedence("bulk".into())),
        ),
        (
            "Precedence: JUNK\r\n",
            Some(Automatic::Precedence("junk".into())),
        ),
        (
            "Precedence: list\r\n",
            Some(Automatic::Precedence("list".into())),
        ),
        (
            "Precedence: auto_reply\r\n",
            Some(Automatic::Precedence("auto_reply".into())),
        ),
        ("Precedence: first-class\r\n", None),
        ("Return-Path: <>\r\n", Some(Automatic::EmptyReturnPath)),
        ("Return-Path: < >\r\n", Some(Automatic::EmptyReturnPath)),
        ("Return-Path: <kees@bakker-bv.example>\r\n", None),
        ("X-Autoreply: yes\r\n", Some(Automatic::XAutoreply)),
        (
            "X-Autorespond: Ik ben afwezig\r\n",
            Some(Automatic::XAutorespond),
        ),
        ("", None),
    ];
    for (headers, expected) in cases {
        let message = parse(&with_headers(headers)).unwrap();
        assert_eq!(message.automatic, expected, "{headers:?}");
    }
}

#[test]
fn messages_that_are_not_mail_are_refused_with_a_reason() {
    for name in ["not_a_message.txt", "binary_garbage.bin"] {
        let error = parse(&fixture(name)).unwrap_err();
        assert!(
            matches!(error, InboundError::NotAMessage(_)),
            "{name}: {error:?}"
        );
        assert_eq!(
            error.to_string(),
            "This is not an e-mail message: it does not start with header fields such as \
             \"From: jan@example.nl\"."
        );
    }
    assert_eq!(
        parse(b"").unwrap_err().to_string(),
        "This is not an e-mail message: it is empty."
    );
    assert!(matches!(
        parse(b" \r\n\r\n\t").unwrap_err(),
        InboundError::NotAMessage(_)
    ));
    assert!(matches!(
        parse(b"<html><body>hoi</body></html>").unwrap_err(),
        InboundError::NotAMessage(_)
    ));
}

#[test]
fn a_message_without_a_from_address_is_refused() {
    let error = parse(&fixture("no_from.eml")).unwrap_err();
    assert_eq!(error, InboundError::NoFrom);
    assert!(error.to_string().contains("no From address"));
    // A From header without an address is no better.
    for from in [
        "From: undisclosed\r\n",
        "From: Jan Jansen <>\r\n",
        "From: <jan@>\r\n",
    ] {
        let raw = format!("{from}To: support@bakkerij-devries.nl\r\nSubject: x\r\n\r\nhoi\r\n");
        assert_eq!(
            parse(raw.as_bytes()).unwrap_err(),
            InboundError::NoFrom,
            "{from}"
        );
    }
}

#[test]
fn a_truncated_multipart_message_is_refused() {
    let error = parse(&fixture("truncated_multipart.eml")).unwrap_err();
    assert_eq!(
        error,
        InboundError::Truncated {
            boundary: "----=_Part_27_1843025421.1741158760".into()
        }
    );
    assert_eq!(
        error.to_string(),
        "The message is cut off: its multipart body (boundary \
         \"----=_Part_27_1843025421.1741158760\") ends without the closing line \
         \"------=_Part_27_1843025421.1741158760--\"."
    );
    // Every complete fixture passes the same check, with LF and CRLF line ends alike.
    for name in [
        "gmail_alternative.eml",
        "thunderbird_latin1_attachments.eml",
        "outlook_html_only_reply.eml",
        "postfix_bounce.eml",
    ] {
        parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn a_damaged_base64_attachment_is_refused() {
    let raw = "From: jan@example.com\r\nTo: support@bakkerij-devries.nl\r\nSubject: Factuur\r\n\
               MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
               --b\r\nContent-Type: text/plain\r\n\r\nZie bijlage.\r\n\
               --b\r\nContent-Type: application/pdf; name=\"factuur.pdf\"\r\n\
               Content-Transfer-Encoding: base64\r\n\r\nJVBERi0x!!!!LjQK\r\n--b--\r\n";
    assert_eq!(
        parse(raw.as_bytes()).unwrap_err().to_string(),
        "The attachment \"factuur.pdf\" is damaged: its base64 encoding cannot be decoded."
    );
}

#[test]
fn hostile_attachment_names_are_made_safe() {
    let message = parse(&fixture("hostile_file_names.eml")).unwrap();
    let names: Vec<&str> = message
        .attachments
        .iter()
        .map(|a| a.file_name.as_str())
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");
    // ../../../etc/cron.d/evil
    assert_eq!(names[0], "evil");
    // A right-to-left override that would show "factuurexe.pdf".
    assert_eq!(names[1], "factuurfdp.exe");
    // A Windows path with a NUL and a line feed in it.
    assert_eq!(names[2], "nulbyte.txt");
    // 200 two-byte characters: cut to 255 bytes, the extension kept.
    assert!(
        names[3].len() <= MAX_FILE_NAME_BYTES && names[3].len() > 250,
        "{}",
        names[3]
    );
    assert!(names[3].starts_with("rapport-éé") && names[3].ends_with("é.pdf"));
    // No name at all: a made-up one with the type's extension.
    assert_eq!(names[4], "attachment-5.png");
}

#[test]
fn the_envelope_recipient_token_comes_before_the_header_ones() {
    let envelope = ReplyToken::generate();
    let header = ReplyToken::generate();
    let raw = format!(
        "Delivered-To: {}\r\nFrom: jan@example.com\r\nTo: Support <{}>\r\n\
         Cc: support+nieuwsbrief@bakkerij-devries.nl, {}\r\nSubject: x\r\n\r\nhoi\r\n",
        envelope
            .reply_address("support@bakkerij-devries.nl")
            .unwrap(),
        header.reply_address("support@bakkerij-devries.nl").unwrap(),
        envelope
            .reply_address("support@bakkerij-devries.nl")
            .unwrap(),
    );
    let message = parse(raw.as_bytes()).unwrap();
    assert_eq!(message.reply_tokens, vec![envelope, header]);
}

#[test]
fn an_mbox_from_line_before_the_headers_is_skipped() {
    let mut raw = b"From jan@example.com  Tue Mar  4 10:20:17 2025\n".to_vec();
    raw.extend(fixture("gmail_reply.eml"));
    assert_eq!(
        parse(&raw).unwrap(),
        parse(&fixture("gmail_reply.eml")).unwrap()
    );
}

#[test]
fn a_forwarded_message_attached_whole_is_one_attachment() {
    let inner = String::from_utf8(fixture("exchange_auto_reply.eml")).unwrap();
    let raw = format!(
        "From: jan@example.com\r\nTo: support@bakkerij-devries.nl\r\nSubject: Fwd: afwezig\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n\
         --outer\r\nContent-Type: text/plain\r\n\r\nZie het bericht in de bijlage.\r\n\
         --outer\r\nContent-Type: message/rfc822\r\n\r\n{inner}\r\n--outer--\r\n"
    );
    let message = parse(raw.as_bytes()).unwrap();
    assert_eq!(message.text, "Zie het bericht in de bijlage.");
    // The forward is not itself automatic because the message it carries is.
    assert_eq!(message.automatic, None);
    let [forwarded] = message.attachments.as_slice() else {
        panic!("one attachment: {:?}", message.attachments);
    };
    assert_eq!(forwarded.content_type, "message/rfc822");
    assert_eq!(forwarded.file_name, "attachment-1.eml");
    assert!(String::from_utf8_lossy(&forwarded.bytes).contains("Auto-Submitted: auto-generated"));
}

/// A message with `count` attachments of `size` bytes each, sent without encoding.
fn with_attachments(count: usize, size: usize) -> Vec<u8> {
    let mut raw = "From: jan@example.com\r\nTo: support@bakkerij-devries.nl\r\nSubject: Foto's\r\n\
                   MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n\
                   --b\r\nContent-Type: text/plain\r\n\r\nZie bijlagen.\r\n"
        .to_string();
    let line = format!("{}\r\n", "x".repeat(998));
    for i in 0..count {
        raw.push_str(&format!(
            "--b\r\nContent-Type: text/plain; name=\"bijlage-{i}.txt\"\r\n\
             Content-Disposition: attachment; filename=\"bijlage-{i}.txt\"\r\n\
             Content-Transfer-Encoding: 8bit\r\n\r\n"
        ));
        raw.push_str(&line.repeat(size / line.len()));
        raw.push_str("\r\n");
    }
    raw.push_str("--b--\r\n");
    raw.into_bytes()
}

#[test]
fn attachment_count_and_size_limits() {
    assert_eq!(
        parse(&with_attachments(MAX_ATTACHMENTS, 1000))
            .unwrap()
            .attachments
            .len(),
        MAX_ATTACHMENTS
    );
    let error = parse(&with_attachments(MAX_ATTACHMENTS + 1, 1000)).unwrap_err();
    assert_eq!(
        error,
        InboundError::TooManyAttachments {
            count: MAX_ATTACHMENTS + 1
        }
    );
    assert!(error.to_string().contains("at most 20 are accepted"));

    let big = with_attachments(2, MAX_ATTACHMENT_BYTES / 2 + 100_000);
    assert!(big.len() < MAX_MESSAGE_BYTES);
    let error = parse(&big).unwrap_err();
    assert!(
        matches!(error, InboundError::AttachmentsTooLarge { total } if total > MAX_ATTACHMENT_BYTES),
        "{error:?}"
    );
}

#[test]
fn the_size_limit_is_25_mib() {
    let header =
        b"From: jan@example.com\r\nTo: support@bakkerij-devries.nl\r\nSubject: groot\r\n\r\n";
    let mut raw = header.to_vec();
    let line = format!("{}\r\n", "a".repeat(76));
    while raw.len() + line.len() <= MAX_MESSAGE_BYTES {
        raw.extend_from_slice(line.as_bytes());
    }
    raw.resize(MAX_MESSAGE_BYTES, b'a');
    assert_eq!(MAX_MESSAGE_BYTES, 25 * 1024 * 1024);
    assert!(parse(&raw).is_ok(), "exactly at the limit is accepted");
    raw.push(b'a');
    let error = parse(&raw).unwrap_err();
    assert_eq!(
        error,
        InboundError::TooLarge {
            size: MAX_MESSAGE_BYTES + 1
        }
    );
    assert_eq!(
        error.to_string(),
        "The message is 26214401 bytes; at most 26214400 bytes (25 MiB) are accepted. Send \
         large files as a link."
    );
}

/// Every fixture, for the property tests below.
fn fixtures() -> Vec<Vec<u8>> {
    let dir = format!("{}/tests/inbound", env!("CARGO_MANIFEST_DIR"));
    let mut all: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| std::fs::read(entry.unwrap().path()).unwrap())
        .collect();
    all.sort();
    all
}

/// What every accepted message promises, whatever came in.
fn check_promises(message: &portaal::mail::inbound::InboundMessage) {
    assert!(message.from.address.contains('@'));
    assert!(!message.subject.chars().any(char::is_control));
    assert!(!message.text.contains('\r'));
    assert!(
        !message
            .text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
    );
    assert!(message.attachments.len() <= MAX_ATTACHMENTS);
    let total: usize = message.attachments.iter().map(|a| a.bytes.len()).sum();
    assert!(total <= MAX_ATTACHMENT_BYTES);
    for attachment in &message.attachments {
        let name = &attachment.file_name;
        assert!(
            !name.is_empty() && name.len() <= MAX_FILE_NAME_BYTES,
            "{name:?}"
        );
        assert_eq!(
            safe_file_name(name).as_deref(),
            Some(name.as_str()),
            "{name:?}"
        );
        assert!(attachment.content_type.contains('/'));
    }
    for id in message.in_reply_to.iter().chain(&message.references) {
        assert!(
            !id.is_empty() && id.bytes().all(|b| (33..=126).contains(&b)),
            "{id:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(raw in proptest::collection::vec(any::<u8>(), 0..4096)) {
        if let Ok(message) = parse(&raw) {
            check_promises(&message);
        }
    }

    #[test]
    fn damaged_real_messages_are_parsed_or_refused_never_panic(
        which in 0usize..16,
        cut in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..8),
    ) {
        let all = fixtures();
        let mut raw = all[which % all.len()].clone();
        for (at, byte) in flips {
            let i = at.index(raw.len());
            raw[i] = byte;
        }
        raw.truncate(cut.index(raw.len() + 1));
        if let Ok(message) = parse(&raw) {
            check_promises(&message);
        }
    }
}
