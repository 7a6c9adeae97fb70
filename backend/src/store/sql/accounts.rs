use async_trait::async_trait;
use chrono::{DateTime, Utc};
use clave_domain::{
    Identification,
    contact::{Email, Landline, Mobile},
};
use sqlx::Row as _;

use super::{Backend, Db, DbRow, corrupt};
use crate::{
    clock::{from_millis, to_millis},
    store::{
        AccountStore, Browser, Contacts, EventRecord, FailureRecord, FailureWrites, NewEvent, NewSession,
        PasswordReset, ProfileRecord, SessionRecord, StoreError, SuccessWrites,
    },
    tokens::HashedToken,
};

const PROFILE_COLUMNS: &str = "affiliate_id, id_number, email, mobile, landline, image, password_hash, \
     password_changed_at, locked_at, unknown_locked_at, created_at";

/// A stored value that no longer parses (edited by hand): reported as a decode error.
fn profile_from(row: &DbRow) -> Result<ProfileRecord, StoreError> {
    let text = |column: &'static str| row.try_get::<String, _>(column);
    let landline: Option<String> = row.try_get("landline")?;
    Ok(ProfileRecord {
        affiliate_id: row.try_get("affiliate_id")?,
        identification: Identification::parse(&text("id_number")?).map_err(|_| corrupt("id_number"))?,
        email: Email::parse(&text("email")?).map_err(|_| corrupt("email"))?,
        mobile: Mobile::parse(&text("mobile")?).map_err(|_| corrupt("mobile"))?,
        landline: landline.map(|l| Landline::parse(&l).map_err(|_| corrupt("landline"))).transpose()?,
        image: text("image")?,
        password_hash: text("password_hash")?,
        password_changed_at: from_millis(row.try_get("password_changed_at")?),
        locked_at: row.try_get::<Option<i64>, _>("locked_at")?.map(from_millis),
        unknown_locked_at: row.try_get::<Option<i64>, _>("unknown_locked_at")?.map(from_millis),
        created_at: from_millis(row.try_get("created_at")?),
    })
}

fn count(stored: i64) -> u32 {
    u32::try_from(stored).unwrap_or_default()
}

async fn insert_session(
    tx: &mut super::DbConnection,
    affiliate_id: i64,
    session: &NewSession<'_>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, affiliate_id, created_at, last_seen_at, idle_expires_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(session.id.as_hex())
    .bind(affiliate_id)
    .bind(now)
    .bind(now)
    .bind(to_millis(session.idle_expires_at.min(session.expires_at)))
    .bind(to_millis(session.expires_at))
    .execute(tx)
    .await?;
    Ok(())
}

#[async_trait]
impl AccountStore for Backend {
    async fn profile(&self, id: &Identification) -> Result<Option<ProfileRecord>, StoreError> {
        let sql = format!("SELECT {PROFILE_COLUMNS} FROM security_profiles WHERE id_number = $1");
        let row = sqlx::query(&sql).bind(id.as_str()).fetch_optional(&self.pool).await?;
        row.as_ref().map(profile_from).transpose()
    }

    async fn profile_by_affiliate(&self, affiliate_id: i64) -> Result<Option<ProfileRecord>, StoreError> {
        let sql = format!("SELECT {PROFILE_COLUMNS} FROM security_profiles WHERE affiliate_id = $1");
        let row = sqlx::query(&sql).bind(affiliate_id).fetch_optional(&self.pool).await?;
        row.as_ref().map(profile_from).transpose()
    }

    async fn security_answers(&self, affiliate_id: i64) -> Result<Vec<(String, String)>, StoreError> {
        Ok(sqlx::query_as(
            "SELECT question, answer_hash FROM security_answers WHERE affiliate_id = $1 ORDER BY question",
        )
        .bind(affiliate_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn is_trusted(
        &self,
        affiliate_id: i64,
        device: &HashedToken,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let found: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM trusted_devices WHERE device_hash = $1 AND affiliate_id = $2 AND expires_at > $3)",
        )
        .bind(device.as_hex())
        .bind(affiliate_id)
        .bind(to_millis(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(found)
    }

    async fn record_login_failure(
        &self,
        affiliate_id: i64,
        browser: Browser<'_>,
        max_failures: u32,
        writes: &FailureWrites<'_>,
        at: DateTime<Utc>,
    ) -> Result<FailureRecord, StoreError> {
        let now = to_millis(at);
        let max = i64::from(max_failures);
        let mut tx = self.pool.begin().await?;
        let record = match browser {
            Browser::Unknown => {
                // Count and lock in one statement: the row lock serialises racers, and once the
                // lock is set the WHERE clause stops counting.
                let failures: Option<i64> = sqlx::query_scalar(
                    "UPDATE security_profiles SET unknown_failures = unknown_failures + 1, \
                         unknown_locked_at = CASE WHEN unknown_failures + 1 >= $1 THEN $2 ELSE NULL END \
                     WHERE affiliate_id = $3 AND locked_at IS NULL AND unknown_locked_at IS NULL \
                     RETURNING unknown_failures",
                )
                .bind(max)
                .bind(now)
                .bind(affiliate_id)
                .fetch_optional(&mut *tx)
                .await?;
                match failures {
                    None => FailureRecord::AlreadyLocked,
                    Some(n) if n >= max => FailureRecord::LockedNow { everywhere: false },
                    Some(n) => FailureRecord::Counted { failures: count(n) },
                }
            }
            Browser::Trusted(device) => {
                let failures: Option<i64> = sqlx::query_scalar(
                    "UPDATE trusted_devices SET failures = failures + 1 \
                     WHERE device_hash = $1 AND affiliate_id = $2 AND failures < $3 AND EXISTS \
                         (SELECT 1 FROM security_profiles p WHERE p.affiliate_id = trusted_devices.affiliate_id \
                          AND p.locked_at IS NULL) \
                     RETURNING failures",
                )
                .bind(device.as_hex())
                .bind(affiliate_id)
                .bind(max)
                .fetch_optional(&mut *tx)
                .await?;
                match failures {
                    None => FailureRecord::AlreadyLocked,
                    Some(n) if n >= max => {
                        sqlx::query(
                            "UPDATE security_profiles SET locked_at = $1 \
                             WHERE affiliate_id = $2 AND locked_at IS NULL",
                        )
                        .bind(now)
                        .bind(affiliate_id)
                        .execute(&mut *tx)
                        .await?;
                        FailureRecord::LockedNow { everywhere: true }
                    }
                    Some(n) => FailureRecord::Counted { failures: count(n) },
                }
            }
        };
        if record != FailureRecord::AlreadyLocked {
            insert_event(&mut *tx, writes.failed, at).await?;
        }
        if let FailureRecord::LockedNow { everywhere } = record {
            let lock = &writes.lock;
            insert_event(&mut *tx, lock.event, at).await?;
            if everywhere {
                sqlx::query("DELETE FROM sessions WHERE affiliate_id = $1")
                    .bind(affiliate_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let (hash, token) = lock.not_me;
            super::tokens::insert_token(&mut *tx, hash, token, at).await?;
            super::outbox::insert_mail(&mut *tx, lock.mail, at).await?;
        }
        tx.commit().await?;
        Ok(record)
    }

    async fn record_login_success(
        &self,
        affiliate_id: i64,
        browser: Browser<'_>,
        writes: &SuccessWrites<'_>,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = to_millis(at);
        let mut tx = self.pool.begin().await?;
        let reset = match browser {
            Browser::Unknown => sqlx::query(
                "UPDATE security_profiles SET unknown_failures = 0 \
                 WHERE affiliate_id = $1 AND locked_at IS NULL AND unknown_locked_at IS NULL",
            )
            .bind(affiliate_id)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
            Browser::Trusted(trusted) => sqlx::query(
                "UPDATE trusted_devices SET failures = 0 \
                 WHERE device_hash = $1 AND affiliate_id = $2 AND EXISTS \
                     (SELECT 1 FROM security_profiles p WHERE p.affiliate_id = trusted_devices.affiliate_id \
                      AND p.locked_at IS NULL)",
            )
            .bind(trusted.as_hex())
            .bind(affiliate_id)
            .execute(&mut *tx)
            .await?
            .rows_affected(),
        };
        if reset != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        sqlx::query(
            "INSERT INTO trusted_devices (device_hash, affiliate_id, failures, created_at, last_login_at, expires_at) \
             VALUES ($1, $2, 0, $3, $3, $4) \
             ON CONFLICT (device_hash, affiliate_id) DO UPDATE SET last_login_at = $3, expires_at = $4",
        )
        .bind(writes.device.as_hex())
        .bind(affiliate_id)
        .bind(now)
        .bind(to_millis(writes.trusted_until))
        .execute(&mut *tx)
        .await?;
        insert_session(&mut tx, affiliate_id, &writes.session, now).await?;
        insert_event(&mut *tx, writes.event, at).await?;
        tx.commit().await?;
        Ok(true)
    }

    async fn touch_session(
        &self,
        id: &HashedToken,
        idle_expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "UPDATE sessions SET last_seen_at = $1, idle_expires_at = CASE WHEN $2 < expires_at THEN $2 ELSE expires_at END \
             WHERE id_hash = $3 AND idle_expires_at > $1 AND expires_at > $1 \
             RETURNING affiliate_id, created_at, expires_at",
        )
        .bind(to_millis(now))
        .bind(to_millis(idle_expires_at))
        .bind(id.as_hex())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(SessionRecord {
                affiliate_id: r.try_get("affiliate_id")?,
                created_at: from_millis(r.try_get("created_at")?),
                expires_at: from_millis(r.try_get("expires_at")?),
            })
        })
        .transpose()
    }

    async fn end_session(&self, id: &HashedToken) -> Result<bool, StoreError> {
        let done = sqlx::query("DELETE FROM sessions WHERE id_hash = $1")
            .bind(id.as_hex())
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn end_sessions(&self, affiliate_id: i64, except: Option<&HashedToken>) -> Result<u64, StoreError> {
        let done =
            sqlx::query("DELETE FROM sessions WHERE affiliate_id = $1 AND id_hash IS DISTINCT FROM $2")
                .bind(affiliate_id)
                .bind(except.map(HashedToken::as_hex))
                .execute(&self.pool)
                .await?;
        Ok(done.rows_affected())
    }

    async fn live_sessions(&self, affiliate_id: i64, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sessions WHERE affiliate_id = $1 AND idle_expires_at > $2 AND expires_at > $2",
        )
        .bind(affiliate_id)
        .bind(to_millis(now))
        .fetch_one(&self.pool)
        .await?;
        Ok(u64::try_from(n).unwrap_or_default())
    }

    async fn change_password(
        &self,
        affiliate_id: i64,
        password_hash: &str,
        session: NewSession<'_>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = to_millis(now);
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "UPDATE security_profiles SET password_hash = $1, password_changed_at = $2 WHERE affiliate_id = $3",
        )
        .bind(password_hash)
        .bind(now)
        .bind(affiliate_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM sessions WHERE affiliate_id = $1")
            .bind(affiliate_id)
            .execute(&mut *tx)
            .await?;
        insert_session(&mut tx, affiliate_id, &session, now).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn reset_password(&self, reset: PasswordReset<'_>, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let now = to_millis(now);
        let link = reset.link;
        let mut tx = self.pool.begin().await?;
        if !super::spend_link(&mut tx, link, now).await? {
            tx.rollback().await?;
            return Ok(false);
        }
        let contacts = reset.contacts;
        let updated = sqlx::query(
            "UPDATE security_profiles SET password_hash = $1, password_changed_at = $2, email = $3, mobile = $4, \
                 landline = $5, locked_at = NULL, unknown_locked_at = NULL, unknown_failures = 0 \
             WHERE affiliate_id = $6 AND (locked_at IS NULL OR locked_at < $7)",
        )
        .bind(reset.password_hash)
        .bind(now)
        .bind(contacts.email.as_str())
        .bind(contacts.mobile.as_str())
        .bind(contacts.landline.as_ref().map(Landline::as_str))
        .bind(reset.affiliate_id)
        .bind(to_millis(reset.unless_locked_since))
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            tx.rollback().await?;
            return Ok(false);
        }
        for sql in [
            "DELETE FROM sessions WHERE affiliate_id = $1",
            "DELETE FROM trusted_devices WHERE affiliate_id = $1",
        ] {
            sqlx::query(sql).bind(reset.affiliate_id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    }

    async fn update_contacts(
        &self,
        affiliate_id: i64,
        contacts: &Contacts,
        _now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE security_profiles SET email = $1, mobile = $2, landline = $3 WHERE affiliate_id = $4",
        )
        .bind(contacts.email.as_str())
        .bind(contacts.mobile.as_str())
        .bind(contacts.landline.as_ref().map(Landline::as_str))
        .bind(affiliate_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn unlock_profile(&self, affiliate_id: i64, _now: DateTime<Utc>) -> Result<bool, StoreError> {
        let mut tx = self.pool.begin().await?;
        let unlocked = sqlx::query(
            "UPDATE security_profiles SET locked_at = NULL, unknown_locked_at = NULL, unknown_failures = 0 \
             WHERE affiliate_id = $1 AND (locked_at IS NOT NULL OR unknown_locked_at IS NOT NULL)",
        )
        .bind(affiliate_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE trusted_devices SET failures = 0 WHERE affiliate_id = $1")
            .bind(affiliate_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(unlocked.rows_affected() == 1)
    }

    async fn append_event(&self, event: &NewEvent, now: DateTime<Utc>) -> Result<(), StoreError> {
        insert_event(&self.pool, event, now).await
    }

    async fn events_of(&self, affiliate_id: i64, limit: u32) -> Result<Vec<EventRecord>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, affiliate_id, actor, kind, ip, user_agent, case_number, reason \
             FROM security_events WHERE affiliate_id = $1 ORDER BY at DESC, id DESC LIMIT $2",
        )
        .bind(affiliate_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.iter().map(event_record).collect::<Result<_, _>>()?)
    }
}

/// A `security_events` row.
pub(super) fn event_record(r: &DbRow) -> Result<EventRecord, sqlx::Error> {
    Ok(EventRecord {
        id: r.try_get("id")?,
        at: from_millis(r.try_get("at")?),
        affiliate_id: r.try_get("affiliate_id")?,
        actor: r.try_get("actor")?,
        kind: r.try_get("kind")?,
        ip: r.try_get("ip")?,
        user_agent: r.try_get("user_agent")?,
        case_number: r.try_get("case_number")?,
        reason: r.try_get("reason")?,
    })
}

/// Appends `event` to the audit trail, through the pool or inside a transaction.
pub(super) async fn insert_event<'c>(
    db: impl sqlx::Executor<'c, Database = Db>,
    event: &NewEvent,
    at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO security_events (at, affiliate_id, actor, kind, ip, user_agent, case_number, reason) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(to_millis(at))
    .bind(event.affiliate_id)
    .bind(&event.actor)
    .bind(&event.kind)
    .bind(&event.ip)
    .bind(&event.user_agent)
    .bind(&event.case_number)
    .bind(&event.reason)
    .execute(db)
    .await?;
    Ok(())
}
