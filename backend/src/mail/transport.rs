//! Where messages go: the dev mailbox table or an SMTP server.

use std::{fmt, sync::Arc};

use async_trait::async_trait;

use super::{OutgoingMail, Smtp};
use crate::{
    clock::Clock,
    config::{MailTransportKind, Settings},
    store::{Store, StoreError},
};

/// Hands a message over for delivery. An error means "not delivered, try again later".
#[async_trait]
pub trait Transport: Send + Sync {
    /// Delivers `mail`, or fails without having delivered it (as far as the transport can tell).
    async fn send(&self, mail: &OutgoingMail) -> Result<(), TransportError>;
}

/// Why a send attempt failed. The text is short and never carries a body, a credential or what
/// the server answered (which may echo the address): it is kept in the outbox and logged.
#[derive(Debug, thiserror::Error)]
pub enum TransportError {
    #[error("el destinatario no es una dirección válida")]
    InvalidRecipient,
    #[error("el mensaje no pudo armarse")]
    Message(#[source] lettre::error::Error),
    #[error("{}", smtp_summary(.0))]
    Smtp(#[source] lettre::transport::smtp::Error),
    #[error("el buzón de desarrollo no está disponible")]
    DevMailbox(#[source] StoreError),
    #[error("{0}")]
    Unexpected(#[from] anyhow::Error),
}

/// Why the configured transport could not be built (a start-up error).
#[derive(Debug, thiserror::Error)]
pub enum TransportSetupError {
    #[error("mail.from no es una dirección de correo válida")]
    From(#[source] lettre::address::AddressError),
    #[error("no se pudo preparar TLS para mail.smtp.host")]
    Tls(#[source] lettre::transport::smtp::Error),
}

/// The transport named by `mail.transport`.
pub fn build_transport(
    settings: &Settings,
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
) -> Result<Arc<dyn Transport>, TransportSetupError> {
    Ok(match settings.mail.transport {
        MailTransportKind::Dev => Arc::new(DevMailbox::new(store, clock)),
        MailTransportKind::Smtp => Arc::new(Smtp::from_settings(&settings.mail)?),
    })
}

/// Delivers into the `dev_mailbox` table, read at `/dev/correo`: the default, so the product runs
/// with no mail server.
#[derive(Clone)]
pub struct DevMailbox {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl DevMailbox {
    /// Stamps each message with `clock`'s time as it is stored.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }
}

impl fmt::Debug for DevMailbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DevMailbox")
    }
}

#[async_trait]
impl Transport for DevMailbox {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), TransportError> {
        self.store.insert_dev_mail(mail, self.clock.now()).await.map_err(TransportError::DevMailbox)?;
        Ok(())
    }
}

/// A classification of an SMTP failure with the reply code and, for network failures, the kind of
/// I/O error; never the server's text.
fn smtp_summary(e: &lettre::transport::smtp::Error) -> String {
    if let Some(code) = e.status() {
        let kind = if e.is_permanent() { "permanente" } else { "temporal" };
        return format!("el servidor SMTP rechazó el mensaje (error {kind} {code})");
    }
    if e.is_timeout() {
        return "el servidor SMTP no respondió a tiempo".into();
    }
    if e.is_tls() {
        return "falló la negociación TLS con el servidor SMTP".into();
    }
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        if let Some(io) = inner.downcast_ref::<std::io::Error>() {
            return format!("sin conexión con el servidor SMTP ({})", io.kind());
        }
        source = inner.source();
    }
    "error de protocolo con el servidor SMTP".into()
}
