use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use clave_domain::Identification;
use sqlx::Row as _;

use super::Backend;
use crate::{
    clock::{from_millis, to_millis},
    store::{
        ActivationLink, AttemptCount, AttemptLimits, AttemptProcess, AttemptStore, NewProfile,
        ProfileCreation, Reservation, SecurityProfileStore, StoreError,
    },
};

#[async_trait]
impl AttemptStore for Backend {
    async fn reserve_attempt(
        &self,
        subject: &str,
        process: AttemptProcess,
        today: NaiveDate,
        limits: AttemptLimits,
        now: DateTime<Utc>,
    ) -> Result<Reservation, StoreError> {
        let today = today.to_string();
        sqlx::query(
            "INSERT INTO attempt_counters (subject, process, day, day_count, total, updated_at) \
             VALUES ($1, $2, $3, 0, 0, $4) ON CONFLICT (subject, process) DO NOTHING",
        )
        .bind(subject)
        .bind(process.as_str())
        .bind(&today)
        .bind(to_millis(now))
        .execute(&self.pool)
        .await?;
        // The limit check and the increment are one statement: the row lock serialises racers.
        let reserved = sqlx::query(
            "UPDATE attempt_counters SET \
                 day_count = CASE WHEN day = $1 THEN day_count + 1 ELSE 1 END, \
                 day = $1, total = total + 1, updated_at = $2 \
             WHERE subject = $3 AND process = $4 AND total < $5 AND (day <> $1 OR day_count < $6) \
             RETURNING day_count, total",
        )
        .bind(&today)
        .bind(to_millis(now))
        .bind(subject)
        .bind(process.as_str())
        .bind(i64::from(limits.total))
        .bind(i64::from(limits.per_day))
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = reserved {
            let day_count = count(row.try_get("day_count")?);
            let total = count(row.try_get("total")?);
            let left_total = limits.total.saturating_sub(total);
            let left_today = limits.per_day.saturating_sub(day_count).min(left_total);
            return Ok(Reservation::Reserved { left_today, left_total });
        }
        // Refused: read the row only to say which limit refused it.
        let stored = self.attempt_count(subject, process).await?;
        Ok(if stored.total >= limits.total { Reservation::Blocked } else { Reservation::DailyLimitReached })
    }

    async fn refund_attempt(
        &self,
        subject: &str,
        process: AttemptProcess,
        reserved_on: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE attempt_counters SET \
                 day_count = CASE WHEN day = $1 AND day_count > 0 THEN day_count - 1 ELSE day_count END, \
                 total = total - 1, updated_at = $2 \
             WHERE subject = $3 AND process = $4 AND total > 0",
        )
        .bind(reserved_on.to_string())
        .bind(to_millis(now))
        .bind(subject)
        .bind(process.as_str())
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn attempt_count(
        &self,
        subject: &str,
        process: AttemptProcess,
    ) -> Result<AttemptCount, StoreError> {
        let row = sqlx::query(
            "SELECT day, day_count, total FROM attempt_counters WHERE subject = $1 AND process = $2",
        )
        .bind(subject)
        .bind(process.as_str())
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(AttemptCount::default()) };
        let day: String = row.try_get("day")?;
        let day_count = count(row.try_get("day_count")?);
        Ok(AttemptCount {
            day: NaiveDate::parse_from_str(&day, "%Y-%m-%d").ok().filter(|_| day_count > 0),
            day_count,
            total: count(row.try_get("total")?),
        })
    }

    async fn clear_attempts(&self, subject: &str, process: AttemptProcess) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM attempt_counters WHERE subject = $1 AND process = $2")
            .bind(subject)
            .bind(process.as_str())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }
}

#[async_trait]
impl SecurityProfileStore for Backend {
    async fn has_clave(&self, id: &Identification) -> Result<bool, StoreError> {
        let found: bool =
            sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM security_profiles WHERE id_number = $1)")
                .bind(id.as_str())
                .fetch_one(&self.pool)
                .await?;
        Ok(found)
    }

    async fn create_profile(
        &self,
        link: ActivationLink<'_>,
        profile: &NewProfile,
        now: DateTime<Utc>,
    ) -> Result<ProfileCreation, StoreError> {
        let now = to_millis(now);
        // The first statement writes, so the transaction holds the write lock from the start.
        let mut tx = self.pool.begin().await?;
        if !super::spend_link(&mut tx, link, now).await? {
            tx.rollback().await?;
            return Ok(ProfileCreation::LinkNotValid);
        }
        let created: Option<i64> = sqlx::query_scalar(
            "INSERT INTO security_profiles \
             (affiliate_id, id_number, email, mobile, landline, image, password_hash, \
              password_changed_at, created_at) \
             SELECT id, id_number, $1, $2, $3, $4, $5, $6, $7 FROM affiliates WHERE id_number = $8 \
             ON CONFLICT DO NOTHING RETURNING affiliate_id",
        )
        .bind(profile.email.as_ref())
        .bind(profile.mobile.as_ref())
        .bind(profile.landline.as_ref().map(AsRef::<str>::as_ref))
        .bind(&profile.image)
        .bind(&profile.password_hash)
        .bind(now)
        .bind(now)
        .bind(profile.identification.as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let Some(affiliate_id) = created else {
            tx.rollback().await?;
            return Ok(ProfileCreation::AlreadyHasClave);
        };
        for (question, answer_hash) in &profile.answers {
            sqlx::query(
                "INSERT INTO security_answers (affiliate_id, question, answer_hash) VALUES ($1, $2, $3)",
            )
            .bind(affiliate_id)
            .bind(question)
            .bind(answer_hash)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(ProfileCreation::Created)
    }

    async fn lock_profile(&self, id: &Identification, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE security_profiles SET locked_at = COALESCE(locked_at, $1) WHERE id_number = $2",
        )
        .bind(to_millis(now))
        .bind(id.as_str())
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn locked_at(&self, id: &Identification) -> Result<Option<DateTime<Utc>>, StoreError> {
        let locked: Option<Option<i64>> =
            sqlx::query_scalar("SELECT locked_at FROM security_profiles WHERE id_number = $1")
                .bind(id.as_str())
                .fetch_optional(&self.pool)
                .await?;
        Ok(locked.flatten().map(from_millis))
    }
}

/// Counters are never negative; a corrupt negative value reads as zero.
fn count(stored: i64) -> u32 {
    u32::try_from(stored).unwrap_or_default()
}
