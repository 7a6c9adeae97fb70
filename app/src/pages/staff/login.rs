//! `/agentes`: the staff login (user, password and the 6-digit TOTP code). One refusal for every
//! cause; after the login, the console.

use clave_domain::FieldProblem;
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use leptos_router::{NavigateOptions, hooks::use_navigate};

use super::{
    api::{StaffLogIn, StaffLoginReply},
    paths,
};
use crate::{
    components::{
        failure::FailureAlert,
        field::{TextField, field_message},
        form::{FormValues, focus_first_invalid},
    },
    error::AppError,
    i18n::{t_string, use_i18n},
};

#[component]
pub fn StaffLogin() -> impl IntoView {
    let i18n = use_i18n();
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let refused = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    let action = ServerAction::<StaffLogIn>::new();
    let navigate = use_navigate();
    Effect::new(move || {
        let Some(reply) = action.value().get() else { return };
        problems.set(Vec::new());
        refused.set(false);
        failure.set(None);
        match reply {
            Ok(StaffLoginReply::LoggedIn) => navigate(paths::CONSOLE, NavigateOptions::default()),
            Ok(StaffLoginReply::Refused) => refused.set(true),
            Ok(StaffLoginReply::Invalid(found)) => {
                problems.set(found);
                focus_first_invalid();
            }
            Err(error) => failure.set(Some(error)),
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        action.dispatch(StaffLogIn {
            username: form.get("username"),
            password: form.get("password"),
            code: form.get("code"),
        });
    };
    view! {
        <Title text=tr!(i18n, staff_login_title) />
        <h1>{tr!(i18n, staff_login_title)}</h1>
        <p class="lead">{tr!(i18n, staff_login_intro)}</p>
        <section class="panel login-panel" aria-labelledby="staff-login-form">
            <h2 id="staff-login-form">{tr!(i18n, staff_login_form)}</h2>
            {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
            {move || refused.get().then(|| view! {
                <div class="alert alert-error" role="alert">{tr!(i18n, staff_login_refused)}</div>
            })}
            <form class="form" on:submit=on_submit novalidate>
                <TextField
                    name="username"
                    label=Signal::derive(move || t_string!(i18n, staff_username).to_owned())
                    error=field_message(problems, "username")
                    autocomplete="username"
                    maxlength=32
                    required=true
                />
                <TextField
                    name="password"
                    input_type="password"
                    label=Signal::derive(move || t_string!(i18n, staff_password).to_owned())
                    error=field_message(problems, "password")
                    autocomplete="current-password"
                    maxlength=128
                    required=true
                />
                <TextField
                    name="code"
                    label=Signal::derive(move || t_string!(i18n, staff_code).to_owned())
                    hint=Signal::derive(move || Some(t_string!(i18n, staff_code_hint).to_owned()))
                    error=field_message(problems, "code")
                    autocomplete="one-time-code"
                    inputmode="numeric"
                    maxlength=6
                    required=true
                />
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {tr!(i18n, staff_login_submit)}
                </button>
            </form>
        </section>
    }
}
