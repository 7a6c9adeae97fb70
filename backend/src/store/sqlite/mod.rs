//! The embedded backend: one SQLite file in WAL mode with foreign keys on. Migrations are compiled
//! into the binary.

mod accounts;
mod assisted;
mod attempts;
mod captcha;
mod flows;
mod outbox;
mod registry;
mod staff;
mod tokens;
mod ventanilla;

use std::{str::FromStr, time::Duration};

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{
    SqlitePool,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
};

use super::{MaintenanceStore, SettingsStore, StoreError};
use crate::clock::to_millis;

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

#[async_trait]
impl SettingsStore for SqliteStore {
    async fn secret_or_insert(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        sqlx::query("INSERT INTO server_secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(candidate)
            .execute(&self.pool)
            .await?;
        let value = sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = ?")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(value)
    }
}

#[async_trait]
impl MaintenanceStore for SqliteStore {
    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let now = to_millis(now);
        let mut removed = 0;
        for sql in [
            "DELETE FROM tokens WHERE expires_at <= ?",
            "DELETE FROM flows WHERE expires_at <= ?",
            "DELETE FROM sessions WHERE idle_expires_at <= ?1 OR expires_at <= ?1",
            "DELETE FROM trusted_devices WHERE expires_at <= ?",
            "DELETE FROM staff_sessions WHERE idle_expires_at <= ?1 OR expires_at <= ?1",
        ] {
            removed += sqlx::query(sql).bind(now).execute(&self.pool).await?.rows_affected();
        }
        removed += captcha::purge(&self.pool, now).await?;
        removed += outbox::purge(&self.pool, now).await?;
        Ok(removed)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }
}

/// Spends an emailed link and ends its flow, inside `tx`: the token must be unused, unexpired
/// and of this purpose and flow, and the flow unchanged since it was loaded. `false` when either
/// is not so (the caller rolls back).
async fn spend_link(
    tx: &mut sqlx::SqliteConnection,
    link: super::ActivationLink<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    let spent = sqlx::query(
        "UPDATE tokens SET used_at = ? \
         WHERE hash = ? AND purpose = ? AND subject = ? AND used_at IS NULL AND expires_at > ?",
    )
    .bind(now)
    .bind(link.token.as_hex())
    .bind(link.purpose)
    .bind(link.flow.as_hex())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let ended = sqlx::query("DELETE FROM flows WHERE id_hash = ? AND version = ? AND expires_at > ?")
        .bind(link.flow.as_hex())
        .bind(link.flow_version)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    Ok(spent.rows_affected() == 1 && ended.rows_affected() == 1)
}

/// A stored value in `column` that no longer decodes.
fn corrupt(column: &'static str) -> StoreError {
    StoreError::Unexpected(sqlx::Error::ColumnDecode {
        index: column.to_owned(),
        source: "stored value is not valid".into(),
    })
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
