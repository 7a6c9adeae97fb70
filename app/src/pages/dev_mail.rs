use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

use crate::{error::AppError, i18n::use_i18n, pages::not_found::NotFound};

/// One message of the development mailbox, as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevMessage {
    pub id: i64,
    pub recipient: String,
    pub subject: String,
    pub text: String,
    /// Local time in Ecuador, `dd/mm/aaaa hh:mm:ss`.
    pub delivered_at: String,
    /// The links of the text, so a tester (or Playwright) can follow them.
    pub links: Vec<String>,
}

/// The newest messages of the dev mailbox. Answers 404 unless the dev mailbox is the transport,
/// so a production server never exposes anyone's mail.
#[server(endpoint = "dev/correo")]
pub async fn dev_mailbox() -> Result<Vec<DevMessage>, AppError> {
    use clave_backend::{clock::INSTITUTE_TZ, config::MailTransportKind};

    use crate::server::{fail, services};

    let services = services()?;
    if services.settings.mail.transport != MailTransportKind::Dev {
        return Err(fail(AppError::NotFound));
    }
    let mail = services.store.list_dev_mail(50).await.map_err(|e| fail(e.into()))?;
    Ok(mail
        .into_iter()
        .map(|m| DevMessage {
            id: m.id,
            links: links_in(&m.text),
            recipient: m.recipient,
            subject: m.subject,
            text: m.text,
            delivered_at: m.delivered_at.with_timezone(&INSTITUTE_TZ).format("%d/%m/%Y %H:%M:%S").to_string(),
        })
        .collect())
}

/// Every `http(s)://` URL in a plain-text body.
pub fn links_in(text: &str) -> Vec<String> {
    text.split_whitespace()
        .filter(|w| w.starts_with("http://") || w.starts_with("https://"))
        .map(|w| w.trim_end_matches(['.', ',', ')', '>', ';']).to_owned())
        .collect()
}

/// `/dev/correo`: the development mailbox (only when it is the mail transport).
#[component]
pub fn DevMail() -> impl IntoView {
    let i18n = use_i18n();
    // Blocking: the response's status (404 without the dev mailbox, 503 with the database down)
    // is only known once this has loaded, and it is sent with the first byte.
    let mail = Resource::new_blocking(|| (), |()| dev_mailbox());
    view! {
        <Suspense fallback=move || view! { <p>{tr!(i18n, loading)}</p> }>
            {move || {
                mail.get()
                    .map(|result| match result {
                        Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                        Err(_) => view! { <p role="alert">{tr!(i18n, error_unavailable)}</p> }.into_any(),
                        Ok(messages) => view! { <Mailbox messages refresh=move || mail.refetch() /> }.into_any(),
                    })
            }}
        </Suspense>
    }
}

#[component]
fn Mailbox(messages: Vec<DevMessage>, refresh: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let empty = messages.is_empty();
    view! {
        <Title text=tr!(i18n, dev_mail_title) />
        <h1>{tr!(i18n, dev_mail_title)}</h1>
        <p class="lead">{tr!(i18n, dev_mail_intro)}</p>
        <button type="button" class="button button-secondary" on:click=move |_| refresh()>
            {tr!(i18n, dev_mail_refresh)}
        </button>
        <Show when=move || empty>
            <p>{tr!(i18n, dev_mail_empty)}</p>
        </Show>
        <ul class="mail-list">
            {messages
                .into_iter()
                .map(|m| {
                    let heading = format!("mail-{}", m.id);
                    let labelled_by = heading.clone();
                    view! {
                        <li class="mail">
                            <article aria-labelledby=labelled_by>
                                <h2 id=heading>{m.subject}</h2>
                                <dl>
                                    <dt>{tr!(i18n, dev_mail_to)}</dt>
                                    <dd>{m.recipient}</dd>
                                    <dt>{tr!(i18n, dev_mail_date)}</dt>
                                    <dd>{m.delivered_at}</dd>
                                </dl>
                                <pre>{m.text}</pre>
                                <Show when={
                                    let any = !m.links.is_empty();
                                    move || any
                                }>
                                    <h3>{tr!(i18n, dev_mail_links)}</h3>
                                </Show>
                                <ul>
                                    {m.links
                                        .iter()
                                        .map(|l| view! { <li><a href=l.clone()>{l.clone()}</a></li> })
                                        .collect_view()}
                                </ul>
                            </article>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::links_in;

    #[test]
    fn links_are_found_in_plain_text_and_trailing_punctuation_is_dropped() {
        let text = "Abra http://127.0.0.1:3000/clave/activar#t=abc. O visite https://clave.example.ec/ayuda, gracias.";
        assert_eq!(
            links_in(text),
            vec!["http://127.0.0.1:3000/clave/activar#t=abc", "https://clave.example.ec/ayuda"]
        );
    }

    #[test]
    fn text_without_links_has_none() {
        assert!(links_in("Su clave fue bloqueada.").is_empty());
    }
}
