use async_trait::async_trait;
use chrono::{DateTime, Utc};
use clave_domain::Identification;
use sqlx::{QueryBuilder, Row as _};

use super::Backend;
use crate::{
    clock::{from_millis, to_millis},
    registry::Affiliate,
    store::{AssistedStore, AuditFilter, AuditRecord, CallEnd, CallOpening, OpenCall, StoreError},
};

#[async_trait]
impl AssistedStore for Backend {
    async fn affiliate_row(&self, id: &Identification) -> Result<Option<i64>, StoreError> {
        Ok(sqlx::query_scalar("SELECT id FROM affiliates WHERE id_number = $1")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn affiliate_by_row(&self, affiliate_id: i64) -> Result<Option<Affiliate>, StoreError> {
        self.affiliate_by_id(affiliate_id).await
    }

    async fn insert_verification(
        &self,
        staff_id: i64,
        affiliate_id: i64,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        Ok(sqlx::query_scalar(
            "INSERT INTO in_person_verifications (staff_id, affiliate_id, created_at, expires_at) \
             VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(staff_id)
        .bind(affiliate_id)
        .bind(to_millis(now))
        .bind(to_millis(expires_at))
        .fetch_one(&self.pool)
        .await?)
    }

    async fn live_verification(
        &self,
        id: i64,
        staff_id: i64,
        affiliate_id: i64,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let found: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM in_person_verifications \
             WHERE id = $1 AND staff_id = $2 AND affiliate_id = $3 AND expires_at > $4)",
        )
        .bind(id)
        .bind(staff_id)
        .bind(affiliate_id)
        .bind(to_millis(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(found)
    }

    async fn open_call(
        &self,
        staff_id: i64,
        affiliate_id: i64,
        questions: &str,
        now: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<CallOpening, StoreError> {
        let now_ms = to_millis(now);
        sqlx::query(
            "UPDATE video_calls SET outcome = 'abandoned', answered_at = $1 \
             WHERE affiliate_id = $2 AND outcome IS NULL AND expires_at <= $1",
        )
        .bind(now_ms)
        .bind(affiliate_id)
        .execute(&self.pool)
        .await?;
        let inserted = sqlx::query_scalar::<_, i64>(
            "INSERT INTO video_calls (staff_id, affiliate_id, questions, created_at, expires_at) \
             SELECT $1, $2, $3, $4, $5 WHERE NOT EXISTS \
                 (SELECT 1 FROM video_call_blocks WHERE affiliate_id = $2 AND blocked_until > $4) \
             RETURNING id",
        )
        .bind(staff_id)
        .bind(affiliate_id)
        .bind(questions)
        .bind(now_ms)
        .bind(to_millis(expires_at))
        .fetch_optional(&self.pool)
        .await;
        match inserted {
            Ok(Some(id)) => Ok(CallOpening::Opened(id)),
            Ok(None) => Ok(match self.call_block(affiliate_id, now).await? {
                Some(until) => CallOpening::Blocked { until },
                // Lifted in between: the agent may simply try again.
                None => CallOpening::InProgress,
            }),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Ok(CallOpening::InProgress),
            Err(e) => Err(e.into()),
        }
    }

    async fn open_call_of(
        &self,
        id: i64,
        staff_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<OpenCall>, StoreError> {
        let row = sqlx::query(
            "SELECT affiliate_id, questions FROM video_calls \
             WHERE id = $1 AND staff_id = $2 AND outcome IS NULL AND expires_at > $3",
        )
        .bind(id)
        .bind(staff_id)
        .bind(to_millis(now))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(OpenCall { affiliate_id: r.try_get("affiliate_id")?, questions: r.try_get("questions")? })
        })
        .transpose()
    }

    async fn end_call(
        &self,
        id: i64,
        staff_id: i64,
        end: CallEnd,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now_ms = to_millis(now);
        let outcome = match end {
            CallEnd::Verified => "verified",
            CallEnd::Failed { .. } => "failed",
        };
        let mut tx = self.pool.begin().await?;
        let affiliate_id: Option<i64> = sqlx::query_scalar(
            "UPDATE video_calls SET outcome = $1, answered_at = $2 \
             WHERE id = $3 AND staff_id = $4 AND outcome IS NULL AND expires_at > $2 RETURNING affiliate_id",
        )
        .bind(outcome)
        .bind(now_ms)
        .bind(id)
        .bind(staff_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(affiliate_id) = affiliate_id else {
            tx.rollback().await?;
            return Ok(false);
        };
        if let CallEnd::Failed { block_until } = end {
            sqlx::query(
                "INSERT INTO video_call_blocks (affiliate_id, blocked_until) VALUES ($1, $2) \
                 ON CONFLICT (affiliate_id) DO UPDATE SET blocked_until = CASE WHEN excluded.blocked_until > video_call_blocks.blocked_until \
                     THEN excluded.blocked_until ELSE video_call_blocks.blocked_until END",
            )
            .bind(affiliate_id)
            .bind(to_millis(block_until))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn spend_verified_call(
        &self,
        id: i64,
        staff_id: i64,
        affiliate_id: i64,
        answered_after: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE video_calls SET used_at = $1 \
             WHERE id = $2 AND staff_id = $3 AND affiliate_id = $4 AND outcome = 'verified' \
                 AND used_at IS NULL AND answered_at > $5",
        )
        .bind(to_millis(now))
        .bind(id)
        .bind(staff_id)
        .bind(affiliate_id)
        .bind(to_millis(answered_after))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn call_block(
        &self,
        affiliate_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let until: Option<i64> = sqlx::query_scalar(
            "SELECT blocked_until FROM video_call_blocks WHERE affiliate_id = $1 AND blocked_until > $2",
        )
        .bind(affiliate_id)
        .bind(to_millis(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(until.map(from_millis))
    }

    async fn enable_foreigner(
        &self,
        affiliate_id: i64,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO foreigner_enablements (affiliate_id, enabled_by, enabled_at) VALUES ($1, $2, $3) \
             ON CONFLICT (affiliate_id) DO NOTHING",
        )
        .bind(affiliate_id)
        .bind(by)
        .bind(to_millis(now))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn foreigner_enabled(&self, id: &Identification) -> Result<bool, StoreError> {
        let found: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM foreigner_enablements e JOIN affiliates a ON a.id = e.affiliate_id \
             WHERE a.id_number = $1)",
        )
        .bind(id.as_str())
        .fetch_one(&self.pool)
        .await?;
        Ok(found)
    }

    async fn audit_events(
        &self,
        filter: &AuditFilter,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let mut q: QueryBuilder<'_, super::Db> = QueryBuilder::new(
            "SELECT e.id, e.at, e.affiliate_id, e.actor, e.kind, e.ip, e.user_agent, e.case_number, e.reason, \
                 a.id_number FROM security_events e LEFT JOIN affiliates a ON a.id = e.affiliate_id WHERE 1 = 1",
        );
        if let Some(id) = filter.affiliate_id {
            q.push(" AND e.affiliate_id = ").push_bind(id);
        }
        if let Some(actor) = &filter.actor {
            q.push(" AND e.actor = ").push_bind(actor.clone());
        }
        if let Some(kind) = &filter.kind {
            q.push(" AND e.kind = ").push_bind(kind.clone());
        }
        if let Some(from) = filter.from {
            q.push(" AND e.at >= ").push_bind(to_millis(from));
        }
        if let Some(until) = filter.until {
            q.push(" AND e.at < ").push_bind(to_millis(until));
        }
        q.push(" ORDER BY e.at DESC, e.id DESC LIMIT ").push_bind(i64::from(limit));
        q.push(" OFFSET ").push_bind(i64::from(offset));
        let rows = q.build().fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| {
                Ok(AuditRecord {
                    event: super::accounts::event_record(r)?,
                    identification: r.try_get("id_number")?,
                })
            })
            .collect()
    }
}
