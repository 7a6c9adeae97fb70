use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::Row as _;

use super::Backend;
use crate::{
    clock::{from_millis, to_millis},
    flows::FlowHash,
    store::{FlowAdvance, FlowStore, StoreError, StoredFlow},
};

#[async_trait]
impl FlowStore for Backend {
    async fn insert_flow(
        &self,
        id: &FlowHash,
        flow: &StoredFlow,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO flows (id_hash, kind, step, state, version, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, 0, $5, $6)",
        )
        .bind(id.as_hex())
        .bind(&flow.kind)
        .bind(&flow.step)
        .bind(&flow.state)
        .bind(to_millis(now))
        .bind(to_millis(flow.expires_at))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn load_flow(
        &self,
        id: &FlowHash,
        kind: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<StoredFlow>, StoreError> {
        let row = sqlx::query(
            "SELECT kind, step, state, version, expires_at FROM flows \
             WHERE id_hash = $1 AND kind = $2 AND expires_at > $3",
        )
        .bind(id.as_hex())
        .bind(kind)
        .bind(to_millis(now))
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(StoredFlow {
            kind: row.try_get("kind")?,
            step: row.try_get("step")?,
            state: row.try_get("state")?,
            version: row.try_get("version")?,
            expires_at: from_millis(row.try_get("expires_at")?),
        }))
    }

    async fn advance_flow(&self, id: &FlowHash, change: FlowAdvance<'_>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE flows SET step = $1, state = $2, version = version + 1, \
             expires_at = COALESCE($3, expires_at) \
             WHERE id_hash = $4 AND kind = $5 AND version = $6 AND step = $7 AND expires_at > $8",
        )
        .bind(change.to_step)
        .bind(change.state)
        .bind(change.expires_at.map(to_millis))
        .bind(id.as_hex())
        .bind(change.kind)
        .bind(change.version)
        .bind(change.from_step)
        .bind(to_millis(change.now))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_flow(&self, id: &FlowHash) -> Result<bool, StoreError> {
        let done =
            sqlx::query("DELETE FROM flows WHERE id_hash = $1").bind(id.as_hex()).execute(&self.pool).await?;
        Ok(done.rows_affected() == 1)
    }
}
