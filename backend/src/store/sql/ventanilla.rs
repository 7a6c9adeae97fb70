use async_trait::async_trait;
use chrono::{DateTime, Utc};
use clave_domain::{
    contact::Email,
    ventanilla::{CaseNumber, CaseStatus, DocumentKind, RequestType, Slot},
};
use sqlx::Row as _;

use super::{Backend, DbRow, corrupt};
use crate::{
    clock::{from_millis, to_millis},
    store::{CaseRecord, CaseSummary, DocumentMeta, NewCase, NewEvent, StoreError, VentanillaStore},
};

/// A stored value that no longer parses (edited by hand): reported as a decode error.
fn parsed<T>(row: &DbRow, column: &'static str, parse: impl Fn(&str) -> Option<T>) -> Result<T, StoreError> {
    let text: String = row.try_get(column)?;
    parse(&text).ok_or_else(|| corrupt(column))
}

fn summary_from(row: &DbRow) -> Result<CaseSummary, StoreError> {
    Ok(CaseSummary {
        number: parsed(row, "number", CaseNumber::parse)?,
        request_type: parsed(row, "request_type", RequestType::parse)?,
        status: parsed(row, "status", CaseStatus::parse)?,
        filed_at: from_millis(row.try_get("filed_at")?),
    })
}

#[async_trait]
impl VentanillaStore for Backend {
    async fn insert_case(&self, case: &NewCase<'_>, at: DateTime<Utc>) -> Result<CaseNumber, StoreError> {
        let now = to_millis(at);
        let mut tx = self.pool.begin().await?;
        // A write first, so the transaction holds the write lock from its first statement.
        let sequence: i64 = sqlx::query_scalar(
            "INSERT INTO ventanilla_sequences (year, last) VALUES ($1, 1) \
             ON CONFLICT (year) DO UPDATE SET last = ventanilla_sequences.last + 1 RETURNING last",
        )
        .bind(case.year)
        .fetch_one(&mut *tx)
        .await?;
        let number = CaseNumber::new(case.year, u32::try_from(sequence).map_err(|_| corrupt("last"))?);
        let case_id: i64 = sqlx::query_scalar(
            "INSERT INTO ventanilla_cases (number, request_type, id_number, affiliate_id, contact_email, \
             description, status, filed_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 'recibido', $7, $8) RETURNING id",
        )
        .bind(number.as_str())
        .bind(case.request_type.as_str())
        .bind(case.id_number)
        .bind(case.affiliate_id)
        .bind(case.contact_email.as_str())
        .bind(case.description)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        for (slot, kind, bytes) in case.documents {
            sqlx::query(
                "INSERT INTO ventanilla_documents (case_id, slot, kind, size, content) VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(case_id)
            .bind(slot.as_str())
            .bind(kind.as_str())
            .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
            .bind(bytes.as_slice())
            .execute(&mut *tx)
            .await?;
        }
        let event = NewEvent { case_number: Some(number.as_str().to_owned()), ..case.event.clone() };
        super::accounts::insert_event(&mut *tx, &event, at).await?;
        super::outbox::insert_mail(&mut *tx, &(case.receipt)(&number), at).await?;
        tx.commit().await?;
        Ok(number)
    }

    async fn case_by_number(&self, number: &CaseNumber) -> Result<Option<CaseRecord>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT id, number, request_type, id_number, affiliate_id, contact_email, description, status, \
             decision_reason, reviewer, filed_at, updated_at, closed_at FROM ventanilla_cases WHERE number = $1",
        )
        .bind(number.as_str())
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        let case_id: i64 = row.try_get("id")?;
        let documents = sqlx::query("SELECT slot, kind, size FROM ventanilla_documents WHERE case_id = $1")
            .bind(case_id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|d| {
                Ok(DocumentMeta {
                    slot: parsed(d, "slot", Slot::parse)?,
                    kind: parsed(d, "kind", DocumentKind::parse)?,
                    size: u64::try_from(d.try_get::<i64, _>("size")?).unwrap_or_default(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        let mut documents = documents;
        documents.sort_by_key(|d| Slot::ALL.iter().position(|s| *s == d.slot));
        Ok(Some(CaseRecord {
            number: parsed(&row, "number", CaseNumber::parse)?,
            request_type: parsed(&row, "request_type", RequestType::parse)?,
            id_number: row.try_get("id_number")?,
            affiliate_id: row.try_get("affiliate_id")?,
            contact_email: parsed(&row, "contact_email", |e| Email::parse(e).ok())?,
            description: row.try_get("description")?,
            status: parsed(&row, "status", CaseStatus::parse)?,
            decision_reason: row.try_get("decision_reason")?,
            reviewer: row.try_get("reviewer")?,
            filed_at: from_millis(row.try_get("filed_at")?),
            updated_at: from_millis(row.try_get("updated_at")?),
            closed_at: row.try_get::<Option<i64>, _>("closed_at")?.map(from_millis),
            documents,
        }))
    }

    async fn open_cases(&self, limit: u32) -> Result<Vec<CaseSummary>, StoreError> {
        sqlx::query(
            "SELECT number, request_type, status, filed_at FROM ventanilla_cases \
             WHERE closed_at IS NULL ORDER BY filed_at, id LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?
        .iter()
        .map(summary_from)
        .collect()
    }

    async fn case_document(
        &self,
        number: &CaseNumber,
        slot: Slot,
    ) -> Result<Option<(DocumentKind, Vec<u8>)>, StoreError> {
        let Some(row) = sqlx::query(
            "SELECT d.kind, d.content FROM ventanilla_documents d JOIN ventanilla_cases c ON c.id = d.case_id \
             WHERE c.number = $1 AND d.slot = $2",
        )
        .bind(number.as_str())
        .bind(slot.as_str())
        .fetch_optional(&self.pool)
        .await?
        else {
            return Ok(None);
        };
        Ok(Some((parsed(&row, "kind", DocumentKind::parse)?, row.try_get("content")?)))
    }

    async fn start_review(
        &self,
        number: &CaseNumber,
        reviewer: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE ventanilla_cases SET status = 'en_revision', reviewer = $1, updated_at = $2 \
             WHERE number = $3 AND status = 'recibido'",
        )
        .bind(reviewer)
        .bind(to_millis(now))
        .bind(number.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn close_case(
        &self,
        number: &CaseNumber,
        status: CaseStatus,
        reason: &str,
        reviewer: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = to_millis(now);
        let done = sqlx::query(
            "UPDATE ventanilla_cases SET status = $1, decision_reason = $2, reviewer = $3, updated_at = $4, \
             closed_at = $5 WHERE number = $6 AND closed_at IS NULL",
        )
        .bind(status.as_str())
        .bind(reason)
        .bind(reviewer)
        .bind(now)
        .bind(now)
        .bind(number.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn reopen_case(
        &self,
        number: &CaseNumber,
        reviewer: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE ventanilla_cases SET status = 'en_revision', decision_reason = NULL, updated_at = $1, \
             closed_at = NULL WHERE number = $2 AND reviewer = $3 AND status = 'aprobado'",
        )
        .bind(to_millis(now))
        .bind(number.as_str())
        .bind(reviewer)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn purge_case_documents(&self, closed_before: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "DELETE FROM ventanilla_documents WHERE case_id IN \
             (SELECT id FROM ventanilla_cases WHERE closed_at IS NOT NULL AND closed_at <= $1)",
        )
        .bind(to_millis(closed_before))
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}
