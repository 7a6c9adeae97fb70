use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::{
    error::AppError,
    i18n::{t_string, use_i18n},
};

/// Whether the video-call desk is answering now (Ecuador time, server clock).
#[server(endpoint = "ayuda/videollamada")]
pub async fn videocall_desk_open() -> Result<bool, AppError> {
    let services = crate::server::services()?;
    Ok(clave_backend::channels::videocall_desk_open(services.clock.now()))
}

/// `/ayuda`: the questions the guides answer, in plain language.
#[component]
pub fn Help() -> impl IntoView {
    let i18n = use_i18n();
    let desk = Resource::new(|| (), |()| videocall_desk_open());
    let faq = move |question: AnyView, answer: AnyView| {
        view! {
            <details class="faq">
                <summary>{question}</summary>
                <div class="faq-answer">{answer}</div>
            </details>
        }
    };
    view! {
        <Title text=tr!(i18n, help_title) />
        <h1>{tr!(i18n, help_title)}</h1>
        <p class="lead">{tr!(i18n, help_intro)}</p>
        <Suspense fallback=|| ()>
            {move || {
                desk.get()
                    .and_then(Result::ok)
                    .map(|open| {
                        view! {
                            <p class="status-note" class:status-open=open role="status">
                                {if open {
                                    t_string!(i18n, help_video_now_open)
                                } else {
                                    t_string!(i18n, help_video_now_closed)
                                }}
                            </p>
                        }
                    })
            }}
        </Suspense>
        <div class="faq-list">
            {faq(tr!(i18n, help_q_video_who).into_any(), view! { <p>{tr!(i18n, help_a_video_who)}</p> }.into_any())}
            {faq(tr!(i18n, help_q_abroad).into_any(), view! { <p>{tr!(i18n, help_a_abroad)}</p> }.into_any())}
            {faq(tr!(i18n, help_q_cost).into_any(), view! { <p>{tr!(i18n, help_a_cost)}</p> }.into_any())}
            {faq(tr!(i18n, help_q_locked).into_any(), view! { <p>{tr!(i18n, help_a_locked)}</p> }.into_any())}
            {faq(tr!(i18n, help_q_attempts).into_any(), view! { <p>{tr!(i18n, help_a_attempts)}</p> }.into_any())}
            {faq(
                tr!(i18n, help_q_requirements).into_any(),
                view! {
                    <ul>
                        <li>{tr!(i18n, help_a_requirements_online)}</li>
                        <li>{tr!(i18n, help_a_requirements_cau)}</li>
                        <li>
                            {tr!(i18n, help_a_requirements_ventanilla)}" "
                            <A href=clave_domain::routes::VENTANILLA>{tr!(i18n, vv_new_case_link)}</A>
                            " · "
                            <A href=clave_domain::routes::VENTANILLA_STATUS>{tr!(i18n, vv_status_link)}</A>
                        </li>
                        <li>{tr!(i18n, help_a_requirements_video)}</li>
                    </ul>
                }
                    .into_any(),
            )}
            {faq(
                tr!(i18n, help_q_channels).into_any(),
                view! {
                    <p>{tr!(i18n, help_a_channels)}</p>
                    <p>
                        {tr!(i18n, vv_help_channel)}" "
                        <A href=clave_domain::routes::VENTANILLA>{tr!(i18n, vv_new_case_link)}</A>
                        " · "
                        <A href=clave_domain::routes::VENTANILLA_STATUS>{tr!(i18n, vv_status_link)}</A>
                    </p>
                }
                    .into_any(),
            )}
            {faq(tr!(i18n, help_q_unlock_link).into_any(), view! { <p>{tr!(i18n, help_a_unlock_link)}</p> }.into_any())}
        </div>
    }
}
