//! The HTTP surface: Leptos pages and server functions, static assets, `/health`, `/metrics`,
//! and the protections every response passes through.

mod assets;
mod deadline;
mod documents;
mod limits;
mod ops;
mod origin;
mod security;

use app::{App, shell};
use axum::{Router, extract::FromRef, middleware, routing::get};
use clave_backend::Services;
use leptos::prelude::*;
use leptos_axum::{
    AxumRouteListing, LeptosRoutes as _, file_and_error_handler_with_context, generate_route_list,
};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::{
    CompressionLevel,
    compression::{CompressionLayer, DefaultPredicate, Predicate as _, predicate::SizeAbove},
    trace::TraceLayer,
};

/// Shared by every handler.
#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub leptos: LeptosOptions,
    pub metrics: PrometheusHandle,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos.clone()
    }
}

/// The app's routes, generated once per process. While leptos generates them, no resource
/// anywhere in the process loads: the flag that stops them is process-wide, and a resource that
/// starts under it waits forever (leptos issue 4773). A page rendered then never finished. Once,
/// before the first router exists, nothing can be rendering.
fn routes() -> Vec<AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<AxumRouteListing>> = std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

/// The whole application as a router, so tests can call it without a socket.
pub fn router(services: Services, leptos: LeptosOptions, metrics: PrometheusHandle) -> Router {
    let routes = routes();
    let context = {
        let services = services.clone();
        move || provide_context(services.clone())
    };
    let pkg_dir = std::path::Path::new(&*leptos.site_root).join(&*leptos.site_pkg_dir);
    let settings = services.settings.clone();
    let state = AppState { services, leptos: leptos.clone(), metrics };

    Router::new()
        .route("/health", get(ops::health))
        .route("/metrics", get(ops::metrics))
        .route("/agentes/documentos/{case}/{slot}", get(documents::document))
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let leptos = leptos.clone();
            move || shell(leptos.clone())
        })
        .nest_service("/pkg", assets::service(pkg_dir, leptos.hash_files))
        .fallback(file_and_error_handler_with_context::<AppState, _>(context, shell))
        .layer(middleware::from_fn_with_state(
            deadline::Deadline(settings.server.request_timeout),
            deadline::enforce,
        ))
        .layer(middleware::from_fn_with_state(origin::Policy::from_settings(&settings), origin::enforce))
        .layer(middleware::from_fn_with_state(limits::BodyLimits::from_settings(&settings), limits::enforce))
        .layer(compression())
        .layer(middleware::from_fn_with_state(security::Policy::from_settings(&settings), security::headers))
        .layer(middleware::from_fn(ops::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Pages and replies are compressed as they are sent: with gzip at level 4, which keeps about
/// 300 KiB of state per response being sent, where brotli keeps 600 KiB at any quality (its
/// window): 500 pages at once took the server to 156 MiB with gzip, 312 MiB with brotli
/// (docs/performance.md). The bundle in `/pkg` is brotli all the same: compressed once, at build
/// time. A reply that fits in one TCP packet is sent as it is: compressing it saves nothing.
fn compression() -> CompressionLayer<impl tower_http::compression::Predicate> {
    const ONE_PACKET: u16 = 1400;
    CompressionLayer::new()
        .no_br()
        .quality(CompressionLevel::Precise(4))
        .compress_when(DefaultPredicate::new().and(SizeAbove::new(ONE_PACKET)))
}

#[cfg(test)]
mod instances_tests;
#[cfg(test)]
mod security_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod ventanilla_tests;
