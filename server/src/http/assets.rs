//! The bundle under `/pkg`: the wasm, the JS and the CSS. The release build writes a
//! brotli and a gzip copy of each file beside it (`cargo leptos build --precompress`), so nothing
//! is compressed per request, and names each file after a hash of its content
//! (`hash-files = true`), so a browser may keep it for a year: a changed file is a new name.

use std::path::Path;

use axum::http::{HeaderValue, Response, header};
use tower::Layer as _;
use tower_http::{
    services::ServeDir,
    set_header::{MakeHeaderValue, SetResponseHeader, SetResponseHeaderLayer},
};

/// For names that carry a content hash.
const FOREVER: &str = "public, max-age=31536000, immutable";
/// Without hashed names (a development build) the browser asks again each time (a 304 mostly).
const REVALIDATE: &str = "no-cache";

/// The `Cache-Control` of a file that was found; errors are not cached.
#[derive(Clone)]
pub struct CachePolicy(HeaderValue);

impl<B> MakeHeaderValue<Response<B>> for CachePolicy {
    fn make_header_value(&mut self, response: &Response<B>) -> Option<HeaderValue> {
        response.status().is_success().then(|| self.0.clone())
    }
}

/// Serves `dir`, preferring the precompressed copies the browser accepts.
pub fn service(dir: impl AsRef<Path>, hashed_names: bool) -> SetResponseHeader<ServeDir, CachePolicy> {
    let policy = CachePolicy(HeaderValue::from_static(if hashed_names { FOREVER } else { REVALIDATE }));
    SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, policy)
        .layer(ServeDir::new(dir).precompressed_br().precompressed_gzip())
}

#[cfg(test)]
mod tests {
    use axum::{body::Body, http::Request};
    use tower::ServiceExt as _;

    use super::*;

    fn bundle() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("clave.abc123.js"), "export const x = 1;").expect("js");
        std::fs::write(dir.path().join("clave.abc123.js.br"), b"brotli bytes").expect("br");
        std::fs::write(dir.path().join("clave.abc123.js.gz"), b"gzip bytes").expect("gz");
        dir
    }

    async fn get(dir: &Path, hashed: bool, path: &str, accept: &str) -> Response<Body> {
        let request =
            Request::get(path).header(header::ACCEPT_ENCODING, accept).body(Body::empty()).expect("request");
        let response = service(dir, hashed).oneshot(request).await.expect("infallible");
        response.map(Body::new)
    }

    fn header_of(response: &Response<Body>, name: header::HeaderName) -> Option<&str> {
        response.headers().get(name).and_then(|v| v.to_str().ok())
    }

    #[tokio::test]
    async fn hashed_files_are_served_precompressed_and_kept_for_a_year() {
        let dir = bundle();
        let br = get(dir.path(), true, "/clave.abc123.js", "gzip, deflate, br").await;
        assert_eq!(br.status(), 200);
        assert_eq!(header_of(&br, header::CONTENT_ENCODING), Some("br"));
        assert_eq!(header_of(&br, header::CACHE_CONTROL), Some(FOREVER));
        assert_eq!(header_of(&br, header::CONTENT_TYPE), Some("text/javascript"));
        let gzip = get(dir.path(), true, "/clave.abc123.js", "gzip").await;
        assert_eq!(header_of(&gzip, header::CONTENT_ENCODING), Some("gzip"));
        let plain = get(dir.path(), true, "/clave.abc123.js", "identity").await;
        assert_eq!(header_of(&plain, header::CONTENT_ENCODING), None);
    }

    #[tokio::test]
    async fn unhashed_names_are_revalidated_and_a_missing_file_is_not_cached() {
        let dir = bundle();
        let plain = get(dir.path(), false, "/clave.abc123.js", "br").await;
        assert_eq!(header_of(&plain, header::CACHE_CONTROL), Some(REVALIDATE));
        let missing = get(dir.path(), true, "/clave.000000.js", "br").await;
        assert_eq!(missing.status(), 404);
        assert_eq!(header_of(&missing, header::CACHE_CONTROL), None);
    }
}
