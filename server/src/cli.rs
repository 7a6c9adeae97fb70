//! The command line.

use std::{path::PathBuf, process::ExitCode, sync::Arc};

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use clave_backend::{
    clock::{Clock as _, SystemClock},
    config::Settings,
    hashing::PasswordHasher,
    registry::{self, ImportError},
    staff::{NewStaffMember, Staff, StaffCreation, StaffRole, TotpEnrolment},
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
    /// Create a staff member of the console. The password is read from standard input (one
    /// line); the TOTP secret and its otpauth:// URI are printed once.
    CreateStaff {
        username: String,
        /// agente, supervisor or admin.
        #[arg(long)]
        role: String,
        /// The name shown in the console.
        #[arg(long)]
        name: String,
    },
    /// Give a staff member a new TOTP secret (printed once); also lifts their lock.
    ResetStaffTotp { username: String },
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
            Command::CreateStaff { username, role, name } => {
                create_staff(settings, username, &role, name).await
            }
            Command::ResetStaffTotp { username } => reset_staff_totp(settings, &username).await,
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

async fn staff_service(settings: Settings) -> anyhow::Result<Staff> {
    let store: Arc<dyn store::Store> =
        store::connect(settings.database.url.expose_secret(), settings.database.max_connections)
            .await
            .context("no se pudo abrir la base de datos")?;
    let hasher = PasswordHasher::new(&settings.hashing).context("hashing")?;
    Ok(Staff::new(store, Arc::new(SystemClock), Arc::new(settings), hasher))
}

fn print_enrolment(enrolment: &TotpEnrolment) {
    println!("Secreto TOTP (base32): {}", enrolment.secret);
    println!("URI para la aplicación de autenticación: {}", enrolment.uri);
    println!("Guárdelo ahora: no se vuelve a mostrar.");
}

async fn create_staff(
    settings: Settings,
    username: String,
    role: &str,
    name: String,
) -> anyhow::Result<ExitCode> {
    let Some(role) = StaffRole::parse(role) else {
        eprintln!("El rol debe ser agente, supervisor o admin.");
        return Ok(ExitCode::from(1));
    };
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("no se pudo leer la contraseña de la entrada estándar")?;
    let password = password.trim_end_matches(['\n', '\r']).to_owned();
    let staff = staff_service(settings).await?;
    match staff.create(NewStaffMember { username, display_name: name, role, password }).await? {
        StaffCreation::Created(enrolment) => {
            println!("Personal creado.");
            print_enrolment(&enrolment);
            Ok(ExitCode::SUCCESS)
        }
        StaffCreation::UsernameTaken => {
            eprintln!("Ese usuario ya existe.");
            Ok(ExitCode::from(1))
        }
        StaffCreation::Invalid(problems) => {
            for p in problems {
                eprintln!("{}: {}", p.field, p.message_es);
            }
            Ok(ExitCode::from(1))
        }
    }
}

async fn reset_staff_totp(settings: Settings, username: &str) -> anyhow::Result<ExitCode> {
    let staff = staff_service(settings).await?;
    match staff.reset_totp(username).await? {
        Some(enrolment) => {
            println!("Nuevo secreto TOTP; la cuenta quedó desbloqueada y sus sesiones cerradas.");
            print_enrolment(&enrolment);
            Ok(ExitCode::SUCCESS)
        }
        None => {
            eprintln!("No existe ese usuario.");
            Ok(ExitCode::from(1))
        }
    }
}
