//! Pages opened from an emailed link: the token travels in the address's fragment (DESIGN §5.4),
//! which the browser never sends to a server, so the page reads it after hydration.

use leptos::prelude::*;

use crate::{error::AppError, i18n::use_i18n};

/// The token in the address's fragment, read in the browser (empty on the server).
fn fragment_token() -> String {
    #[cfg(feature = "hydrate")]
    {
        let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
        hash.trim_start_matches('#').to_owned()
    }
    #[cfg(not(feature = "hydrate"))]
    String::new()
}

/// For a page opened from an emailed link: once hydrated, keeps the fragment's token in `token`,
/// asks the server about it with `check` and hands the answer to `apply`. Nothing runs on the
/// server, which never sees the fragment.
pub fn check_fragment_token<T, Fut>(
    token: StoredValue<String>,
    check: impl Fn(String) -> Fut + Copy + 'static,
    apply: impl Fn(Result<T, AppError>) + Copy + 'static,
) where
    Fut: std::future::Future<Output = Result<T, AppError>> + 'static,
{
    Effect::new(move || {
        token.set_value(fragment_token());
        leptos::task::spawn_local(async move { apply(check(token.get_value()).await) });
    });
}

/// What a page opened from an emailed link shows while it checks the link (also what the server
/// renders), inside the section marked `link-answer` that the answer replaces it in.
#[component]
pub fn CheckingLink() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p role="status">{tr!(i18n, act_checking)}</p> }
}
