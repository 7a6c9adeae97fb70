use crate::{flows::FlowError, hashing::HashError, store::StoreError};

/// Why a step of a service could not run. Limits, wrong answers and refusals are not errors: they
/// are the services' outcome values.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message_es())]
pub enum ServiceError {
    /// No flow with this id at this step: never created, expired, already answered, of another
    /// wizard. One variant for all, so the answer reveals nothing; nothing was changed.
    FlowNotFound,
    /// The database failed; nothing the limits depend on was half-written.
    Store(#[from] StoreError),
    /// Hashing is over capacity (503 + `Retry-After`) or failed; nothing was changed.
    Hashing(#[from] HashError),
    /// A stored flow state no longer reads (e.g. a deploy changed its shape).
    Unexpected(#[source] serde_json::Error),
}

impl From<FlowError> for ServiceError {
    fn from(e: FlowError) -> Self {
        match e {
            FlowError::Store(e) => Self::Store(e),
            FlowError::State(e) => Self::Unexpected(e),
        }
    }
}

impl ServiceError {
    /// A short explanation in Spanish, written for the person in the wizard.
    pub fn message_es(&self) -> &'static str {
        match self {
            Self::FlowNotFound => "El trámite caducó o ya no es válido. Empiece de nuevo.",
            Self::Store(_) | Self::Hashing(_) | Self::Unexpected(_) => {
                "El servicio no está disponible en este momento. Intente de nuevo en unos minutos."
            }
        }
    }

    /// A short explanation in English, written for the person in the wizard.
    pub fn message_en(&self) -> &'static str {
        match self {
            Self::FlowNotFound => "This process expired or is no longer valid. Please start again.",
            Self::Store(_) | Self::Hashing(_) | Self::Unexpected(_) => {
                "The service is not available right now. Please try again in a few minutes."
            }
        }
    }
}
