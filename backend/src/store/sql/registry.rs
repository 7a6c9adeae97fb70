use std::ops::RangeInclusive;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, Utc};
use clave_domain::{
    Identification,
    contact::{Email, Landline, Mobile},
};
use sqlx::{FromRow, Row};

use super::{Backend, DbRow};
use crate::{
    clock::to_millis,
    registry::Affiliate,
    store::{RegistryStore, StoreError, UpsertOutcome},
};

const COLUMNS: &str = "id_kind, id_number, names, surnames, birth_date, email, mobile, landline, employer, \
                       first_contribution, huella_registrada, nationality";
/// [`COLUMNS`] as the services read them: the fingerprint is on record when the imported registry
/// says so or when a CAU agent registered it (an in-person verification). The CAU's record lives
/// in a table of its own, so a later import of the registry cannot erase it.
const READ_COLUMNS: &str = "id_kind, id_number, names, surnames, birth_date, email, mobile, landline, employer, \
                            first_contribution, \
                            (huella_registrada OR EXISTS (SELECT 1 FROM in_person_verifications v \
                                                          WHERE v.affiliate_id = affiliates.id)) \
                            AS huella_registrada, nationality";

#[async_trait]
impl RegistryStore for Backend {
    async fn upsert_affiliates(
        &self,
        rows: &[Affiliate],
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<Vec<UpsertOutcome>, StoreError> {
        let now = to_millis(now);
        let mut tx = self.pool.begin().await?;
        let mut outcomes = Vec::with_capacity(rows.len());
        for row in rows {
            let existing = sqlx::query(&format!("SELECT {COLUMNS} FROM affiliates WHERE id_number = $1"))
                .bind(row.identification.as_str())
                .fetch_optional(&mut *tx)
                .await?
                .map(|r| AffiliateRow::from_row(&r))
                .transpose()?;
            let outcome = match existing {
                Some(AffiliateRow(Some(current))) if current == *row => UpsertOutcome::Unchanged,
                Some(_) => UpsertOutcome::Updated,
                None => UpsertOutcome::Inserted,
            };
            if outcome != UpsertOutcome::Unchanged {
                sqlx::query(&format!(
                    "INSERT INTO affiliates ({COLUMNS}, created_at, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) \
                     ON CONFLICT (id_number) DO UPDATE SET id_kind = excluded.id_kind, names = excluded.names, \
                     surnames = excluded.surnames, birth_date = excluded.birth_date, email = excluded.email, \
                     mobile = excluded.mobile, landline = excluded.landline, employer = excluded.employer, \
                     first_contribution = excluded.first_contribution, \
                     huella_registrada = excluded.huella_registrada, nationality = excluded.nationality, \
                     updated_at = excluded.updated_at"
                ))
                .bind(kind_str(&row.identification))
                .bind(row.identification.as_str())
                .bind(&row.names)
                .bind(&row.surnames)
                .bind(row.birth_date.to_string())
                .bind(row.email.as_ref().map(Email::as_str))
                .bind(row.mobile.as_ref().map(Mobile::as_str))
                .bind(row.landline.as_ref().map(Landline::as_str))
                .bind(&row.employer)
                .bind(row.first_contribution.map(|d| d.to_string()))
                .bind(row.huella_registrada)
                .bind(&row.nationality)
                .bind(now)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            outcomes.push(outcome);
        }
        if dry_run {
            tx.rollback().await?;
        } else {
            tx.commit().await?;
        }
        Ok(outcomes)
    }

    async fn count_affiliates(&self) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM affiliates").fetch_one(&self.pool).await?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    async fn find_affiliate(&self, id: &Identification) -> Result<Option<Affiliate>, StoreError> {
        let row = sqlx::query(&format!("SELECT {READ_COLUMNS} FROM affiliates WHERE id_number = $1"))
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| AffiliateRow::from_row(&r)).transpose()?.and_then(|r| r.0))
    }

    async fn affiliate_id_range(&self) -> Result<Option<RangeInclusive<i64>>, StoreError> {
        // Two scalar subqueries, because SQLite answers a lone MIN or MAX from the index.
        let (min, max): (Option<i64>, Option<i64>) =
            sqlx::query_as("SELECT (SELECT MIN(id) FROM affiliates), (SELECT MAX(id) FROM affiliates)")
                .fetch_one(&self.pool)
                .await?;
        Ok(min.zip(max).map(|(min, max)| min..=max))
    }

    async fn employers_near(&self, probes: &[i64]) -> Result<Vec<String>, StoreError> {
        const NEXT_EMPLOYER: &str = "SELECT employer FROM affiliates \
                            WHERE id >= $1 AND employer IS NOT NULL AND TRIM(employer) <> '' ORDER BY id LIMIT 1";
        let mut employers = Vec::with_capacity(probes.len());
        let mut conn = self.pool.acquire().await?;
        for &probe in probes {
            let mut found: Option<String> =
                sqlx::query_scalar(NEXT_EMPLOYER).bind(probe).fetch_optional(&mut *conn).await?;
            if found.is_none() {
                found = sqlx::query_scalar(NEXT_EMPLOYER).bind(i64::MIN).fetch_optional(&mut *conn).await?;
            }
            match found {
                Some(employer) => employers.push(employer),
                None => break,
            }
        }
        Ok(employers)
    }
}

fn kind_str(id: &Identification) -> &'static str {
    match id {
        Identification::Cedula(_) => "cedula",
        Identification::Foreigner(_) => "extranjero",
    }
}

/// A registry row; `None` when a stored value no longer parses (then an upsert rewrites it).
struct AffiliateRow(Option<Affiliate>);

impl<'r> FromRow<'r, DbRow> for AffiliateRow {
    fn from_row(r: &'r DbRow) -> Result<Self, sqlx::Error> {
        let date = |s: String| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok();
        let opt = |v: Option<String>| v.filter(|s| !s.is_empty());
        let affiliate = (|| {
            Some(Affiliate {
                identification: Identification::parse(&r.try_get::<String, _>("id_number").ok()?).ok()?,
                names: r.try_get("names").ok()?,
                surnames: r.try_get("surnames").ok()?,
                birth_date: date(r.try_get("birth_date").ok()?)?,
                email: opt(r.try_get("email").ok()?).and_then(|e| Email::parse(&e).ok()),
                mobile: opt(r.try_get("mobile").ok()?).and_then(|e| Mobile::parse(&e).ok()),
                landline: opt(r.try_get("landline").ok()?).and_then(|e| Landline::parse(&e).ok()),
                employer: r.try_get("employer").ok()?,
                first_contribution: opt(r.try_get("first_contribution").ok()?).and_then(date),
                huella_registrada: r.try_get("huella_registrada").ok()?,
                nationality: r.try_get("nationality").ok()?,
            })
        })();
        Ok(Self(affiliate))
    }
}

impl Backend {
    /// The registry row with id `row`, read as [`RegistryStore::find_affiliate`] reads one.
    pub(super) async fn affiliate_by_id(&self, row: i64) -> Result<Option<Affiliate>, StoreError> {
        let row = sqlx::query(&format!("SELECT {READ_COLUMNS} FROM affiliates WHERE id = $1"))
            .bind(row)
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| AffiliateRow::from_row(&r)).transpose()?.and_then(|r| r.0))
    }
}
