//! The command line.

use std::{path::PathBuf, process::ExitCode, sync::Arc};

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use clave_backend::{
    clock::{Clock as _, SystemClock},
    config::Settings,
    registry::{self, ImportError},
    store,
};
use secrecy::ExposeSecret as _;

/// Clave: generate, recover and unlock the member password (clave) of the social-security
/// institute. Settings come from `clave.toml` (or the file in `CLAVE_CONFIG`) and `CLAVE_*`
/// environment variables.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the web application (the default).
    Serve,
    /// Import or update the affiliate registry from a CSV file (see the README for the columns).
    /// All lines are checked first; a file with any bad line imports nothing.
    ImportAffiliates {
        file: PathBuf,
        /// Check the file and report what would change, without saving anything.
        #[arg(long)]
        dry_run: bool,
    },
    /// Print the effective configuration with secrets redacted.
    PrintConfig,
}

impl Cli {
    pub async fn run(self, settings: Settings) -> anyhow::Result<ExitCode> {
        match self.command.unwrap_or(Command::Serve) {
            Command::Serve => crate::startup::serve(settings).await.map(|()| ExitCode::SUCCESS),
            Command::PrintConfig => {
                println!("{}", settings.redacted());
                Ok(ExitCode::SUCCESS)
            }
            Command::ImportAffiliates { file, dry_run } => import(&settings, &file, dry_run).await,
        }
    }
}

async fn import(settings: &Settings, file: &PathBuf, dry_run: bool) -> anyhow::Result<ExitCode> {
    let csv = std::fs::read(file).with_context(|| format!("no se pudo leer {}", file.display()))?;
    let store: Arc<dyn store::Store> =
        store::connect(settings.database.url.expose_secret(), settings.database.max_connections)
            .await
            .context("no se pudo abrir la base de datos")?;
    match registry::import(&*store, &csv, SystemClock.now(), dry_run).await {
        Ok(report) => {
            println!("{report}");
            Ok(ExitCode::SUCCESS)
        }
        Err(ImportError::InvalidLines(errors)) => {
            for e in &errors {
                eprintln!("{e}");
            }
            eprintln!("{} línea(s) con errores; no se importó nada.", errors.len());
            Ok(ExitCode::from(1))
        }
        Err(ImportError::Store(e)) => Err(e).context("la base de datos rechazó la importación"),
    }
}
