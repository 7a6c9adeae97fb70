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
use leptos_axum::{LeptosRoutes as _, file_and_error_handler_with_context, generate_route_list};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::{compression::CompressionLayer, trace::TraceLayer};

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

/// The whole application as a router, so tests can call it without a socket.
pub fn router(services: Services, leptos: LeptosOptions, metrics: PrometheusHandle) -> Router {
    let routes = generate_route_list(App);
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
        .layer(CompressionLayer::new())
        .layer(middleware::from_fn_with_state(security::Policy::from_settings(&settings), security::headers))
        .layer(middleware::from_fn(ops::track))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

#[cfg(test)]
mod instances_tests;
#[cfg(test)]
mod security_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod ventanilla_tests;
