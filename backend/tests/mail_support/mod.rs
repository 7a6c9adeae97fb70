//! Helpers shared by the `mail_*` test binaries.
#![allow(dead_code, reason = "each test binary uses a different part of these helpers")]

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU32, Ordering},
    },
    time::Duration,
};

use async_trait::async_trait;
use chrono::{TimeZone, Utc};
use clave_backend::{
    clock::ManualClock,
    config::Settings,
    mail::{Mailer, OutgoingMail, Transport, TransportError},
    store::Store,
    testing::TestDb,
};
use clave_domain::contact::Email;

/// A mailer on a private database and a stopped clock; retries after 5 s, doubling up to 20 s.
pub struct Harness {
    /// The database, to look into its tables.
    pub db: Arc<TestDb>,
    pub store: Arc<dyn Store>,
    pub clock: Arc<ManualClock>,
    pub settings: Arc<Settings>,
    pub mailer: Mailer,
}

pub fn settings() -> Settings {
    let mut settings = Settings::default();
    settings.mail.retry_initial = Duration::from_secs(5);
    settings.mail.retry_max = Duration::from_secs(20);
    settings
}

pub fn clock() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 2, 14, 0, 0).single().expect("date")))
}

impl Harness {
    pub async fn new() -> Self {
        Self::with_settings(settings()).await
    }

    pub async fn with_settings(settings: Settings) -> Self {
        let db = Arc::new(TestDb::new().await);
        Self::on(db.clone(), db.store.clone(), settings)
    }

    /// A mailer over `store`, one of the stores open on `db`.
    pub fn on(db: Arc<TestDb>, store: Arc<dyn Store>, settings: Settings) -> Self {
        let clock = clock();
        let settings = Arc::new(settings);
        let mailer = Mailer::new(store.clone(), clock.clone(), settings.clone());
        Self { db, store, clock, settings, mailer }
    }

    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    pub async fn backlog(&self) -> u64 {
        self.mailer.backlog().await.expect("backlog")
    }
}

/// A message to `juana.perez@correo.example` whose subject and link carry `n`.
pub fn message(n: usize) -> OutgoingMail {
    OutgoingMail {
        to: Email::parse("juana.perez@correo.example").expect("email"),
        subject: format!("Recupere su clave {n}"),
        text: format!("Abra este enlace: https://clave.example.ec/recuperar#token-{n}"),
        html: Some(format!("<p><a href=\"https://clave.example.ec/recuperar#token-{n}\">Recuperar</a></p>")),
    }
}

/// Fails the first `failures` sends, then accepts and records every message.
#[derive(Default)]
pub struct FlakyTransport {
    failures_left: AtomicU32,
    attempts: AtomicU32,
    sent: Mutex<Vec<OutgoingMail>>,
    /// Time each send takes, so concurrent senders overlap.
    delay: Option<Duration>,
}

impl FlakyTransport {
    pub fn failing(failures: u32) -> Self {
        Self { failures_left: AtomicU32::new(failures), ..Self::default() }
    }

    pub fn reliable() -> Self {
        Self::default()
    }

    pub fn slow(delay: Duration) -> Self {
        Self { delay: Some(delay), ..Self::default() }
    }

    /// Every send attempted so far, failed or not.
    pub fn attempts(&self) -> u32 {
        self.attempts.load(Ordering::SeqCst)
    }

    pub fn sent(&self) -> Vec<OutgoingMail> {
        self.sent.lock().expect("lock").clone()
    }
}

#[async_trait]
impl Transport for FlakyTransport {
    async fn send(&self, mail: &OutgoingMail) -> Result<(), TransportError> {
        self.attempts.fetch_add(1, Ordering::SeqCst);
        if let Some(delay) = self.delay {
            tokio::time::sleep(delay).await;
        }
        let failed =
            self.failures_left.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1)).is_ok();
        if failed {
            return Err(TransportError::Unexpected(anyhow::anyhow!("servidor de prueba caído")));
        }
        self.sent.lock().expect("lock").push(mail.clone());
        Ok(())
    }
}
