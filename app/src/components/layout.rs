//! The frame of every page: skip link, header with navigation and language switch, footer with
//! the help channels of the guides.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::i18n::{Locale, use_i18n};

/// Citizen service line (guide 000), in international form for `tel:` links.
const PHONE_E164: &str = "+59323945666";
const PHONE_DISPLAY: &str = "(02) 394 5666";

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="skip-link" href="#contenido" on:click=skip_to_content>{tr!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <div class="container header-inner">
                <a class="brand" href="/">
                    <Logo />
                    <span class="brand-text">
                        <span class="brand-name">{tr!(i18n, site_name)}</span>
                        <span class="brand-tagline">{tr!(i18n, site_tagline)}</span>
                    </span>
                </a>
                <nav class="site-nav" aria-label=tr!(i18n, nav_label)>
                    <ul>
                        <li><A href="/" exact=true>{tr!(i18n, nav_home)}</A></li>
                        <li><A href="/ayuda">{tr!(i18n, nav_help)}</A></li>
                    </ul>
                </nav>
                <LanguageSwitch />
            </div>
        </header>
        <main id="contenido" tabindex="-1" class="container site-main">{children()}</main>
        <Footer />
    }
}

/// The router would treat the fragment link as a navigation; move the focus to the content
/// ourselves, so keyboard and screen-reader users land where reading starts.
fn skip_to_content(ev: leptos::ev::MouseEvent) {
    use wasm_bindgen::JsCast as _;
    ev.prevent_default();
    if let Some(main) =
        document().get_element_by_id("contenido").and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = main.focus();
    }
}

/// Two buttons; the pressed one is the current language. Switching re-renders in place and
/// remembers the choice in a cookie.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let option = move |locale: Locale, label: &'static str| {
        let lang = leptos_i18n::Locale::as_str(locale);
        view! {
            <button
                type="button"
                class="lang-option"
                lang=lang
                aria-pressed=move || (i18n.get_locale() == locale).to_string()
                on:click=move |_| {
                    i18n.set_locale(locale);
                    remember_language(lang);
                }
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="lang-switch" role="group" aria-label=tr!(i18n, language_label)>
            {option(Locale::es, "Español")}
            {option(Locale::en, "English")}
        </div>
    }
}

/// The cookie that keeps the visitor's language: the server's `leptos_i18n` reads it (the shell
/// gives it this name), the language switch writes it.
pub(crate) const LANGUAGE_COOKIE: &str = "i18n_pref_locale";

/// Remembers `lang` for every page the server renders next: for the whole site and a year.
/// Written here rather than by `leptos_i18n`'s own cookie writer, which put the `cookie` and `time`
/// crates in the wasm and scoped the cookie to the folder of the page where the language was chosen
/// (a choice made on `/clave/generar` was forgotten on `/`) and to the browser session.
fn remember_language(lang: &str) {
    use wasm_bindgen::JsCast as _;
    let Ok(document) = document().dyn_into::<web_sys::HtmlDocument>() else { return };
    let https = document.location().and_then(|l| l.protocol().ok()).is_some_and(|p| p == "https:");
    let secure = if https { "; Secure" } else { "" };
    let _ = document
        .set_cookie(&format!("{LANGUAGE_COOKIE}={lang}; Path=/; Max-Age=31536000; SameSite=Lax{secure}"));
}

#[component]
fn Footer() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <footer class="site-footer">
            <div class="container">
                <h2 class="footer-title">{tr!(i18n, footer_channels_title)}</h2>
                <ul class="channel-list">
                    <li>{tr!(i18n, footer_online)}</li>
                    <li>{tr!(i18n, footer_cau)}</li>
                    <li>{tr!(i18n, footer_video)}</li>
                    <li>
                        {tr!(i18n, footer_phone)} " "
                        <a href=format!("tel:{PHONE_E164}")>{PHONE_DISPLAY}</a>
                    </li>
                </ul>
                <p class="footer-free">{tr!(i18n, footer_free)}</p>
                <p class="footer-legal">{tr!(i18n, footer_legal)}</p>
            </div>
        </footer>
    }
}

#[component]
fn Logo() -> impl IntoView {
    view! {
        <svg class="logo" viewBox="0 0 40 40" width="40" height="40" aria-hidden="true" focusable="false">
            <rect width="40" height="40" rx="8" fill="#0b4f8a" />
            <path d="M20 8l10 4v7c0 6.5-4.3 11.6-10 13-5.7-1.4-10-6.5-10-13v-7z" fill="#ffd100" />
            <circle cx="20" cy="19" r="3.2" fill="#0b4f8a" />
            <rect x="18.6" y="21" width="2.8" height="6" rx="1" fill="#0b4f8a" />
        </svg>
    }
}
