//! The scale-out backend: several stateless instances on one PostgreSQL (DESIGN §9). The queries
//! are those of SQLite (`../sql`); only the schema, the connection and the claim of due mail
//! (`FOR UPDATE SKIP LOCKED`) differ. Migrations are compiled into the binary, and sqlx runs them
//! under an advisory lock, so instances starting together migrate once.

#[path = "../sql/mod.rs"]
mod sql;

use std::{str::FromStr, time::Duration};

use sqlx::{
    PgPool,
    postgres::{PgConnectOptions, PgPoolOptions},
};

use super::StoreError;

type Db = sqlx::Postgres;
type Backend = PgStore;
/// Two senders claiming at once each skip the rows the other has locked, so no mail is sent twice
/// and neither waits.
const SKIP_LOCKED: &str = " FOR UPDATE SKIP LOCKED";

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

/// A [`super::Store`] on PostgreSQL.
#[derive(Debug, Clone)]
pub struct PgStore {
    pool: PgPool,
}

impl PgStore {
    /// Connects to the database at `url` (`postgres://…`) and runs pending migrations.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        Self::connect_with(PgConnectOptions::from_str(url).map_err(StoreError::Unexpected)?, max_connections)
            .await
    }

    /// As [`PgStore::connect`], with options built by the caller (tests choose a schema this way).
    pub async fn connect_with(options: PgConnectOptions, max_connections: u32) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        MIGRATIONS.run(&pool).await?;
        Ok(Self { pool })
    }

    /// The pool, for tests that inspect tables directly.
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}
