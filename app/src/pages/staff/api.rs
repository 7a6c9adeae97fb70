//! The server functions of the staff console (DESIGN §3). Every one but the login checks the staff
//! session and the role on the server first ([`crate::server::staff_actor`]); what they return is
//! masked: never a password, a stored answer, the security image or a full contact.

use clave_domain::{
    FieldProblem,
    staff::{CallQuestion, StaffRole},
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{error::AppError, pages::account::api::LocalTime};

/// What the staff login did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StaffLoginReply {
    LoggedIn,
    /// Any cause, said the same way.
    Refused,
    Invalid(Vec<FieldProblem>),
}

/// Who is logged in to the console.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffIdentity {
    pub username: String,
    pub role: StaffRole,
}

/// A generation or recovery counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessView {
    pub used: u32,
    pub blocked: bool,
    pub blocked_today: bool,
}

/// One security event with its actor and grounds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventView {
    pub at: LocalTime,
    /// The stored kind (`unlocked`, …); the page names it.
    pub kind: String,
    pub actor: String,
    pub ip: Option<String>,
    pub case_number: Option<String>,
    pub reason: Option<String>,
    pub identification: Option<String>,
}

/// An affiliate as the console shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusView {
    pub affiliate_id: i64,
    pub identification: String,
    pub foreigner: bool,
    pub names: String,
    pub surnames: String,
    pub has_clave: bool,
    pub locked_everywhere: bool,
    pub locked_unknown_browsers: bool,
    pub generation: ProcessView,
    pub recovery: ProcessView,
    pub huella_registrada: bool,
    pub video_blocked_until: Option<LocalTime>,
    pub foreigner_enabled: Option<bool>,
    pub email_masked: Option<String>,
    pub mobile_masked: Option<String>,
    pub landline_masked: Option<String>,
    pub events: Vec<EventView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SearchReply {
    Found(Box<StatusView>),
    NotFound,
    Invalid(Vec<FieldProblem>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InPersonReply {
    Verified { verification: i64, until: LocalTime },
    NotConfirmed,
    NotFound,
}

/// What an action did; `Refused` carries the reason in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActionReply {
    Done,
    Refused { es: String, en: String },
    Invalid(Vec<FieldProblem>),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallStartReply {
    Started { call: i64, questions: Vec<CallQuestion> },
    Blocked { until: LocalTime },
    InProgress,
    NoClave,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CallAnswerReply {
    Answered { correct: Vec<bool>, verified: bool, blocked_until: Option<LocalTime> },
    Incomplete,
    NotOpen,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditReply {
    Page { events: Vec<EventView>, more: bool },
    Invalid(Vec<FieldProblem>),
}

/// Logs a staff member in: user, password and the 6-digit code. A new session id every time.
#[server(endpoint = "agentes/ingresar")]
pub async fn staff_log_in(
    username: String,
    password: String,
    code: String,
) -> Result<StaffLoginReply, AppError> {
    imp::log_in(username, password, code).await.map_err(crate::server::fail)
}

/// The logged-in staff member (for the console's navigation).
#[server(endpoint = "agentes/yo")]
pub async fn staff_me() -> Result<StaffIdentity, AppError> {
    imp::me().await.map_err(crate::server::fail)
}

/// "Salir".
#[server(endpoint = "agentes/salir")]
pub async fn staff_log_out() -> Result<(), AppError> {
    imp::log_out().await.map_err(crate::server::fail)
}

/// "Buscar afiliado" by cédula or foreigner code.
#[server(endpoint = "agentes/buscar")]
pub async fn search_affiliate(identification: String) -> Result<SearchReply, AppError> {
    imp::search(identification).await.map_err(crate::server::fail)
}

/// Presencial: both checks ticked → an in-person verification and `huella_registrada`.
#[server(endpoint = "agentes/presencial")]
pub async fn verify_in_person(
    affiliate_id: i64,
    document_checked: bool,
    fingerprint_registered: bool,
) -> Result<InPersonReply, AppError> {
    imp::verify_in_person(affiliate_id, document_checked, fingerprint_registered)
        .await
        .map_err(crate::server::fail)
}

/// An action (`unlock`, `clear-blocks`, `update-contacts`, `enable-foreigner`) on the authority of
/// an in-person verification (`presencial`) or a verified call (`videollamada`) with its id.
#[server(endpoint = "agentes/accion")]
pub async fn perform_action(
    affiliate_id: i64,
    action: String,
    authority: String,
    authority_id: i64,
    reason: String,
    email: String,
    mobile: String,
) -> Result<ActionReply, AppError> {
    imp::perform(affiliate_id, action, authority, authority_id, reason, email, mobile)
        .await
        .map_err(crate::server::fail)
}

/// Videollamada: draws the 4 questions and opens the call.
#[server(endpoint = "agentes/videollamada")]
pub async fn start_call(affiliate_id: i64) -> Result<CallStartReply, AppError> {
    imp::start_call(affiliate_id).await.map_err(crate::server::fail)
}

/// Videollamada: the answers the agent typed, in question order; right or wrong per question.
#[server(endpoint = "agentes/videollamada/respuestas")]
pub async fn answer_call(call: i64, answers: Vec<String>) -> Result<CallAnswerReply, AppError> {
    imp::answer_call(call, answers).await.map_err(crate::server::fail)
}

/// The audit log (supervisors and admins): filters, newest first, one page.
#[server(endpoint = "agentes/auditoria")]
pub async fn audit_log(
    identification: String,
    actor: String,
    kind: String,
    from: String,
    to: String,
    page: u32,
) -> Result<AuditReply, AppError> {
    imp::audit(identification, actor, kind, from, to, page).await.map_err(crate::server::fail)
}

#[cfg(feature = "ssr")]
mod imp;
