//! `/mi-cuenta`: "Mi cuenta" (DESIGN §2.3), behind the login. Everything is checked on the server
//! from the session cookie; once any answer says the session ended, the page shows only that and
//! a way to log in again.

pub(crate) mod activity;
pub mod api;
mod forms;

use leptos::{html, prelude::*};
use leptos_meta::Title;
use leptos_router::{NavigateOptions, components::A, hooks::use_navigate};

use self::api::{AccountSummary, EndOthersReply, Summary};
use crate::{
    components::failure::FailureAlert,
    components::wizard::StepHeading,
    error::AppError,
    i18n::{t_string, use_i18n},
};

/// The page's shared state: the data on screen, and whether the session ended.
#[derive(Clone, Copy)]
pub(crate) struct AccountPage {
    pub summary: RwSignal<AccountSummary>,
    pub ended: RwSignal<bool>,
    reload: ServerAction<api::LoadAccount>,
}

impl AccountPage {
    /// Reloads the data after a change (the masked contacts, the activity, the sessions).
    pub fn reload(self) {
        self.reload.dispatch(api::LoadAccount {});
    }

    /// The server said the session is over: the page shows only that from now on.
    pub fn end(self) {
        self.ended.set(true);
    }
}

fn page() -> AccountPage {
    expect_context::<AccountPage>()
}

/// The page: the data is loaded on the server (a reload renders it at once).
#[component]
pub fn Account() -> impl IntoView {
    let i18n = use_i18n();
    // Blocking, so a cookie the server clears (an ended session) reaches the response headers.
    let initial = Resource::new_blocking(|| (), |()| api::load_account());
    view! {
        <Title text=tr!(i18n, acct_title) />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match initial.await {
                    Ok(Summary::Live(summary)) => view! { <Live summary=*summary /> }.into_any(),
                    Ok(Summary::Ended) => view! {
                        <h1>{tr!(i18n, acct_title)}</h1>
                        <SessionEnded take_focus=false />
                    }.into_any(),
                    Err(error) => view! {
                        <h1>{tr!(i18n, acct_title)}</h1>
                        <FailureAlert error=error />
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Live(summary: AccountSummary) -> impl IntoView {
    let i18n = use_i18n();
    let reload = ServerAction::<api::LoadAccount>::new();
    let page = AccountPage { summary: RwSignal::new(summary), ended: RwSignal::new(false), reload };
    provide_context(page);
    Effect::new(move || match reload.value().get() {
        Some(Ok(Summary::Live(summary))) => page.summary.set(*summary),
        Some(Ok(Summary::Ended)) => page.end(),
        // The change itself was confirmed; the data on screen stays until the next load.
        Some(Err(_)) | None => {}
    });
    let keyboard = page.summary.with_untracked(|s| s.keyboard);
    let full_name = move || page.summary.with(|s| format!("{} {}", s.data.names, s.data.surnames));
    view! {
        <Show
            when=move || !page.ended.get()
            fallback=move || view! {
                <h1>{tr!(i18n, acct_title)}</h1>
                <SessionEnded take_focus=true />
            }
        >
            <div class="acct-head">
                <div>
                    <h1>{tr!(i18n, acct_title)}</h1>
                    <p class="lead">{full_name}</p>
                </div>
                <LogoutButton />
            </div>
            <div class="two-col acct-overview">
                <PersonalData />
                <Sessions />
            </div>
            <forms::ChangePassword policy=keyboard />
            <forms::ChangeContacts policy=keyboard />
            <activity::ActivityTable />
        </Show>
    }
}

/// The person's data, masked.
#[component]
fn PersonalData() -> impl IntoView {
    let i18n = use_i18n();
    let page = page();
    let data = move |f: fn(&api::AccountData) -> String| move || page.summary.with(|s| f(&s.data));
    let landline = move || {
        page.summary
            .with(|s| s.data.landline_masked.clone())
            .unwrap_or_else(|| t_string!(i18n, acct_not_registered).to_owned())
    };
    let changed_at = move || {
        let at = page.summary.with(|s| s.data.password_changed_at);
        activity::long_date(i18n, at)
    };
    view! {
        <section class="panel" aria-labelledby="acct-data-title">
            <h2 id="acct-data-title">{tr!(i18n, acct_data_title)}</h2>
            <dl class="acct-data">
                <dt>{tr!(i18n, acct_identification)}</dt>
                <dd>{data(|d| d.identification_masked.clone())}</dd>
                <dt>{tr!(i18n, gen_email)}</dt>
                <dd>{data(|d| d.email_masked.clone())}</dd>
                <dt>{tr!(i18n, gen_mobile)}</dt>
                <dd>{data(|d| d.mobile_masked.clone())}</dd>
                <dt>{tr!(i18n, acct_landline)}</dt>
                <dd>{landline}</dd>
                <dt>{tr!(i18n, acct_password_changed)}</dt>
                <dd>{changed_at}</dd>
            </dl>
            <p class="field-hint">{tr!(i18n, acct_data_masked)}</p>
        </section>
    }
}

/// How many sessions are open, and "Cerrar las otras sesiones".
#[component]
fn Sessions() -> impl IntoView {
    let i18n = use_i18n();
    let page = page();
    let action = ServerAction::<api::EndOtherSessions>::new();
    let closed = RwSignal::new(None::<u64>);
    let failure = RwSignal::new(None::<AppError>);
    Effect::new(move || {
        let Some(reply) = action.value().get() else { return };
        failure.set(None);
        match reply {
            Ok(EndOthersReply::Closed(n)) => {
                closed.set(Some(n));
                page.reload();
            }
            Ok(EndOthersReply::SessionEnded) => page.end(),
            Err(error) => failure.set(Some(error)),
        }
    });
    let open_text = move || match page.summary.with(|s| s.open_sessions) {
        0 | 1 => t_string!(i18n, acct_sessions_only_this).to_owned(),
        n => t_string!(i18n, acct_sessions_open).replace("{n}", &n.to_string()),
    };
    let closed_text = move |n: u64| match n {
        0 => t_string!(i18n, acct_sessions_none_closed).to_owned(),
        1 => t_string!(i18n, acct_sessions_closed_one).to_owned(),
        n => t_string!(i18n, acct_sessions_closed).replace("{n}", &n.to_string()),
    };
    view! {
        <section class="panel acct-sessions" aria-labelledby="acct-sessions-title">
            <h2 id="acct-sessions-title">{tr!(i18n, acct_sessions_title)}</h2>
            <p>{open_text}</p>
            {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
            {move || closed.get().map(|n| view! {
                <div class="alert alert-success" role="status">{move || closed_text(n)}</div>
            })}
            <p class="field-hint">{tr!(i18n, acct_sessions_hint)}</p>
            <button
                type="button"
                class="button button-secondary"
                disabled=move || action.pending().get()
                on:click=move |_| { action.dispatch(api::EndOtherSessions {}); }
            >
                {tr!(i18n, acct_sessions_end_others)}
            </button>
        </section>
    }
}

/// "Salir": ends the session on the server, then goes home.
#[component]
fn LogoutButton() -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<api::LogOut>::new();
    let failure = RwSignal::new(None::<AppError>);
    let navigate = use_navigate();
    Effect::new(move || match action.value().get() {
        Some(Ok(())) => navigate("/", NavigateOptions::default()),
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    view! {
        <div class="acct-logout">
            <button
                type="button"
                class="button button-secondary"
                disabled=move || action.pending().get()
                on:click=move |_| { action.dispatch(api::LogOut {}); }
            >
                {tr!(i18n, acct_logout)}
            </button>
            {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
        </div>
    }
}

/// The session is over (or there never was one): only a way to log in again, never data.
#[component]
fn SessionEnded(take_focus: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel message-panel">
            <StepHeading text=Signal::derive(move || t_string!(i18n, acct_ended_title).to_owned()) take_focus=take_focus />
            <div class="alert alert-warning" role="alert">{tr!(i18n, acct_ended_body)}</div>
            <A href=clave_domain::routes::LOGIN attr:class="button">{tr!(i18n, acct_ended_login)}</A>
        </section>
    }
}

/// The toggle of a section whose form opens on demand (the disclosure pattern): keeps the page
/// short on a phone, where every virtual keyboard is tall.
#[component]
fn Disclosure(
    /// Prefix of the ids of the section's heading and body.
    id: &'static str,
    #[prop(into)] title: Signal<String>,
    open: RwSignal<bool>,
    /// Takes the focus back when the form closes after a change.
    button: NodeRef<html::Button>,
) -> impl IntoView {
    view! {
        <h2 id=format!("{id}-title") class="disclosure-heading">
            <button
                type="button"
                class="disclosure"
                aria-expanded=move || open.get().to_string()
                aria-controls=format!("{id}-body")
                node_ref=button
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {title}
            </button>
        </h2>
    }
}
