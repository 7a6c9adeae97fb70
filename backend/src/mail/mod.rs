//! Outgoing mail (DESIGN §8): services [`Mailer::queue`] a message, which stores it in the outbox
//! table and wakes the background sender ([`spawn_sender`]) at once; polling every
//! `mail.poll_interval` is only the fallback. A failed send is retried with exponential backoff
//! (`mail.retry_initial` doubling up to `mail.retry_max`) and never given up: nothing is lost.
//!
//! Delivery is at least once: a sender that dies between sending and recording the send leaves a
//! lease that lapses, and the message is sent again. Bodies carry link tokens, so they are never
//! logged; logs name a message by its outbox id and the masked recipient.

mod sender;
mod smtp;
mod transport;

use std::{fmt, sync::Arc};

use clave_domain::contact::Email;
use tokio::sync::Notify;
use tracing::instrument;

use crate::{
    clock::Clock,
    config::Settings,
    store::{Store, StoreError},
};

pub use sender::{DrainReport, retry_delay, spawn_sender};
pub use smtp::Smtp;
pub use transport::{DevMailbox, Transport, TransportError, TransportSetupError, build_transport};

/// A message to send. `Debug` shows the masked recipient and the subject, never the bodies.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingMail {
    pub to: Email,
    /// In Spanish, like every text the affiliate reads.
    pub subject: String,
    pub text: String,
    /// An HTML alternative of `text`, when there is one.
    pub html: Option<String>,
}

impl fmt::Debug for OutgoingMail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OutgoingMail")
            .field("to", &self.to.masked())
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// Queues messages in the outbox and wakes the sender. Cheap to clone: clones share one wake-up
/// signal, so the sender spawned with one clone is woken by a message queued through another.
#[derive(Clone)]
pub struct Mailer {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: Arc<Settings>,
    wake: Notify,
}

impl fmt::Debug for Mailer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Mailer").finish_non_exhaustive()
    }
}

impl Mailer {
    /// A mailer over `store`; its timing settings are read from `settings.mail`.
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, settings: Arc<Settings>) -> Self {
        Self { inner: Arc::new(Inner { store, clock, settings, wake: Notify::new() }) }
    }

    /// Stores `message` in the outbox, due now, and wakes the sender. Once this returns the
    /// message survives a restart; it is sent within seconds when the sender runs.
    #[instrument(skip_all)]
    pub async fn queue(&self, message: OutgoingMail) -> Result<(), StoreError> {
        let id = self.inner.store.enqueue_mail(&message, self.inner.clock.now()).await?;
        tracing::info!(mail.id = id, to = %message.to.masked(), "mail queued");
        self.wake_sender();
        Ok(())
    }

    /// Tells this instance's sender that a message was queued (also by a store transaction that
    /// wrote it with other rows). A permit is kept when the sender is busy, so it makes another
    /// pass right after.
    pub fn wake_sender(&self) {
        self.inner.wake.notify_one();
    }

    /// How many messages wait in the outbox (for `/health` and tests).
    pub async fn backlog(&self) -> Result<u64, StoreError> {
        self.inner.store.mail_backlog().await
    }

    /// One pass of the sender at the mailer's clock: sends every message due now through
    /// `transport`, marking each sent or rescheduled. Tests drive retries with a manual clock
    /// through this; production runs it from [`spawn_sender`].
    pub async fn drain_once(&self, transport: &dyn Transport) -> Result<DrainReport, StoreError> {
        self.drain(transport, &tokio_util::sync::CancellationToken::new()).await
    }
}

/// The closing lines of every email to an affiliate.
pub const SIGNATURE: &str = "Instituto Ecuatoriano de Seguridad Social\n\
    Este mensaje se envió automáticamente; no lo responda.\n\
    El IESS nunca le pedirá su clave por correo, teléfono ni redes sociales.";

/// The paragraph with the "No fui yo" link that closes every security email (DESIGN §5.10).
pub fn not_me_paragraph(link: &str) -> String {
    format!(
        "Si usted NO hizo este trámite, abra este enlace para bloquear su clave de inmediato (No fui yo):\n{link}\n\n"
    )
}

/// When, from which IP and from which browser something happened, for a security email.
pub fn origin_lines(client: &crate::audit::ClientInfo, at: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "Fecha y hora: {when}\nDirección IP: {ip}\nNavegador: {browser}\n\n",
        when = crate::clock::institute_time_text(at),
        ip = client.ip_or_unknown(),
        browser = client.browser_name(),
    )
}

/// The absolute link to `path` on the public site with `token` in the fragment (DESIGN §5.4):
/// the browser never sends a fragment to a server, so the token stays out of logs and `Referer`.
pub fn link(settings: &Settings, path: &str, token: &crate::tokens::PlainToken) -> String {
    format!("{}#{}", page(settings, path), token.expose())
}

/// The absolute address of `path` (starting with `/`) on the public site.
pub fn page(settings: &Settings, path: &str) -> String {
    format!("{}{path}", settings.server.base_url.as_str().trim_end_matches('/'))
}

#[cfg(test)]
mod tests;
