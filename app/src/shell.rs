//! The HTML document and the router.

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, Link, Meta, MetaTags, Title, provide_meta_context};
use leptos_router::{
    SsrMode,
    components::{Route, Router, Routes},
    path,
};

use crate::{
    components::layout::{LANGUAGE_COOKIE, Layout},
    hydration::Hydration,
    i18n::{I18nContextProvider, Locale, use_i18n},
    pages::{
        activate::ActivatePage,
        dev_mail::DevMail,
        generate::Generate,
        help::Help,
        home::Home,
        not_found::NotFound,
        not_me::NotMe,
        unlock::{Unlock, UnlockConfirm},
    },
};

/// The document served for every page. On the server it also adopts the request's CSP nonce, so
/// the hydration scripts carry the nonce the `Content-Security-Policy` header names.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    crate::server::provide_request_nonce();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light" />
                <AutoReload options=options.clone() />
                <HashedStylesheet options=options.clone() id="leptos" />
                <Hydration options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// How the pages whose content waits for the server's data are streamed: in order, the data's
/// part written in place once it is there. Out of order (Leptos's default), their forms came
/// after the rest of the page, moved into place by a script: nothing without JavaScript, and on a
/// slow phone the page jumped when they arrived.
const IN_ORDER: SsrMode = SsrMode::InOrder;

/// The application: language context, layout and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    // Tells end-to-end tests (and nothing else) that the wasm has taken over the page.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <I18nContextProvider
            ssr_lang_header_getter=spanish_unless_chosen()
            cookie_name=LANGUAGE_COOKIE
            cookie_options=read_only_language_cookie()
        >
            <Head />
            <Router>
                <Layout>
                    <Routes fallback=NotFound>
                        <Route path=path!("/") view=Home />
                        <Route path=path!("/ayuda") view=Help ssr=IN_ORDER />
                        <Route path=path!("/dev/correo") view=DevMail ssr=IN_ORDER />
                        <Route path=path!("/clave/generar") view=Generate ssr=IN_ORDER />
                        <Route path=path!("/clave/activar") view=ActivatePage />
                        <Route path=path!("/clave/recuperar") view=crate::pages::recover::Recover ssr=IN_ORDER />
                        <Route path=path!("/clave/restablecer") view=crate::pages::reset::ResetPage />
                        <Route path=path!("/no-fui-yo") view=NotMe />
                        <Route path=path!("/clave/desbloquear") view=Unlock />
                        <Route path=path!("/clave/desbloquear/confirmar") view=UnlockConfirm />
                        <Route path=path!("/ingresar") view=crate::pages::login::Login ssr=IN_ORDER />
                        <Route path=path!("/mi-cuenta") view=crate::pages::account::Account ssr=IN_ORDER />
                        <Route path=path!("/agentes") view=crate::pages::staff::StaffLogin />
                        <Route path=path!("/agentes/consola") view=crate::pages::staff::Console />
                        <Route path=path!("/agentes/auditoria") view=crate::pages::staff::AuditLog />
                        <Route path=path!("/agentes/ventanilla") view=crate::pages::queue::Queue />
                        <Route path=path!("/agentes/ventanilla/:case") view=crate::pages::queue::QueueCase />
                        <Route path=path!("/ventanilla") view=crate::pages::ventanilla::Ventanilla ssr=IN_ORDER />
                        <Route path=path!("/ventanilla/estado") view=crate::pages::ventanilla::VentanillaStatus />
                    </Routes>
                </Layout>
            </Router>
        </I18nContextProvider>
    }
}

#[component]
fn Head() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Link rel="icon" type_="image/svg+xml" href="/favicon.svg" />
        <Meta name="description" content=tr!(i18n, home_intro) />
        <Meta name="theme-color" content="#0b4f8a" />
        <Title formatter=move |page: String| {
            if page.is_empty() { "Clave IESS".to_owned() } else { format!("{page} · Clave IESS") }
        } />
    }
}

/// The server only reads the language cookie; the browser writes it when the visitor switches
/// (`LanguageSwitch`). Written on the server too, it came back with every page as a session cookie
/// scoped to the page's folder, in place of the browser's site-wide one.
fn read_only_language_cookie() -> leptos_i18n::context::CookieOptions<Locale> {
    leptos_i18n::context::CookieOptions::default().readonly(true)
}

/// Spanish (Ecuador) is the language of the service: the browser's `Accept-Language` is ignored
/// and only the visitor's explicit choice (a cookie) switches to English.
fn spanish_unless_chosen() -> leptos_use::UseLocalesOptions {
    leptos_use::UseLocalesOptions::default().ssr_lang_header_getter(|| None)
}
