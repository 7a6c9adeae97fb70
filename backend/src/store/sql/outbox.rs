use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Backend, Db};
use crate::{
    clock::{from_millis, to_millis},
    mail::OutgoingMail,
    store::{ClaimedMail, DevMail, OutboxStore, StoreError},
};

/// How long a sent message's row (recipient, subject, times; the bodies are already gone) is kept.
const SENT_RETENTION_MILLIS: i64 = 7 * 24 * 3600 * 1000;

type ClaimedRow = (i64, String, String, String, Option<String>, i64);
type DevRow = (i64, String, String, String, Option<String>, i64);

#[async_trait]
impl OutboxStore for Backend {
    async fn enqueue_mail(&self, mail: &OutgoingMail, now: DateTime<Utc>) -> Result<i64, StoreError> {
        insert_mail(&self.pool, mail, now).await
    }

    async fn claim_due_mail(
        &self,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<ClaimedMail>, StoreError> {
        let now = to_millis(now);
        // One statement. SQLite takes the write lock before the sub-select reads, so a second
        // sender (another connection or process) waits and then sees the lease; on PostgreSQL
        // the sub-select locks its rows and a second sender skips them (`SKIP_LOCKED`).
        let sql = format!(
            "UPDATE outbox SET locked_until = $1 \
             WHERE id IN (SELECT id FROM outbox \
                          WHERE sent_at IS NULL AND next_attempt_at <= $2 \
                            AND (locked_until IS NULL OR locked_until <= $3) \
                          ORDER BY id LIMIT $4{}) \
             RETURNING id, recipient, subject, text_body, html_body, attempts",
            super::SKIP_LOCKED,
        );
        let rows: Vec<ClaimedRow> = sqlx::query_as(&sql)
            .bind(to_millis(lease_until))
            .bind(now)
            .bind(now)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await?;
        let mut claimed: Vec<ClaimedMail> = rows
            .into_iter()
            .map(|(id, recipient, subject, text, html, attempts)| ClaimedMail {
                id,
                recipient,
                subject,
                text,
                html,
                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            })
            .collect();
        // RETURNING promises no order.
        claimed.sort_by_key(|m| m.id);
        Ok(claimed)
    }

    async fn mark_mail_sent(&self, id: i64, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET sent_at = $1, locked_until = NULL, last_error = NULL, \
                               text_body = '', html_body = NULL \
             WHERE id = $2 AND sent_at IS NULL",
        )
        .bind(to_millis(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn mark_mail_failed(
        &self,
        id: i64,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, \
                               locked_until = NULL \
             WHERE id = $3 AND sent_at IS NULL",
        )
        .bind(error)
        .bind(to_millis(next_attempt_at))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_mail(&self, id: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET locked_until = NULL WHERE id = $1 AND sent_at IS NULL")
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn mail_backlog(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL")
            .fetch_one(&self.pool)
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn insert_dev_mail(&self, mail: &OutgoingMail, now: DateTime<Utc>) -> Result<i64, StoreError> {
        let id = sqlx::query_scalar(
            "INSERT INTO dev_mailbox (recipient, subject, text_body, html_body, delivered_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(mail.to.as_str())
        .bind(&mail.subject)
        .bind(&mail.text)
        .bind(mail.html.as_deref())
        .bind(to_millis(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(id)
    }

    async fn list_dev_mail(&self, limit: u32) -> Result<Vec<DevMail>, StoreError> {
        let rows: Vec<DevRow> = sqlx::query_as(
            "SELECT id, recipient, subject, text_body, html_body, delivered_at FROM dev_mailbox \
             ORDER BY delivered_at DESC, id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(dev_mail).collect())
    }

    async fn get_dev_mail(&self, id: i64) -> Result<Option<DevMail>, StoreError> {
        let row: Option<DevRow> = sqlx::query_as(
            "SELECT id, recipient, subject, text_body, html_body, delivered_at FROM dev_mailbox WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(row.map(dev_mail))
    }
}

fn dev_mail((id, recipient, subject, text, html, delivered_at): DevRow) -> DevMail {
    DevMail { id, recipient, subject, text, html, delivered_at: from_millis(delivered_at) }
}

/// Deletes the rows of messages sent more than a week before `now`.
pub(super) async fn purge(pool: &super::DbPool, now: i64) -> Result<u64, StoreError> {
    let done = sqlx::query("DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at <= $1")
        .bind(now.saturating_sub(SENT_RETENTION_MILLIS))
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

/// Queues `mail` to be sent now, through the pool or inside a transaction; returns its id.
pub(super) async fn insert_mail<'c>(
    db: impl sqlx::Executor<'c, Database = Db>,
    mail: &OutgoingMail,
    now: DateTime<Utc>,
) -> Result<i64, StoreError> {
    let now = to_millis(now);
    let id = sqlx::query_scalar(
        "INSERT INTO outbox (recipient, subject, text_body, html_body, created_at, next_attempt_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(mail.to.as_str())
    .bind(&mail.subject)
    .bind(&mail.text)
    .bind(mail.html.as_deref())
    .bind(now)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}
