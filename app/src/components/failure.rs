//! A failure of the service itself (busy, down, expired, too many attempts, connection lost), said
//! in words for the person; never a field's problem.

use leptos::prelude::*;

use crate::{
    error::AppError,
    i18n::{t, t_string, use_i18n},
};

/// A failure of the service itself, in words for the person: nothing was changed.
#[component]
pub fn FailureAlert(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let text = match error {
        AppError::TooManyRequests { retry_after_secs } => {
            let minutes = retry_after_secs.div_ceil(60).max(1);
            t!(i18n, error_too_many, minutes = move || minutes).into_any()
        }
        other => (move || match &other {
            AppError::Busy { .. } => t_string!(i18n, error_busy),
            AppError::Unavailable => t_string!(i18n, error_unavailable),
            AppError::NotFound => t_string!(i18n, error_expired),
            AppError::Internal | AppError::TooManyRequests { .. } => t_string!(i18n, error_internal),
            AppError::Transport(_) => t_string!(i18n, error_transport),
            AppError::StaffSessionEnded => t_string!(i18n, error_staff_session),
            AppError::Forbidden => t_string!(i18n, error_forbidden),
        })
        .into_any(),
    };
    view! { <div class="alert alert-error" role="alert">{text}</div> }
}
