//! Request body limits: `server.body_limit_bytes` everywhere, except the Ventanilla upload, which
//! may carry three attachments: 3 × `ventanilla.max_file_bytes` + 64 KiB for the text fields and
//! the multipart framing. A declared length over the limit is refused before a byte of the body
//! is read; an undeclared one is cut off as soon as it passes the limit. The upload must also be
//! `multipart/form-data` with a boundary: the server-function decoder panics without one.

use axum::{
    body::Body,
    extract::{Request, State},
    http::{StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use clave_backend::config::Settings;
use http_body_util::Limited;

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

fn is_upload(path: &str) -> bool {
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
    next.run(request.map(|body| Body::new(Limited::new(body, limit)))).await
}
