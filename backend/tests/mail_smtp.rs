//! The SMTP transport against a real SMTP server on loopback (`mailin-embedded`, started by each
//! test on its own port), with retries driven by the manual clock.

mod mail_support;

use std::{
    io,
    net::{Ipv4Addr, TcpListener},
    sync::{Arc, Mutex},
    time::Duration,
};

use clave_backend::{
    config::{MailTransportKind, Settings, SmtpSecurity},
    mail::{DrainReport, Smtp, Transport, build_transport},
};
use mail_support::{Harness, message, settings};
use mailin_embedded::{Handler, Response, Server, SslConfig, response::OK};

/// One message as the server received it.
#[derive(Debug, Clone)]
struct Received {
    recipients: Vec<String>,
    data: String,
}

/// Collects every message accepted by the test server.
#[derive(Clone, Default)]
struct Inbox {
    received: Arc<Mutex<Vec<Received>>>,
    recipients: Vec<String>,
    data: Vec<u8>,
}

impl Inbox {
    fn messages(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

impl Handler for Inbox {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.recipients = to.to_vec();
        self.data.clear();
        OK
    }

    fn data(&mut self, buf: &[u8]) -> io::Result<()> {
        self.data.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let received = Received {
            recipients: std::mem::take(&mut self.recipients),
            data: String::from_utf8_lossy(&self.data).into_owned(),
        };
        self.received.lock().expect("lock").push(received);
        OK
    }
}

/// Starts an SMTP server (no TLS) on `listener`. It runs on its own thread until the test
/// process ends.
fn start_smtp_server(listener: TcpListener) -> Inbox {
    let inbox = Inbox::default();
    let mut server = Server::new(inbox.clone());
    server
        .with_name("smtp.prueba.local")
        .with_ssl(SslConfig::None)
        .expect("no tls")
        .with_num_threads(2)
        .with_tcp_listener(listener);
    std::thread::spawn(move || {
        if let Err(e) = server.serve() {
            eprintln!("the test SMTP server stopped: {e}");
        }
    });
    inbox
}

fn loopback_listener(port: u16) -> TcpListener {
    TcpListener::bind((Ipv4Addr::LOCALHOST, port)).expect("bind loopback")
}

fn smtp_settings(port: u16) -> Settings {
    let mut settings = settings();
    settings.mail.transport = MailTransportKind::Smtp;
    settings.mail.smtp.host = Ipv4Addr::LOCALHOST.to_string();
    settings.mail.smtp.port = port;
    settings.mail.smtp.security = SmtpSecurity::Plain;
    settings.mail.smtp.timeout = Duration::from_secs(5);
    settings
}

#[tokio::test]
async fn a_queued_mail_reaches_the_smtp_server_with_its_recipient_subject_and_bodies() {
    let listener = loopback_listener(0);
    let port = listener.local_addr().expect("address").port();
    let inbox = start_smtp_server(listener);
    let h = Harness::with_settings(smtp_settings(port)).await;
    let transport = build_transport(&h.settings, h.store.clone(), h.clock.clone()).expect("transport");
    h.mailer.queue(message(1)).await.expect("queue");

    let report = h.mailer.drain_once(&*transport).await.expect("drain");

    assert_eq!(report, DrainReport { sent: 1, failed: 0 });
    let received = inbox.messages();
    assert_eq!(received.len(), 1);
    let mail = &received[0];
    assert_eq!(mail.recipients, ["juana.perez@correo.example"]);
    assert!(mail.data.contains("Subject: Recupere su clave 1"), "{}", mail.data);
    assert!(mail.data.contains("To: juana.perez@correo.example"), "{}", mail.data);
    assert!(mail.data.contains("no-responder@clave.example.ec"), "From is mail.from: {}", mail.data);
    assert!(mail.data.contains("https://clave.example.ec/recuperar#token-1"), "text body: {}", mail.data);
    assert!(mail.data.contains("Content-Type: text/html"), "html alternative: {}", mail.data);
    assert_eq!(h.backlog().await, 0);
}

#[tokio::test]
async fn mail_queued_while_the_smtp_server_is_down_for_a_while_is_all_delivered_exactly_once_when_it_comes_up()
 {
    // Reserve a free port, then close it: nothing listens there until the server starts below.
    let port = loopback_listener(0).local_addr().expect("address").port();
    let h = Harness::with_settings(smtp_settings(port)).await;
    let transport = Smtp::from_settings(&h.settings.mail).expect("transport");
    h.mailer.queue(message(1)).await.expect("queue");

    // Down for three tries (5 s, then 10 s, then 20 s of backoff), with more mail queued meanwhile.
    for (n, backoff) in [(2, 5), (3, 10), (4, 20)] {
        let down = h.mailer.drain_once(&transport).await.expect("drain");
        assert_eq!(down.sent, 0);
        assert!(down.failed >= 1);
        h.mailer.queue(message(n)).await.expect("queue");
        h.advance(Duration::from_secs(backoff));
    }
    assert_eq!(h.backlog().await, 4, "nothing is lost");
    let errors: Vec<(String,)> =
        h.db.rows("SELECT last_error FROM outbox WHERE last_error IS NOT NULL").await;
    assert!(!errors.is_empty());
    assert!(errors.iter().all(|(e,)| e.starts_with("sin conexión con el servidor SMTP")), "{errors:?}");

    let inbox = start_smtp_server(loopback_listener(port));
    h.advance(h.settings.mail.retry_max);
    let up = h.mailer.drain_once(&transport).await.expect("drain");
    h.advance(Duration::from_secs(3600));
    let later = h.mailer.drain_once(&transport).await.expect("drain");

    assert_eq!(up, DrainReport { sent: 4, failed: 0 });
    assert_eq!(later, DrainReport::default(), "never sent twice");
    let mut subjects: Vec<String> = inbox
        .messages()
        .iter()
        .filter_map(|m| m.data.lines().find_map(|l| l.strip_prefix("Subject: ")).map(str::to_owned))
        .collect();
    subjects.sort();
    assert_eq!(
        subjects,
        ["Recupere su clave 1", "Recupere su clave 2", "Recupere su clave 3", "Recupere su clave 4"],
        "each delivered exactly once"
    );
    assert_eq!(h.backlog().await, 0);
}

#[tokio::test]
async fn the_dev_mail_transport_is_the_default_and_never_touches_the_network() {
    let h = Harness::new().await;
    let transport: Arc<dyn Transport> =
        build_transport(&h.settings, h.store.clone(), h.clock.clone()).expect("transport");
    h.mailer.queue(message(3)).await.expect("queue");

    assert_eq!(h.mailer.drain_once(&*transport).await.expect("drain").sent, 1);
    let delivered = h.store.list_dev_mail(10).await.expect("list");
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].subject, "Recupere su clave 3");
}
