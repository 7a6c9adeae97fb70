//! Databases for tests. SQLite by default; PostgreSQL when `CLAVE_TEST_POSTGRES_URL` names a server
//! the tests may write to (the README's test command runs the whole suite once each way, starting a
//! throwaway server for the second run). Every [`TestDb`] is private to its test: an in-memory
//! SQLite, a SQLite file in a temporary folder, or a fresh schema on the PostgreSQL server.
//!
//! Tests that look into tables write their SQL once for both databases: `$n` parameters and
//! `BIGINT`-sized integers (see `store/sql`).

use std::{str::FromStr as _, sync::Arc};

use rand::Rng as _;
use sqlx::{
    PgPool, SqlitePool,
    postgres::{PgConnectOptions, PgRow},
    sqlite::SqliteRow,
};

use chrono::{DateTime, Utc};
use clave_domain::Identification;

use crate::{
    flows::{FlowHash, FlowId},
    store::{
        ActivationLink, NewProfile, ProfileCreation, Store, StoredFlow, postgres::PgStore,
        sqlite::SqliteStore,
    },
    tokens::{self, PlainToken},
};

/// The environment variable naming the PostgreSQL server of a test run.
pub const POSTGRES_URL: &str = "CLAVE_TEST_POSTGRES_URL";

/// A private database, its store, and a way to look into its tables.
pub struct TestDb {
    pub store: Arc<dyn Store>,
    raw: Raw,
    /// Where a second store on the same data connects (another server instance).
    location: Location,
    _dir: Option<tempfile::TempDir>,
}

#[derive(Clone)]
enum Raw {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

enum Location {
    SqliteMemory,
    SqliteFile(String),
    /// The options of this database's connections, and the URL that names the same schema.
    Postgres(Box<PgConnectOptions>, String),
}

/// The PostgreSQL server of this run, when there is one.
pub fn postgres_url() -> Option<String> {
    std::env::var(POSTGRES_URL).ok().filter(|url| !url.is_empty())
}

impl TestDb {
    /// The cheapest private database: SQLite in memory on one connection, or a PostgreSQL schema.
    pub async fn new() -> Self {
        match postgres_url() {
            Some(url) => Self::postgres(&url, 4).await,
            None => {
                let store = SqliteStore::in_memory().await.expect("in-memory store");
                let raw = Raw::Sqlite(store.pool().clone());
                Self { store: Arc::new(store), raw, location: Location::SqliteMemory, _dir: None }
            }
        }
    }

    /// A database with `connections` connections, so that parallel requests really race, and
    /// that a second store can open: a SQLite file, or a PostgreSQL schema.
    pub async fn pooled(connections: u32) -> Self {
        match postgres_url() {
            Some(url) => Self::postgres(&url, connections).await,
            None => {
                let dir = tempfile::tempdir().expect("tempdir");
                let url = format!("sqlite://{}", dir.path().join("clave.db").display());
                let store = SqliteStore::connect(&url, connections).await.expect("file store");
                let raw = Raw::Sqlite(store.pool().clone());
                Self { store: Arc::new(store), raw, location: Location::SqliteFile(url), _dir: Some(dir) }
            }
        }
    }

    async fn postgres(url: &str, connections: u32) -> Self {
        let schema = format!("test_{:016x}", rand::thread_rng().r#gen::<u64>());
        let admin = PgPool::connect(url).await.expect("the test PostgreSQL server answers");
        sqlx::query(&format!("CREATE SCHEMA {schema}")).execute(&admin).await.expect("create schema");
        admin.close().await;
        let options = PgConnectOptions::from_str(url)
            .expect("test PostgreSQL URL")
            .options([("search_path", schema.as_str())]);
        let store = PgStore::connect_with(options.clone(), connections).await.expect("postgres store");
        let raw = Raw::Postgres(store.pool().clone());
        // `options` is sent to the server at connect time: `-c search_path=<schema>`.
        let separator = if url.contains('?') { '&' } else { '?' };
        let schema_url = format!("{url}{separator}options=-c%20search_path%3D{schema}");
        let location = Location::Postgres(Box::new(options), schema_url);
        Self { store: Arc::new(store), raw, location, _dir: None }
    }

    /// Whether this run is on PostgreSQL.
    pub fn is_postgres(&self) -> bool {
        matches!(self.raw, Raw::Postgres(_))
    }

    /// Another store on the same data, as a second server instance opens it. Not available for
    /// the in-memory database, which only its own connection sees.
    pub async fn second_store(&self, connections: u32) -> Arc<dyn Store> {
        match &self.location {
            Location::SqliteMemory => panic!("an in-memory database has no second store: use TestDb::pooled"),
            Location::SqliteFile(url) => {
                Arc::new(SqliteStore::connect(url, connections).await.expect("second file store"))
            }
            Location::Postgres(options, _) => {
                Arc::new(PgStore::connect_with((**options).clone(), connections).await.expect("second store"))
            }
        }
    }

    /// The `database.url` under which another process (the server binary) opens this same data:
    /// `sqlite://<file>`, or the PostgreSQL server's URL with this database's schema as the
    /// connection's `search_path` (`…?options=-c%20search_path%3D<schema>`). Not available for
    /// the in-memory database.
    pub fn url(&self) -> String {
        match &self.location {
            Location::SqliteMemory => panic!("an in-memory database has no URL: use TestDb::pooled"),
            Location::SqliteFile(url) | Location::Postgres(_, url) => url.clone(),
        }
    }

    /// Every row of `sql`.
    pub async fn rows<T>(&self, sql: &str) -> Vec<T>
    where
        T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin,
    {
        let rows = match &self.raw {
            Raw::Sqlite(pool) => sqlx::query_as(sql).fetch_all(pool).await,
            Raw::Postgres(pool) => sqlx::query_as(sql).fetch_all(pool).await,
        };
        rows.unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    /// The single value of the single row of `sql`.
    pub async fn scalar<T>(&self, sql: &str) -> T
    where
        T: Send + Unpin,
        (T,): for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow>,
    {
        let mut rows = self.rows::<(T,)>(sql).await;
        assert_eq!(rows.len(), 1, "{sql}: one row");
        rows.remove(0).0
    }

    /// Runs `sql` and returns how many rows it changed, or the database's refusal.
    pub async fn execute(&self, sql: &str) -> Result<u64, sqlx::Error> {
        match &self.raw {
            Raw::Sqlite(pool) => sqlx::query(sql).execute(pool).await.map(|r| r.rows_affected()),
            Raw::Postgres(pool) => sqlx::query(sql).execute(pool).await.map(|r| r.rows_affected()),
        }
    }

    /// Closes every connection: from now on the store answers as a database that is down.
    pub async fn close(&self) {
        match &self.raw {
            Raw::Sqlite(pool) => pool.close().await,
            Raw::Postgres(pool) => pool.close().await,
        }
    }
}

/// A live emailed-link token of `purpose` naming a fresh flow at version 0, as the wizards hold
/// them before their last step.
pub async fn live_link(store: &dyn Store, purpose: &str, now: DateTime<Utc>) -> (PlainToken, FlowHash) {
    let flow = FlowId::generate().hash();
    let stored = StoredFlow {
        kind: "generation".into(),
        step: "email-sent".into(),
        state: "{}".into(),
        version: 0,
        expires_at: now + chrono::Duration::hours(1),
    };
    store.insert_flow(&flow, &stored, now).await.expect("flow");
    let token = tokens::issue(store, purpose, &flow.as_hex(), std::time::Duration::from_secs(60), now)
        .await
        .expect("token");
    (token, flow)
}

/// Gives the registry person `id` a clave whose argon2 hash is `password_hash` (their registry
/// contacts on file, the security image `perro`, no questions), written the way an activation
/// writes it: from a live link and flow. Returns their affiliate id.
pub async fn give_clave(
    store: &dyn Store,
    id: &Identification,
    password_hash: String,
    now: DateTime<Utc>,
) -> i64 {
    let affiliate = store.find_affiliate(id).await.expect("db").expect("a person of the registry");
    let (token, flow) = live_link(store, "test", now).await;
    let profile = NewProfile {
        identification: affiliate.identification.clone(),
        email: affiliate.email.clone().expect("email"),
        mobile: affiliate.mobile.clone().expect("mobile"),
        landline: affiliate.landline.clone(),
        image: "perro".into(),
        password_hash,
        answers: Vec::new(),
    };
    let link = ActivationLink { token: &token.hash(), purpose: "test", flow: &flow, flow_version: 0 };
    assert_eq!(store.create_profile(link, &profile, now).await.expect("db"), ProfileCreation::Created);
    store.profile(id).await.expect("db").expect("profile").affiliate_id
}
