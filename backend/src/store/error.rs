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
            sqlx::Error::Database(ref db) if db.code().is_some_and(|code| means_unavailable(&code)) => {
                Self::Unavailable(e)
            }
            other => Self::Unexpected(other),
        }
    }
}

/// Database error codes that say "not now" rather than "wrong": SQLite busy or locked past the
/// busy timeout (5, 6, and their extended codes), and PostgreSQL's connection exceptions (class
/// 08), shutdowns (57P01–57P03) and too many connections (53300). A PostgreSQL SQLSTATE has
/// five characters; SQLite's (extended) result codes are numbers of at most four digits whose low
/// byte is the primary code.
fn means_unavailable(code: &str) -> bool {
    if code.len() == 5 {
        code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300")
    } else {
        code.parse::<u32>().is_ok_and(|sqlite| matches!(sqlite & 0xff, 5 | 6))
    }
}

#[cfg(test)]
mod tests {
    use super::means_unavailable;

    #[test]
    fn busy_locked_and_connection_errors_mean_unavailable_and_others_do_not() {
        for code in ["5", "6", "517", "262", "08006", "08001", "57P01", "57P03", "53300"] {
            assert!(means_unavailable(code), "{code}");
        }
        for code in ["19", "2067", "1", "23505", "42P01", "22P02", "40001"] {
            assert!(!means_unavailable(code), "{code}");
        }
    }
}
