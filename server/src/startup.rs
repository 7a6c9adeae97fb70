//! Start-up and graceful shutdown of the web server.

use std::{sync::Arc, time::Duration};

use anyhow::Context as _;
use axum::serve::ListenerExt as _;
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

/// Connections the kernel holds until the server accepts them (capped by `net.core.somaxconn`).
/// The standard library's 128 overflows when hundreds of phones connect at once, and each dropped
/// attempt is retried by the phone only a second later.
const LISTEN_BACKLOG: u32 = 4096;

/// A listening socket on `address` with a backlog of [`LISTEN_BACKLOG`].
fn listen(address: std::net::SocketAddr) -> std::io::Result<tokio::net::TcpListener> {
    let socket =
        if address.is_ipv4() { tokio::net::TcpSocket::new_v4()? } else { tokio::net::TcpSocket::new_v6()? };
    socket.set_reuseaddr(true)?;
    socket.bind(address)?;
    socket.listen(LISTEN_BACKLOG)
}

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

    let listener = listen(settings.server.listen)
        .with_context(|| format!("no se pudo escuchar en {} (server.listen)", settings.server.listen))?;
    let bound = listener.local_addr().context("dirección local")?;
    // Pages are streamed in several writes: without TCP_NODELAY, Nagle's algorithm holds the last
    // one until the browser acknowledges the first, which it delays by up to 40 ms.
    let listener = listener.tap_io(|connection| {
        if let Err(e) = connection.set_nodelay(true) {
            tracing::debug!("TCP_NODELAY: {e}");
        }
    });
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hundreds_of_connections_at_once_wait_in_the_backlog_instead_of_being_dropped() {
        let listener = listen("127.0.0.1:0".parse().expect("address")).expect("listen");
        let address = listener.local_addr().expect("address");
        // Nobody accepts: every connection must be completed by the kernel's backlog alone. With
        // the standard backlog (128) the rest are dropped and retried only after a second.
        let attempts: Vec<_> = (0..400)
            .map(|_| {
                tokio::spawn(tokio::time::timeout(
                    Duration::from_millis(700),
                    tokio::net::TcpStream::connect(address),
                ))
            })
            .collect();
        let mut connected = Vec::new();
        for attempt in attempts {
            connected.push(attempt.await.expect("task").expect("connected in time").expect("connect"));
        }
        assert_eq!(connected.len(), 400);
        drop(listener);
    }
}
