//! A password typed on the virtual keyboard (DESIGN §6), with the keyboard policy the server
//! sets.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    components::{field::FieldError, keyboard::VirtualKeyboard},
    error::AppError,
};

/// How the virtual keyboard may be used (settings `keyboard.input` and `keyboard.shuffle`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyboardPolicy {
    pub allow_physical: bool,
    pub shuffle: bool,
}

#[cfg(feature = "ssr")]
impl KeyboardPolicy {
    pub fn from_settings(settings: &clave_backend::config::Settings) -> Self {
        Self {
            allow_physical: settings.keyboard.input
                == clave_backend::config::KeyboardInput::VirtualAndPhysical,
            shuffle: settings.keyboard.shuffle,
        }
    }
}

/// The keyboard policy, for a page that types a password without an emailed link.
#[server(endpoint = "teclado")]
pub async fn fetch_keyboard_policy() -> Result<KeyboardPolicy, AppError> {
    Ok(KeyboardPolicy::from_settings(&crate::server::services().map_err(crate::server::fail)?.settings))
}

/// A password typed on the virtual keyboard, with its hint and its error.
#[component]
pub fn PasswordField(
    id: &'static str,
    label: Signal<String>,
    value: RwSignal<String>,
    policy: KeyboardPolicy,
    #[prop(optional)] hint_id: Option<&'static str>,
    error: Signal<Option<String>>,
    /// `new-password` (default) or `current-password`.
    #[prop(default = "new-password")]
    autocomplete: &'static str,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let described_by = {
        let error_id = error_id.clone();
        Signal::derive(move || {
            let ids: Vec<&str> = hint_id.into_iter().chain(error.get().map(|_| error_id.as_str())).collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        })
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <VirtualKeyboard
                id=id
                label=label
                value=value
                allow_physical=policy.allow_physical
                shuffle=policy.shuffle
                described_by=described_by
                invalid=Signal::derive(move || error.get().is_some())
                autocomplete=autocomplete
            />
            <FieldError id=error_id error=error />
        </div>
    }
}
