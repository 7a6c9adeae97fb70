//! A password typed on the virtual keyboard (DESIGN §6), with the keyboard policy the server
//! sets.

use clave_domain::{FieldProblem, PasswordContext, check_password};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{
    components::{
        field::{FieldError, field_message},
        keyboard::VirtualKeyboard,
    },
    error::AppError,
    i18n::{Locale, t_string, use_i18n},
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

/// The message of the first rule the browser can check that `password` breaks: instant
/// feedback. The server checks every rule again, with the person's data and the strength score.
pub fn instant_problem(password: RwSignal<String>) -> Signal<Option<String>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        let english = i18n.get_locale() == Locale::en;
        password.with(|value| {
            let found = if value.is_empty() {
                Vec::new()
            } else {
                check_password(value, &PasswordContext::default())
            };
            found.first().map(|p| if english { p.message_en() } else { p.message_es() }.to_owned())
        })
    })
}

/// A new clave typed twice on the virtual keyboard (fields `password` and `confirmation`), with
/// the rules as a hint, the instant check, and the server's `problems` at their fields.
#[component]
pub fn NewPasswordFields(
    password: RwSignal<String>,
    confirmation: RwSignal<String>,
    policy: KeyboardPolicy,
    problems: RwSignal<Vec<FieldProblem>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let instant = instant_problem(password);
    let password_error = field_message(problems, "password");
    view! {
        <p class="field-hint" id="password-rules">{tr!(i18n, act_password_rules)}</p>
        <PasswordField
            id="password"
            label=Signal::derive(move || t_string!(i18n, act_password).to_owned())
            value=password
            policy=policy
            hint_id="password-rules"
            error=Signal::derive(move || password_error.get().or_else(|| instant.get()))
        />
        <PasswordField
            id="confirmation"
            label=Signal::derive(move || t_string!(i18n, act_confirmation).to_owned())
            value=confirmation
            policy=policy
            error=field_message(problems, "confirmation")
        />
    }
}

/// The terms and conditions of the clave and the box that accepts them (field `terms`).
#[component]
pub fn TermsAcceptance(accepted: RwSignal<bool>, problems: RwSignal<Vec<FieldProblem>>) -> impl IntoView {
    let i18n = use_i18n();
    let error = field_message(problems, "terms");
    view! {
        <div class="terms" role="region" aria-labelledby="terms-title" tabindex="0">
            <h3 id="terms-title">{tr!(i18n, act_terms_title)}</h3>
            <p>{tr!(i18n, act_terms_1)}</p>
            <p>{tr!(i18n, act_terms_2)}</p>
            <p>{tr!(i18n, act_terms_3)}</p>
        </div>
        <div class="field field-check" class:field-invalid=move || error.get().is_some()>
            <input
                type="checkbox"
                id="terms"
                prop:checked=move || accepted.get()
                on:change=move |ev| accepted.set(event_target_checked(&ev))
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || error.get().map(|_| "terms-error")
            />
            <label for="terms">{tr!(i18n, act_accept_terms)}</label>
            <FieldError id="terms-error" error=error />
        </div>
    }
}
