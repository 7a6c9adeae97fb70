//! The background sender: woken at once by a queued message, never sending a message twice across
//! senders, and stopping gracefully.

mod mail_support;

use std::{collections::HashMap, sync::Arc, time::Duration};

use async_trait::async_trait;
use clave_backend::{
    mail::{DrainReport, OutgoingMail, Transport, TransportError, spawn_sender},
    testing::TestDb,
};
use mail_support::{FlakyTransport, Harness, message, settings};
use tokio::sync::{Semaphore, mpsc};
use tokio_util::sync::CancellationToken;

/// Longest a test waits for something that should happen within milliseconds.
const PATIENCE: Duration = Duration::from_secs(10);

/// Reports each message on a channel as it starts, then waits for a permit before accepting it.
struct GatedTransport {
    started: mpsc::UnboundedSender<OutgoingMail>,
    gate: Semaphore,
}

impl GatedTransport {
    fn new(open: bool) -> (Arc<Self>, mpsc::UnboundedReceiver<OutgoingMail>) {
        let (started, rx) = mpsc::unbounded_channel();
        let permits = if open { Semaphore::MAX_PERMITS } else { 0 };
        (Arc::new(Self { started, gate: Semaphore::new(permits) }), rx)
    }
}

#[async_trait]
impl Transport for GatedTransport {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), TransportError> {
        let _ = self.started.send(mail.clone());
        let permit = self.gate.acquire().await.map_err(|e| TransportError::Unexpected(e.into()))?;
        permit.forget();
        Ok(())
    }
}

async fn next(rx: &mut mpsc::UnboundedReceiver<OutgoingMail>) -> OutgoingMail {
    tokio::time::timeout(PATIENCE, rx.recv()).await.expect("in time").expect("open channel")
}

#[tokio::test]
async fn a_queued_mail_wakes_the_sender_without_waiting_for_the_poll() {
    let mut config = settings();
    config.mail.poll_interval = Duration::from_secs(3600);
    let h = Harness::with_settings(config).await;
    let (transport, mut started) = GatedTransport::new(true);
    let shutdown = CancellationToken::new();
    let sender = spawn_sender(h.mailer.clone(), transport, shutdown.clone());

    h.mailer.queue(message(1)).await.expect("queue");
    assert_eq!(next(&mut started).await, message(1));
    // The sender has passed over the outbox; only a wake-up can bring the next message in time.
    h.mailer.queue(message(2)).await.expect("queue");
    assert_eq!(next(&mut started).await, message(2));

    shutdown.cancel();
    tokio::time::timeout(PATIENCE, sender).await.expect("stops").expect("no panic");
}

#[tokio::test]
async fn on_shutdown_the_mail_in_flight_is_finished_and_no_other_is_started() {
    let h = Harness::new().await;
    let (transport, mut started) = GatedTransport::new(false);
    h.mailer.queue(message(1)).await.expect("queue");
    h.mailer.queue(message(2)).await.expect("queue");
    let shutdown = CancellationToken::new();
    let sender = spawn_sender(h.mailer.clone(), transport.clone(), shutdown.clone());

    assert_eq!(next(&mut started).await, message(1));
    shutdown.cancel();
    transport.gate.add_permits(1);
    tokio::time::timeout(PATIENCE, sender).await.expect("stops").expect("no panic");

    assert!(started.try_recv().is_err(), "no message may start after shutdown");
    assert_eq!(h.backlog().await, 1, "the message in flight was recorded as sent");
    // The untried message was given back, not left leased: it goes at once, at the same instant.
    let after = FlakyTransport::reliable();
    assert_eq!(h.mailer.drain_once(&after).await.expect("drain"), DrainReport { sent: 1, failed: 0 });
    assert_eq!(after.sent(), vec![message(2)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_mail_senders_on_one_database_send_each_message_exactly_once() {
    // Two pools on one database behave like two server processes.
    let db = Arc::new(TestDb::pooled(8).await);
    let one = Harness::on(db.clone(), db.store.clone(), settings());
    let two = Harness::on(db.clone(), db.second_store(8).await, settings());
    const MESSAGES: usize = 60;
    for n in 0..MESSAGES {
        one.mailer.queue(message(n)).await.expect("queue");
    }
    let (first, second) =
        (FlakyTransport::slow(Duration::from_millis(2)), FlakyTransport::slow(Duration::from_millis(2)));

    let (a, b) = tokio::join!(one.mailer.drain_once(&first), two.mailer.drain_once(&second));

    assert_eq!(a.expect("drain").sent + b.expect("drain").sent, MESSAGES);
    let mut times_sent: HashMap<String, usize> = HashMap::new();
    for mail in first.sent().into_iter().chain(second.sent()) {
        *times_sent.entry(mail.subject).or_default() += 1;
    }
    assert_eq!(times_sent.len(), MESSAGES, "every message was sent");
    assert!(times_sent.values().all(|&n| n == 1), "no message was sent twice: {times_sent:?}");
    assert_eq!(one.backlog().await, 0);
}
