//! `GET /agentes/documentos/{case}/{slot}`: a Ventanilla document, only for a live staff session.
//! Anything else — no session, an affiliate's session, an unknown case or slot, a purged
//! document — is the same 404, so the route tells outsiders nothing.
//!
//! The bytes are served as the kind sniffed at upload, never sniffed again by the browser
//! (`nosniff`), in a sandbox with no sources (`Content-Security-Policy: sandbox; default-src
//! 'none'`), never cached, and a PDF only as a download.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use clave_domain::ventanilla::{CaseNumber, DocumentKind, Slot};

use super::AppState;

pub async fn document(
    State(state): State<AppState>,
    Path((case, slot)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let services = &state.services;
    if app::server::staff_from_headers(services, &headers).await.is_none() {
        return StatusCode::NOT_FOUND.into_response();
    }
    let (Some(number), Some(slot)) = (CaseNumber::parse(&case), Slot::parse(&slot)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match services.ventanilla.document(&number, slot).await {
        Ok(Some((kind, bytes))) => {
            let mut response = bytes.into_response();
            let h = response.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind.content_type()));
            h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
            h.insert(
                header::CONTENT_SECURITY_POLICY,
                HeaderValue::from_static("sandbox; default-src 'none'"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            if kind == DocumentKind::Pdf {
                let name = format!("attachment; filename=\"{}-{}.pdf\"", number, slot.as_str());
                if let Ok(value) = HeaderValue::from_str(&name) {
                    h.insert(header::CONTENT_DISPOSITION, value);
                }
            }
            response
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "document could not be read");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
