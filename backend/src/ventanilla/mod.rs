//! Ventanilla Virtual (DESIGN §2.5, §3): anyone files a case with three documents; staff review
//! it in the queue and approve (which performs the requested action) or reject it, with a reason.
//!
//! - Every attachment passes [`upload::check`] on the server; a refused request stores nothing.
//! - A case is filed whether or not the registry knows the identification, and the answer is the
//!   same (DESIGN §5.1); only a registered person with a clave can have a case approved.
//! - `/ventanilla/estado` answers for a case number *and* its identification; a wrong pair gets
//!   the same answer as an unknown number.
//! - The contact email is written to on every status change; the documents are deleted
//!   `ventanilla.retention_after_close` after the case closes (the case row and audit stay).

mod mails;
#[cfg(test)]
mod tests;
pub mod upload;

use std::sync::Arc;

use chrono::{DateTime, Datelike as _, Utc};
use clave_domain::{
    Email, FieldProblem, Identification,
    ventanilla::{CaseNumber, CaseStatus, DocumentKind, RequestType, Slot},
};

use crate::{
    assisted::{ActionOutcome, ActionRefusal, Assisted, AssistedAction, Authority},
    audit::{ACTOR_AFFILIATE, ClientInfo, EventKind},
    clock::Clock,
    config::Settings,
    mail::Mailer,
    registry::Affiliate,
    service_error::ServiceError,
    staff::StaffActor,
    store::{CaseRecord, CaseSummary, NewCase, NewEvent, Store},
};

pub use upload::{LimitedBuffer, Refusal, TooLarge};

/// Shortest and longest reason of a decision, in characters (trimmed): the same as every
/// assisted action's.
pub use crate::assisted::{MAX_REASON_CHARS, MIN_REASON_CHARS};
/// Most open cases the queue lists at once.
pub const QUEUE_LENGTH: u32 = 200;

/// A filing as it arrives: text fields as typed, each attachment read up to its limit. No
/// `Debug`: it holds a person's documents and contact.
#[derive(Clone, Default)]
pub struct FilingForm {
    pub request_type: String,
    pub contact_email: String,
    pub description: String,
    /// Each slot's bytes, or [`TooLarge`] when the field passed the limit. A missing slot is a
    /// missing file.
    pub files: Vec<(Slot, Result<Vec<u8>, TooLarge>)>,
}

/// A filing whose fields and attachments passed every check.
#[derive(Clone)]
pub struct ValidFiling {
    request_type: RequestType,
    contact_email: Email,
    description: String,
    documents: Vec<(Slot, DocumentKind, Vec<u8>)>,
}

impl std::fmt::Debug for ValidFiling {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ValidFiling").field("request_type", &self.request_type).finish_non_exhaustive()
    }
}

/// What `/ventanilla/estado` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicStatus {
    pub number: CaseNumber,
    pub request_type: RequestType,
    pub status: CaseStatus,
    pub filed_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The reviewer's reason, once rejected.
    pub reason: Option<String>,
}

/// The registry person a case names, as the reviewer sees them (contacts masked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredPerson {
    pub names: String,
    pub surnames: String,
    pub has_clave: bool,
    pub locked: bool,
    pub email_masked: Option<String>,
    pub mobile_masked: Option<String>,
}

/// A case for the reviewer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDetail {
    pub case: CaseRecord,
    /// `None` when the registry does not know the identification.
    pub person: Option<RegisteredPerson>,
}

/// The reviewer's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Approve,
    Reject,
}

/// What a decision did. Refusals are values: the page shows each at its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecisionOutcome {
    /// The case is closed with the verdict (and, on approval, the action was done).
    Decided,
    /// No such case.
    NotFound,
    /// The case was already decided (perhaps by a racing reviewer): nothing was done.
    AlreadyClosed,
    /// The reason is shorter than [`MIN_REASON_CHARS`] or longer than [`MAX_REASON_CHARS`].
    ReasonLength,
    /// Approval needs a registered person with a clave: reject the case instead.
    NotApprovable,
    /// The action was refused (the case is open again); nothing else changed.
    ActionRefused(ActionRefusal),
}

/// The Ventanilla service. Cheap to clone.
#[derive(Clone)]
pub struct Ventanilla {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: Arc<Settings>,
    mailer: Mailer,
    assisted: Assisted,
}

impl std::fmt::Debug for Ventanilla {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Ventanilla { .. }")
    }
}

impl Ventanilla {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        settings: Arc<Settings>,
        mailer: Mailer,
        assisted: Assisted,
    ) -> Self {
        Self { store, clock, settings, mailer, assisted }
    }

    /// Largest attachment, in bytes.
    pub fn max_file_bytes(&self) -> usize {
        self.settings.ventanilla.max_file_bytes
    }

    /// Longest description, in characters.
    pub fn description_max_chars(&self) -> usize {
        self.settings.ventanilla.description_max_chars
    }

    /// Checks every field and attachment; each problem names its field. The JPEGs are decoded
    /// and re-encoded on the blocking pool.
    #[tracing::instrument(skip_all)]
    pub async fn check(
        &self,
        form: FilingForm,
    ) -> Result<Result<ValidFiling, Vec<FieldProblem>>, ServiceError> {
        let mut problems = Vec::new();
        let request_type = RequestType::parse(form.request_type.trim());
        if request_type.is_none() {
            problems.push(FieldProblem::new(
                "request_type",
                "Elija el tipo de trámite.",
                "Choose the kind of request.",
            ));
        }
        let contact_email = Email::parse(&form.contact_email)
            .map_err(|e| problems.push(FieldProblem::new("contact_email", e.message_es(), e.message_en())))
            .ok();
        let description = form.description.trim().to_owned();
        let max_chars = self.description_max_chars();
        if description.is_empty() {
            problems.push(FieldProblem::new(
                "description",
                "Describa brevemente su pedido.",
                "Briefly describe your request.",
            ));
        } else if description.chars().count() > max_chars {
            problems.push(FieldProblem {
                field: "description".into(),
                message_es: format!("La descripción puede tener hasta {max_chars} caracteres."),
                message_en: format!("The description may have up to {max_chars} characters."),
            });
        }
        let max_bytes = self.max_file_bytes();
        let files = form.files;
        let checked = tokio::task::spawn_blocking(move || {
            Slot::ALL.map(|slot| {
                let received = files.iter().find(|(s, _)| *s == slot).map(|(_, bytes)| bytes);
                let result = match received {
                    None => Err(Refusal::Empty),
                    Some(Err(TooLarge)) => Err(Refusal::TooLarge),
                    Some(Ok(bytes)) => upload::check(bytes, max_bytes),
                };
                (slot, result)
            })
        })
        .await
        // A panic while checking is a bug: it surfaces as it would in a plain call.
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        let mut documents = Vec::new();
        for (slot, result) in checked {
            match result {
                Ok(document) => documents.push((slot, document.kind, document.bytes)),
                Err(refusal) => problems.push(refusal.problem(slot, max_bytes)),
            }
        }
        Ok(match (request_type, contact_email, problems.is_empty()) {
            (Some(request_type), Some(contact_email), true) => {
                Ok(ValidFiling { request_type, contact_email, description, documents })
            }
            _ => Err(problems),
        })
    }

    /// Files a checked case for `id` (after the caller verified the captcha): one transaction
    /// for the case and its documents, the "recibido" email to the contact email, an audit event.
    /// Answers the same whether or not the registry knows `id`.
    #[tracing::instrument(skip_all)]
    pub async fn file(
        &self,
        id: &Identification,
        filing: ValidFiling,
        client: &ClientInfo,
    ) -> Result<CaseNumber, ServiceError> {
        let now = self.clock.now();
        let affiliate_id = self.store.affiliate_row(id).await?;
        let year = self.clock.institute_day().year();
        let mut event = NewEvent::new(EventKind::VentanillaFiled, ACTOR_AFFILIATE, client);
        event.affiliate_id = affiliate_id;
        let receipt = |number: &CaseNumber| {
            mails::received(&self.settings, filing.contact_email.clone(), number, filing.request_type)
        };
        let case = NewCase {
            year,
            request_type: filing.request_type,
            id_number: id.as_str(),
            affiliate_id,
            contact_email: &filing.contact_email,
            description: &filing.description,
            documents: &filing.documents,
            event: &event,
            receipt: &receipt,
        };
        let number = self.store.insert_case(&case, now).await?;
        self.mailer.wake_sender();
        tracing::info!(case = %number, "ventanilla case filed");
        Ok(number)
    }

    /// The status for `/ventanilla/estado`: `None` for an unknown number and for a number that
    /// is not this identification's, alike.
    #[tracing::instrument(skip_all)]
    pub async fn status(
        &self,
        number: &str,
        id: &Identification,
    ) -> Result<Option<PublicStatus>, ServiceError> {
        let Some(number) = CaseNumber::parse(number) else { return Ok(None) };
        let Some(case) = self.store.case_by_number(&number).await? else { return Ok(None) };
        if case.id_number != id.as_str() {
            return Ok(None);
        }
        Ok(Some(PublicStatus {
            number: case.number,
            request_type: case.request_type,
            status: case.status,
            filed_at: case.filed_at,
            closed_at: case.closed_at,
            reason: (case.status == CaseStatus::Rechazado).then_some(case.decision_reason).flatten(),
        }))
    }

    /// The staff queue: open cases, oldest first.
    pub async fn open_cases(&self) -> Result<Vec<CaseSummary>, ServiceError> {
        Ok(self.store.open_cases(QUEUE_LENGTH).await?)
    }

    /// One case for the reviewer, with the registry person it names (contacts masked). Opening
    /// a received case puts it `en_revision`, which the contact email is told.
    pub async fn case(
        &self,
        number: &CaseNumber,
        actor: &StaffActor,
    ) -> Result<Option<CaseDetail>, ServiceError> {
        let review_started = self.store.start_review(number, &actor.username, self.clock.now()).await?;
        let Some(case) = self.store.case_by_number(number).await? else { return Ok(None) };
        if review_started {
            let mail =
                mails::in_review(&self.settings, case.contact_email.clone(), number, case.request_type);
            self.mailer.queue(mail).await?;
            tracing::info!(case = %number, "ventanilla case under review");
        }
        let person = match Identification::parse(&case.id_number) {
            Ok(id) => self.person(&id).await?,
            Err(_) => None,
        };
        Ok(Some(CaseDetail { case, person }))
    }

    async fn person(&self, id: &Identification) -> Result<Option<RegisteredPerson>, ServiceError> {
        let Some(Affiliate { names, surnames, email, mobile, .. }) = self.store.find_affiliate(id).await?
        else {
            return Ok(None);
        };
        let profile = self.store.profile(id).await?;
        Ok(Some(RegisteredPerson {
            names,
            surnames,
            has_clave: profile.is_some(),
            locked: profile.as_ref().is_some_and(|p| p.locked_at.is_some() || p.unknown_locked_at.is_some()),
            email_masked: profile.as_ref().map(|p| p.email.masked()).or_else(|| email.map(|e| e.masked())),
            mobile_masked: profile.as_ref().map(|p| p.mobile.masked()).or_else(|| mobile.map(|m| m.masked())),
        }))
    }

    /// One document's bytes and kind, while kept.
    pub async fn document(
        &self,
        number: &CaseNumber,
        slot: Slot,
    ) -> Result<Option<(DocumentKind, Vec<u8>)>, ServiceError> {
        Ok(self.store.case_document(number, slot).await?)
    }

    /// Approves or rejects an open case with a reason. The open → closed transition is one
    /// conditional statement, so of racing decisions exactly one is made. Approval performs the
    /// requested action through [`Assisted::perform`]; if that fails the case is reopened.
    #[tracing::instrument(skip_all)]
    pub async fn decide(
        &self,
        number: &CaseNumber,
        verdict: Verdict,
        reason: &str,
        actor: &StaffActor,
        client: &ClientInfo,
    ) -> Result<DecisionOutcome, ServiceError> {
        let reason = reason.trim();
        if !crate::assisted::valid_reason(reason) {
            return Ok(DecisionOutcome::ReasonLength);
        }
        let Some(case) = self.store.case_by_number(number).await? else {
            return Ok(DecisionOutcome::NotFound);
        };
        if !case.status.is_open() {
            return Ok(DecisionOutcome::AlreadyClosed);
        }
        let profile = match Identification::parse(&case.id_number) {
            Ok(id) => self.store.profile(&id).await?,
            Err(_) => None,
        };
        let now = self.clock.now();
        match verdict {
            Verdict::Reject => {
                if !self.store.close_case(number, CaseStatus::Rechazado, reason, &actor.username, now).await?
                {
                    return Ok(DecisionOutcome::AlreadyClosed);
                }
                let mut event = NewEvent::new(EventKind::VentanillaRejected, &actor.username, client)
                    .case(number.as_str())
                    .reason(reason);
                event.affiliate_id = case.affiliate_id;
                self.store.append_event(&event, now).await?;
                self.mailer
                    .queue(mails::rejected(&self.settings, case.contact_email, number, reason))
                    .await?;
            }
            Verdict::Approve => {
                let Some(profile) = profile else { return Ok(DecisionOutcome::NotApprovable) };
                if !self.store.close_case(number, CaseStatus::Aprobado, reason, &actor.username, now).await? {
                    return Ok(DecisionOutcome::AlreadyClosed);
                }
                let performed = self.perform(&case, profile.affiliate_id, reason, actor, client).await;
                if !matches!(performed, Ok(ActionOutcome::Done)) {
                    self.store.reopen_case(number, &actor.username, self.clock.now()).await?;
                }
                if let ActionOutcome::Refused(refusal) = performed? {
                    return Ok(DecisionOutcome::ActionRefused(refusal));
                }
                let event = NewEvent::new(EventKind::VentanillaApproved, &actor.username, client)
                    .affiliate(profile.affiliate_id)
                    .case(number.as_str())
                    .reason(reason);
                self.store.append_event(&event, now).await?;
                self.mailer
                    .queue(mails::approved(&self.settings, case.contact_email, number, case.request_type))
                    .await?;
            }
        }
        tracing::info!(case = %number, ?verdict, "ventanilla case decided");
        Ok(DecisionOutcome::Decided)
    }

    /// The requested action, done by the assisted-actions service on the case's authority.
    async fn perform(
        &self,
        case: &CaseRecord,
        affiliate_id: i64,
        reason: &str,
        actor: &StaffActor,
        client: &ClientInfo,
    ) -> Result<ActionOutcome, ServiceError> {
        let actions = match case.request_type {
            RequestType::Desbloqueo => vec![AssistedAction::Unlock],
            RequestType::Recuperacion => vec![AssistedAction::ClearBlocks, AssistedAction::Unlock],
            RequestType::ActualizacionCorreo => {
                vec![AssistedAction::UpdateContacts { email: case.contact_email.clone(), mobile: None }]
            }
        };
        for action in actions {
            let authority = Authority::VentanillaCase { case_number: case.number.as_str() };
            let outcome =
                self.assisted.perform(affiliate_id, action, authority, actor, reason, client).await?;
            if outcome != ActionOutcome::Done {
                return Ok(outcome);
            }
        }
        Ok(ActionOutcome::Done)
    }
}

/// The retention rule on its own, for the purge job: documents of cases closed at or before
/// `now - retention` are deleted.
pub async fn purge_documents(
    store: &dyn crate::store::VentanillaStore,
    retention: std::time::Duration,
    now: DateTime<Utc>,
) -> Result<u64, crate::store::StoreError> {
    let retention = crate::clock::chrono_duration(retention);
    store.purge_case_documents(now.checked_sub_signed(retention).unwrap_or(DateTime::<Utc>::MIN_UTC)).await
}
