//! Step 1 of every public flow: the cédula or foreigner code and "No soy un robot" (DESIGN §2.1,
//! §5.6), each problem shown at its field.

use clave_domain::FieldProblem;
use leptos::{ev::SubmitEvent, prelude::*};

use crate::{
    components::{
        captcha::CaptchaField,
        field::{TextField, field_message},
        form::FormValues,
    },
    i18n::{t_string, use_i18n},
};

/// The identification form; `on_submit` gets (identification, captcha proof).
#[component]
pub fn IdentificationForm(
    problems: RwSignal<Vec<FieldProblem>>,
    /// A submission is on its way.
    #[prop(into)]
    pending: Signal<bool>,
    /// Changes after every answer of the server, so a fresh proof is solved for the next try.
    #[prop(into)]
    answers: Signal<usize>,
    #[prop(into)] submit_label: Signal<String>,
    on_submit: Callback<(String, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let submit = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        on_submit.run((form.get("identification"), form.get("captcha")));
    };
    view! {
        <form class="form" on:submit=submit novalidate>
            <TextField
                name="identification"
                label=Signal::derive(move || t_string!(i18n, gen_identification_label).to_owned())
                hint=Signal::derive(move || Some(t_string!(i18n, gen_identification_hint).to_owned()))
                error=field_message(problems, "identification")
                autocomplete="username"
                maxlength=20
                required=true
            />
            <CaptchaField problems=problems answers=answers />
            <button type="submit" class="button" disabled=move || pending.get()>
                {submit_label}
            </button>
        </form>
    }
}
