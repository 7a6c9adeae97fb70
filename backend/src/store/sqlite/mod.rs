//! The embedded backend: one SQLite file in WAL mode with foreign keys on. Migrations are compiled
//! into the binary.

#[path = "../sql/mod.rs"]
mod sql;

use std::{str::FromStr, time::Duration};

use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use super::StoreError;

type Db = sqlx::Sqlite;
type Backend = SqliteStore;
/// SQLite takes its write lock before a statement's sub-select reads, so a claim needs no clause.
const SKIP_LOCKED: &str = "";

static MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

/// A [`super::Store`] on SQLite.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating when missing) the database at `url` and runs pending migrations.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(StoreError::Unexpected)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(5));
        if let Some(parent) = options.get_filename().parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).map_err(|e| StoreError::Unavailable(sqlx::Error::Io(e)))?;
        }
        let pool = SqlitePoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        MIGRATIONS.run(&pool).await?;
        Ok(Self { pool })
    }

    /// A private in-memory database for tests (one connection, so every query sees the same data).
    pub async fn in_memory() -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(StoreError::Unexpected)?
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await?;
        MIGRATIONS.run(&pool).await?;
        Ok(Self { pool })
    }

    /// The pool, for tests that inspect tables directly.
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_file_database_runs_in_wal_mode_with_foreign_keys_enforced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("nested/dir/clave.db").display());
        let store = SqliteStore::connect(&url, 2).await.expect("creates the file and its folders");
        let mode: String =
            sqlx::query_scalar("PRAGMA journal_mode").fetch_one(store.pool()).await.expect("db");
        let fks: i64 = sqlx::query_scalar("PRAGMA foreign_keys").fetch_one(store.pool()).await.expect("db");
        assert_eq!((mode.as_str(), fks), ("wal", 1));
    }

    #[tokio::test]
    async fn migrations_are_embedded_and_idempotent() {
        let dir = tempfile::tempdir().expect("tempdir");
        let url = format!("sqlite://{}", dir.path().join("clave.db").display());
        drop(SqliteStore::connect(&url, 1).await.expect("first start"));
        let store = SqliteStore::connect(&url, 1).await.expect("second start runs no migration twice");
        let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(store.pool())
            .await
            .expect("db");
        assert_eq!(applied as usize, MIGRATIONS.iter().count());
    }
}
