//! A world for service tests: the demo registry on SQLite, a manual clock, cheap argon2 and the
//! outbox to read the mail from. Profiles are written straight to the store, so a test of logging
//! in does not depend on the generation wizard.

use std::sync::Arc;

use clave_domain::Identification;
use secrecy::SecretString;

use crate::{
    clock::{Clock as _, ManualClock},
    config::{HashingSettings, Settings},
    hashing::PasswordHasher,
    mail::Mailer,
    registry::seed_demo_if_empty,
    store::{ActivationLink, NewProfile, ProfileCreation, Store},
    testing::TestDb,
    tokens,
};

pub struct World {
    pub store: Arc<dyn Store>,
    /// The database under `store`, to look into its tables.
    pub db: TestDb,
    pub clock: Arc<ManualClock>,
    pub settings: Arc<Settings>,
    pub hasher: PasswordHasher,
    pub mailer: Mailer,
}

/// Cheap argon2 parameters: the tests check the rules, not the cost.
pub fn cheap_hashing() -> HashingSettings {
    HashingSettings { memory_kib: 256, iterations: 1, max_waiting: 1024, ..HashingSettings::default() }
}

pub fn ident(id: &str) -> Identification {
    Identification::parse(id).expect("valid identification")
}

impl World {
    /// The cheapest private database (one SQLite connection in memory, or a PostgreSQL schema).
    pub async fn in_memory() -> Self {
        Self::build(TestDb::new().await, cheap_hashing()).await
    }

    /// A database with several connections, so parallel requests really race.
    pub async fn on_file(hashing: HashingSettings) -> Self {
        Self::build(TestDb::pooled(8).await, hashing).await
    }

    async fn build(db: TestDb, hashing: HashingSettings) -> Self {
        let store = db.store.clone();
        let clock = Arc::new(ManualClock::at_institute_time(2026, 3, 2, 10, 0, 0));
        seed_demo_if_empty(&*store, clock.now()).await.expect("demo registry");
        let settings = Arc::new(Settings::default());
        let hasher = PasswordHasher::new(&hashing).expect("hasher");
        let mailer = Mailer::new(store.clone(), clock.clone(), settings.clone());
        Self { store, db, clock, settings, hasher, mailer }
    }

    /// Gives the demo person `id` a clave with `password` (their registry email on file) and
    /// returns their affiliate id.
    pub async fn with_clave(&self, id: &str, password: &str) -> i64 {
        let now = self.clock.now();
        let affiliate = self.store.find_affiliate(&ident(id)).await.expect("db").expect("demo person");
        // A profile is created from a live link and flow, as the activation does.
        let (token, flow) = self.live_link("test").await;
        let profile = NewProfile {
            identification: affiliate.identification.clone(),
            email: affiliate.email.clone().expect("email"),
            mobile: affiliate.mobile.clone().expect("mobile"),
            landline: affiliate.landline.clone(),
            image: "perro".into(),
            password_hash: self.hasher.hash(SecretString::from(password)).await.expect("hash"),
            answers: Vec::new(),
        };
        let link = ActivationLink { token: &token.hash(), purpose: "test", flow: &flow, flow_version: 0 };
        assert_eq!(
            self.store.create_profile(link, &profile, now).await.expect("db"),
            ProfileCreation::Created
        );
        self.store.profile(&ident(id)).await.expect("db").expect("profile").affiliate_id
    }

    /// A live emailed-link token of `purpose` naming a fresh flow at version 0, as the wizards
    /// hold them before their last step.
    pub async fn live_link(&self, purpose: &str) -> (tokens::PlainToken, crate::flows::FlowHash) {
        let now = self.clock.now();
        let flow = crate::flows::FlowId::generate().hash();
        let stored = crate::store::StoredFlow {
            kind: "generation".into(),
            step: "email-sent".into(),
            state: "{}".into(),
            version: 0,
            expires_at: now + chrono::Duration::hours(1),
        };
        crate::store::FlowStore::insert_flow(&*self.store, &flow, &stored, now).await.expect("flow");
        let token =
            tokens::issue(&*self.store, purpose, &flow.as_hex(), std::time::Duration::from_secs(60), now)
                .await
                .expect("token");
        (token, flow)
    }

    /// Every queued mail as (recipient, subject, text), oldest first.
    pub async fn mails(&self) -> Vec<(String, String, String)> {
        self.db.rows("SELECT recipient, subject, text_body FROM outbox ORDER BY id").await
    }

    /// The kinds of this person's audit events, oldest first.
    pub async fn event_kinds(&self, affiliate_id: i64) -> Vec<String> {
        let mut kinds: Vec<String> =
            self.store.events_of(affiliate_id, 1000).await.expect("db").into_iter().map(|e| e.kind).collect();
        kinds.reverse();
        kinds
    }
}
