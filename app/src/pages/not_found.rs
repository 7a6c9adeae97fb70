use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::i18n::use_i18n;

/// Every unknown address: a real 404 status and a way home.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=tr!(i18n, not_found_title) />
        <section class="message-page">
            <h1>{tr!(i18n, not_found_title)}</h1>
            <p>{tr!(i18n, not_found_body)}</p>
            <A href="/" attr:class="button">{tr!(i18n, not_found_home)}</A>
        </section>
    }
}
