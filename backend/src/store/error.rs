/// A storage failure. `Unavailable` means the database could not be reached: callers answer 503
/// and nothing was written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("la base de datos no está disponible")]
    Unavailable(#[source] sqlx::Error),
    #[error("la migración de la base de datos falló")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("backend de base de datos no soportado: {0}")]
    Unsupported(String),
    #[error("error inesperado de la base de datos")]
    Unexpected(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => Self::Unavailable(e),
            other => Self::Unexpected(other),
        }
    }
}
