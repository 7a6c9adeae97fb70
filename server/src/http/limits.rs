//! Request body limits: `server.body_limit_bytes` everywhere, except the Ventanilla upload, which
//! may carry three attachments: 3 × `ventanilla.max_file_bytes` + 64 KiB for the text fields and
//! the multipart framing. A declared length over the limit is refused before a byte of the body
//! is read; an undeclared one is cut off as soon as it passes the limit. The upload must also be
//! `multipart/form-data` with a boundary: the server-function decoder panics without one.
//!
//! A url-encoded or JSON server-function call whose arguments hold a NUL character is refused
//! with 400: no text of the app contains one, and PostgreSQL cannot store one in a `TEXT` column
//! (the query would fail and the caller get a 500). The upload's text fields are read by its
//! function, which replaces a NUL like any byte that is not text.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use clave_backend::config::Settings;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};

/// The limits of this server.
#[derive(Debug, Clone, Copy)]
pub struct BodyLimits {
    default: usize,
    upload: usize,
}

impl BodyLimits {
    pub fn from_settings(settings: &Settings) -> Self {
        Self {
            default: settings.server.body_limit_bytes,
            upload: 3 * settings.ventanilla.max_file_bytes + 64 * 1024,
        }
    }

    fn for_path(&self, path: &str) -> usize {
        if is_upload(path) { self.upload } else { self.default }
    }
}

pub(super) fn is_upload(path: &str) -> bool {
    path == <app::pages::ventanilla::api::FileCase as leptos::server_fn::ServerFn>::PATH
}

/// Whether a `Content-Type` is `multipart/form-data` with a non-empty boundary.
fn multipart_with_boundary(content_type: Option<&str>) -> bool {
    content_type.and_then(|v| v.parse::<mime::Mime>().ok()).is_some_and(|m| {
        m.essence_str() == "multipart/form-data"
            && m.get_param(mime::BOUNDARY).is_some_and(|b| !b.as_str().is_empty())
    })
}

pub async fn enforce(State(limits): State<BodyLimits>, request: Request, next: Next) -> Response {
    let limit = limits.for_path(request.uri().path());
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    let content_type = request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    if is_upload(request.uri().path()) && !multipart_with_boundary(content_type) {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE.into_response();
    }
    if request.uri().path().starts_with("/api/") && !is_upload(request.uri().path()) {
        let json = content_type.is_some_and(|t| t.starts_with("application/json"));
        let (parts, body) = request.into_parts();
        let bytes = match Limited::new(body, limit).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(e) if e.is::<LengthLimitError>() => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
            Err(_) => return StatusCode::BAD_REQUEST.into_response(),
        };
        if carries_nul(&bytes, json) {
            return (StatusCode::BAD_REQUEST, "Texto con un carácter nulo").into_response();
        }
        return next.run(Request::from_parts(parts, Body::from(bytes))).await;
    }
    next.run(request.map(|body| Body::new(Limited::new(body, limit)))).await
}

/// Whether the arguments in `body` hold a NUL: a raw byte or `%00` (url-encoded; a typed `%00`
/// is sent as `%2500`), or a `\u0000` inside a JSON string.
fn carries_nul(body: &[u8], json: bool) -> bool {
    fn in_json(value: &serde_json::Value) -> bool {
        match value {
            serde_json::Value::String(s) => s.contains('\0'),
            serde_json::Value::Array(items) => items.iter().any(in_json),
            serde_json::Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || in_json(v)),
            _ => false,
        }
    }
    if json {
        // A body that is not JSON is refused by the decoder.
        return serde_json::from_slice(body).is_ok_and(|value| in_json(&value));
    }
    body.contains(&0) || body.windows(3).any(|w| w == b"%00")
}
