use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::i18n::use_i18n;

/// `/`: what the service is and where each flow starts. Each flow adds its own card here.
#[component]
pub fn Home() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text="" />
        <section class="hero" aria-labelledby="home-title">
            <h1 id="home-title">{tr!(i18n, home_title)}</h1>
            <p class="lead">{tr!(i18n, home_intro)}</p>
        </section>
        <section aria-labelledby="services-title">
            <h2 id="services-title">{tr!(i18n, home_services_title)}</h2>
            <ul class="card-grid">
                <li class="card">
                    <h3>{tr!(i18n, home_generate_card_title)}</h3>
                    <p>{tr!(i18n, home_generate_card_body)}</p>
                    <A href=clave_domain::routes::GENERATE attr:class="button">{tr!(i18n, home_generate_card_link)}</A>
                </li>
                <li class="card">
                    <h3>{tr!(i18n, login_home_card_title)}</h3>
                    <p>{tr!(i18n, login_home_card_body)}</p>
                    <A href=clave_domain::routes::LOGIN attr:class="button">{tr!(i18n, login_home_card_link)}</A>
                </li>
                <li class="card">
                    <h3>{tr!(i18n, home_trouble_card_title)}</h3>
                    <p>{tr!(i18n, home_trouble_card_body)}</p>
                    <div class="card-actions">
                        <A href=clave_domain::routes::RECOVER attr:class="button">{tr!(i18n, login_recover_link)}</A>
                        <A href=clave_domain::routes::UNLOCK attr:class="button button-secondary">{tr!(i18n, login_unlock_link)}</A>
                    </div>
                </li>
                <li class="card">
                    <h3>{tr!(i18n, vv_home_card_title)}</h3>
                    <p>{tr!(i18n, vv_home_card_body)}</p>
                    <div class="card-actions">
                        <A href=clave_domain::routes::VENTANILLA attr:class="button">{tr!(i18n, vv_home_card_link)}</A>
                        <A href=clave_domain::routes::VENTANILLA_STATUS attr:class="button button-secondary">{tr!(i18n, vv_status_link)}</A>
                    </div>
                </li>
                <li class="card">
                    <h3>{tr!(i18n, home_help_card_title)}</h3>
                    <p>{tr!(i18n, home_help_card_body)}</p>
                    <A href="/ayuda" attr:class="button button-secondary">{tr!(i18n, home_help_card_link)}</A>
                </li>
            </ul>
        </section>
        <section class="two-col">
            <div class="panel">
                <h2>{tr!(i18n, home_before_title)}</h2>
                <ul class="checklist">
                    <li>{tr!(i18n, home_before_id)}</li>
                    <li>{tr!(i18n, home_before_email)}</li>
                    <li>{tr!(i18n, home_before_phones)}</li>
                </ul>
            </div>
            <div class="panel panel-notice">
                <h2>{tr!(i18n, home_safety_title)}</h2>
                <p>{tr!(i18n, home_safety_body)}</p>
            </div>
        </section>
    }
}
