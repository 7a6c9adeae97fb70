//! `server`: runs Clave (default), imports the affiliate registry, or prints the configuration.

mod cli;
mod http;
mod startup;
mod telemetry;

use std::process::ExitCode;

use clap::Parser as _;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    let settings = match clave_backend::config::Settings::load() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("No se pudo iniciar Clave: {e}");
            return ExitCode::from(2);
        }
    };
    match cli.run(settings).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
