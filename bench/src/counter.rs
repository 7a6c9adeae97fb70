//! The counter's write path: failed logins per second through the real login service, with argon2
//! at its cheapest so that what is measured is everything else a failure costs (the profile read,
//! the trusted-browser check, the failure's transaction with its counter and event, and the lock
//! email prepared for it). Each worker guesses a different person's clave, as a credential-stuffing
//! attack does: one person's clave cannot be tried this fast, the per-number rate limit stops it
//! first. SQLite and PostgreSQL are measured by the same code, each on a new database of its own.

use std::{
    path::PathBuf,
    sync::Arc,
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail, ensure};
use clave_backend::{
    accounts::LoginOutcome,
    audit::ClientInfo,
    clock::{Clock as _, SystemClock},
    config::{HashingSettings, Settings},
    hashing::PasswordHasher,
    registry,
    services::Services,
    store::{self, Store},
    testing::{self, TestDb},
};
use clave_domain::audit::EventKind;
use secrecy::SecretString;

/// Workers, each on a person of the demo registry.
const WORKERS: usize = 8;

/// A new, empty database of each kind the server runs on.
pub enum Database {
    /// A new SQLite file at this path, in WAL mode as the server opens it.
    Sqlite(PathBuf),
    /// A new private schema on the PostgreSQL server named by `CLAVE_TEST_POSTGRES_URL`: nothing
    /// else on that server is read or written.
    Postgres,
}

/// Fails unless `CLAVE_TEST_POSTGRES_URL` names the PostgreSQL server of this run: checked before
/// the run starts, and again before the schema is made (without the variable, the test database
/// would quietly be SQLite).
pub fn postgres_named() -> anyhow::Result<()> {
    ensure!(
        testing::postgres_url().is_some(),
        "{} is not set: the PostgreSQL figure needs a server to write to (`make bench` runs \
         clave-bench through scripts/with-postgres.sh)",
        testing::POSTGRES_URL
    );
    Ok(())
}

impl Database {
    /// The database's name in the report.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "SQLite",
            Self::Postgres => "PostgreSQL",
        }
    }

    /// Opens it with `connections` connections, its schema brought up to date.
    async fn open(&self, connections: u32) -> anyhow::Result<Arc<dyn Store>> {
        match self {
            Self::Sqlite(file) => {
                Ok(store::connect(&format!("sqlite://{}", file.display()), connections).await?)
            }
            Self::Postgres => {
                postgres_named()?;
                Ok(TestDb::pooled(connections).await.store)
            }
        }
    }
}

/// Runs `WORKERS` workers, each failing one person's logins one after another, against
/// `database` for `length`; failed logins per second, each checked to have been counted.
pub async fn failures_per_second(database: &Database, length: Duration) -> anyhow::Result<f64> {
    let mut settings = Settings {
        // The smallest argon2id the crate accepts: microseconds instead of the real tens of ms.
        hashing: HashingSettings { memory_kib: 8, iterations: 1, ..HashingSettings::default() },
        ..Settings::default()
    };
    // The lock never comes: every attempt takes the counting path.
    settings.login.max_failures = u32::MAX;
    let store = database.open(settings.database.max_connections).await.context("database")?;
    let now = SystemClock.now();
    registry::seed_demo_if_empty(&*store, now).await.context("demo registry")?;
    let hash = PasswordHasher::new(&settings.hashing)?.hash(SecretString::from(crate::CLAVE)).await?;
    let registry = registry::parse_csv(registry::DEMO_CSV.as_bytes())
        .map_err(|errors| anyhow::anyhow!("the demo registry: {errors:?}"))?;
    // A clave needs contacts on file: the people who have both an email and a mobile.
    let with_contacts = registry.into_iter().filter(|a| a.email.is_some() && a.mobile.is_some());
    let mut people = Vec::new();
    for affiliate in with_contacts.take(WORKERS) {
        let id = affiliate.identification;
        let affiliate_id = testing::give_clave(&*store, &id, hash.clone(), now).await;
        people.push((id, affiliate_id));
    }
    ensure!(people.len() == WORKERS, "the demo registry has fewer than {WORKERS} people with contacts");
    let services = Services::new(settings, store.clone(), Arc::new(SystemClock)).await?;
    let client = ClientInfo { ip: Some("192.0.2.10".into()), user_agent: Some("clave-bench".into()) };

    let start = Instant::now();
    let tasks: Vec<_> = people
        .iter()
        .map(|(id, _)| {
            let (accounts, hasher, id, client) =
                (services.accounts.clone(), services.hasher.clone(), id.clone(), client.clone());
            tokio::spawn(async move {
                let mut failures = 0_u64;
                while start.elapsed() < length {
                    let wrong = SecretString::from(crate::WRONG_CLAVE);
                    match accounts.login(hasher.reserve()?, &id, wrong, None, &client).await? {
                        LoginOutcome::Refused => failures += 1,
                        LoginOutcome::LoggedIn { .. } => bail!("a wrong clave logged in"),
                    }
                }
                Ok(failures)
            })
        })
        .collect();
    let mut failures = 0;
    for task in tasks {
        failures += task.await??;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let mut counted = 0;
    for (_, affiliate) in &people {
        counted += recorded(&*store, *affiliate, EventKind::LoginFailed).await?;
    }
    ensure!(counted as u64 == failures, "{failures} failed logins but {counted} recorded");
    Ok(failures as f64 / elapsed)
}

/// How many events of `kind` the audit trail holds for `affiliate`.
pub async fn recorded(store: &dyn Store, affiliate: i64, kind: EventKind) -> anyhow::Result<usize> {
    let events = store.events_of(affiliate, u32::MAX).await?;
    Ok(events.iter().filter(|e| EventKind::parse(&e.kind) == Some(kind)).count())
}
