//! `/no-fui-yo#<token>`: the page a "No fui yo" link of a security email opens (DESIGN §5.10).
//! Opening it changes nothing (mail scanners open links); the button locks the clave.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use serde::{Deserialize, Serialize};

use crate::{
    components::failure::FailureAlert,
    components::fragment::{CheckingLink, check_fragment_token},
    components::wizard::StepHeading,
    error::AppError,
    i18n::{t_string, use_i18n},
};

/// What the confirmation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NotMeReply {
    Locked,
    NotValid,
}

/// Whether the link still works. Changes nothing.
#[server(endpoint = "no-fui-yo/estado")]
pub async fn not_me_state(token: String) -> Result<bool, AppError> {
    let services = crate::server::services().map_err(crate::server::fail)?;
    let Some(token) = clave_backend::tokens::PlainToken::parse(&token) else { return Ok(false) };
    services.reports.link_is_live(&token).await.map_err(|e| crate::server::fail(e.into()))
}

/// Locks the clave named by the link.
#[server(endpoint = "no-fui-yo/confirmar")]
pub async fn confirm_not_me(token: String) -> Result<NotMeReply, AppError> {
    use clave_backend::reports::NotMeOutcome;
    let services = crate::server::services().map_err(crate::server::fail)?;
    let Some(token) = clave_backend::tokens::PlainToken::parse(&token) else {
        return Ok(NotMeReply::NotValid);
    };
    match services
        .reports
        .confirm(&token, &crate::server::client_info())
        .await
        .map_err(|e| crate::server::fail(e.into()))?
    {
        NotMeOutcome::Locked => Ok(NotMeReply::Locked),
        NotMeOutcome::LinkNotValid => Ok(NotMeReply::NotValid),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Stage {
    Checking,
    Ready,
    Locked,
    NotValid,
    Failed(AppError),
}

/// The page.
#[component]
pub fn NotMe() -> impl IntoView {
    let i18n = use_i18n();
    let stage = RwSignal::new(Stage::Checking);
    let token = StoredValue::new(String::new());
    check_fragment_token(token, not_me_state, move |answer| {
        stage.set(match answer {
            Ok(true) => Stage::Ready,
            Ok(false) => Stage::NotValid,
            Err(error) => Stage::Failed(error),
        });
    });
    let confirm = ServerAction::<ConfirmNotMe>::new();
    Effect::new(move || match confirm.value().get() {
        Some(Ok(NotMeReply::Locked)) => stage.set(Stage::Locked),
        Some(Ok(NotMeReply::NotValid)) => stage.set(Stage::NotValid),
        Some(Err(error)) => stage.set(Stage::Failed(error)),
        None => {}
    });
    view! {
        <Title text=tr!(i18n, notme_title) />
        <h1>{tr!(i18n, notme_title)}</h1>
        <p class="lead">{tr!(i18n, notme_intro)}</p>
        <section class="panel link-answer">
            {move || match stage.get() {
                Stage::Checking => view! { <CheckingLink /> }.into_any(),
                Stage::Ready => view! {
                    <p>{tr!(i18n, notme_body)}</p>
                    <button type="button" class="button button-danger" disabled=move || confirm.pending().get()
                        on:click=move |_| { confirm.dispatch(ConfirmNotMe { token: token.get_value() }); }>
                        {tr!(i18n, notme_confirm)}
                    </button>
                }.into_any(),
                Stage::Locked => view! {
                    <StepHeading text=Signal::derive(move || t_string!(i18n, notme_locked_title).to_owned()) take_focus=true />
                    <div class="alert alert-success" role="status">{tr!(i18n, notme_locked)}</div>
                    <A href=clave_domain::routes::HELP attr:class="button">{tr!(i18n, gen_blocked_channels)}</A>
                }.into_any(),
                Stage::NotValid => view! {
                    <StepHeading text=Signal::derive(move || t_string!(i18n, act_not_valid_title).to_owned()) take_focus=true />
                    <div class="alert alert-warning" role="alert">{tr!(i18n, notme_not_valid)}</div>
                }.into_any(),
                Stage::Failed(error) => view! { <FailureAlert error=error /> }.into_any(),
            }}
        </section>
    }
}
