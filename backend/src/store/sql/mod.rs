//! The queries both backends share. This folder is compiled twice, once inside `sqlite` and once
//! inside `postgres` (through `#[path]`), and each copy reads its surroundings from `super`:
//! `Db` is the sqlx driver, `Backend` the store type with its `pool`, and `SKIP_LOCKED` the
//! locking clause a claiming sub-select needs on that database.
//!
//! The SQL is the common ground of SQLite and PostgreSQL: numbered `$n` parameters, `RETURNING`,
//! `ON CONFLICT`, `CASE` instead of the two-argument `MIN`/`MAX` that only SQLite has, and every
//! instant as `BIGINT` milliseconds. Each limit is one conditional statement, so it holds under
//! PostgreSQL's row locks as it does under SQLite's database lock.
#![allow(clippy::duplicate_mod, reason = "compiled once per backend, on purpose")]

mod accounts;
mod assisted;
mod attempts;
mod captcha;
mod flows;
mod outbox;
mod rate_limits;
mod registry;
mod staff;
mod tokens;
mod ventanilla;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Backend, Db, SKIP_LOCKED};
use crate::{
    clock::to_millis,
    store::{MaintenanceStore, SettingsStore, StoreError},
};

type DbPool = sqlx::Pool<Db>;
type DbRow = <Db as sqlx::Database>::Row;
type DbConnection = <Db as sqlx::Database>::Connection;

#[async_trait]
impl SettingsStore for Backend {
    async fn secret_or_insert(&self, name: &str, candidate: &str) -> Result<String, StoreError> {
        sqlx::query("INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(name)
            .bind(candidate)
            .execute(&self.pool)
            .await?;
        let value = sqlx::query_scalar("SELECT value FROM server_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await?;
        Ok(value)
    }
}

#[async_trait]
impl MaintenanceStore for Backend {
    async fn purge_expired(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let now = to_millis(now);
        let mut removed = 0;
        for sql in [
            "DELETE FROM tokens WHERE expires_at <= $1",
            "DELETE FROM flows WHERE expires_at <= $1",
            "DELETE FROM sessions WHERE idle_expires_at <= $1 OR expires_at <= $1",
            "DELETE FROM trusted_devices WHERE expires_at <= $1",
            "DELETE FROM staff_sessions WHERE idle_expires_at <= $1 OR expires_at <= $1",
            "DELETE FROM rate_limits WHERE window_ends_at <= $1",
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
    tx: &mut DbConnection,
    link: crate::store::ActivationLink<'_>,
    now: i64,
) -> Result<bool, StoreError> {
    let spent = sqlx::query(
        "UPDATE tokens SET used_at = $1 \
         WHERE hash = $2 AND purpose = $3 AND subject = $4 AND used_at IS NULL AND expires_at > $5",
    )
    .bind(now)
    .bind(link.token.as_hex())
    .bind(link.purpose)
    .bind(link.flow.as_hex())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let ended = sqlx::query("DELETE FROM flows WHERE id_hash = $1 AND version = $2 AND expires_at > $3")
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
