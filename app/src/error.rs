//! The error every server function returns. Expected outcomes are values of each function's own
//! result type; this enum is only for what went wrong.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A failed server call, as the browser sees it. Never carries internal details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// The thing asked for does not exist (or is not available in this configuration).
    #[error("no encontrado")]
    NotFound,
    /// Over capacity: try again after the given seconds (the response also has `Retry-After`).
    #[error("servicio ocupado")]
    Busy { retry_after_secs: u64 },
    /// Too many requests from this address or for this identification (DESIGN §5.5): try again
    /// after the given seconds (the response is 429 with `Retry-After`); nothing was changed.
    #[error("demasiados intentos")]
    TooManyRequests { retry_after_secs: u64 },
    /// The database or another dependency is down; nothing was changed.
    #[error("servicio no disponible")]
    Unavailable,
    /// Anything unexpected; details are only in the server log.
    #[error("error interno")]
    Internal,
    /// The staff console needs a live staff session (none, expired, or the account was locked):
    /// log in again at `/agentes`.
    #[error("sesión del personal terminada")]
    StaffSessionEnded,
    /// The staff member's role does not allow this.
    #[error("no permitido")]
    Forbidden,
    /// The request never reached the function or its answer could not be read.
    #[error("error de comunicación: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        // On the server these three mean a body that does not decode into the function's
        // arguments (bytes that are not UTF-8, malformed JSON, a missing field): the caller's
        // mistake, so 400 instead of the 500 server_fn gives every error.
        #[cfg(feature = "ssr")]
        if matches!(
            value,
            ServerFnErrorErr::Args(_)
                | ServerFnErrorErr::MissingArg(_)
                | ServerFnErrorErr::Deserialization(_)
        ) && let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>()
        {
            response.set_status(http::StatusCode::BAD_REQUEST);
        }
        Self::Transport(value.to_string())
    }
}
