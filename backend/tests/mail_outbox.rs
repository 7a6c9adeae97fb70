//! The outbox rules, on an in-memory database with a manual clock: nothing here sleeps.

mod mail_support;

use std::time::Duration;

use clave_backend::{
    clock::Clock,
    mail::{DevMailbox, DrainReport},
};
use mail_support::{FlakyTransport, Harness, message};

const MS: Duration = Duration::from_millis(1);

fn secs(n: u64) -> Duration {
    Duration::from_secs(n)
}

/// Moves the clock to just before `delay` has passed since the last attempt and checks that no
/// attempt is made, then to exactly `delay` and checks that one is.
async fn expect_retry_after(h: &Harness, transport: &FlakyTransport, delay: Duration) -> DrainReport {
    let before = transport.attempts();
    h.advance(delay - MS);
    let early = h.mailer.drain_once(transport).await.expect("drain");
    assert_eq!(early, DrainReport::default(), "retried before {delay:?}");
    assert_eq!(transport.attempts(), before);
    h.advance(MS);
    let report = h.mailer.drain_once(transport).await.expect("drain");
    assert_eq!(transport.attempts(), before + 1, "not retried at {delay:?}");
    report
}

#[tokio::test]
async fn a_queued_mail_is_sent_on_the_next_drain_and_never_again() {
    let h = Harness::new().await;
    let transport = FlakyTransport::reliable();
    h.mailer.queue(message(1)).await.expect("queue");
    assert_eq!(h.backlog().await, 1);

    let report = h.mailer.drain_once(&transport).await.expect("drain");

    assert_eq!(report, DrainReport { sent: 1, failed: 0 });
    assert_eq!(transport.sent(), vec![message(1)]);
    assert_eq!(h.backlog().await, 0);
    h.advance(secs(3600));
    assert_eq!(h.mailer.drain_once(&transport).await.expect("drain"), DrainReport::default());
    assert_eq!(transport.attempts(), 1);
}

#[tokio::test]
async fn a_failed_mail_is_not_retried_before_its_backoff_and_is_retried_after() {
    let h = Harness::new().await;
    let transport = FlakyTransport::failing(1);
    h.mailer.queue(message(1)).await.expect("queue");

    let first = h.mailer.drain_once(&transport).await.expect("drain");
    assert_eq!(first, DrainReport { sent: 0, failed: 1 });
    assert_eq!(h.backlog().await, 1, "a failed message stays in the outbox");

    let retry = expect_retry_after(&h, &transport, secs(5)).await;

    assert_eq!(retry, DrainReport { sent: 1, failed: 0 });
    assert_eq!(transport.sent(), vec![message(1)]);
    assert_eq!(h.backlog().await, 0);
}

#[tokio::test]
async fn the_mail_backoff_doubles_after_each_failure_and_stops_growing_at_retry_max() {
    let h = Harness::new().await;
    let transport = FlakyTransport::failing(5);
    h.mailer.queue(message(1)).await.expect("queue");
    assert_eq!(h.mailer.drain_once(&transport).await.expect("drain").failed, 1);

    // retry_initial 5 s, retry_max 20 s.
    for delay in [5, 10, 20, 20] {
        let report = expect_retry_after(&h, &transport, secs(delay)).await;
        assert_eq!(report.failed, 1, "after {delay} s");
    }
    let last = expect_retry_after(&h, &transport, secs(20)).await;

    assert_eq!(last, DrainReport { sent: 1, failed: 0 });
    assert_eq!(transport.attempts(), 6);
}

#[tokio::test]
async fn a_mail_failure_is_recorded_briefly_and_a_sent_mail_drops_its_body() {
    let h = Harness::new().await;
    let transport = FlakyTransport::failing(1);
    h.mailer.queue(message(7)).await.expect("queue");
    h.mailer.drain_once(&transport).await.expect("drain");

    let (attempts, last_error): (i64, String) =
        h.db.rows("SELECT attempts, last_error FROM outbox").await.remove(0);
    assert_eq!(attempts, 1);
    assert_eq!(last_error, "servidor de prueba caído");

    h.advance(secs(5));
    h.mailer.drain_once(&transport).await.expect("drain");
    let (text, html, sent_at): (String, Option<String>, Option<i64>) =
        h.db.rows("SELECT text_body, html_body, sent_at FROM outbox").await.remove(0);
    assert!(!text.contains("token-7"), "the link token must not outlive the send");
    assert_eq!(html, None);
    assert!(sent_at.is_some());
}

#[tokio::test]
async fn a_mail_claimed_by_a_sender_that_died_is_sent_once_its_lease_lapses() {
    let h = Harness::new().await;
    let transport = FlakyTransport::reliable();
    h.mailer.queue(message(1)).await.expect("queue");
    let now = h.clock.now();
    let lease = Duration::from_secs(60);
    let claimed = h
        .store
        .claim_due_mail(now, now + chrono::Duration::from_std(lease).expect("lease"), 10)
        .await
        .expect("claim");
    assert_eq!(claimed.len(), 1, "the dying sender took the message");

    assert_eq!(h.mailer.drain_once(&transport).await.expect("drain"), DrainReport::default());
    h.advance(lease - MS);
    assert_eq!(h.mailer.drain_once(&transport).await.expect("drain"), DrainReport::default());
    h.advance(MS);

    assert_eq!(h.mailer.drain_once(&transport).await.expect("drain").sent, 1);
    assert_eq!(transport.sent(), vec![message(1)]);
}

#[tokio::test]
async fn a_claim_takes_due_mail_oldest_first_up_to_its_limit() {
    let h = Harness::new().await;
    for n in 0..5 {
        h.mailer.queue(message(n)).await.expect("queue");
    }
    let now = h.clock.now();
    let lease = now + chrono::Duration::seconds(60);

    let first = h.store.claim_due_mail(now, lease, 3).await.expect("claim");
    let second = h.store.claim_due_mail(now, lease, 3).await.expect("claim");
    let third = h.store.claim_due_mail(now, lease, 3).await.expect("claim");

    let subjects = |batch: &[clave_backend::store::ClaimedMail]| {
        batch.iter().map(|m| m.subject.clone()).collect::<Vec<_>>()
    };
    assert_eq!(subjects(&first), ["Recupere su clave 0", "Recupere su clave 1", "Recupere su clave 2"]);
    assert_eq!(subjects(&second), ["Recupere su clave 3", "Recupere su clave 4"]);
    assert!(third.is_empty());
}

#[tokio::test]
async fn a_drain_sends_a_mail_backlog_larger_than_one_batch() {
    let h = Harness::new().await;
    let transport = FlakyTransport::reliable();
    for n in 0..25 {
        h.mailer.queue(message(n)).await.expect("queue");
    }

    let report = h.mailer.drain_once(&transport).await.expect("drain");

    assert_eq!(report.sent, 25);
    let subjects: Vec<String> = transport.sent().into_iter().map(|m| m.subject).collect();
    let expected: Vec<String> = (0..25).map(|n| message(n).subject).collect();
    assert_eq!(subjects, expected, "oldest first");
    assert_eq!(h.backlog().await, 0);
}

#[tokio::test]
async fn the_dev_mailbox_lists_delivered_messages_newest_first() {
    let h = Harness::new().await;
    let dev = DevMailbox::new(h.store.clone(), h.clock.clone());
    for n in 0..3 {
        h.mailer.queue(message(n)).await.expect("queue");
        h.mailer.drain_once(&dev).await.expect("drain");
        h.advance(secs(1));
    }

    let all = h.store.list_dev_mail(10).await.expect("list");
    let newest_two = h.store.list_dev_mail(2).await.expect("list");

    let subjects: Vec<&str> = all.iter().map(|m| m.subject.as_str()).collect();
    assert_eq!(subjects, ["Recupere su clave 2", "Recupere su clave 1", "Recupere su clave 0"]);
    assert_eq!(newest_two, all[..2]);
    let one = h.store.get_dev_mail(all[0].id).await.expect("get").expect("present");
    assert_eq!(one.recipient, "juana.perez@correo.example");
    assert!(one.text.contains("#token-2"));
    assert_eq!(one.html, message(2).html);
    assert!(h.store.get_dev_mail(9_999).await.expect("get").is_none());
    assert_eq!(h.backlog().await, 0);
}

#[tokio::test]
async fn the_rows_of_sent_mail_are_purged_after_a_week_and_unsent_ones_never() {
    let h = Harness::new().await;
    h.mailer.queue(message(1)).await.expect("queue");
    h.mailer.drain_once(&FlakyTransport::reliable()).await.expect("drain");
    h.mailer.queue(message(2)).await.expect("queue");

    h.advance(secs(7 * 24 * 3600) - MS);
    assert_eq!(h.store.purge_expired(h.clock.now()).await.expect("purge"), 0);
    h.advance(MS);
    assert_eq!(h.store.purge_expired(h.clock.now()).await.expect("purge"), 1);

    let left: Vec<(String,)> = h.db.rows("SELECT subject FROM outbox").await;
    assert_eq!(left, [("Recupere su clave 2".to_owned(),)]);
    assert_eq!(h.backlog().await, 1);
}
