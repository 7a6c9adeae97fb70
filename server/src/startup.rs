//! Start-up and graceful shutdown of the web server.

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use clave_backend::{
    Services,
    clock::{Clock, SystemClock},
    config::Settings,
    mail, purge, registry, store,
};
use secrecy::ExposeSecret as _;
use tokio_util::sync::CancellationToken;

/// How long in-flight work may take to finish after a shutdown signal.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(20);

pub async fn serve(settings: Settings) -> anyhow::Result<()> {
    crate::telemetry::init_logging(&settings.server);
    tracing::info!("configuración efectiva:\n{}", settings.redacted());

    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = store::connect(settings.database.url.expose_secret(), settings.database.max_connections)
        .await
        .context("no se pudo abrir la base de datos (database.url)")?;
    if settings.server.seed_demo && registry::seed_demo_if_empty(&*store, clock.now()).await? {
        tracing::info!("registro vacío: se cargaron las personas de demostración");
    }
    let services = Services::new(settings, store, clock).await?;
    let settings = services.settings.clone();

    let shutdown = CancellationToken::new();
    let transport =
        mail::build_transport(&services.settings, services.store.clone(), services.clock.clone())?;
    let workers = [
        mail::spawn_sender(services.mailer.clone(), transport, shutdown.clone()),
        purge::spawn(
            services.store.clone(),
            services.clock.clone(),
            settings.maintenance.purge_interval,
            settings.ventanilla.retention_after_close,
            shutdown.clone(),
        ),
    ];

    let mut leptos =
        leptos::config::get_configuration(None).context("configuración de Leptos")?.leptos_options;
    leptos.site_addr = settings.server.listen;
    // The release build names the bundle's files after their content and lists the hashes in
    // `hash.txt` beside this binary; cargo-leptos says so in `LEPTOS_HASH_FILES` only when it
    // starts the server itself.
    if std::env::var_os("LEPTOS_HASH_FILES").is_none() {
        leptos.hash_files =
            std::env::current_exe().is_ok_and(|exe| exe.with_file_name(&*leptos.hash_file).is_file());
    }
    let app = crate::http::router(services, leptos, crate::telemetry::metrics());

    let listener = tokio::net::TcpListener::bind(settings.server.listen)
        .await
        .with_context(|| format!("no se pudo escuchar en {} (server.listen)", settings.server.listen))?;
    let bound = listener.local_addr().context("dirección local")?;
    tracing::info!("Clave escucha en {bound} ({})", settings.server.base_url);

    let signal = shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("cerrando: se terminan las solicitudes y envíos en curso");
        signal.cancel();
    });
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown.clone().cancelled_owned())
        .await
        .context("el servidor HTTP falló")?;

    // The sender finishes the message it is sending and marks it; nothing is left half-sent.
    let finished = tokio::time::timeout(SHUTDOWN_GRACE, async {
        for worker in workers {
            let _ = worker.await;
        }
    })
    .await;
    if finished.is_err() {
        tracing::warn!("algunas tareas no terminaron a tiempo");
    }
    tracing::info!("Clave se detuvo");
    Ok(())
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = ctrl_c.await;
                return;
            }
        };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
