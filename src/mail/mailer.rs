//! Sending e-mail: SMTP through lettre when configured, otherwise `.eml` files in a folder
//! (the embedded default), so a fresh install works without a mail server.

use std::path::PathBuf;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{Attachment, Message};

#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

#[derive(Clone)]
pub struct Mailer {
    from: Mailbox,
    transport: Transport,
}

/// Why a message was not sent, and whether trying again can help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub message: String,
    pub permanent: bool,
}

impl Mailer {
    /// SMTP when `smtp_url` is given (`smtp://user:pass@host:587?tls=required`,
    /// `smtps://host:465`, or `smtp://host:25` for a plain local relay), else files in
    /// `mail_dir`.
    pub fn new(from: &str, smtp_url: Option<&str>, mail_dir: PathBuf) -> anyhow::Result<Mailer> {
        let from: Mailbox = from
            .parse()
            .map_err(|e| anyhow::anyhow!("the sender address `{from}` is not valid: {e}"))?;
        let transport = match smtp_url {
            Some(url) => Transport::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .map_err(|e| anyhow::anyhow!("the SMTP URL is not valid: {e}"))?
                    .timeout(Some(std::time::Duration::from_secs(30)))
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(&mail_dir)?;
                Transport::Files(AsyncFileTransport::<Tokio1Executor>::new(mail_dir))
            }
        };
        Ok(Mailer { from, transport })
    }

    pub fn describe(&self) -> &'static str {
        match self.transport {
            Transport::Smtp(_) => "SMTP",
            Transport::Files(_) => ".eml files",
        }
    }

    /// Sends `mail` to `to`, with its attachments (the invoice PDF, its e-invoice). The
    /// Message-ID comes from the event, so a copy sent again after a crash carries the same
    /// one and mail systems that deduplicate on it show it once.
    pub async fn send(
        &self,
        to: &str,
        mail: &Message,
        attachments: Vec<Attachment>,
        event_id: &str,
    ) -> Result<(), SendError> {
        let to: Mailbox = to.parse().map_err(|e| SendError {
            message: format!("the recipient address is not valid: {e}"),
            permanent: true,
        })?;
        let body = MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone());
        let body = if attachments.is_empty() {
            body
        } else {
            let mut mixed = MultiPart::mixed().multipart(body);
            for attachment in attachments {
                let content_type =
                    ContentType::parse(attachment.content_type).map_err(|e| SendError {
                        message: format!("the attachment's media type is not valid: {e}"),
                        permanent: true,
                    })?;
                mixed = mixed.singlepart(
                    lettre::message::Attachment::new(attachment.file_name)
                        .body(attachment.bytes, content_type),
                );
            }
            mixed
        };
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(mail.subject.clone())
            .message_id(Some(format!("<{event_id}@{}>", self.from.email.domain())))
            .multipart(body)
            .map_err(|e| SendError {
                message: format!("the message could not be built: {e}"),
                permanent: true,
            })?;
        match &self.transport {
            Transport::Smtp(smtp) => smtp.send(message).await.map(|_| ()).map_err(|e| SendError {
                permanent: e.is_permanent(),
                message: format!("SMTP: {e}"),
            }),
            Transport::Files(files) => {
                files
                    .send(message)
                    .await
                    .map(|_| ())
                    .map_err(|e| SendError {
                        permanent: false,
                        message: format!("writing the .eml file: {e}"),
                    })
            }
        }
    }
}
