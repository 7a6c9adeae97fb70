//! Security headers on every response (DESIGN §5.9), with a fresh CSP nonce per request that the
//! page's inline scripts carry.

use app::server::RequestNonce;
use axum::{
    extract::{Request, State},
    http::{HeaderName, HeaderValue, header},
    middleware::Next,
    response::Response,
};
use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use clave_backend::config::Settings;
use rand::RngCore as _;

#[derive(Debug, Clone)]
pub struct Policy {
    hsts: bool,
    /// Extra `connect-src` for the live-reload socket of `cargo leptos watch` (debug builds only).
    dev_connect: String,
}

impl Policy {
    pub fn from_settings(settings: &Settings) -> Self {
        let dev_connect = if cfg!(debug_assertions) {
            let host = settings.server.base_url.host_str().unwrap_or("127.0.0.1");
            format!(" ws://{host}:3001")
        } else {
            String::new()
        };
        Self { hsts: settings.served_over_tls(), dev_connect }
    }

    fn csp(&self, nonce: &str) -> String {
        format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self' data:; font-src 'self'; connect-src 'self'{}; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'",
            self.dev_connect
        )
    }
}

pub async fn headers(State(policy): State<Policy>, mut request: Request, next: Next) -> Response {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let nonce = URL_SAFE_NO_PAD.encode(bytes);
    request.extensions_mut().insert(RequestNonce(nonce.clone()));
    let is_asset = request.uri().path().starts_with("/pkg/");

    let mut response = next.run(request).await;
    let h = response.headers_mut();
    // A response with a stricter policy of its own (a staff document's sandbox) keeps it.
    if let Ok(csp) = HeaderValue::from_str(&policy.csp(&nonce))
        && !h.contains_key(header::CONTENT_SECURITY_POLICY)
    {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    h.insert(HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin"));
    if policy.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !is_asset && !h.contains_key(header::CACHE_CONTROL) {
        // Pages may carry personal data and nonces: never stored by shared or browser caches.
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}
