//! The server functions of the Ventanilla Virtual: limits for the form, filing (a multipart
//! upload read field by field, never more than each field's limit plus one byte), and the status.

use clave_domain::{
    FieldProblem,
    ventanilla::{CaseStatus, RequestType},
};
use leptos::{
    prelude::*,
    server_fn::codec::{MultipartData, MultipartFormData},
};
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The limits the form states and pre-checks (the server checks them again).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    pub max_file_bytes: usize,
    pub description_max_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_file_bytes: 1_048_576, description_max_chars: 500 }
    }
}

/// What "Enviar" answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FilingReply {
    /// The case number to keep.
    Filed(String),
    Invalid(Vec<FieldProblem>),
}

/// A case's status as `/ventanilla/estado` shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusView {
    pub number: String,
    pub request_type: RequestType,
    pub status: CaseStatus,
    /// Ecuador time, `dd/mm/aaaa hh:mm`.
    pub filed_at: String,
    pub closed_at: Option<String>,
    pub reason: Option<String>,
}

/// What "Consultar" answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatusReply {
    Found(StatusView),
    /// Unknown number, or not this identification's: the same answer.
    NotFound,
    Invalid(Vec<FieldProblem>),
}

#[server(endpoint = "ventanilla/limites")]
pub async fn ventanilla_limits() -> Result<Limits, AppError> {
    let services = crate::server::services().map_err(crate::server::fail)?;
    Ok(Limits {
        max_file_bytes: services.ventanilla.max_file_bytes(),
        description_max_chars: services.ventanilla.description_max_chars(),
    })
}

/// "Enviar": the identification and the captcha as in every public flow, then every field and
/// attachment; the case is filed only when all pass.
#[server(input = MultipartFormData, endpoint = "ventanilla/presentar")]
pub async fn file_case(data: MultipartData) -> Result<FilingReply, AppError> {
    ssr::file_case(data).await
}

/// "Consultar": the status for a case number and the identification it was filed with.
#[server(endpoint = "ventanilla/consultar")]
pub async fn lookup_case(
    number: String,
    identification: String,
    captcha: String,
) -> Result<StatusReply, AppError> {
    use crate::server::{fail, identify, services};
    let services = services().map_err(fail)?;
    let mut problems = Vec::new();
    if clave_domain::ventanilla::CaseNumber::parse(&number).is_none() {
        problems.push(FieldProblem::new(
            "number",
            "Escriba el número de trámite como aparece en su correo, por ejemplo VV-2026-000123.",
            "Type the case number as it appears in your email, for example VV-2026-000123.",
        ));
    }
    let id = match identify(&services, &identification, &captcha).await.map_err(fail)? {
        Ok(id) if problems.is_empty() => id,
        Ok(_) => return Ok(StatusReply::Invalid(problems)),
        Err(more) => {
            problems.extend(more);
            return Ok(StatusReply::Invalid(problems));
        }
    };
    let found = services.ventanilla.status(&number, &id).await.map_err(|e| fail(e.into()))?;
    Ok(match found {
        None => StatusReply::NotFound,
        Some(status) => StatusReply::Found(StatusView {
            number: status.number.to_string(),
            request_type: status.request_type,
            status: status.status,
            filed_at: ssr::when(status.filed_at),
            closed_at: status.closed_at.map(ssr::when),
            reason: status.reason,
        }),
    })
}

#[cfg(feature = "ssr")]
pub(crate) mod ssr {
    use clave_backend::ventanilla::{FilingForm, LimitedBuffer};
    use clave_domain::{FieldProblem, ventanilla::Slot};
    use leptos::server_fn::codec::MultipartData;

    use super::FilingReply;
    use crate::{
        error::AppError,
        server::{client_info, fail, identify, services},
    };

    /// Longest text field read, in bytes (a description of 500 characters of 4 bytes each fits).
    const TEXT_FIELD_BYTES: usize = 4 * 1024;

    /// An instant in Ecuador time for a page.
    pub(crate) fn when(at: chrono::DateTime<chrono::Utc>) -> String {
        crate::pages::account::api::LocalTime::of(at).short()
    }

    /// The body was cut short or passed the endpoint's limit; `max` is the per-file limit.
    fn unreadable(max: usize) -> FilingReply {
        let size = clave_domain::ventanilla::size_text(max);
        FilingReply::Invalid(vec![FieldProblem::new(
            "form",
            &format!(
                "No pudimos leer su envío completo. Revise que cada archivo pese hasta {size} e intente de nuevo."
            ),
            &format!(
                "We could not read your whole submission. Check that each file is at most {size} and try again."
            ),
        )])
    }

    pub(super) async fn file_case(data: MultipartData) -> Result<FilingReply, AppError> {
        let services = services().map_err(fail)?;
        let Some(mut multipart) = data.into_inner() else { return Err(fail(AppError::Internal)) };
        let max = services.ventanilla.max_file_bytes();
        let mut form = FilingForm::default();
        let (mut identification, mut captcha) = (String::new(), String::new());
        loop {
            let mut field = match multipart.next_field().await {
                Ok(Some(field)) => field,
                Ok(None) => break,
                // A body cut short or past the endpoint's limit.
                Err(_) => return Ok(unreadable(max)),
            };
            let name = field.name().unwrap_or_default().to_owned();
            let slot = Slot::parse(&name);
            let mut buffer = LimitedBuffer::new(if slot.is_some() { max } else { TEXT_FIELD_BYTES });
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) if buffer.push(&chunk) => {}
                    // Past the limit: the rest of this field is never read into memory.
                    Ok(Some(_)) | Ok(None) => break,
                    Err(_) => return Ok(unreadable(max)),
                }
            }
            let bytes = buffer.finish();
            if let Some(slot) = slot {
                form.files.retain(|(s, _)| *s != slot);
                // An empty file input still sends its part, with no bytes.
                form.files.push((slot, bytes));
                continue;
            }
            // A NUL is no text either (and PostgreSQL refuses to store one): replaced like the
            // bytes that are not UTF-8.
            let text =
                bytes.map(|b| String::from_utf8_lossy(&b).replace('\0', "\u{fffd}")).unwrap_or_default();
            match name.as_str() {
                "request_type" => form.request_type = text,
                "identification" => identification = text,
                "contact_email" => form.contact_email = text,
                "description" => form.description = text,
                "captcha" => captcha = text,
                _ => {}
            }
        }
        let identified = identify(&services, &identification, &captcha).await.map_err(fail)?;
        let mut problems = match &identified {
            Ok(_) => Vec::new(),
            Err(problems) => problems.clone(),
        };
        // The attachments are decoded only behind a valid proof of work.
        if problems.iter().any(|p| p.field == "captcha") {
            return Ok(FilingReply::Invalid(problems));
        }
        let checked = services.ventanilla.check(form).await.map_err(|e| fail(e.into()))?;
        match (identified, checked) {
            (Ok(id), Ok(filing)) => {
                let number = services
                    .ventanilla
                    .file(&id, filing, &client_info())
                    .await
                    .map_err(|e| fail(e.into()))?;
                Ok(FilingReply::Filed(number.to_string()))
            }
            (_, checked) => {
                if let Err(more) = checked {
                    problems.extend(more);
                }
                Ok(FilingReply::Invalid(problems))
            }
        }
    }
}
