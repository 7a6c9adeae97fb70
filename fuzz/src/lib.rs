//! The backend code the fuzz targets exercise, compiled from the backend's own source files.
//!
//! Depending on `clave-backend` would compile its whole dependency tree (sqlx with a bundled
//! SQLite, lettre, rustls and ring, tokio, argon2, …) with libFuzzer's coverage instrumentation:
//! about 10 minutes on 2 cores before the first target runs, too slow for `make test`. The three
//! modules below are pure (no I/O, no `crate::` paths besides `registry::Affiliate`), so they are
//! compiled here from the very same files with only what they need (about 2 minutes).
//!
//! If one of those files starts using another backend module, this crate stops compiling (that is
//! what `scripts/fuzz.sh` in `make test` reports): include that module too, or switch the targets
//! to the `clave_backend` crate (docs/fuzzing.md).

/// `clave_backend::registry`, as far as the CSV import and the password policy need it.
pub mod registry {
    pub use super::Affiliate;
    pub use super::csv_import::{ImportReport, LineError, parse_csv};
}

/// The same fields as `clave_backend::registry::Affiliate` (backend/src/registry/mod.rs):
/// `csv_import.rs` builds every field, so any change there fails to compile here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affiliate {
    pub identification: clave_domain::Identification,
    pub names: String,
    pub surnames: String,
    pub birth_date: chrono::NaiveDate,
    pub email: Option<clave_domain::Email>,
    pub mobile: Option<clave_domain::Mobile>,
    pub landline: Option<clave_domain::Landline>,
    pub employer: Option<String>,
    pub first_contribution: Option<chrono::NaiveDate>,
    pub huella_registrada: bool,
    pub nationality: String,
}

/// `clave_backend::registry::csv_import` (its `use super::Affiliate` finds the struct above).
#[path = "../../backend/src/registry/csv_import.rs"]
mod csv_import;

/// `clave_backend::ventanilla::upload`: the attachment checks and `LimitedBuffer`.
#[path = "../../backend/src/ventanilla/upload.rs"]
pub mod upload;

/// `clave_backend::password_policy`: the domain rules plus the zxcvbn score.
#[path = "../../backend/src/password_policy.rs"]
pub mod password_policy;
