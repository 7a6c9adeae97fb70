//! CSRF defence for server functions (DESIGN §5.8): only `POST`, and only from the site's own
//! origin. Session cookies are also `SameSite=Strict`; this check does not rely on that.

use axum::{
    extract::{Request, State},
    http::{Method, StatusCode, header::ORIGIN},
    middleware::Next,
    response::{IntoResponse, Response},
};
use clave_backend::config::Settings;

/// Where server functions live.
const API_PREFIX: &str = "/api/";

#[derive(Debug, Clone)]
pub struct Policy {
    origin: String,
}

impl Policy {
    pub fn from_settings(settings: &Settings) -> Self {
        Self { origin: settings.public_origin() }
    }
}

pub async fn enforce(State(policy): State<Policy>, request: Request, next: Next) -> Response {
    if !request.uri().path().starts_with(API_PREFIX) {
        return next.run(request).await;
    }
    if request.method() != Method::POST {
        return (StatusCode::METHOD_NOT_ALLOWED, [("allow", "POST")], "Método no permitido").into_response();
    }
    let origin = request.headers().get(ORIGIN).and_then(|v| v.to_str().ok());
    if origin != Some(policy.origin.as_str()) {
        tracing::warn!(
            origin = origin.unwrap_or("(none)"),
            "server function call from a foreign origin refused"
        );
        return (StatusCode::FORBIDDEN, "Origen no permitido").into_response();
    }
    next.run(request).await
}
