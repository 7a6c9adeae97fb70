//! The server functions of "Mi cuenta" and what they answer. Each one finds the session through
//! the HttpOnly cookie and checks it on the server; without a live session it answers that the
//! session ended, never data.

use clave_domain::{FieldProblem, audit::EventKind};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{components::password::KeyboardPolicy, error::AppError};

/// How many security events the page lists.
pub const ACTIVITY_SHOWN: u32 = 20;

/// The page's data, or the end of the session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Summary {
    Live(Box<AccountSummary>),
    /// No session, or it is over: log in again.
    Ended,
}

/// Everything "Mi cuenta" shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub data: AccountData,
    /// Newest first.
    pub activity: Vec<ActivityRow>,
    /// Sessions open with this clave, this one included.
    pub open_sessions: u64,
    pub keyboard: KeyboardPolicy,
}

/// The person's data, masked where a shoulder-surfer could use it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountData {
    pub names: String,
    pub surnames: String,
    pub identification_masked: String,
    pub email_masked: String,
    pub mobile_masked: String,
    pub landline_masked: Option<String>,
    pub password_changed_at: LocalTime,
}

/// An instant on the wall clocks of Ecuador (America/Guayaquil), converted on the server: the
/// browser may be anywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalTime {
    pub year: i32,
    /// 1–12.
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub minute: u32,
}

impl LocalTime {
    /// `dd/mm/aaaa hh:mm`: compact for a table, day first as read in Ecuador.
    pub fn short(self) -> String {
        format!("{:02}/{:02}/{} {:02}:{:02}", self.day, self.month, self.year, self.hour, self.minute)
    }

    #[cfg(feature = "ssr")]
    /// `at` on the wall clocks of Ecuador.
    pub fn of(at: chrono::DateTime<chrono::Utc>) -> Self {
        use chrono::{Datelike as _, Timelike as _};
        let local = at.with_timezone(&clave_backend::clock::INSTITUTE_TZ);
        Self {
            year: local.year(),
            month: local.month(),
            day: local.day(),
            hour: local.hour(),
            minute: local.minute(),
        }
    }
}

/// One security event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityRow {
    pub at: LocalTime,
    pub kind: EventKind,
    pub ip: Option<String>,
    /// The browser in a few words ("Chrome en Android").
    pub browser: String,
}

/// What a change did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeReply {
    Done,
    /// Problems at their fields; nothing changed.
    Invalid(Vec<FieldProblem>),
    /// The session is over (the clave may have been locked): log in again.
    SessionEnded,
}

/// What "Cerrar las otras sesiones" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndOthersReply {
    /// How many sessions were closed.
    Closed(u64),
    SessionEnded,
}

/// The data of the page.
#[server(endpoint = "mi-cuenta/resumen")]
pub async fn load_account() -> Result<Summary, AppError> {
    imp::summary().await.map_err(crate::server::fail)
}

/// "Cambiar clave": the current clave, the new one and its confirmation.
#[server(endpoint = "mi-cuenta/clave")]
pub async fn change_password(
    current: String,
    password: String,
    confirmation: String,
) -> Result<ChangeReply, AppError> {
    imp::change_password(current, password, confirmation).await.map_err(crate::server::fail)
}

/// "Actualizar datos de contacto", confirmed with the current clave.
#[server(endpoint = "mi-cuenta/contacto")]
pub async fn change_contacts(
    email: String,
    mobile: String,
    landline: String,
    current: String,
) -> Result<ChangeReply, AppError> {
    imp::change_contacts(email, mobile, landline, current).await.map_err(crate::server::fail)
}

/// "Cerrar las otras sesiones".
#[server(endpoint = "mi-cuenta/cerrar-otras")]
pub async fn end_other_sessions() -> Result<EndOthersReply, AppError> {
    imp::end_other_sessions().await.map_err(crate::server::fail)
}

/// "Salir": ends this session.
#[server(endpoint = "mi-cuenta/salir")]
pub async fn log_out() -> Result<(), AppError> {
    imp::log_out().await.map_err(crate::server::fail)
}

#[cfg(feature = "ssr")]
mod imp {
    use clave_backend::{
        Services,
        accounts::{ChangeOutcome, ContactChange, DeviceId, PasswordChange, SessionId},
    };
    use clave_domain::Contacts;

    use super::*;
    use crate::server::{client_info, cookies, services};

    fn session() -> Option<SessionId> {
        cookies::read(cookies::SESSION, SessionId::parse)
    }

    fn device() -> Option<DeviceId> {
        cookies::read(cookies::DEVICE, DeviceId::parse)
    }

    /// The session is over: the browser forgets its id.
    fn forget_session(services: &Services) {
        cookies::clear(cookies::SESSION, services.settings.served_over_tls());
    }

    fn current_missing() -> FieldProblem {
        FieldProblem::new("current", "Escriba su clave actual.", "Enter your current password.")
    }

    pub async fn summary() -> Result<Summary, AppError> {
        let services = services()?;
        let Some(id) = session() else { return Ok(Summary::Ended) };
        let Some(view) = services.accounts.overview(&id, ACTIVITY_SHOWN).await? else {
            forget_session(&services);
            return Ok(Summary::Ended);
        };
        Ok(Summary::Live(Box::new(AccountSummary {
            data: AccountData {
                names: view.names,
                surnames: view.surnames,
                identification_masked: view.identification_masked,
                email_masked: view.email_masked,
                mobile_masked: view.mobile_masked,
                landline_masked: view.landline_masked,
                password_changed_at: LocalTime::of(view.password_changed_at),
            },
            activity: view
                .activity
                .into_iter()
                .map(|a| ActivityRow { at: LocalTime::of(a.at), kind: a.kind, ip: a.ip, browser: a.browser })
                .collect(),
            open_sessions: view.open_sessions,
            keyboard: KeyboardPolicy::from_settings(&services.settings),
        })))
    }

    /// Applies a change's outcome to the cookies and says it to the page.
    fn reply(services: &Services, outcome: ChangeOutcome) -> ChangeReply {
        match outcome {
            ChangeOutcome::Done { session } => {
                if let Some(session) = session {
                    // The change ended every session; this browser continues with a new id.
                    let secure = services.settings.served_over_tls();
                    cookies::set(cookies::SESSION, session.expose(), None, secure);
                }
                ChangeReply::Done
            }
            ChangeOutcome::Invalid(problems) => ChangeReply::Invalid(problems),
            ChangeOutcome::SessionEnded => {
                forget_session(services);
                ChangeReply::SessionEnded
            }
        }
    }

    pub async fn change_password(
        current: String,
        password: String,
        confirmation: String,
    ) -> Result<ChangeReply, AppError> {
        let services = services()?;
        let Some(id) = session() else { return Ok(ChangeReply::SessionEnded) };
        // An empty current clave is a slip, not a wrong guess: it must not count towards the lock.
        if current.is_empty() {
            return Ok(ChangeReply::Invalid(vec![current_missing()]));
        }
        let change = PasswordChange { current, password, confirmation };
        let outcome =
            services.accounts.change_password(&id, device().as_ref(), change, &client_info()).await?;
        Ok(reply(&services, outcome))
    }

    pub async fn change_contacts(
        email: String,
        mobile: String,
        landline: String,
        current: String,
    ) -> Result<ChangeReply, AppError> {
        let services = services()?;
        let Some(id) = session() else { return Ok(ChangeReply::SessionEnded) };
        if current.is_empty() {
            let mut problems = Contacts::parse(&email, &mobile, &landline).err().unwrap_or_default();
            problems.push(current_missing());
            return Ok(ChangeReply::Invalid(problems));
        }
        let change = ContactChange { current, email, mobile, landline };
        let outcome =
            services.accounts.change_contacts(&id, device().as_ref(), change, &client_info()).await?;
        Ok(reply(&services, outcome))
    }

    pub async fn end_other_sessions() -> Result<EndOthersReply, AppError> {
        let services = services()?;
        let Some(id) = session() else { return Ok(EndOthersReply::SessionEnded) };
        Ok(match services.accounts.end_other_sessions(&id, &client_info()).await? {
            Some(closed) => EndOthersReply::Closed(closed),
            None => {
                forget_session(&services);
                EndOthersReply::SessionEnded
            }
        })
    }

    pub async fn log_out() -> Result<(), AppError> {
        let services = services()?;
        if let Some(id) = session() {
            services.accounts.logout(&id).await?;
        }
        forget_session(&services);
        Ok(())
    }
}
