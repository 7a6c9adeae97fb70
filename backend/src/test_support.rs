//! A world for service tests: the demo registry on a private test database, a manual clock, cheap argon2 and the
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
    store::Store,
    testing::{self, TestDb},
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
        let hash = self.hasher.hash(SecretString::from(password)).await.expect("hash");
        testing::give_clave(&*self.store, &ident(id), hash, self.clock.now()).await
    }

    /// A live emailed-link token of `purpose` naming a fresh flow at version 0.
    pub async fn live_link(&self, purpose: &str) -> (tokens::PlainToken, crate::flows::FlowHash) {
        testing::live_link(&*self.store, purpose, self.clock.now()).await
    }

    /// Makes `table` refuse every insert, as a database failing that write would (a trigger);
    /// returns the SQL that repairs it.
    pub async fn refuse_inserts(&self, table: &str) -> String {
        let (faults, repair) = if self.db.is_postgres() {
            let function = format!(
                "CREATE FUNCTION {table}_down() RETURNS trigger LANGUAGE plpgsql AS \
                 $$ BEGIN RAISE EXCEPTION '{table} down'; END $$"
            );
            let trigger = format!(
                "CREATE TRIGGER {table}_down BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {table}_down()"
            );
            (vec![function, trigger], format!("DROP TRIGGER {table}_down ON {table}"))
        } else {
            let trigger = format!(
                "CREATE TRIGGER {table}_down BEFORE INSERT ON {table} BEGIN SELECT RAISE(ABORT, '{table} down'); END"
            );
            (vec![trigger], format!("DROP TRIGGER {table}_down"))
        };
        for sql in &faults {
            self.db.execute(sql).await.expect("fault");
        }
        repair
    }

    /// Locks this person's clave for unknown browsers, as `login.max_failures` wrong logins from
    /// them would (the lock itself is tested in `accounts`).
    pub async fn lock_for_unknown_browsers(&self, affiliate_id: i64) {
        let (max, now) = (self.settings.login.max_failures, crate::clock::to_millis(self.clock.now()));
        self.db
            .execute(&format!(
                "UPDATE security_profiles SET unknown_failures = {max}, unknown_locked_at = {now} \
                 WHERE affiliate_id = {affiliate_id}"
            ))
            .await
            .expect("lock");
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
