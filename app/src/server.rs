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

/// The wizard cookies (DESIGN §5.7): HttpOnly, SameSite=Strict, Secure when the site is served
/// over TLS, path `/` (server functions live under `/api`). They hold only a random flow id.
pub mod flow_cookie {
    use clave_backend::flows::FlowId;
    use cookie::{Cookie, SameSite};
    use http::{HeaderValue, header::SET_COOKIE};
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;

    /// The flow id in the request's cookie `name`, when it has the exact shape of one.
    pub fn read(name: &str) -> Option<FlowId> {
        let parts = use_context::<http::request::Parts>()?;
        parts
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|cookie| cookie.name() == name)
            .and_then(|cookie| FlowId::parse(cookie.value()))
    }

    /// Sets cookie `name` to `flow` for the browser session.
    pub fn set(name: &'static str, flow: &FlowId, secure: bool) {
        append(base(name, flow.expose().to_owned(), secure));
    }

    /// Removes cookie `name`.
    pub fn clear(name: &'static str, secure: bool) {
        let mut cookie = base(name, String::new(), secure);
        cookie.make_removal();
        append(cookie);
    }

    fn base(name: &'static str, value: String, secure: bool) -> Cookie<'static> {
        Cookie::build((name, value))
            .path("/")
            .http_only(true)
            .secure(secure)
            .same_site(SameSite::Strict)
            .build()
    }

    fn append(cookie: Cookie<'static>) {
        if let (Some(response), Ok(value)) =
            (use_context::<ResponseOptions>(), HeaderValue::from_str(&cookie.to_string()))
        {
            response.append_header(SET_COOKIE, value);
        }
    }
}
