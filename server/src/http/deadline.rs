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
//! A page is streamed: its head goes out first and the rest follows as its data arrives. The same
//! limit bounds each wait between two pieces of the body, so a page whose query went silent
//! after the head was sent ends (the connection is closed, the browser shows an incomplete page)
//! instead of holding the connection open for good.
//!
//! The Ventanilla upload is exempt: reading its body alone may take minutes on a slow phone.

use std::time::Duration;

use axum::{
    body::{Body, HttpBody as _},
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{Html, IntoResponse, Response},
};
use tower_http::timeout::TimeoutBody;

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
        // Only a body of unknown size (a streamed page) can wait on a query; a reply or a file
        // keeps its body, and with it its Content-Length and the compression layer's choice.
        Ok(response) => response.map(|body| match body.size_hint().exact() {
            Some(_) => body,
            None => Body::new(TimeoutBody::new(limit, body)),
        }),
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
    use axum::{Router, http::Request, middleware, routing::any};
    use futures_util::StreamExt as _;
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
    async fn a_streamed_body_that_stops_half_way_ends_at_the_deadline() {
        // The head and a first piece at once, then nothing: a page whose query went silent.
        let stalled = || async {
            let first = futures_util::stream::once(async {
                Ok::<_, std::convert::Infallible>(axum::body::Bytes::from_static(b"<html><body>"))
            });
            Body::from_stream(first.chain(futures_util::stream::pending()))
        };
        let router = Router::new()
            .route("/{*path}", any(stalled))
            .layer(middleware::from_fn_with_state(Deadline(Duration::from_millis(50)), enforce));
        let request = Request::builder().uri("/clave/generar").body(Body::empty()).expect("request");
        let response = router.oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK, "the head went out in time");
        let read = tokio::time::timeout(Duration::from_secs(5), response.into_body().collect()).await;
        assert!(
            read.expect("the body ended, 50 ms after its last piece").is_err(),
            "in an error, not complete"
        );
    }

    #[tokio::test]
    async fn a_body_already_in_hand_keeps_its_length() {
        let router = Router::new()
            .route("/{*path}", any(|| async { "true" }))
            .layer(middleware::from_fn_with_state(Deadline(Duration::from_millis(50)), enforce));
        let request = Request::builder().uri("/api/ayuda/videollamada").body(Body::empty()).expect("request");
        let response = router.oneshot(request).await.expect("infallible");
        assert_eq!(response.body().size_hint().exact(), Some(4), "known, so sent with a Content-Length");
    }

    #[tokio::test]
    async fn the_upload_has_no_deadline() {
        let path = <app::pages::ventanilla::api::FileCase as leptos::server_fn::ServerFn>::PATH;
        let request = Request::builder().method("POST").uri(path).body(Body::empty()).expect("request");
        let waited = tokio::time::timeout(Duration::from_millis(300), hanging().oneshot(request)).await;
        assert!(waited.is_err(), "still reading after six deadlines");
    }
}
