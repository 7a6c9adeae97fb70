//! The server functions of the Ventanilla queue. Each checks the staff session and role first.

use clave_domain::ventanilla::{CaseStatus, DocumentKind, RequestType, Slot};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A line of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub number: String,
    pub request_type: RequestType,
    /// Ecuador time, `dd/mm/aaaa hh:mm`.
    pub filed_at: String,
    /// Minutes since filing.
    pub age_minutes: i64,
}

/// A document of a case, without its bytes (the page loads them from the document route).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentView {
    pub slot: Slot,
    pub kind: DocumentKind,
    pub size: u64,
}

/// The registry person a case names, contacts masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonView {
    pub names: String,
    pub surnames: String,
    pub has_clave: bool,
    pub locked: bool,
    pub email_masked: Option<String>,
    pub mobile_masked: Option<String>,
}

/// A case as the reviewer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    pub number: String,
    pub request_type: RequestType,
    pub status: CaseStatus,
    pub identification: String,
    pub contact_email: String,
    pub description: String,
    pub filed_at: String,
    pub closed_at: Option<String>,
    pub reviewer: Option<String>,
    pub reason: Option<String>,
    pub documents: Vec<DocumentView>,
    pub person: Option<PersonView>,
}

/// What "Aprobar" / "Rechazar" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DecisionReply {
    Decided,
    NotFound,
    AlreadyClosed,
    ReasonLength,
    /// Not in the registry or without a clave: reject instead.
    NotApprovable,
    /// The action itself was refused; the case is open again.
    ActionRefused,
}

/// The open cases, oldest first.
#[server(endpoint = "agentes/ventanilla/casos")]
pub async fn queue_cases() -> Result<Vec<QueueRow>, AppError> {
    use clave_backend::staff::StaffNeed;

    use crate::server::{fail, services, staff_actor};
    staff_actor(StaffNeed::AnyStaff).await.map_err(fail)?;
    let services = services().map_err(fail)?;
    let now = services.clock.now();
    let cases = services.ventanilla.open_cases().await.map_err(|e| fail(e.into()))?;
    Ok(cases
        .into_iter()
        .map(|c| QueueRow {
            number: c.number.to_string(),
            request_type: c.request_type,
            filed_at: crate::pages::ventanilla::api::ssr::when(c.filed_at),
            age_minutes: (now - c.filed_at).num_minutes().max(0),
        })
        .collect())
}

/// One case; opening a received case puts it under review.
#[server(endpoint = "agentes/ventanilla/caso")]
pub async fn queue_case(number: String) -> Result<Option<CaseView>, AppError> {
    use clave_backend::staff::StaffNeed;
    use clave_domain::ventanilla::CaseNumber;

    use crate::{
        pages::ventanilla::api::ssr::when,
        server::{fail, services, staff_actor},
    };
    let actor = staff_actor(StaffNeed::AnyStaff).await.map_err(fail)?;
    let services = services().map_err(fail)?;
    let Some(number) = CaseNumber::parse(&number) else { return Ok(None) };
    let Some(detail) = services.ventanilla.case(&number, &actor).await.map_err(|e| fail(e.into()))? else {
        return Ok(None);
    };
    let case = detail.case;
    Ok(Some(CaseView {
        number: case.number.to_string(),
        request_type: case.request_type,
        status: case.status,
        identification: case.id_number,
        contact_email: case.contact_email.as_str().to_owned(),
        description: case.description,
        filed_at: when(case.filed_at),
        closed_at: case.closed_at.map(when),
        reviewer: case.reviewer,
        reason: case.decision_reason,
        documents: case
            .documents
            .into_iter()
            .map(|d| DocumentView { slot: d.slot, kind: d.kind, size: d.size })
            .collect(),
        person: detail.person.map(|p| PersonView {
            names: p.names,
            surnames: p.surnames,
            has_clave: p.has_clave,
            locked: p.locked,
            email_masked: p.email_masked,
            mobile_masked: p.mobile_masked,
        }),
    }))
}

/// "Aprobar" (`approve = true`) or "Rechazar", with a reason.
#[server(endpoint = "agentes/ventanilla/decidir")]
pub async fn decide_case(number: String, approve: bool, reason: String) -> Result<DecisionReply, AppError> {
    use clave_backend::{
        staff::StaffNeed,
        ventanilla::{DecisionOutcome, Verdict},
    };
    use clave_domain::ventanilla::CaseNumber;

    use crate::server::{client_info, fail, services, staff_actor};
    let actor = staff_actor(StaffNeed::AnyStaff).await.map_err(fail)?;
    let services = services().map_err(fail)?;
    let Some(number) = CaseNumber::parse(&number) else { return Ok(DecisionReply::NotFound) };
    let verdict = if approve { Verdict::Approve } else { Verdict::Reject };
    let outcome = services
        .ventanilla
        .decide(&number, verdict, &reason, &actor, &client_info())
        .await
        .map_err(|e| fail(e.into()))?;
    Ok(match outcome {
        DecisionOutcome::Decided => DecisionReply::Decided,
        DecisionOutcome::NotFound => DecisionReply::NotFound,
        DecisionOutcome::AlreadyClosed => DecisionReply::AlreadyClosed,
        DecisionOutcome::ReasonLength => DecisionReply::ReasonLength,
        DecisionOutcome::NotApprovable => DecisionReply::NotApprovable,
        DecisionOutcome::ActionRefused(_) => DecisionReply::ActionRefused,
    })
}
