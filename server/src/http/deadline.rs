//! A deadline on every answer: a request whose answer is not ready within
//! `server.request_timeout` is answered 503 with `Retry-After`, like an unavailable database, and
//! its work is dropped (a transaction it had open is rolled back by the database, and the store
//! writes every rule's rows in one transaction, so nothing is half-written).
//!
//! The case it exists for: a query already sent when the link to PostgreSQL goes silent (a
//! network partition: nothing closed, nothing answered). The pool's acquire timeout bounds the
//! requests that come after; without a deadline this one would wait for TCP to give up, many
//! minutes, holding the person on a spinner.
//!
//! The Ventanilla upload is exempt: reading its body alone may take minutes on a slow phone.

use std::time::Duration;

use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};

/// The deadline of this server's answers.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(pub Duration);

pub async fn enforce(State(Deadline(limit)): State<Deadline>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if super::limits::is_upload(path) {
        return next.run(request).await;
    }
    let function = path.starts_with("/api/");
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(timeout_ms = limit.as_millis(), "request timed out; answered 503");
            unavailable(function)
        }
    }
}

/// What an unavailable database answers: the body of `AppError::Unavailable` to a server
/// function, a page that says so to a person.
fn unavailable(function: bool) -> Response {
    let mut response = if function {
        let body = serde_json::to_string(&app::error::AppError::Unavailable).unwrap_or_default();
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    } else {
        Html(PAGE).into_response()
    };
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("30"));
    response
}

/// A page of its own: the app's page would need the data that is not coming.
const PAGE: &str = "<!DOCTYPE html>\n<html lang=\"es-EC\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Servicio no disponible · Clave IESS</title></head>\
<body><main><h1>Clave IESS</h1><p role=\"alert\">El servicio no está disponible en este momento. \
Intente de nuevo en unos minutos.</p></main></body></html>\n";

#[cfg(test)]
mod tests {
    use axum::{Router, body::Body, http::Request, middleware, routing::any};
    use http_body_util::BodyExt as _;
    use tower::ServiceExt as _;

    use super::*;

    /// A handler that never answers, behind a 50 ms deadline.
    fn hanging() -> Router {
        Router::new()
            .route("/{*path}", any(std::future::pending::<&'static str>))
            .layer(middleware::from_fn_with_state(Deadline(Duration::from_millis(50)), enforce))
    }

    async fn call(method: &str, path: &str) -> (StatusCode, Option<String>, String) {
        let request = Request::builder().method(method).uri(path).body(Body::empty()).expect("request");
        let response = hanging().oneshot(request).await.expect("infallible");
        let retry =
            response.headers().get(header::RETRY_AFTER).map(|v| v.to_str().expect("ascii").to_owned());
        let status = response.status();
        let body = response.into_body().collect().await.expect("body").to_bytes();
        (status, retry, String::from_utf8(body.to_vec()).expect("utf-8"))
    }

    #[tokio::test]
    async fn past_the_deadline_a_function_and_a_page_answer_503_with_retry_after() {
        let (status, retry, body) = call("POST", "/api/desbloquear/solicitar").await;
        assert_eq!(
            (status, retry.as_deref(), body.as_str()),
            (StatusCode::SERVICE_UNAVAILABLE, Some("30"), "\"Unavailable\"")
        );
        let (status, retry, body) = call("GET", "/clave/generar").await;
        assert_eq!((status, retry.as_deref()), (StatusCode::SERVICE_UNAVAILABLE, Some("30")));
        assert!(body.contains("lang=\"es-EC\"") && body.contains("role=\"alert\""), "{body}");
        assert!(body.contains("El servicio no está disponible en este momento."), "{body}");
    }

    #[tokio::test]
    async fn the_upload_has_no_deadline() {
        let path = <app::pages::ventanilla::api::FileCase as leptos::server_fn::ServerFn>::PATH;
        let request = Request::builder().method("POST").uri(path).body(Body::empty()).expect("request");
        let waited = tokio::time::timeout(Duration::from_millis(300), hanging().oneshot(request)).await;
        assert!(waited.is_err(), "still reading after six deadlines");
    }
}
