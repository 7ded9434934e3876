//! Fuzzes `inbound::parse`, which reads whatever an MTA pipes in or anyone posts to
//! `/v1/inbound-mail`: no panic, no hang, and every accepted message keeps the promises the
//! ticket code relies on (a From address, one-line subject, text without control characters,
//! attachments within the limits with names that `safe_file_name` leaves as they are, thread
//! IDs of printable ASCII).
#![no_main]

use libfuzzer_sys::fuzz_target;
use portaal::mail::inbound::{
    MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_FILE_NAME_BYTES, parse, safe_file_name,
};

fuzz_target!(|data: &[u8]| {
    let Ok(message) = parse(data) else {
        return;
    };
    assert!(message.from.address.contains('@'));
    assert!(!message.subject.chars().any(char::is_control));
    for text in [&message.text, &message.new_text] {
        assert!(
            !text
                .chars()
                .any(|c| c.is_control() && c != '\n' && c != '\t')
        );
    }
    assert!(message.attachments.len() <= MAX_ATTACHMENTS);
    let total: usize = message.attachments.iter().map(|a| a.bytes.len()).sum();
    assert!(total <= MAX_ATTACHMENT_BYTES);
    for attachment in &message.attachments {
        let name = &attachment.file_name;
        assert!(!name.is_empty() && name.len() <= MAX_FILE_NAME_BYTES);
        assert_eq!(safe_file_name(name).as_deref(), Some(name.as_str()));
        assert!(attachment.content_type.contains('/'));
    }
    for id in message.in_reply_to.iter().chain(&message.references) {
        assert!(!id.is_empty() && id.bytes().all(|b| (33..=126).contains(&b)));
    }
    for token in &message.reply_tokens {
        assert_eq!(token.as_str().len(), 32);
    }
});
