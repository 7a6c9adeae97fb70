//! Server-only glue between server functions and the services: fetching them from context,
//! mapping their errors onto HTTP statuses, and the per-request CSP nonce.

use clave_backend::{
    Services,
    hashing::HashError,
    rate_limits::{Limited, Subject},
    service_error::ServiceError,
    store::StoreError,
};
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
                response.insert_header(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::TooManyRequests { retry_after_secs } => {
                response.insert_header(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
                StatusCode::TOO_MANY_REQUESTS
            }
            AppError::Unavailable => {
                response.insert_header(RETRY_AFTER, HeaderValue::from_static("30"));
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Internal | AppError::Transport(_) => StatusCode::INTERNAL_SERVER_ERROR,
            AppError::StaffSessionEnded => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
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

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::FlowNotFound => Self::NotFound,
            ServiceError::Store(e) => e.into(),
            ServiceError::Hashing(e) => e.into(),
            ServiceError::Unexpected(e) => {
                // The error's text may quote the state (a cédula, an email): only its kind and
                // position are logged.
                tracing::error!(kind = ?e.classify(), line = e.line(), column = e.column(), "unreadable flow state");
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

/// Counts a request to a step that takes an identification against the limits per client IP and
/// per number (DESIGN §5.5); past either, [`AppError::TooManyRequests`] before any other work.
pub async fn rate_limit(services: &Services, subject: Option<Subject<'_>>) -> Result<(), AppError> {
    let client = client_info();
    match services.rate_limits.check(client.ip.as_deref(), subject).await? {
        Ok(()) => Ok(()),
        Err(Limited { retry_after }) => {
            Err(AppError::TooManyRequests { retry_after_secs: retry_after.as_secs() })
        }
    }
}

/// Runs an identification step and answers no sooner than `security.identification_min_time`
/// after it began (DESIGN §5.1): the step reads and writes more for a number with a clave, and
/// that must not show in how long it takes. Only the wait is added; a slower step is not cut.
pub async fn at_even_pace<T>(services: &Services, step: impl std::future::Future<Output = T>) -> T {
    let answer_at = even_pace_from_now(services);
    let answer = step.await;
    tokio::time::sleep_until(answer_at).await;
    answer
}

/// The least instant at which an identification step beginning now may answer.
pub fn even_pace_from_now(services: &Services) -> tokio::time::Instant {
    tokio::time::Instant::now() + services.settings.security.identification_min_time
}

/// Step 1 of every public flow: the identification and the "No soy un robot" proof, each problem
/// at its field. The proof is checked (and spent) even when the number is wrong.
pub async fn identify(
    services: &Services,
    identification: &str,
    captcha: &str,
) -> Result<Result<clave_domain::Identification, Vec<clave_domain::FieldProblem>>, AppError> {
    use clave_backend::captcha::CaptchaError;
    use clave_domain::{FieldProblem, Identification};
    let mut problems = Vec::new();
    let id = Identification::parse(identification)
        .map_err(|e| problems.push(FieldProblem::new("identification", e.message_es(), e.message_en())))
        .ok();
    rate_limit(services, id.as_ref().map(|id| Subject::Identification(id.as_str()))).await?;
    if captcha.is_empty() {
        problems.push(FieldProblem::new(
            "captcha",
            "Marque la casilla «No soy un robot» y espere a que se confirme.",
            "Tick the \u{201c}I'm not a robot\u{201d} box and wait until it is confirmed.",
        ));
    } else {
        match services.captcha.verify(&*services.store, captcha, services.clock.now()).await {
            Ok(()) => {}
            Err(CaptchaError::Store(e)) => return Err(e.into()),
            Err(e) => problems.push(FieldProblem::new("captcha", e.message_es(), e.message_en())),
        }
    }
    Ok(id.filter(|_| problems.is_empty()).ok_or(problems))
}

/// Step 1 of the generation and of the recovery, at the even pace of every identification step:
/// [`identify`], then `start` opens the flow for the number, and the flow is kept in `cookie`.
/// Bad input comes back as the problems at their fields, and nothing is started.
pub async fn open_flow<View>(
    identification: &str,
    captcha: &str,
    cookie: &'static str,
    start: impl AsyncFnOnce(
        &Services,
        &clave_domain::Identification,
    ) -> Result<
        (clave_backend::flows::FlowId, View),
        clave_backend::generation::ServiceError,
    >,
) -> Result<Result<View, Vec<clave_domain::FieldProblem>>, AppError> {
    let services = services()?;
    at_even_pace(&services, async {
        let id = match identify(&services, identification, captcha).await? {
            Ok(id) => id,
            Err(problems) => return Ok(Err(problems)),
        };
        let (flow, view) = start(&services, &id).await?;
        cookies::set(cookie, flow.expose(), None, services.settings.served_over_tls());
        Ok(Ok(view))
    })
    .await
}

/// The staff member of this request, checked on the server (DESIGN §3): every staff server
/// function calls this first. No live staff session → [`AppError::StaffSessionEnded`]; a role
/// without the permission → [`AppError::Forbidden`]. An affiliate's session never counts.
pub async fn staff_actor(
    need: clave_backend::staff::StaffNeed,
) -> Result<clave_backend::staff::StaffActor, AppError> {
    use clave_backend::staff::StaffSessionId;
    let services = services()?;
    let Some(id) = cookies::read(cookies::STAFF, StaffSessionId::parse) else {
        return Err(AppError::StaffSessionEnded);
    };
    let actor = services.staff.session(&id).await?.ok_or(AppError::StaffSessionEnded)?;
    if !need.allows(actor.role) {
        tracing::warn!(role = actor.role.as_str(), "staff function refused for the role");
        return Err(AppError::Forbidden);
    }
    Ok(actor)
}

/// The staff member behind the request's staff cookie, for an axum handler outside Leptos (e.g.
/// a document download); `None` without a live staff session.
pub async fn staff_from_headers(
    services: &Services,
    headers: &http::HeaderMap,
) -> Option<clave_backend::staff::StaffActor> {
    use clave_backend::staff::StaffSessionId;
    let id = cookies::read_from(headers, cookies::STAFF, StaffSessionId::parse)?;
    match services.staff.session(&id).await {
        Ok(actor) => actor,
        Err(e) => {
            tracing::warn!(error = %e, "staff session check failed");
            None
        }
    }
}

/// Where the request came from, for the audit trail, the rate limits and the security emails: the
/// client's address (read from `X-Forwarded-For` only behind a trusted proxy) and the browser's
/// user agent.
pub fn client_info() -> clave_backend::audit::ClientInfo {
    let Some(parts) = use_context::<http::request::Parts>() else { return Default::default() };
    let trusted =
        use_context::<Services>().map(|s| s.settings.server.trusted_proxies.clone()).unwrap_or_default();
    let forwarded_for = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
    let ip = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(
        |axum::extract::ConnectInfo(addr)| {
            clave_backend::audit::client_ip(addr.ip(), forwarded_for, &trusted).to_string()
        },
    );
    let user_agent = parts.headers.get(http::header::USER_AGENT).and_then(|v| v.to_str().ok());
    clave_backend::audit::ClientInfo::new(ip, user_agent)
}

/// The cookies of Clave (DESIGN §5.7): HttpOnly, SameSite=Strict, Secure when the site is served
/// over TLS, path `/` (server functions live under `/api`). Each holds only a random id whose
/// hash the database keeps: a wizard's flow, a session, or the browser's trusted-device id.
pub mod cookies {
    use std::time::Duration;

    use cookie::{Cookie, SameSite};
    use http::{HeaderValue, header::SET_COOKIE};
    use leptos::prelude::*;
    use leptos_axum::ResponseOptions;

    /// The wizard of "Generar clave".
    pub const GENERATION: &str = "clave_generar";
    /// The wizard of "Recuperar clave".
    pub const RECOVERY: &str = "clave_recuperar";
    /// The logged-in session.
    pub const SESSION: &str = "clave_sesion";
    /// The browser's id, kept across sessions: where a person logged in before is trusted.
    pub const DEVICE: &str = "clave_dispositivo";
    /// A staff member's session in the console (separate from any affiliate session).
    pub const STAFF: &str = "clave_agente";

    /// The value of the request's cookie `name`, parsed by `parse` (which accepts only the exact
    /// shape of an id).
    pub fn read<T>(name: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
        read_from(&use_context::<http::request::Parts>()?.headers, name, parse)
    }

    /// [`read`] from a request's `headers`, for a handler outside Leptos.
    pub fn read_from<T>(
        headers: &http::HeaderMap,
        name: &str,
        parse: impl Fn(&str) -> Option<T>,
    ) -> Option<T> {
        headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(Cookie::split_parse)
            .filter_map(Result::ok)
            .find(|cookie| cookie.name() == name)
            .and_then(|cookie| parse(cookie.value()))
    }

    /// Sets cookie `name` to `value`, for the browser session or, with `max_age`, that long.
    pub fn set(name: &'static str, value: &str, max_age: Option<Duration>, secure: bool) {
        let mut cookie = base(name, value.to_owned(), secure);
        if let Some(age) = max_age.and_then(|a| cookie::time::Duration::try_from(a).ok()) {
            cookie.set_max_age(age);
        }
        append(cookie);
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
