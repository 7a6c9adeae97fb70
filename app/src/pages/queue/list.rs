//! `/agentes/ventanilla`: the open cases, oldest first.

use leptos::prelude::*;
use leptos_i18n::I18nContext;
use leptos_meta::Title;
use leptos_router::components::A;

use super::api::{QueueRow, queue_cases};
use crate::{
    components::{failure::FailureAlert, in_browser::InBrowser},
    i18n::{Locale, t_string, use_i18n},
    pages::staff::{layout::StaffLayout, paths},
};

/// How long a case has waited, in the largest unit that reads naturally.
pub(super) fn age_text(i18n: I18nContext<Locale>, minutes: i64) -> String {
    let (n, template) = if minutes < 60 {
        (minutes, t_string!(i18n, queue_age_minutes))
    } else if minutes < 48 * 60 {
        (minutes / 60, t_string!(i18n, queue_age_hours))
    } else {
        (minutes / (24 * 60), t_string!(i18n, queue_age_days))
    };
    template.replace("{n}", &n.to_string())
}

/// `/agentes/ventanilla`.
#[component]
pub fn Queue() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=tr!(i18n, queue_title) />
        <StaffLayout>
            <h1>{tr!(i18n, queue_title)}</h1>
            <InBrowser>
                <QueueTable />
            </InBrowser>
        </StaffLayout>
    }
}

#[component]
fn QueueTable() -> impl IntoView {
    let i18n = use_i18n();
    // Loaded by the browser, like a case: a second resource resolved on the server inside the
    // layout's `Suspense` now and then left the server-rendered page unfinished forever (a race
    // in leptos's nested `Suspense`, seen under load on PostgreSQL; cf. leptos#4851).
    let cases = LocalResource::new(queue_cases);
    view! {
        <Suspense fallback=move || view! { <p>{tr!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match cases.await {
                    Err(error) => view! { <FailureAlert error=error /> }.into_any(),
                    Ok(rows) if rows.is_empty() => view! { <p role="status">{tr!(i18n, queue_empty)}</p> }.into_any(),
                    Ok(rows) => view! { <Rows rows=rows /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Rows(rows: Vec<QueueRow>) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let count = rows.len();
    view! {
        <table class="activity-table queue-table">
            <caption>{move || t_string!(i18n, queue_caption).replace("{n}", &count.to_string())}</caption>
            <thead>
                <tr>
                    <th scope="col">{tr!(i18n, vv_number_label)}</th>
                    <th scope="col">{tr!(i18n, vv_type_label)}</th>
                    <th scope="col">{tr!(i18n, queue_col_filed)}</th>
                    <th scope="col">{tr!(i18n, queue_col_age)}</th>
                </tr>
            </thead>
            <tbody>
                {rows
                    .into_iter()
                    .map(|row| {
                        let href = format!("{}/{}", paths::QUEUE, row.number);
                        let kind = row.request_type;
                        let age = row.age_minutes;
                        view! {
                            <tr>
                                <td data-label=tr!(i18n, vv_number_label)>
                                    <A href=href>{row.number}</A>
                                </td>
                                <td data-label=tr!(i18n, vv_type_label)>
                                    {move || if english() { kind.label_en() } else { kind.label_es() }}
                                </td>
                                <td data-label=tr!(i18n, queue_col_filed)>{row.filed_at}</td>
                                <td data-label=tr!(i18n, queue_col_age)>{move || age_text(i18n, age)}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
}
