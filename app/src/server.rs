//! Server-only glue between server functions and the services: fetching them from context,
//! mapping their errors onto HTTP statuses, and the per-request CSP nonce.

use clave_backend::{Services, hashing::HashError, store::StoreError};
use http::{HeaderValue, StatusCode, header::RETRY_AFTER};
use leptos::prelude::*;
use leptos_axum::ResponseOptions;

use crate::error::AppError;

/// The CSP nonce of the current request, put in the request extensions by the security
/// middleware and named by its `Content-Security-Policy` header.
#[derive(Debug, Clone)]
pub struct RequestNonce(pub String);

/// Makes the request's nonce the one Leptos puts on its inline scripts.
pub fn provide_request_nonce() {
    let nonce = use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<RequestNonce>().cloned());
    if let Some(RequestNonce(value)) = nonce {
        provide_context(leptos::nonce::Nonce::from_value(value));
    }
}

/// The services, provided to every request by the server.
pub fn services() -> Result<Services, AppError> {
    use_context::<Services>().ok_or_else(|| {
        tracing::error!("services missing from the Leptos context");
        AppError::Internal
    })
}

/// Sets the response status (and `Retry-After`) that matches an error, and returns it.
pub fn fail(error: AppError) -> AppError {
    if let Some(response) = use_context::<ResponseOptions>() {
        let status = match &error {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Busy { retry_after_secs } => {
                if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                    response.insert_header(RETRY_AFTER, v);
                }
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Unavailable => {
                response.insert_header(RETRY_AFTER, HeaderValue::from_static("30"));
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Internal | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
        };
        response.set_status(status);
    }
    error
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Unavailable(_) => {
                tracing::warn!(error = %e, "database unavailable");
                Self::Unavailable
            }
            other => {
                tracing::error!(error = ?other, "database error");
                Self::Internal
            }
        }
    }
}

impl From<HashError> for AppError {
    fn from(e: HashError) -> Self {
        match e {
            HashError::Busy { retry_after } => Self::Busy { retry_after_secs: retry_after.as_secs().max(1) },
            HashError::Internal(reason) => {
                tracing::error!(%reason, "hashing failed");
                Self::Internal
            }
        }
    }
}
