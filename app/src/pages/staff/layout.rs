//! The frame of every staff page: who is logged in, the console's navigation, and the refusal
//! when there is no staff session. The role is checked again by every server function.

use leptos::prelude::*;
use leptos_router::{NavigateOptions, components::A, hooks::use_navigate};

use super::{
    api::{StaffIdentity, StaffLogOut, staff_me},
    paths,
};
use crate::{components::failure::FailureAlert, error::AppError, i18n::use_i18n};

/// The console's frame. Renders `children` only for a live staff session, with [`StaffIdentity`] in
/// context; otherwise says the session ended and links to the login.
#[component]
pub fn StaffLayout(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let me = Resource::new(|| (), |()| staff_me());
    view! {
        <div class="staff">
            <Suspense fallback=move || view! { <p>{tr!(i18n, loading)}</p> }>
                {move || {
                    let children = children.clone();
                    Suspend::new(async move {
                        match me.await {
                            Ok(me) => {
                                provide_context(me.clone());
                                view! {
                                    <StaffNav me=me />
                                    <div class="staff-content">{children()}</div>
                                }
                                    .into_any()
                            }
                            Err(AppError::StaffSessionEnded) => view! { <SessionEnded /> }.into_any(),
                            Err(error) => view! { <FailureAlert error=error /> }.into_any(),
                        }
                    })
                }}
            </Suspense>
        </div>
    }
}

#[component]
fn SessionEnded() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="alert alert-error" role="alert">
            <p>{tr!(i18n, error_staff_session)}</p>
            <p><A href=paths::LOGIN>{tr!(i18n, staff_login_link)}</A></p>
        </div>
    }
}

#[component]
fn StaffNav(me: StaffIdentity) -> impl IntoView {
    let i18n = use_i18n();
    let logout = ServerAction::<StaffLogOut>::new();
    let navigate = use_navigate();
    Effect::new(move || {
        if logout.value().get().is_some() {
            navigate(paths::LOGIN, NavigateOptions::default());
        }
    });
    let audit = me.role.may_read_audit();
    view! {
        <nav class="staff-nav" aria-label=tr!(i18n, staff_nav_label)>
            <p class="staff-who">
                {tr!(i18n, staff_logged_as)} " " <strong>{me.username.clone()}</strong>
                " (" {me.role.as_str()} ")"
            </p>
            <ul>
                <li><A href=paths::CONSOLE>{tr!(i18n, staff_nav_search)}</A></li>
                <li><A href=paths::QUEUE>{tr!(i18n, staff_nav_queue)}</A></li>
                {audit.then(|| view! { <li><A href=paths::AUDIT>{tr!(i18n, staff_nav_audit)}</A></li> })}
                <li>
                    <button type="button" class="button-link" on:click=move |_| { logout.dispatch(StaffLogOut {}); }>
                        {tr!(i18n, staff_nav_logout)}
                    </button>
                </li>
            </ul>
        </nav>
    }
}
