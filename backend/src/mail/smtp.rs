//! Delivery to an SMTP server (lettre on tokio).

use std::fmt;

use async_trait::async_trait;
use lettre::{
    Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, MultiPart, SinglePart},
    transport::smtp::authentication::Credentials,
};
use secrecy::ExposeSecret;

use super::{OutgoingMail, Transport, TransportError, TransportSetupError};
use crate::config::{MailSettings, SmtpSecurity};

/// Sends through the server of `mail.smtp`, from `mail.from`. Each message opens its own
/// connection; `mail.smtp.timeout` bounds every network step.
#[derive(Clone)]
pub struct Smtp {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    host: String,
    port: u16,
    security: SmtpSecurity,
}

impl Smtp {
    /// Builds the transport: `starttls` refuses a server that cannot upgrade the connection (no
    /// credential or message crosses in clear), `tls` speaks TLS from the first byte, `plain` never
    /// encrypts (a relay on the same host, or a test server).
    pub fn from_settings(mail: &MailSettings) -> Result<Self, TransportSetupError> {
        let from: Mailbox = mail.from.parse().map_err(TransportSetupError::From)?;
        let smtp = &mail.smtp;
        let builder = match smtp.security {
            SmtpSecurity::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&smtp.host)
                .map_err(TransportSetupError::Tls)?,
            SmtpSecurity::Tls => {
                AsyncSmtpTransport::<Tokio1Executor>::relay(&smtp.host).map_err(TransportSetupError::Tls)?
            }
            SmtpSecurity::Plain => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host),
        };
        let mut builder = builder.port(smtp.port).timeout(Some(smtp.timeout));
        if let (Some(username), Some(password)) = (&smtp.username, &smtp.password) {
            builder =
                builder.credentials(Credentials::new(username.clone(), password.expose_secret().to_owned()));
        }
        Ok(Self {
            transport: builder.build(),
            from,
            host: smtp.host.clone(),
            port: smtp.port,
            security: smtp.security,
        })
    }

    fn message(&self, mail: &OutgoingMail) -> Result<Message, TransportError> {
        let to: Address = mail.to.as_str().parse().map_err(|_| TransportError::InvalidRecipient)?;
        let builder = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to))
            .subject(mail.subject.clone())
            .message_id(None);
        let built = match &mail.html {
            Some(html) => {
                builder.multipart(MultiPart::alternative_plain_html(mail.text.clone(), html.clone()))
            }
            None => builder.singlepart(SinglePart::plain(mail.text.clone())),
        };
        built.map_err(TransportError::Message)
    }
}

/// Names the server, never the credentials.
impl fmt::Debug for Smtp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Smtp")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl Transport for Smtp {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), TransportError> {
        let message = self.message(mail)?;
        self.transport.send(message).await.map_err(TransportError::Smtp)?;
        Ok(())
    }
}
