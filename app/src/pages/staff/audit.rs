//! `/agentes/auditoria`: the audit log for supervisors and admins, filtered by identification,
//! actor, event kind and dates (Ecuador), newest first, one page at a time. Agents are refused
//! here and by the server function.

use clave_domain::{FieldProblem, audit::EventKind};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;

use super::{
    api::{AuditLog as AuditLogFn, AuditReply, EventView, StaffIdentity},
    console::EventsTable,
    layout::StaffLayout,
};
use crate::{
    components::{
        failure::FailureAlert,
        field::{TextField, field_message},
        form::{FormValues, focus_first_invalid},
    },
    error::AppError,
    i18n::{t_string, use_i18n},
    pages::account::activity::kind_text,
};

#[component]
pub fn AuditLog() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=tr!(i18n, staff_audit_title) />
        <StaffLayout>
            <AuditBody />
        </StaffLayout>
    }
}

#[derive(Clone, Default)]
struct Filters {
    identification: String,
    actor: String,
    kind: String,
    from: String,
    to: String,
}

#[component]
fn AuditBody() -> impl IntoView {
    let i18n = use_i18n();
    let me = use_context::<StaffIdentity>();
    if !me.is_some_and(|me| me.role.may_read_audit()) {
        return view! {
            <h1>{tr!(i18n, staff_audit_title)}</h1>
            <FailureAlert error=AppError::Forbidden />
        }
        .into_any();
    }
    let load = ServerAction::<AuditLogFn>::new();
    let filters = RwSignal::new(Filters::default());
    let page = RwSignal::new(0u32);
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let rows = RwSignal::new(None::<(Vec<EventView>, bool)>);
    let failure = RwSignal::new(None::<AppError>);
    let fetch = move |f: Filters, p: u32| {
        page.set(p);
        load.dispatch(AuditLogFn {
            identification: f.identification,
            actor: f.actor,
            kind: f.kind,
            from: f.from,
            to: f.to,
            page: p,
        });
    };
    Effect::new(move || {
        let Some(reply) = load.value().get() else { return };
        problems.set(Vec::new());
        failure.set(None);
        match reply {
            Ok(AuditReply::Page { events, more }) => rows.set(Some((events, more))),
            Ok(AuditReply::Invalid(found)) => {
                problems.set(found);
                focus_first_invalid();
            }
            Err(e) => failure.set(Some(e)),
        }
    });
    // The first page, unfiltered, once the page is live in the browser.
    Effect::new(move |first: Option<()>| {
        if first.is_none() {
            fetch(Filters::default(), 0);
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        let f = Filters {
            identification: form.get("identification"),
            actor: form.get("actor"),
            kind: form.get("kind"),
            from: form.get("from"),
            to: form.get("to"),
        };
        filters.set(f.clone());
        fetch(f, 0);
    };
    let kinds = EventKind::all()
        .iter()
        .map(|k| {
            let k = *k;
            view! { <option value=k.as_str()>{move || kind_text(i18n, k)}</option> }
        })
        .collect_view();
    view! {
        <h1>{tr!(i18n, staff_audit_title)}</h1>
        <section class="panel" aria-labelledby="staff-audit-filters">
            <h2 id="staff-audit-filters">{tr!(i18n, staff_audit_filters)}</h2>
            <form class="form staff-filters" on:submit=on_submit novalidate>
                <TextField name="identification" label=Signal::derive(move || t_string!(i18n, staff_identification).to_owned())
                    error=field_message(problems, "identification") maxlength=20 />
                <TextField name="actor" label=Signal::derive(move || t_string!(i18n, staff_col_actor).to_owned())
                    error=field_message(problems, "actor") maxlength=32 />
                <div class="field">
                    <label for="kind">{tr!(i18n, staff_col_what)}</label>
                    <select id="kind" name="kind">
                        <option value="">{tr!(i18n, staff_audit_any_kind)}</option>
                        {kinds}
                    </select>
                </div>
                <TextField name="from" input_type="date" label=Signal::derive(move || t_string!(i18n, staff_audit_from).to_owned())
                    error=field_message(problems, "from") />
                <TextField name="to" input_type="date" label=Signal::derive(move || t_string!(i18n, staff_audit_to).to_owned())
                    error=field_message(problems, "to") />
                <button type="submit" class="button">{tr!(i18n, staff_audit_submit)}</button>
            </form>
        </section>
        {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
        {move || rows.get().map(|(events, more)| {
            let p = page.get_untracked();
            let caption = t_string!(i18n, staff_audit_caption).replace("{page}", &(p + 1).to_string());
            view! {
                <section class="panel" aria-labelledby="staff-audit-results">
                    <h2 id="staff-audit-results">{tr!(i18n, staff_audit_results)}</h2>
                    {if events.is_empty() {
                        view! { <p>{tr!(i18n, staff_audit_empty)}</p> }.into_any()
                    } else {
                        view! { <EventsTable events=events caption=caption with_identification=true /> }.into_any()
                    }}
                    <div class="staff-pager">
                        {(p > 0).then(|| view! {
                            <button type="button" class="button button-secondary" on:click=move |_| fetch(filters.get_untracked(), p - 1)>
                                {tr!(i18n, staff_audit_newer)}
                            </button>
                        })}
                        {more.then(|| view! {
                            <button type="button" class="button button-secondary" on:click=move |_| fetch(filters.get_untracked(), p + 1)>
                                {tr!(i18n, staff_audit_older)}
                            </button>
                        })}
                    </div>
                </section>
            }
        })}
    }
    .into_any()
}
