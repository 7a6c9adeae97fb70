//! `/clave/activar#<token>`: step 5 of "Generar clave", opened from the emailed link. The token
//! is in the fragment, which the browser never sends to a server; the page reads it after
//! hydration and hands it to the server functions. Opening the page changes nothing: only
//! "Generar" spends the link.

use clave_domain::FieldProblem;
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
    pages::generate::step_titles,
};

/// What the link opens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkState {
    /// Used, expired or replaced by a newer link.
    NotValid,
    /// The form can be filled in.
    Ready { expires_in_ms: i64, keyboard: KeyboardPolicy },
}

/// What "Generar" did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivationReply {
    Done,
    Invalid(Vec<FieldProblem>),
    NotValid,
    AlreadyHasClave,
}

/// Whether the link still works, and the keyboard policy. Changes nothing.
#[server(endpoint = "activar/estado")]
pub async fn activation_link(token: String) -> Result<LinkState, AppError> {
    imp::link_state(token).await.map_err(crate::server::fail)
}

/// "Generar": terms, password and its confirmation.
#[server(endpoint = "activar/generar")]
pub async fn activate(
    token: String,
    accepted_terms: bool,
    password: String,
    confirmation: String,
) -> Result<ActivationReply, AppError> {
    imp::activate(token, accepted_terms, password, confirmation).await.map_err(crate::server::fail)
}

#[cfg(feature = "ssr")]
mod imp {
    use clave_backend::{
        generation::{ActivationForm, ActivationOutcome},
        tokens::PlainToken,
    };

    use super::*;
    use crate::server::services;

    pub async fn link_state(token: String) -> Result<LinkState, AppError> {
        let services = services()?;
        let Some(token) = PlainToken::parse(&token) else { return Ok(LinkState::NotValid) };
        let now = services.clock.now();
        Ok(match services.generation.activation(&token).await? {
            None => LinkState::NotValid,
            Some(view) => LinkState::Ready {
                expires_in_ms: (view.expires_at - now).num_milliseconds().max(0),
                keyboard: KeyboardPolicy::from_settings(&services.settings),
            },
        })
    }

    pub async fn activate(
        token: String,
        accepted_terms: bool,
        password: String,
        confirmation: String,
    ) -> Result<ActivationReply, AppError> {
        let services = services()?;
        let Some(token) = PlainToken::parse(&token) else { return Ok(ActivationReply::NotValid) };
        let client = crate::server::client_info();
        let form = ActivationForm { accepted_terms, password, confirmation, client };
        Ok(match services.generation.activate(&token, form).await? {
            ActivationOutcome::Activated => ActivationReply::Done,
            ActivationOutcome::Invalid(problems) => ActivationReply::Invalid(problems),
            ActivationOutcome::LinkNotValid => ActivationReply::NotValid,
            ActivationOutcome::AlreadyHasClave => ActivationReply::AlreadyHasClave,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    /// Reading the fragment and asking the server (also what the server renders).
    Checking,
    Link(LinkState),
    Done,
    AlreadyHasClave,
    Failed(AppError),
}

/// The page.
#[component]
pub fn ActivatePage() -> impl IntoView {
    let i18n = use_i18n();
    let stage = RwSignal::new(Stage::Checking);
    let token = StoredValue::new(String::new());
    check_fragment_token(token, activation_link, move |answer| {
        stage.set(match answer {
            Ok(state) => Stage::Link(state),
            Err(error) => Stage::Failed(error),
        });
    });
    view! {
        <Title text=tr!(i18n, act_title) />
        <h1>{tr!(i18n, gen_title)}</h1>
        <p class="lead">{tr!(i18n, act_intro)}</p>
        <div class="wizard">
            <Stepper titles=step_titles() current=4_usize />
            <section class="wizard-panel link-answer">
                {move || match stage.get() {
                    Stage::Checking => view! {
                        <h2 class="step-heading">{tr!(i18n, gen_step_activation)}</h2>
                        <CheckingLink />
                    }.into_any(),
                    Stage::Link(LinkState::NotValid) => view! {
                        <StepHeading text=Signal::derive(move || t_string!(i18n, act_not_valid_title).to_owned()) take_focus=true />
                        <div class="alert alert-warning" role="alert">{tr!(i18n, act_not_valid_body)}</div>
                        <A href=clave_domain::routes::GENERATE attr:class="button">{tr!(i18n, act_start_again)}</A>
                    }.into_any(),
                    Stage::Link(LinkState::Ready { expires_in_ms, keyboard }) => view! {
                        <ActivationFields token=token expires_in_ms=expires_in_ms policy=keyboard stage=stage />
                    }.into_any(),
                    Stage::Done => view! { <Success /> }.into_any(),
                    Stage::AlreadyHasClave => view! {
                        <StepHeading text=Signal::derive(move || t_string!(i18n, gen_use_recovery_title).to_owned()) take_focus=true />
                        <p class="lead">{tr!(i18n, gen_use_recovery_body)}</p>
                        <A href="/" attr:class="button">{tr!(i18n, gen_exit)}</A>
                    }.into_any(),
                    Stage::Failed(error) => view! {
                        <h2 class="step-heading">{tr!(i18n, gen_step_activation)}</h2>
                        <FailureAlert error=error />
                    }.into_any(),
                }}
            </section>
        </div>
    }
}

#[component]
fn ActivationFields(
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
    let action = ServerAction::<Activate>::new();
    Effect::new(move || match action.value().get() {
        Some(Ok(ActivationReply::Done)) => stage.set(Stage::Done),
        Some(Ok(ActivationReply::Invalid(found))) => {
            failure.set(None);
            problems.set(found);
            crate::components::form::focus_first_invalid();
        }
        Some(Ok(ActivationReply::NotValid)) => stage.set(Stage::Link(LinkState::NotValid)),
        Some(Ok(ActivationReply::AlreadyHasClave)) => stage.set(Stage::AlreadyHasClave),
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        action.dispatch(Activate {
            token: token.get_value(),
            accepted_terms: terms.get_untracked(),
            password: password.get_untracked(),
            confirmation: confirmation.get_untracked(),
        });
    };
    view! {
        <h2 class="step-heading">{tr!(i18n, gen_step_activation)}</h2>
        {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
        <LinkValidity remaining_ms=expires_in_ms expired=expired />
        <form class="form" on:submit=on_submit novalidate>
            <TermsAcceptance accepted=terms problems=problems />
            <NewPasswordFields password=password confirmation=confirmation policy=policy problems=problems />
            <button type="submit" class="button" disabled=move || action.pending().get() || expired.get()>
                {tr!(i18n, act_generate)}
            </button>
        </form>
    }
}

#[component]
fn Success() -> impl IntoView {
    let i18n = use_i18n();
    let heading = NodeRef::<leptos::html::H2>::new();
    Effect::new(move || {
        if let Some(el) = heading.get() {
            let _ = el.focus();
        }
    });
    view! {
        <h2 class="step-heading" tabindex="-1" node_ref=heading>{tr!(i18n, act_done_title)}</h2>
        <div class="alert alert-success" role="status">{tr!(i18n, act_done_body)}</div>
        <A href="/" attr:class="button">{tr!(i18n, act_exit)}</A>
    }
}
