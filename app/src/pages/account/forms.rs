//! "Cambiar clave" and "Actualizar datos de contacto": each opens on demand, asks for the current
//! clave, shows the server's problems at their fields and, when done, closes with a message.

use clave_domain::{FieldProblem, field::problem_of};
use leptos::{ev::SubmitEvent, html, prelude::*};

use super::{
    AccountPage, Disclosure,
    api::{self, ChangeReply},
    page,
};
use crate::{
    components::failure::FailureAlert,
    components::{
        field::{TextField, field_message},
        form::FormValues,
        password::{KeyboardPolicy, NewPasswordFields, PasswordField},
    },
    error::AppError,
    i18n::{t_string, use_i18n},
};

/// After a refused change: once the errors are drawn, the focus goes to the first field marked
/// invalid in `form` (the page has two forms; the other may still show old problems).
fn focus_first_invalid_in(form: NodeRef<html::Form>) {
    request_animation_frame(move || {
        use wasm_bindgen::JsCast as _;
        let first =
            form.get_untracked().and_then(|f| f.query_selector("[aria-invalid='true']").ok().flatten());
        if let Some(element) = first.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = element.focus();
        }
    });
}

/// The state every change form shares.
#[derive(Clone, Copy)]
struct ChangeForm {
    open: RwSignal<bool>,
    done: RwSignal<bool>,
    problems: RwSignal<Vec<FieldProblem>>,
    failure: RwSignal<Option<AppError>>,
    form: NodeRef<html::Form>,
    toggle: NodeRef<html::Button>,
    page: AccountPage,
}

impl ChangeForm {
    fn new() -> Self {
        let form = Self {
            open: RwSignal::new(false),
            done: RwSignal::new(false),
            problems: RwSignal::new(Vec::new()),
            failure: RwSignal::new(None),
            form: NodeRef::new(),
            toggle: NodeRef::new(),
            page: page(),
        };
        // Opening the form again starts a new change: the last one's message goes.
        Effect::new(move || {
            if form.open.get() {
                form.done.set(false);
            }
        });
        form
    }

    /// Applies the server's answer. No clave stays in the page longer than needed: a wrong
    /// `current` one is cleared, and every one when the change is done.
    fn apply(
        self,
        reply: Result<ChangeReply, AppError>,
        current: RwSignal<String>,
        new: &[RwSignal<String>],
    ) {
        self.failure.set(None);
        self.problems.set(Vec::new());
        match reply {
            Ok(ChangeReply::Done) => {
                for secret in new.iter().chain([&current]) {
                    secret.set(String::new());
                }
                if let Some(form) = self.form.get_untracked() {
                    form.reset();
                }
                self.open.set(false);
                self.done.set(true);
                if let Some(button) = self.toggle.get_untracked() {
                    let _ = button.focus();
                }
                self.page.reload();
            }
            Ok(ChangeReply::Invalid(found)) => {
                if problem_of(&found, "current").is_some() {
                    current.set(String::new());
                }
                self.problems.set(found);
                focus_first_invalid_in(self.form);
            }
            Ok(ChangeReply::SessionEnded) => self.page.end(),
            Err(error) => self.failure.set(Some(error)),
        }
    }

    fn problem(self, field: &'static str) -> Signal<Option<String>> {
        field_message(self.problems, field)
    }
}

/// "Cambiar clave": the current clave, the new one twice, all on the virtual keyboard. Every
/// other session ends; this browser continues with a new one.
#[component]
pub(super) fn ChangePassword(policy: KeyboardPolicy) -> impl IntoView {
    let i18n = use_i18n();
    let state = ChangeForm::new();
    let (current, password, confirmation) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let action = ServerAction::<api::ChangePassword>::new();
    Effect::new(move || {
        if let Some(reply) = action.value().get() {
            state.apply(reply, current, &[password, confirmation]);
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        action.dispatch(api::ChangePassword {
            current: current.get_untracked(),
            password: password.get_untracked(),
            confirmation: confirmation.get_untracked(),
        });
    };
    view! {
        <section class="panel acct-section" aria-labelledby="acct-password-title">
            <Disclosure
                id="acct-password"
                title=Signal::derive(move || t_string!(i18n, acct_password_title).to_owned())
                open=state.open
                button=state.toggle
            />
            {move || state.done.get().then(|| view! {
                <div class="alert alert-success" role="status">{tr!(i18n, acct_password_done)}</div>
            })}
            <div id="acct-password-body" class="disclosure-body" hidden=move || !state.open.get()>
                {move || state.failure.get().map(|error| view! { <FailureAlert error=error /> })}
                <p>{tr!(i18n, acct_password_intro)}</p>
                <form class="form" on:submit=on_submit novalidate node_ref=state.form>
                    <PasswordField
                        id="current"
                        label=Signal::derive(move || t_string!(i18n, acct_current).to_owned())
                        value=current
                        policy=policy
                        error=state.problem("current")
                        autocomplete="current-password"
                    />
                    <NewPasswordFields
                        password=password
                        confirmation=confirmation
                        policy=policy
                        problems=state.problems
                    />
                    <button type="submit" class="button" disabled=move || action.pending().get()>
                        {tr!(i18n, acct_password_submit)}
                    </button>
                </form>
            </div>
        </section>
    }
}

/// "Actualizar datos de contacto": all three contacts as they should be from now on, confirmed
/// with the current clave. The previous email is told.
#[component]
pub(super) fn ChangeContacts(policy: KeyboardPolicy) -> impl IntoView {
    let i18n = use_i18n();
    let state = ChangeForm::new();
    let current = RwSignal::new(String::new());
    let action = ServerAction::<api::ChangeContacts>::new();
    Effect::new(move || {
        if let Some(reply) = action.value().get() {
            state.apply(reply, current, &[]);
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        action.dispatch(api::ChangeContacts {
            email: form.get("email"),
            mobile: form.get("mobile"),
            landline: form.get("landline"),
            current: current.get_untracked(),
        });
    };
    view! {
        <section class="panel acct-section" aria-labelledby="acct-contacts-title">
            <Disclosure
                id="acct-contacts"
                title=Signal::derive(move || t_string!(i18n, acct_contacts_title).to_owned())
                open=state.open
                button=state.toggle
            />
            {move || state.done.get().then(|| view! {
                <div class="alert alert-success" role="status">{tr!(i18n, acct_contacts_done)}</div>
            })}
            <div id="acct-contacts-body" class="disclosure-body" hidden=move || !state.open.get()>
                {move || state.failure.get().map(|error| view! { <FailureAlert error=error /> })}
                <p>{tr!(i18n, acct_contacts_intro)}</p>
                <form class="form" on:submit=on_submit novalidate node_ref=state.form>
                    <TextField
                        name="email"
                        label=Signal::derive(move || t_string!(i18n, gen_email).to_owned())
                        hint=Signal::derive(move || Some(t_string!(i18n, acct_email_hint).to_owned()))
                        error=state.problem("email")
                        input_type="email"
                        autocomplete="email"
                        maxlength=254
                        required=true
                    />
                    <TextField
                        name="mobile"
                        label=Signal::derive(move || t_string!(i18n, gen_mobile).to_owned())
                        hint=Signal::derive(move || Some(t_string!(i18n, gen_mobile_hint).to_owned()))
                        error=state.problem("mobile")
                        input_type="tel"
                        autocomplete="tel-national"
                        inputmode="tel"
                        maxlength=15
                        required=true
                    />
                    <TextField
                        name="landline"
                        label=Signal::derive(move || t_string!(i18n, gen_landline).to_owned())
                        hint=Signal::derive(move || Some(t_string!(i18n, gen_landline_hint).to_owned()))
                        error=state.problem("landline")
                        input_type="tel"
                        autocomplete="off"
                        inputmode="tel"
                        maxlength=15
                    />
                    <PasswordField
                        id="contacts-current"
                        label=Signal::derive(move || t_string!(i18n, acct_current).to_owned())
                        value=current
                        policy=policy
                        error=state.problem("current")
                        autocomplete="current-password"
                    />
                    <button type="submit" class="button" disabled=move || action.pending().get()>
                        {tr!(i18n, acct_contacts_submit)}
                    </button>
                </form>
            </div>
        </section>
    }
}
