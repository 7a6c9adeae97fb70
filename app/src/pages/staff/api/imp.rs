//! The server side of the staff console's functions: parse, check the staff session and role,
//! call one service method, map the answer.

use chrono::NaiveDate;
use clave_backend::{
    assisted::{
        ActionOutcome, AssistedAction, Authority, CallAnswer, CallStart, ConsoleEvent, InPersonOutcome,
        ProcessState,
    },
    staff::{StaffLoginOutcome, StaffNeed, StaffSessionId},
};
use clave_domain::{Email, FieldProblem, Identification, Mobile};
use secrecy::SecretString;

use super::*;
use crate::server::{client_info, cookies, services, staff_actor};

fn event_view(e: ConsoleEvent) -> EventView {
    EventView {
        at: LocalTime::of(e.at),
        kind: e.kind,
        actor: e.actor,
        ip: e.ip,
        case_number: e.case_number,
        reason: e.reason,
        identification: e.identification,
    }
}

fn process(p: ProcessState) -> ProcessView {
    ProcessView { used: p.used, blocked: p.blocked, blocked_today: p.blocked_today }
}

pub async fn log_in(username: String, password: String, code: String) -> Result<StaffLoginReply, AppError> {
    let services = services()?;
    let mut problems = Vec::new();
    if username.trim().is_empty() {
        problems.push(FieldProblem::new("username", "Escriba su usuario.", "Enter your user name."));
    }
    if password.is_empty() {
        problems.push(FieldProblem::new("password", "Escriba su contraseña.", "Enter your password."));
    }
    let code = code.trim().to_owned();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        problems.push(FieldProblem::new(
            "code",
            "Escriba los 6 dígitos de su aplicación de autenticación.",
            "Enter the 6 digits from your authenticator app.",
        ));
    }
    if !problems.is_empty() {
        return Ok(StaffLoginReply::Invalid(problems));
    }
    // The place in the hashing line first, as for an affiliate's login: the excess of a burst is
    // answered 503 at once, before it counts against a rate limit.
    let place = services.hasher.reserve()?;
    crate::server::rate_limit(&services, Some(clave_backend::rate_limits::Subject::StaffUser(&username)))
        .await?;
    let outcome = services
        .staff
        .login(place, username.trim(), SecretString::from(password), &code, &client_info())
        .await?;
    Ok(match outcome {
        StaffLoginOutcome::LoggedIn { session, .. } => {
            cookies::set(cookies::STAFF, session.expose(), None, services.settings.served_over_tls());
            StaffLoginReply::LoggedIn
        }
        StaffLoginOutcome::Refused => StaffLoginReply::Refused,
    })
}

pub async fn me() -> Result<StaffIdentity, AppError> {
    let actor = staff_actor(StaffNeed::AnyStaff).await?;
    Ok(StaffIdentity { username: actor.username, role: actor.role })
}

pub async fn log_out() -> Result<(), AppError> {
    staff_actor(StaffNeed::AnyStaff).await?;
    let services = services()?;
    if let Some(id) = cookies::read(cookies::STAFF, StaffSessionId::parse) {
        services.staff.logout(&id, &client_info()).await?;
    }
    cookies::clear(cookies::STAFF, services.settings.served_over_tls());
    Ok(())
}

pub async fn search(identification: String) -> Result<SearchReply, AppError> {
    staff_actor(StaffNeed::AnyStaff).await?;
    let services = services()?;
    let id = match Identification::parse(&identification) {
        Ok(id) => id,
        Err(e) => {
            let problem = FieldProblem::new("identification", e.message_es(), e.message_en());
            return Ok(SearchReply::Invalid(vec![problem]));
        }
    };
    let Some(s) = services.assisted.search(&id).await? else { return Ok(SearchReply::NotFound) };
    Ok(SearchReply::Found(Box::new(StatusView {
        affiliate_id: s.affiliate_id,
        identification: s.identification,
        foreigner: s.kind == clave_domain::IdentificationKind::Foreigner,
        names: s.names,
        surnames: s.surnames,
        has_clave: s.has_clave,
        locked_everywhere: s.locked_everywhere,
        locked_unknown_browsers: s.locked_unknown_browsers,
        generation: process(s.generation),
        recovery: process(s.recovery),
        huella_registrada: s.huella_registrada,
        video_blocked_until: s.video_blocked_until.map(LocalTime::of),
        foreigner_enabled: s.foreigner_enabled,
        email_masked: s.email_masked,
        mobile_masked: s.mobile_masked,
        landline_masked: s.landline_masked,
        events: s.events.into_iter().map(event_view).collect(),
    })))
}

pub async fn verify_in_person(
    affiliate_id: i64,
    document_checked: bool,
    fingerprint_registered: bool,
) -> Result<InPersonReply, AppError> {
    let actor = staff_actor(StaffNeed::AnyStaff).await?;
    let services = services()?;
    let outcome = services
        .assisted
        .verify_in_person(&actor, affiliate_id, document_checked, fingerprint_registered, &client_info())
        .await?;
    Ok(match outcome {
        InPersonOutcome::Verified { verification, expires_at } => {
            InPersonReply::Verified { verification, until: LocalTime::of(expires_at) }
        }
        InPersonOutcome::NotConfirmed => InPersonReply::NotConfirmed,
        InPersonOutcome::UnknownAffiliate => InPersonReply::NotFound,
    })
}

pub async fn perform(
    affiliate_id: i64,
    action: String,
    authority: String,
    authority_id: i64,
    reason: String,
    email: String,
    mobile: String,
) -> Result<ActionReply, AppError> {
    let actor = staff_actor(StaffNeed::AnyStaff).await?;
    let services = services()?;
    let action = match action.as_str() {
        "unlock" => AssistedAction::Unlock,
        "clear-blocks" => AssistedAction::ClearBlocks,
        "enable-foreigner" => AssistedAction::EnableForeignerGeneration,
        "update-contacts" => {
            let mut problems = Vec::new();
            let email = Email::parse(&email)
                .map_err(|e| problems.push(FieldProblem::new("email", e.message_es(), e.message_en())))
                .ok();
            let mobile = match mobile.trim() {
                "" => Some(None),
                typed => Mobile::parse(typed)
                    .map(Some)
                    .map_err(|e| problems.push(FieldProblem::new("mobile", e.message_es(), e.message_en())))
                    .ok(),
            };
            match (email, mobile) {
                (Some(email), Some(mobile)) => AssistedAction::UpdateContacts { email, mobile },
                _ => return Ok(ActionReply::Invalid(problems)),
            }
        }
        _ => return Err(AppError::NotFound),
    };
    let authority = match authority.as_str() {
        "presencial" => Authority::Presencial { verification: authority_id },
        "videollamada" => Authority::Videollamada { call: authority_id },
        // A Ventanilla case is decided only by its review page, never from here.
        _ => return Err(AppError::NotFound),
    };
    let outcome =
        services.assisted.perform(affiliate_id, action, authority, &actor, &reason, &client_info()).await?;
    Ok(match outcome {
        ActionOutcome::Done => ActionReply::Done,
        ActionOutcome::Refused(why) => {
            ActionReply::Refused { es: why.message_es().to_owned(), en: why.message_en().to_owned() }
        }
    })
}

pub async fn start_call(affiliate_id: i64) -> Result<CallStartReply, AppError> {
    let actor = staff_actor(StaffNeed::AnyStaff).await?;
    let services = services()?;
    Ok(match services.assisted.start_call(&actor, affiliate_id).await? {
        CallStart::Started { call, questions } => CallStartReply::Started { call, questions },
        CallStart::Blocked { until } => CallStartReply::Blocked { until: LocalTime::of(until) },
        CallStart::InProgress => CallStartReply::InProgress,
        CallStart::NoClave => CallStartReply::NoClave,
    })
}

pub async fn answer_call(call: i64, answers: Vec<String>) -> Result<CallAnswerReply, AppError> {
    let actor = staff_actor(StaffNeed::AnyStaff).await?;
    let services = services()?;
    Ok(match services.assisted.answer_call(&actor, call, &answers, &client_info()).await? {
        CallAnswer::Answered { correct, verified, blocked_until } => {
            CallAnswerReply::Answered { correct, verified, blocked_until: blocked_until.map(LocalTime::of) }
        }
        CallAnswer::Incomplete => CallAnswerReply::Incomplete,
        CallAnswer::NotOpen => CallAnswerReply::NotOpen,
    })
}

pub async fn audit(
    identification: String,
    actor: String,
    kind: String,
    from: String,
    to: String,
    page: u32,
) -> Result<AuditReply, AppError> {
    staff_actor(StaffNeed::AuditReader).await?;
    let services = services()?;
    let mut problems = Vec::new();
    let id = match identification.trim() {
        "" => None,
        typed => Identification::parse(typed)
            .map_err(|e| problems.push(FieldProblem::new("identification", e.message_es(), e.message_en())))
            .ok(),
    };
    let mut date = |field: &str, typed: &str| match typed.trim() {
        "" => None,
        typed => NaiveDate::parse_from_str(typed, "%Y-%m-%d")
            .map_err(|_| {
                problems.push(FieldProblem::new(
                    field,
                    "Fecha no válida (AAAA-MM-DD).",
                    "Not a valid date (YYYY-MM-DD).",
                ))
            })
            .ok(),
    };
    let (from, to) = (date("from", &from), date("to", &to));
    if !problems.is_empty() {
        return Ok(AuditReply::Invalid(problems));
    }
    let actor = Some(actor.trim()).filter(|a| !a.is_empty());
    let kind = Some(kind.trim()).filter(|k| !k.is_empty());
    let page = services.assisted.audit_log(id.as_ref(), actor, kind, from, to, page).await?;
    Ok(AuditReply::Page { events: page.events.into_iter().map(event_view).collect(), more: page.more })
}
