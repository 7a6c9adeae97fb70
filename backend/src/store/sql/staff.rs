use async_trait::async_trait;
use chrono::{DateTime, Utc};
use clave_domain::staff::StaffRole;
use sqlx::Row as _;

use super::{Backend, accounts::insert_event};
use crate::{
    clock::{from_millis, to_millis},
    store::{
        NewEvent, NewStaff, NewStaffSession, StaffFailure, StaffFailureWrites, StaffRecord,
        StaffSessionRecord, StaffStore, StoreError,
    },
    tokens::HashedToken,
};

fn role(stored: &str) -> Result<StaffRole, StoreError> {
    StaffRole::parse(stored).ok_or_else(|| super::corrupt("role"))
}

#[async_trait]
impl StaffStore for Backend {
    async fn insert_staff(
        &self,
        staff: &NewStaff<'_>,
        now: DateTime<Utc>,
    ) -> Result<Option<i64>, StoreError> {
        let id: Option<i64> = sqlx::query_scalar(
            "INSERT INTO staff (username, display_name, role, password_hash, totp_secret, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING RETURNING id",
        )
        .bind(staff.username)
        .bind(staff.display_name)
        .bind(staff.role.as_str())
        .bind(staff.password_hash)
        .bind(staff.totp_secret)
        .bind(to_millis(now))
        .fetch_optional(&self.pool)
        .await?;
        Ok(id)
    }

    async fn staff_by_username(&self, username: &str) -> Result<Option<StaffRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT id, username, display_name, role, password_hash, totp_secret, locked_at \
             FROM staff WHERE username = $1",
        )
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(StaffRecord {
                id: r.try_get("id")?,
                username: r.try_get("username")?,
                display_name: r.try_get("display_name")?,
                role: role(&r.try_get::<String, _>("role")?)?,
                password_hash: r.try_get("password_hash")?,
                totp_secret: r.try_get("totp_secret")?,
                locked_at: r.try_get::<Option<i64>, _>("locked_at")?.map(from_millis),
            })
        })
        .transpose()
    }

    async fn reset_staff_totp(&self, username: &str, totp_secret: &str) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let id: Option<i64> = sqlx::query_scalar(
            "UPDATE staff SET totp_secret = $1, last_totp_step = NULL, failures = 0, locked_at = NULL \
             WHERE username = $2 RETURNING id",
        )
        .bind(totp_secret)
        .bind(username)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(id) = id else { return Ok(false) };
        sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn record_staff_failure(
        &self,
        staff_id: i64,
        max_failures: u32,
        writes: &StaffFailureWrites<'_>,
        now: DateTime<Utc>,
    ) -> Result<StaffFailure, StoreError> {
        let max = i64::from(max_failures);
        let mut tx = self.pool.begin().await?;
        // Count and lock in one statement; once locked the WHERE clause stops counting.
        let failures: Option<i64> = sqlx::query_scalar(
            "UPDATE staff SET failures = failures + 1, \
                 locked_at = CASE WHEN failures + 1 >= $1 THEN $2 ELSE NULL END \
             WHERE id = $3 AND locked_at IS NULL RETURNING failures",
        )
        .bind(max)
        .bind(to_millis(now))
        .bind(staff_id)
        .fetch_optional(&mut *tx)
        .await?;
        let record = match failures {
            None => StaffFailure::AlreadyLocked,
            Some(n) if n >= max => {
                sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1")
                    .bind(staff_id)
                    .execute(&mut *tx)
                    .await?;
                StaffFailure::LockedNow
            }
            Some(n) => StaffFailure::Counted { failures: u32::try_from(n).unwrap_or_default() },
        };
        if record != StaffFailure::AlreadyLocked {
            insert_event(&mut *tx, writes.failed, now).await?;
        }
        if record == StaffFailure::LockedNow {
            insert_event(&mut *tx, writes.locked, now).await?;
        }
        tx.commit().await?;
        Ok(record)
    }

    async fn record_staff_login(
        &self,
        staff_id: i64,
        step: i64,
        session: NewStaffSession<'_>,
        event: &NewEvent,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = to_millis(at);
        let mut tx = self.pool.begin().await?;
        let accepted = sqlx::query(
            "UPDATE staff SET failures = 0, last_totp_step = $1 \
             WHERE id = $2 AND locked_at IS NULL AND (last_totp_step IS NULL OR last_totp_step < $1)",
        )
        .bind(step)
        .bind(staff_id)
        .execute(&mut *tx)
        .await?;
        if accepted.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO staff_sessions (id_hash, staff_id, created_at, last_seen_at, idle_expires_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(session.id.as_hex())
        .bind(staff_id)
        .bind(now)
        .bind(now)
        .bind(to_millis(session.idle_expires_at.min(session.expires_at)))
        .bind(to_millis(session.expires_at))
        .execute(&mut *tx)
        .await?;
        insert_event(&mut *tx, event, at).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn touch_staff_session(
        &self,
        id: &HashedToken,
        idle_expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<StaffSessionRecord>, StoreError> {
        let staff_id: Option<i64> = sqlx::query_scalar(
            "UPDATE staff_sessions SET last_seen_at = $1, idle_expires_at = CASE WHEN $2 < expires_at THEN $2 ELSE expires_at END \
             WHERE id_hash = $3 AND idle_expires_at > $1 AND expires_at > $1 AND EXISTS \
                 (SELECT 1 FROM staff s WHERE s.id = staff_sessions.staff_id AND s.locked_at IS NULL) \
             RETURNING staff_id",
        )
        .bind(to_millis(now))
        .bind(to_millis(idle_expires_at))
        .bind(id.as_hex())
        .fetch_optional(&self.pool)
        .await?;
        let Some(staff_id) = staff_id else { return Ok(None) };
        let row = sqlx::query("SELECT username, role FROM staff WHERE id = $1")
            .bind(staff_id)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(StaffSessionRecord {
                staff_id,
                username: r.try_get("username")?,
                role: role(&r.try_get::<String, _>("role")?)?,
            })
        })
        .transpose()
    }

    async fn end_staff_session(&self, id: &HashedToken) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM staff_sessions WHERE id_hash = $1")
            .bind(id.as_hex())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
