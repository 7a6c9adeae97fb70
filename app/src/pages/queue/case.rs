//! `/agentes/ventanilla/{case}`: the case, the registered person it names (contacts masked),
//! the documents inline (a JPEG as an image, a PDF as a download), and the decision.

use clave_domain::ventanilla::{CaseStatus, DocumentKind, size_text};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::{
    api::{CaseView, DecideCase, DecisionReply, DocumentView, queue_case},
    document_path,
};
use crate::{
    components::{failure::FailureAlert, field::FieldError, in_browser::InBrowser, wizard::StepHeading},
    i18n::{Locale, t_string, use_i18n},
    pages::staff::{layout::StaffLayout, paths},
};

/// `/agentes/ventanilla/{case}`.
#[component]
pub fn QueueCase() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let number = move || params.with(|p| p.get("case").unwrap_or_default());
    view! {
        <Title text=move || format!("{} · {}", number(), t_string!(i18n, queue_title)) />
        <StaffLayout>
            <p><A href=paths::QUEUE>{tr!(i18n, queue_back)}</A></p>
            <h1>{tr!(i18n, queue_case_title)}" "{number}</h1>
            <InBrowser>
                <CaseLoader number=Signal::derive(number) />
            </InBrowser>
        </StaffLayout>
    }
}

#[component]
fn CaseLoader(number: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let decide = ServerAction::<DecideCase>::new();
    // Read the case again only when it was decided (here or by someone else): a refused decision
    // leaves the page, and the reason typed, as they are.
    let decided = Memo::new(move |before: Option<&usize>| match decide.value().get() {
        Some(Ok(DecisionReply::Decided | DecisionReply::AlreadyClosed)) => decide.version().get(),
        _ => before.copied().unwrap_or_default(),
    });
    // Opening a case puts it under review (and emails the affiliate): only the browser's POST
    // does that, never the GET that renders the page (DESIGN §5.8).
    let case = LocalResource::new(move || {
        decided.track();
        queue_case(number.get())
    });
    view! {
        <Suspense fallback=move || view! { <p>{tr!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                match case.await {
                    Err(error) => view! { <FailureAlert error=error /> }.into_any(),
                    Ok(None) => view! { <p class="alert alert-warning" role="alert">{tr!(i18n, queue_not_found)}</p> }.into_any(),
                    Ok(Some(view)) => view! { <CaseDetail view=view decide=decide /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn CaseDetail(view: CaseView, decide: ServerAction<DecideCase>) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let kind = view.request_type;
    let status = view.status;
    let status_text = move || match status {
        CaseStatus::Recibido => t_string!(i18n, vv_status_recibido),
        CaseStatus::EnRevision => t_string!(i18n, vv_status_en_revision),
        CaseStatus::Aprobado => t_string!(i18n, vv_status_aprobado),
        CaseStatus::Rechazado => t_string!(i18n, vv_status_rechazado),
    };
    let number = view.number.clone();
    let documents = view.documents.clone();
    view! {
        <section class="panel" aria-labelledby="case-data">
            <h2 id="case-data">{tr!(i18n, queue_case_data)}</h2>
            <dl class="facts">
                <dt>{tr!(i18n, queue_status)}</dt>
                <dd data-testid="case-status">{status_text}</dd>
                <dt>{tr!(i18n, vv_type_label)}</dt>
                <dd>{move || if english() { kind.label_en() } else { kind.label_es() }}</dd>
                <dt>{tr!(i18n, gen_identification_label)}</dt>
                <dd>{view.identification.clone()}</dd>
                <dt>{tr!(i18n, vv_email_label)}</dt>
                <dd>{view.contact_email.clone()}</dd>
                <dt>{tr!(i18n, vv_filed_at)}</dt>
                <dd>{view.filed_at.clone()}" "{tr!(i18n, vv_ecuador_time)}</dd>
                {view.closed_at.clone().map(|at| view! { <dt>{tr!(i18n, vv_closed_at)}</dt><dd>{at}</dd> })}
                {view.reviewer.clone().map(|who| view! { <dt>{tr!(i18n, queue_reviewer)}</dt><dd>{who}</dd> })}
                {view.reason.clone().map(|why| view! { <dt>{tr!(i18n, vv_reason)}</dt><dd>{why}</dd> })}
            </dl>
            <h3>{tr!(i18n, vv_description_label)}</h3>
            <p class="case-description">{view.description.clone()}</p>
        </section>
        <section class="panel" aria-labelledby="case-person">
            <h2 id="case-person">{tr!(i18n, queue_person)}</h2>
            {match view.person.clone() {
                None => view! { <p class="alert alert-warning">{tr!(i18n, queue_person_unknown)}</p> }.into_any(),
                Some(p) => view! {
                    <dl class="facts">
                        <dt>{tr!(i18n, queue_person_name)}</dt>
                        <dd>{format!("{} {}", p.names, p.surnames)}</dd>
                        <dt>{tr!(i18n, queue_person_clave)}</dt>
                        <dd>{move || match (p.has_clave, p.locked) {
                            (false, _) => t_string!(i18n, queue_clave_none),
                            (true, true) => t_string!(i18n, queue_clave_locked),
                            (true, false) => t_string!(i18n, queue_clave_active),
                        }}</dd>
                        <dt>{tr!(i18n, queue_person_email)}</dt>
                        <dd>{p.email_masked.clone().unwrap_or_else(|| "—".into())}</dd>
                        <dt>{tr!(i18n, queue_person_mobile)}</dt>
                        <dd>{p.mobile_masked.clone().unwrap_or_else(|| "—".into())}</dd>
                    </dl>
                }.into_any(),
            }}
        </section>
        <section class="panel" aria-labelledby="case-documents">
            <h2 id="case-documents">{tr!(i18n, vv_documents_legend)}</h2>
            {if documents.is_empty() {
                view! { <p>{tr!(i18n, queue_documents_gone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="case-documents">
                        {documents.into_iter().map(|d| view! { <Document number=number.clone() document=d /> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
        {status.is_open().then(|| view! { <Decision number=view.number.clone() decide=decide /> })}
    }
}

#[component]
fn Document(number: String, document: DocumentView) -> impl IntoView {
    let i18n = use_i18n();
    let slot = document.slot;
    let label = move || if i18n.get_locale() == Locale::en { slot.label_en() } else { slot.label_es() };
    let href = document_path(&number, slot);
    let size = size_text(usize::try_from(document.size).unwrap_or(usize::MAX));
    let body = match document.kind {
        DocumentKind::Jpeg => {
            let alt = move || t_string!(i18n, queue_image_alt).replace("{doc}", label()).replace("{case}", &number);
            view! { <img class="case-image" src=href alt=alt loading="lazy" /> }.into_any()
        }
        DocumentKind::Pdf => view! {
            <a class="button button-secondary" href=href download>
                {move || t_string!(i18n, queue_pdf_download).replace("{doc}", label()).replace("{size}", &size)}
            </a>
        }
        .into_any(),
    };
    view! {
        <li class="case-document">
            <h3>{label}</h3>
            {body}
        </li>
    }
}

#[component]
fn Decision(number: String, decide: ServerAction<DecideCase>) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let answer = RwSignal::new(None::<DecisionReply>);
    Effect::new(move || {
        if let Some(Ok(reply)) = decide.value().get() {
            answer.set(Some(reply));
        }
    });
    let failure = move || decide.value().get().and_then(Result::err);
    let error = Signal::derive(move || {
        answer.get().and_then(|reply| match reply {
            DecisionReply::ReasonLength => Some(t_string!(i18n, queue_reason_length).to_owned()),
            _ => None,
        })
    });
    let refusal = move || {
        answer.get().and_then(|reply| match reply {
            DecisionReply::NotApprovable => Some(t_string!(i18n, queue_not_approvable)),
            DecisionReply::AlreadyClosed => Some(t_string!(i18n, queue_already_closed)),
            DecisionReply::NotFound => Some(t_string!(i18n, queue_not_found)),
            DecisionReply::ActionRefused => Some(t_string!(i18n, queue_action_refused)),
            DecisionReply::Decided | DecisionReply::ReasonLength => None,
        })
    };
    let submit = {
        let number = number.clone();
        move |approve: bool| {
            answer.set(None);
            decide.dispatch(DecideCase { number: number.clone(), approve, reason: reason.get_untracked() });
        }
    };
    let (approve, reject) = (submit.clone(), submit);
    view! {
        <section class="panel" aria-labelledby="case-decision">
            <StepHeading text=Signal::derive(move || t_string!(i18n, queue_decision).to_owned()) take_focus=false />
            {move || failure().map(|error| view! { <FailureAlert error=error /> })}
            {move || refusal().map(|text| view! { <div class="alert alert-warning" role="alert">{text}</div> })}
            <div class="field" class:field-invalid=move || error.get().is_some()>
                <label for="reason">{tr!(i18n, queue_reason_label)}</label>
                <p class="field-hint" id="reason-ayuda">{tr!(i18n, queue_reason_hint)}</p>
                <textarea
                    id="reason"
                    name="reason"
                    rows="3"
                    maxlength="500"
                    aria-invalid=move || error.get().is_some().then_some("true")
                    aria-describedby=move || if error.get().is_some() { "reason-ayuda reason-error" } else { "reason-ayuda" }
                    on:input=move |ev| reason.set(event_target_value(&ev))
                ></textarea>
                <FieldError id="reason-error" error=error />
            </div>
            <div class="card-actions">
                <button type="button" class="button" disabled=move || decide.pending().get() on:click=move |_| approve(true)>
                    {tr!(i18n, queue_approve)}
                </button>
                <button type="button" class="button button-danger" disabled=move || decide.pending().get() on:click=move |_| reject(false)>
                    {tr!(i18n, queue_reject)}
                </button>
            </div>
        </section>
    }
}
