//! The background sender: claims due messages, hands them to the transport, records the outcome.

use std::{sync::Arc, time::Duration};

use chrono::{DateTime, Utc};
use clave_domain::contact::Email;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, instrument};

use super::{Mailer, OutgoingMail, Transport, TransportError};
use crate::{
    config::MailSettings,
    store::{ClaimedMail, StoreError},
};

/// Messages claimed per statement. One: a claimed message is leased to its sender, and if that
/// sender dies the message waits out the lease; a lease sized for one send keeps that wait short
/// (a 3-minute link must not arrive dead after a crash).
const BATCH_SIZE: u32 = 1;
/// The shortest lease on a claimed message.
const MIN_LEASE: Duration = Duration::from_secs(5);
/// Longest `last_error` kept in the outbox.
const MAX_ERROR_CHARS: usize = 200;

/// What one pass of the sender did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DrainReport {
    /// Messages handed to the transport successfully.
    pub sent: usize,
    /// Messages whose attempt failed and were rescheduled.
    pub failed: usize,
}

/// Runs the sender until `shutdown` is cancelled: a pass over the due messages, then a wait until
/// a message is queued, `mail.poll_interval` elapses or shutdown. On shutdown a message already
/// handed to the transport is finished and recorded before the task returns; no other is started
/// (claimed ones are given back at once, so another instance or the next start sends them).
pub fn spawn_sender(
    mailer: Mailer,
    transport: Arc<dyn Transport>,
    shutdown: CancellationToken,
) -> JoinHandle<()> {
    let poll = mailer.inner.settings.mail.poll_interval;
    let task = async move {
        loop {
            if let Err(e) = mailer.drain(&*transport, &shutdown).await {
                tracing::warn!(error = %e, "mail outbox pass failed; will retry");
            }
            tokio::select! {
                biased;
                () = shutdown.cancelled() => break,
                () = mailer.inner.wake.notified() => {}
                () = tokio::time::sleep(poll) => {}
            }
        }
        tracing::info!("mail sender stopped");
    };
    tokio::spawn(task.instrument(tracing::info_span!("mail_sender")))
}

/// The delay before the next attempt of a message that has now failed `failed_before + 1` times:
/// `retry_initial`, doubling at each failure, capped at `retry_max`.
pub fn retry_delay(failed_before: u32, settings: &MailSettings) -> Duration {
    2u32.checked_pow(failed_before)
        .and_then(|factor| settings.retry_initial.checked_mul(factor))
        .map_or(settings.retry_max, |delay| delay.min(settings.retry_max))
}

impl Mailer {
    /// Sends everything due now, batch after batch, stopping before the next message once
    /// `shutdown` is cancelled.
    #[instrument(skip_all)]
    pub(super) async fn drain(
        &self,
        transport: &dyn Transport,
        shutdown: &CancellationToken,
    ) -> Result<DrainReport, StoreError> {
        let store = &self.inner.store;
        let mut report = DrainReport::default();
        'batches: loop {
            let now = self.inner.clock.now();
            let batch = store.claim_due_mail(now, later(now, self.lease()), BATCH_SIZE).await?;
            let more = batch.len() == BATCH_SIZE as usize;
            let mut batch = batch.into_iter();
            while let Some(mail) = batch.next() {
                if shutdown.is_cancelled() {
                    for untried in std::iter::once(mail).chain(batch) {
                        store.release_mail(untried.id).await?;
                    }
                    break 'batches;
                }
                if self.deliver(transport, mail).await? {
                    report.sent += 1;
                } else {
                    report.failed += 1;
                }
            }
            if !more {
                break;
            }
        }
        metrics::gauge!("clave_outbox_backlog").set(store.mail_backlog().await? as f64);
        Ok(report)
    }

    /// Sends one claimed message and records the outcome; `true` when it was sent.
    #[instrument(skip_all, fields(mail.id = mail.id))]
    async fn deliver(&self, transport: &dyn Transport, mail: ClaimedMail) -> Result<bool, StoreError> {
        let store = &self.inner.store;
        let (id, failed_before) = (mail.id, mail.attempts);
        let (masked, outcome) = match Email::parse(&mail.recipient) {
            Ok(to) => {
                let masked = to.masked();
                let message = OutgoingMail { to, subject: mail.subject, text: mail.text, html: mail.html };
                (masked, transport.send(&message).await)
            }
            Err(_) => (String::from("(inválido)"), Err(TransportError::InvalidRecipient)),
        };
        match outcome {
            Ok(()) => {
                store.mark_mail_sent(id, self.inner.clock.now()).await?;
                metrics::counter!("clave_mail_sent_total").increment(1);
                tracing::info!(to = %masked, "mail sent");
                Ok(true)
            }
            Err(e) => {
                let delay = retry_delay(failed_before, &self.inner.settings.mail);
                let next = later(self.inner.clock.now(), delay);
                let summary: String = e.to_string().chars().take(MAX_ERROR_CHARS).collect();
                store.mark_mail_failed(id, next, &summary).await?;
                metrics::counter!("clave_mail_failed_total").increment(1);
                tracing::warn!(
                    to = %masked,
                    attempt = u64::from(failed_before) + 1,
                    retry_in = %humantime::format_duration(delay),
                    error = %summary,
                    "mail send failed; will retry",
                );
                Ok(false)
            }
        }
    }

    /// How long a claimed batch is reserved: long enough for every message of a full batch to
    /// time out a few times over, so a slow server does not let a second sender take it too, and
    /// no longer, so a message whose sender died goes out again soon (30 s by default).
    fn lease(&self) -> Duration {
        let per_message = self.inner.settings.mail.smtp.timeout.saturating_mul(3);
        per_message.saturating_mul(BATCH_SIZE).max(MIN_LEASE)
    }
}

fn later(now: DateTime<Utc>, by: Duration) -> DateTime<Utc> {
    chrono::Duration::from_std(by)
        .ok()
        .and_then(|d| now.checked_add_signed(d))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}
