//! Views that only the browser renders.

use leptos::prelude::*;

use crate::i18n::use_i18n;

/// Renders `children` in the browser once the page is hydrated; the server, and the browser
/// while it hydrates, show "Cargando…". For views fed by a `LocalResource` (data the browser
/// loads itself): a `Suspense` around one, written by the server inside a resolved `Suspense`,
/// does not hydrate (the browser panicked on a direct load of the Ventanilla queue).
#[component]
pub fn InBrowser(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let hydrated = RwSignal::new(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Show when=move || hydrated.get() fallback=move || view! { <p>{tr!(i18n, loading)}</p> }>
            {children()}
        </Show>
    }
}
