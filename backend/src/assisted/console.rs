//! What the console shows: an affiliate's status, masked, with their recent security events; and
//! the audit log for supervisors. Never a password, a stored answer, the security image or a full
//! contact.

use chrono::{DateTime, NaiveDate, Utc};
use clave_domain::{Identification, IdentificationKind, Landline};

use super::Assisted;
use crate::{
    service_error::ServiceError,
    store::{AttemptCount, AttemptProcess, AuditFilter, AuditRecord, EventRecord},
};

/// How many events the console lists for an affiliate.
const EVENTS_SHOWN: u32 = 20;
/// How many audit events one page of the audit log lists (the server's limit).
pub const AUDIT_PAGE_SIZE: u32 = 50;

/// A generation or recovery attempt counter as the console shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProcessState {
    /// Attempts spent in total.
    pub used: u32,
    /// Every attempt is spent: only staff can clear it.
    pub blocked: bool,
    /// Today's attempts are spent (a new day allows more).
    pub blocked_today: bool,
}

/// One security event, with who did it and on what grounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsoleEvent {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub actor: String,
    pub ip: Option<String>,
    pub case_number: Option<String>,
    pub reason: Option<String>,
    /// The identification the event concerns (audit log only).
    pub identification: Option<String>,
}

impl From<EventRecord> for ConsoleEvent {
    fn from(e: EventRecord) -> Self {
        Self {
            at: e.at,
            kind: e.kind,
            actor: e.actor,
            ip: e.ip,
            case_number: e.case_number,
            reason: e.reason,
            identification: None,
        }
    }
}

/// An affiliate as the console shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AffiliateStatus {
    pub affiliate_id: i64,
    pub identification: String,
    pub kind: IdentificationKind,
    pub names: String,
    pub surnames: String,
    pub has_clave: bool,
    /// Locked for every browser.
    pub locked_everywhere: bool,
    /// Locked for browsers the person never logged in from.
    pub locked_unknown_browsers: bool,
    pub generation: ProcessState,
    pub recovery: ProcessState,
    pub huella_registrada: bool,
    /// The video-call channel is blocked until then.
    pub video_blocked_until: Option<DateTime<Utc>>,
    /// For a foreigner: whether their first generation was enabled.
    pub foreigner_enabled: Option<bool>,
    pub email_masked: Option<String>,
    pub mobile_masked: Option<String>,
    pub landline_masked: Option<String>,
    /// Newest first.
    pub events: Vec<ConsoleEvent>,
}

/// One page of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    pub events: Vec<ConsoleEvent>,
    /// Another page follows.
    pub more: bool,
}

impl Assisted {
    /// The affiliate with this identification, or `None` when the registry has nobody with it.
    #[tracing::instrument(skip_all)]
    pub async fn search(&self, id: &Identification) -> Result<Option<AffiliateStatus>, ServiceError> {
        let now = self.clock.now();
        let (Some(affiliate_id), Some(affiliate)) =
            (self.store.affiliate_row(id).await?, self.store.find_affiliate(id).await?)
        else {
            return Ok(None);
        };
        let profile = self.store.profile(id).await?;
        let generation = self.process(&self.generation.subject(id), AttemptProcess::Generation).await?;
        let recovery = self.process(&self.recovery.subject(id), AttemptProcess::Recovery).await?;
        let foreigner_enabled = match id.kind() {
            IdentificationKind::Foreigner => Some(self.store.foreigner_enabled(id).await?),
            IdentificationKind::Cedula => None,
        };
        let events = self.store.events_of(affiliate_id, EVENTS_SHOWN).await?;
        let (email, mobile, landline) = match &profile {
            Some(p) => {
                (Some(p.email.masked()), Some(p.mobile.masked()), p.landline.as_ref().map(Landline::masked))
            }
            None => (
                affiliate.email.as_ref().map(|e| e.masked()),
                affiliate.mobile.as_ref().map(|m| m.masked()),
                affiliate.landline.as_ref().map(Landline::masked),
            ),
        };
        Ok(Some(AffiliateStatus {
            affiliate_id,
            identification: id.as_str().to_owned(),
            kind: id.kind(),
            names: affiliate.names,
            surnames: affiliate.surnames,
            has_clave: profile.is_some(),
            locked_everywhere: profile.as_ref().is_some_and(|p| p.locked_at.is_some()),
            locked_unknown_browsers: profile.as_ref().is_some_and(|p| p.unknown_locked_at.is_some()),
            generation,
            recovery,
            huella_registrada: affiliate.huella_registrada,
            video_blocked_until: self.store.call_block(affiliate_id, now).await?,
            foreigner_enabled,
            email_masked: email,
            mobile_masked: mobile,
            landline_masked: landline,
            events: events.into_iter().map(ConsoleEvent::from).collect(),
        }))
    }

    async fn process(&self, subject: &str, process: AttemptProcess) -> Result<ProcessState, ServiceError> {
        let AttemptCount { day, day_count, total } = self.store.attempt_count(subject, process).await?;
        let limits = &self.settings.attempts;
        Ok(ProcessState {
            used: total,
            blocked: total >= limits.total,
            blocked_today: day == Some(self.clock.institute_day()) && day_count >= limits.per_day,
        })
    }

    /// One page of the audit log, newest first. `identification` narrows to one person (an
    /// identification nobody has gives an empty page); `from`/`to` are days in Ecuador, inclusive.
    #[tracing::instrument(skip_all)]
    pub async fn audit_log(
        &self,
        identification: Option<&Identification>,
        actor: Option<&str>,
        kind: Option<&str>,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        page: u32,
    ) -> Result<AuditPage, ServiceError> {
        let affiliate_id = match identification {
            Some(id) => match self.store.affiliate_row(id).await? {
                Some(row) => Some(row),
                None => return Ok(AuditPage { events: Vec::new(), more: false }),
            },
            None => None,
        };
        let filter = AuditFilter {
            affiliate_id,
            actor: actor.map(str::to_owned),
            kind: kind.map(str::to_owned),
            from: from.and_then(start_of_day),
            until: to.and_then(|d| d.succ_opt()).and_then(start_of_day),
        };
        let offset = page.saturating_mul(AUDIT_PAGE_SIZE);
        let mut rows = self.store.audit_events(&filter, AUDIT_PAGE_SIZE + 1, offset).await?;
        let more = rows.len() > AUDIT_PAGE_SIZE as usize;
        rows.truncate(AUDIT_PAGE_SIZE as usize);
        let events = rows
            .into_iter()
            .map(|AuditRecord { event, identification }| ConsoleEvent { identification, ..event.into() })
            .collect();
        Ok(AuditPage { events, more })
    }
}

/// Midnight of `day` in Ecuador, as an instant.
fn start_of_day(day: NaiveDate) -> Option<DateTime<Utc>> {
    use chrono::TimeZone as _;
    let midnight = day.and_hms_opt(0, 0, 0)?;
    crate::clock::INSTITUTE_TZ.from_local_datetime(&midnight).single().map(|t| t.with_timezone(&Utc))
}
