//! "Desbloqueo de clave" (DESIGN §2.4): `/clave/desbloquear` asks for the emailed link, and
//! `/clave/desbloquear/confirmar#<token>` is the page that link opens. Opening it changes nothing
//! (mail scanners open links): only the "Desbloquear mi cuenta" button unlocks.

use clave_domain::{FieldProblem, routes};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use crate::{
    components::failure::FailureAlert,
    components::{
        form::focus_first_invalid,
        fragment::{CheckingLink, check_fragment_token},
        identification::IdentificationForm,
        wizard::StepHeading,
    },
    error::AppError,
    i18n::{t_string, use_i18n},
};

/// What "Desbloquear" answered: the same for every number that is well formed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RequestReply {
    Sent,
    Invalid(Vec<FieldProblem>),
}

/// What "Desbloquear mi cuenta" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConfirmReply {
    Unlocked,
    NotValid,
}

/// "Desbloquear": the identification and the captcha. Emails the person on file.
#[server(endpoint = "desbloquear/solicitar")]
pub async fn request_unlock(identification: String, captcha: String) -> Result<RequestReply, AppError> {
    use crate::server::{at_even_pace, client_info, fail, identify, services};
    let services = services().map_err(fail)?;
    at_even_pace(&services, async {
        let id = match identify(&services, &identification, &captcha).await.map_err(fail)? {
            Ok(id) => id,
            Err(problems) => return Ok(RequestReply::Invalid(problems)),
        };
        services.unlocking.request(&id, &client_info()).await.map_err(|e| fail(e.into()))?;
        Ok(RequestReply::Sent)
    })
    .await
}

/// Whether the link still works. Changes nothing.
#[server(endpoint = "desbloquear/estado")]
pub async fn unlock_link_state(token: String) -> Result<bool, AppError> {
    use crate::server::{fail, services};
    let services = services().map_err(fail)?;
    let Some(token) = clave_backend::tokens::PlainToken::parse(&token) else { return Ok(false) };
    services.unlocking.link_is_live(&token).await.map_err(|e| fail(e.into()))
}

/// "Desbloquear mi cuenta": spends the link and unlocks.
#[server(endpoint = "desbloquear/confirmar")]
pub async fn confirm_unlock(token: String) -> Result<ConfirmReply, AppError> {
    use clave_backend::unlock::UnlockOutcome;

    use crate::server::{client_info, fail, services};
    let services = services().map_err(fail)?;
    let Some(token) = clave_backend::tokens::PlainToken::parse(&token) else {
        return Ok(ConfirmReply::NotValid);
    };
    Ok(match services.unlocking.confirm(&token, &client_info()).await.map_err(|e| fail(e.into()))? {
        UnlockOutcome::Unlocked => ConfirmReply::Unlocked,
        UnlockOutcome::LinkNotValid => ConfirmReply::NotValid,
    })
}

/// `/clave/desbloquear`.
#[component]
pub fn Unlock() -> impl IntoView {
    let i18n = use_i18n();
    let request = ServerAction::<RequestUnlock>::new();
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let sent = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    Effect::new(move || match request.value().get() {
        Some(Ok(RequestReply::Sent)) => {
            problems.set(Vec::new());
            failure.set(None);
            sent.set(true);
        }
        Some(Ok(RequestReply::Invalid(found))) => {
            failure.set(None);
            problems.set(found);
            focus_first_invalid();
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    view! {
        <Title text=tr!(i18n, unlock_title) />
        <h1>{tr!(i18n, unlock_title)}</h1>
        <section class="panel">
            <Show
                when=move || sent.get()
                fallback=move || view! {
                    {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
                    <p class="lead">{tr!(i18n, unlock_intro)}</p>
                    <IdentificationForm
                        problems=problems
                        pending=request.pending()
                        answers=request.version()
                        submit_label=Signal::derive(move || t_string!(i18n, unlock_submit).to_owned())
                        on_submit=Callback::new(move |(identification, captcha)| {
                            request.dispatch(RequestUnlock { identification, captcha });
                        })
                    />
                }
            >
                <StepHeading text=Signal::derive(move || t_string!(i18n, unlock_sent_title).to_owned()) take_focus=true />
                <div class="alert alert-success" role="status">{tr!(i18n, unlock_sent_body)}</div>
                <p>{tr!(i18n, unlock_sent_other_channels)}</p>
                <A href=routes::HELP attr:class="button button-secondary">{tr!(i18n, gen_blocked_channels)}</A>
            </Show>
        </section>
        <aside class="panel panel-notice">
            <h2>{tr!(i18n, unlock_who_title)}</h2>
            <p>{tr!(i18n, unlock_who_body)}</p>
            <A href=routes::HELP>{tr!(i18n, gen_foreigners_link)}</A>
        </aside>
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Checking,
    Ready,
    Unlocked,
    NotValid,
    Failed(AppError),
}

/// `/clave/desbloquear/confirmar#<token>`.
#[component]
pub fn UnlockConfirm() -> impl IntoView {
    let i18n = use_i18n();
    let stage = RwSignal::new(Stage::Checking);
    let token = StoredValue::new(String::new());
    check_fragment_token(token, unlock_link_state, move |answer| {
        stage.set(match answer {
            Ok(true) => Stage::Ready,
            Ok(false) => Stage::NotValid,
            Err(error) => Stage::Failed(error),
        });
    });
    let confirm = ServerAction::<ConfirmUnlock>::new();
    Effect::new(move || match confirm.value().get() {
        Some(Ok(ConfirmReply::Unlocked)) => stage.set(Stage::Unlocked),
        Some(Ok(ConfirmReply::NotValid)) => stage.set(Stage::NotValid),
        Some(Err(error)) => stage.set(Stage::Failed(error)),
        None => {}
    });
    view! {
        <Title text=tr!(i18n, unlock_title) />
        <h1>{tr!(i18n, unlock_title)}</h1>
        <p class="lead">{tr!(i18n, unlock_confirm_intro)}</p>
        <section class="panel link-answer">
            {move || match stage.get() {
                Stage::Checking => view! { <CheckingLink /> }.into_any(),
                Stage::Ready => view! {
                    <p class="lead">{tr!(i18n, unlock_confirm_body)}</p>
                    <button type="button" class="button" disabled=move || confirm.pending().get()
                        on:click=move |_| { confirm.dispatch(ConfirmUnlock { token: token.get_value() }); }>
                        {tr!(i18n, unlock_confirm)}
                    </button>
                }.into_any(),
                Stage::Unlocked => view! {
                    <StepHeading text=Signal::derive(move || t_string!(i18n, unlock_done_title).to_owned()) take_focus=true />
                    <div class="alert alert-success" role="status">{tr!(i18n, unlock_done_body)}</div>
                    <A href=routes::LOGIN attr:class="button">{tr!(i18n, unlock_go_login)}</A>
                }.into_any(),
                Stage::NotValid => view! {
                    <StepHeading text=Signal::derive(move || t_string!(i18n, act_not_valid_title).to_owned()) take_focus=true />
                    <div class="alert alert-warning" role="alert">{tr!(i18n, unlock_not_valid)}</div>
                    <A href=routes::UNLOCK attr:class="button">{tr!(i18n, unlock_ask_again)}</A>
                }.into_any(),
                Stage::Failed(error) => view! { <FailureAlert error=error /> }.into_any(),
            }}
        </section>
    }
}
