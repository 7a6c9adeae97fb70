//! `/clave/restablecer#<token>`: the last step of "Recuperar clave" (DESIGN §2.2), opened from the
//! emailed link. The token is in the fragment, which the browser never sends to a server; the
//! page reads it after hydration. Opening the page changes nothing: only "Cambiar clave" spends
//! the link, sets the new clave and ends every session of the person.

use clave_domain::{FieldProblem, routes};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use crate::{
    components::{
        failure::FailureAlert,
        fragment::{CheckingLink, check_fragment_token},
        password::{KeyboardPolicy, NewPasswordFields, TermsAcceptance},
        wizard::{LinkValidity, StepHeading, Stepper},
    },
    error::AppError,
    i18n::{t_string, use_i18n},
    pages::{activate::LinkState, recover::step_titles},
};

/// What "Cambiar clave" did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetReply {
    Done,
    Invalid(Vec<FieldProblem>),
    NotValid,
    /// The clave was locked, or "No fui yo" was used from the replaced address, during the flow.
    LockedMeanwhile,
}

/// Whether the link still works, and the keyboard policy. Changes nothing.
#[server(endpoint = "restablecer/estado")]
pub async fn reset_link(token: String) -> Result<LinkState, AppError> {
    imp::link_state(token).await.map_err(crate::server::fail)
}

/// "Cambiar clave": terms, password and its confirmation.
#[server(endpoint = "restablecer/cambiar")]
pub async fn reset_password(
    token: String,
    accepted_terms: bool,
    password: String,
    confirmation: String,
) -> Result<ResetReply, AppError> {
    imp::reset(token, accepted_terms, password, confirmation).await.map_err(crate::server::fail)
}

#[cfg(feature = "ssr")]
mod imp {
    use clave_backend::{
        recovery::{ResetForm, ResetOutcome},
        tokens::PlainToken,
    };

    use super::*;
    use crate::server::{client_info, services};

    pub async fn link_state(token: String) -> Result<LinkState, AppError> {
        let services = services()?;
        let Some(token) = PlainToken::parse(&token) else { return Ok(LinkState::NotValid) };
        let now = services.clock.now();
        Ok(match services.recovery.reset_view(&token).await? {
            None => LinkState::NotValid,
            Some(view) => LinkState::Ready {
                expires_in_ms: (view.expires_at - now).num_milliseconds().max(0),
                keyboard: KeyboardPolicy::from_settings(&services.settings),
            },
        })
    }

    pub async fn reset(
        token: String,
        accepted_terms: bool,
        password: String,
        confirmation: String,
    ) -> Result<ResetReply, AppError> {
        let services = services()?;
        let Some(token) = PlainToken::parse(&token) else { return Ok(ResetReply::NotValid) };
        let form = ResetForm { accepted_terms, password, confirmation };
        Ok(match services.recovery.reset(&token, form, &client_info()).await? {
            ResetOutcome::PasswordSet => ResetReply::Done,
            ResetOutcome::Invalid(problems) => ResetReply::Invalid(problems),
            ResetOutcome::LinkNotValid => ResetReply::NotValid,
            ResetOutcome::LockedMeanwhile => ResetReply::LockedMeanwhile,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    /// Reading the fragment and asking the server (also what the server renders).
    Checking,
    Link(LinkState),
    Done,
    LockedMeanwhile,
    Failed(AppError),
}

/// The page.
#[component]
pub fn ResetPage() -> impl IntoView {
    let i18n = use_i18n();
    let stage = RwSignal::new(Stage::Checking);
    let token = StoredValue::new(String::new());
    check_fragment_token(token, reset_link, move |answer| {
        stage.set(match answer {
            Ok(state) => Stage::Link(state),
            Err(error) => Stage::Failed(error),
        });
    });
    view! {
        <Title text=tr!(i18n, rec_reset_title) />
        <h1>{tr!(i18n, rec_title)}</h1>
        <p class="lead">{tr!(i18n, rec_reset_intro)}</p>
        <div class="wizard">
            <Stepper titles=step_titles() current=4_usize />
            <section class="wizard-panel link-answer">
                {move || match stage.get() {
                    Stage::Checking => view! {
                        <h2 class="step-heading">{tr!(i18n, rec_step_password)}</h2>
                        <CheckingLink />
                    }.into_any(),
                    Stage::Link(LinkState::NotValid) => view! {
                        <StepHeading text=Signal::derive(move || t_string!(i18n, act_not_valid_title).to_owned()) take_focus=true />
                        <div class="alert alert-warning" role="alert">{tr!(i18n, rec_not_valid_body)}</div>
                        <A href=routes::RECOVER attr:class="button">{tr!(i18n, gen_restart)}</A>
                    }.into_any(),
                    Stage::Link(LinkState::Ready { expires_in_ms, keyboard }) => view! {
                        <ResetFields token=token expires_in_ms=expires_in_ms policy=keyboard stage=stage />
                    }.into_any(),
                    Stage::Done => view! { <Success /> }.into_any(),
                    Stage::LockedMeanwhile => view! {
                        <StepHeading text=Signal::derive(move || t_string!(i18n, rec_locked_title).to_owned()) take_focus=true />
                        <div class="alert alert-error" role="alert">{tr!(i18n, rec_locked_body)}</div>
                        <A href=routes::HELP attr:class="button">{tr!(i18n, gen_blocked_channels)}</A>
                    }.into_any(),
                    Stage::Failed(error) => view! {
                        <h2 class="step-heading">{tr!(i18n, rec_step_password)}</h2>
                        <FailureAlert error=error />
                    }.into_any(),
                }}
            </section>
        </div>
    }
}

#[component]
fn ResetFields(
    token: StoredValue<String>,
    expires_in_ms: i64,
    policy: KeyboardPolicy,
    stage: RwSignal<Stage>,
) -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let terms = RwSignal::new(false);
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let failure = RwSignal::new(None::<AppError>);
    let expired = RwSignal::new(false);
    let action = ServerAction::<ResetPassword>::new();
    Effect::new(move || match action.value().get() {
        Some(Ok(ResetReply::Done)) => stage.set(Stage::Done),
        Some(Ok(ResetReply::Invalid(found))) => {
            failure.set(None);
            problems.set(found);
            crate::components::form::focus_first_invalid();
        }
        Some(Ok(ResetReply::NotValid)) => stage.set(Stage::Link(LinkState::NotValid)),
        Some(Ok(ResetReply::LockedMeanwhile)) => stage.set(Stage::LockedMeanwhile),
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        action.dispatch(ResetPassword {
            token: token.get_value(),
            accepted_terms: terms.get_untracked(),
            password: password.get_untracked(),
            confirmation: confirmation.get_untracked(),
        });
    };
    view! {
        <h2 class="step-heading">{tr!(i18n, rec_step_password)}</h2>
        {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
        <LinkValidity remaining_ms=expires_in_ms expired=expired />
        <form class="form" on:submit=on_submit novalidate>
            <TermsAcceptance accepted=terms problems=problems />
            <NewPasswordFields password=password confirmation=confirmation policy=policy problems=problems />
            <button type="submit" class="button" disabled=move || action.pending().get() || expired.get()>
                {tr!(i18n, rec_reset_submit)}
            </button>
        </form>
    }
}

/// The new clave is set: every session was closed; on to "Ingresar".
#[component]
fn Success() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <StepHeading text=Signal::derive(move || t_string!(i18n, rec_done_title).to_owned()) take_focus=true />
        <div class="alert alert-success" role="status">{tr!(i18n, rec_done_body)}</div>
        <A href=routes::LOGIN attr:class="button">{tr!(i18n, rec_go_login)}</A>
    }
}
