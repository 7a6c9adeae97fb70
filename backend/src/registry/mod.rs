//! The affiliate registry: the institute's identity data, imported from CSV by the operator
//! (DESIGN §4). Clave reads it; it never owns it.

mod csv_import;

use chrono::NaiveDate;
use clave_domain::{
    Identification,
    contact::{Email, Landline, Mobile},
};

pub use csv_import::{ImportReport, LineError, parse_csv};

use crate::store::{RegistryStore, Store, StoreError, UpsertOutcome};

/// The demo foreigner whose first generation the seed enables, as a CAU agent would (README).
const DEMO_ENABLED_FOREIGNER: &str = "E000000422";

/// One person of the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affiliate {
    pub identification: Identification,
    pub names: String,
    pub surnames: String,
    pub birth_date: NaiveDate,
    pub email: Option<Email>,
    pub mobile: Option<Mobile>,
    pub landline: Option<Landline>,
    pub employer: Option<String>,
    pub first_contribution: Option<NaiveDate>,
    /// Data updated in person with a fingerprint record: may use the online unlock (guide 000).
    pub huella_registrada: bool,
    pub nationality: String,
}

/// The fictitious people seeded into an empty database (listed in the README).
pub const DEMO_CSV: &str = include_str!("demo.csv");

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("el archivo tiene {} línea(s) con errores; no se importó nada", .0.len())]
    InvalidLines(Vec<LineError>),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Validates every line first; imports only when all are valid, in one transaction.
pub async fn import(
    store: &dyn RegistryStore,
    csv: &[u8],
    now: chrono::DateTime<chrono::Utc>,
    dry_run: bool,
) -> Result<ImportReport, ImportError> {
    let rows = parse_csv(csv).map_err(ImportError::InvalidLines)?;
    let outcomes = store.upsert_affiliates(&rows, now, dry_run).await?;
    let count = |o| outcomes.iter().filter(|x| **x == o).count();
    Ok(ImportReport {
        inserted: count(UpsertOutcome::Inserted),
        updated: count(UpsertOutcome::Updated),
        unchanged: count(UpsertOutcome::Unchanged),
        dry_run,
    })
}

/// Seeds the demo registry when the registry is empty; returns whether it did. The demo
/// foreigner's first generation is enabled by the system (actor `sistema`), so the online flow can
/// be tried with a foreigner code at once.
pub async fn seed_demo_if_empty(
    store: &dyn Store,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<bool, ImportError> {
    if store.count_affiliates().await? > 0 {
        return Ok(false);
    }
    import(store, DEMO_CSV.as_bytes(), now, false).await?;
    let foreigner = Identification::parse(DEMO_ENABLED_FOREIGNER).ok();
    if let Some(row) = match &foreigner {
        Some(id) => store.affiliate_row(id).await?,
        None => None,
    } {
        store.enable_foreigner(row, crate::audit::ACTOR_SYSTEM, now).await?;
    }
    Ok(true)
}

#[cfg(test)]
mod tests;
