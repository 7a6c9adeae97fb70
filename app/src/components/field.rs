//! A labelled text field with its hint and its error, linked with `aria-describedby`, so the
//! message of a refused value is shown and announced at the field where it happened.

use clave_domain::{FieldProblem, field::problem_of};
use leptos::prelude::*;

use crate::i18n::{Locale, use_i18n};

/// The message of the first of `problems` at `field`, in the page's language.
pub fn field_message(
    problems: RwSignal<Vec<FieldProblem>>,
    field: impl Into<String>,
) -> Signal<Option<String>> {
    let i18n = use_i18n();
    let field = field.into();
    Signal::derive(move || {
        let english = i18n.get_locale() == Locale::en;
        problems.with(|all| problem_of(all, &field).map(|p| p.message(english).to_owned()))
    })
}

/// A text input with a visible label, an optional hint and the current error.
#[component]
pub fn TextField(
    /// The input's `id` and `name`.
    #[prop(into)]
    name: String,
    #[prop(into)] label: Signal<String>,
    /// The error to show, if any.
    #[prop(into)]
    error: Signal<Option<String>>,
    #[prop(optional, into)] hint: MaybeProp<String>,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional)] required: bool,
    /// The initial value.
    #[prop(optional, into)]
    value: String,
) -> impl IntoView {
    let hint_id = format!("{name}-ayuda");
    let error_id = format!("{name}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || {
            let mut ids = Vec::new();
            if hint.get().is_some() {
                ids.push(hint_id.clone());
            }
            if error.get().is_some() {
                ids.push(error_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=name.clone()>{label}</label>
            {move || hint.get().map(|text| view! { <p class="field-hint" id=hint_id.clone()>{text}</p> })}
            <input
                id=name.clone()
                name=name
                type=input_type
                autocomplete=autocomplete
                inputmode=inputmode
                maxlength=maxlength
                required=required
                value=value
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
            />
            <FieldError id=error_id error=error />
        </div>
    }
}

/// The error line of a field (or group); empty when there is none.
#[component]
pub fn FieldError(#[prop(into)] id: String, #[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        {move || {
            error.get().map(|message| view! { <p class="field-error" id=id.clone()>{message}</p> })
        }}
    }
}
