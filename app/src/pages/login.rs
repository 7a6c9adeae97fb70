//! `/ingresar`: "Ingresar" (DESIGN §2.3). The number and the clave, typed on the virtual keyboard
//! (or the physical one, when the policy allows it). One refusal for every reason (§5.1); a login
//! opens a new session and goes to "Mi cuenta".

use clave_domain::{FieldProblem, routes};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use leptos_router::{NavigateOptions, components::A, hooks::use_navigate};
use serde::{Deserialize, Serialize};

use crate::{
    components::failure::FailureAlert,
    components::{
        field::{TextField, field_message},
        form::{FormValues, focus_first_invalid},
        password::{KeyboardPolicy, PasswordField, fetch_keyboard_policy},
    },
    error::AppError,
    i18n::{t_string, use_i18n},
};

/// What "Ingresar" did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginReply {
    /// The session cookie is set: on to "Mi cuenta".
    LoggedIn,
    /// Unknown number, wrong clave or locked clave, said the same way. `max_failures`: how many
    /// consecutive failures lock the clave.
    Refused { max_failures: u32 },
    /// A malformed number or an empty clave; nothing was tried.
    Invalid(Vec<FieldProblem>),
}

/// "Ingresar": identification and clave → a new session.
#[server(endpoint = "ingresar")]
pub async fn log_in(identification: String, password: String) -> Result<LoginReply, AppError> {
    imp::log_in(identification, password).await.map_err(crate::server::fail)
}

#[cfg(feature = "ssr")]
mod imp {
    use clave_backend::{
        accounts::{DeviceId, LoginOutcome},
        rate_limits::Subject,
    };
    use clave_domain::Identification;
    use secrecy::SecretString;

    use super::*;
    use crate::server::{client_info, cookies, even_pace_from_now, rate_limit, services};

    pub async fn log_in(identification: String, password: String) -> Result<LoginReply, AppError> {
        let services = services()?;
        let refuse_at = even_pace_from_now(&services);
        let mut problems = Vec::new();
        let id = Identification::parse(&identification)
            .map_err(|e| problems.push(FieldProblem::new("identification", e.message_es(), e.message_en())))
            .ok();
        // An empty clave is a slip, not an attempt: it must not count towards the lock.
        if password.is_empty() {
            problems.push(FieldProblem::new("password", "Escriba su clave.", "Enter your password."));
        }
        let Some(id) = id.filter(|_| problems.is_empty()) else { return Ok(LoginReply::Invalid(problems)) };
        // The place in the hashing line first: in a burst past capacity the excess is answered
        // 503 at once, before it counts against a rate limit or reads the database.
        let place = services.hasher.reserve()?;
        rate_limit(&services, Some(Subject::Identification(id.as_str()))).await?;
        let device = cookies::read(cookies::DEVICE, DeviceId::parse);
        let outcome = services
            .accounts
            .login(place, &id, SecretString::from(password), device.as_ref(), &client_info())
            .await?;
        Ok(match outcome {
            LoginOutcome::LoggedIn { session, device } => {
                let secure = services.settings.served_over_tls();
                // A browser-session cookie: the server ends the session when idle or too old.
                cookies::set(cookies::SESSION, session.expose(), None, secure);
                let trusted_for = services.settings.login.trusted_device_ttl;
                cookies::set(cookies::DEVICE, device.expose(), Some(trusted_for), secure);
                LoginReply::LoggedIn
            }
            LoginOutcome::Refused => {
                // A wrong clave writes the failure, an unknown number writes nothing: every
                // refusal waits out the same least time (DESIGN §5.1). A login need not wait.
                tokio::time::sleep_until(refuse_at).await;
                LoginReply::Refused { max_failures: services.settings.login.max_failures }
            }
        })
    }
}

/// The page.
#[component]
pub fn Login() -> impl IntoView {
    let i18n = use_i18n();
    let policy = Resource::new(|| (), |()| fetch_keyboard_policy());
    view! {
        <Title text=tr!(i18n, login_title) />
        <h1>{tr!(i18n, login_title)}</h1>
        <p class="lead">{tr!(i18n, login_intro)}</p>
        <section class="panel login-panel" aria-labelledby="login-form-title">
            <h2 id="login-form-title">{tr!(i18n, login_form_title)}</h2>
            <Suspense fallback=move || view! { <p>{tr!(i18n, loading)}</p> }>
                {move || Suspend::new(async move {
                    match policy.await {
                        Ok(policy) => view! { <LoginForm policy=policy /> }.into_any(),
                        Err(error) => view! { <FailureAlert error=error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <aside class="panel panel-notice login-aside">
            <h2>{tr!(i18n, login_no_clave_title)}</h2>
            <p>{tr!(i18n, login_no_clave_body)}</p>
            <A href=routes::GENERATE>{tr!(i18n, login_no_clave_link)}</A>
        </aside>
    }
}

#[component]
fn LoginForm(policy: KeyboardPolicy) -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let refused = RwSignal::new(None::<u32>);
    let failure = RwSignal::new(None::<AppError>);
    let action = ServerAction::<LogIn>::new();
    let navigate = use_navigate();
    Effect::new(move || {
        let Some(reply) = action.value().get() else { return };
        problems.set(Vec::new());
        refused.set(None);
        failure.set(None);
        match reply {
            Ok(LoginReply::LoggedIn) => navigate(routes::ACCOUNT, NavigateOptions::default()),
            Ok(LoginReply::Refused { max_failures }) => {
                password.set(String::new());
                refused.set(Some(max_failures));
            }
            Ok(LoginReply::Invalid(found)) => {
                problems.set(found);
                focus_first_invalid();
            }
            Err(error) => failure.set(Some(error)),
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        action.dispatch(LogIn {
            identification: form.get("identification"),
            password: password.get_untracked(),
        });
    };
    view! {
        {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
        {move || refused.get().map(|max| view! { <Refused max_failures=max /> })}
        <form class="form" on:submit=on_submit novalidate>
            <TextField
                name="identification"
                label=Signal::derive(move || t_string!(i18n, gen_identification_label).to_owned())
                hint=Signal::derive(move || Some(t_string!(i18n, login_identification_hint).to_owned()))
                error=field_message(problems, "identification")
                autocomplete="username"
                maxlength=20
                required=true
            />
            <PasswordField
                id="password"
                label=Signal::derive(move || t_string!(i18n, login_password).to_owned())
                value=password
                policy=policy
                error=field_message(problems, "password")
                autocomplete="current-password"
            />
            <button type="submit" class="button" disabled=move || action.pending().get()>
                {tr!(i18n, login_submit)}
            </button>
        </form>
    }
}

/// The one refusal: the page cannot tell (and must not say) which part was wrong.
#[component]
fn Refused(max_failures: u32) -> impl IntoView {
    let i18n = use_i18n();
    let lock_rule = move || t_string!(i18n, login_refused_lock).replace("{max}", &max_failures.to_string());
    view! {
        <div class="alert alert-error" role="alert">
            <p>{tr!(i18n, login_refused)}</p>
            <p>{lock_rule}</p>
            <ul class="alert-links">
                <li><A href=routes::UNLOCK>{tr!(i18n, login_unlock_link)}</A></li>
                <li><A href=routes::RECOVER>{tr!(i18n, login_recover_link)}</A></li>
            </ul>
        </div>
    }
}
