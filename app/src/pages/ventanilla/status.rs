//! `/ventanilla/estado`: the status of a case from its number and the identification it was
//! filed with. An unknown number and a number of someone else get the same answer.

use clave_domain::{
    FieldProblem, routes,
    ventanilla::{CaseStatus, RequestType},
};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use leptos_router::components::A;

use super::api::{LookupCase, StatusReply, StatusView};
use crate::{
    components::{
        captcha::CaptchaField,
        failure::FailureAlert,
        field::{TextField, field_message},
        form::{FormValues, focus_first_invalid},
    },
    error::AppError,
    i18n::{Locale, t_string, use_i18n},
};

#[derive(Debug, Clone, PartialEq)]
enum Answer {
    Found(StatusView),
    NotFound,
}

/// `/ventanilla/estado`.
#[component]
pub fn VentanillaStatus() -> impl IntoView {
    let i18n = use_i18n();
    let lookup = ServerAction::<LookupCase>::new();
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let failure = RwSignal::new(None::<AppError>);
    let answer = RwSignal::new(None::<Answer>);
    Effect::new(move || match lookup.value().get() {
        Some(Ok(StatusReply::Found(view))) => {
            problems.set(Vec::new());
            failure.set(None);
            answer.set(Some(Answer::Found(view)));
        }
        Some(Ok(StatusReply::NotFound)) => {
            problems.set(Vec::new());
            failure.set(None);
            answer.set(Some(Answer::NotFound));
        }
        Some(Ok(StatusReply::Invalid(found))) => {
            failure.set(None);
            answer.set(None);
            problems.set(found);
            focus_first_invalid();
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        lookup.dispatch(LookupCase {
            number: form.get("number"),
            identification: form.get("identification"),
            captcha: form.get("captcha"),
        });
    };
    view! {
        <Title text=tr!(i18n, vv_status_title) />
        <h1>{tr!(i18n, vv_status_title)}</h1>
        <section class="panel">
            {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
            <p class="lead">{tr!(i18n, vv_status_intro)}</p>
            <form class="form" on:submit=on_submit novalidate>
                <TextField
                    name="number"
                    label=Signal::derive(move || t_string!(i18n, vv_number_label).to_owned())
                    hint=Signal::derive(move || Some(t_string!(i18n, vv_number_hint).to_owned()))
                    error=field_message(problems, "number")
                    maxlength=20
                    required=true
                />
                <TextField
                    name="identification"
                    label=Signal::derive(move || t_string!(i18n, gen_identification_label).to_owned())
                    error=field_message(problems, "identification")
                    maxlength=20
                    required=true
                />
                <CaptchaField problems=problems answers=lookup.version() />
                <button type="submit" class="button" disabled=move || lookup.pending().get()>
                    {tr!(i18n, vv_status_submit)}
                </button>
            </form>
            <div class="status-result" aria-live="polite">
                {move || answer.get().map(|a| match a {
                    Answer::NotFound => view! {
                        <div class="alert alert-warning" role="alert" data-testid="status-answer">{tr!(i18n, vv_status_not_found)}</div>
                    }.into_any(),
                    Answer::Found(view) => view! { <StatusCard view=view /> }.into_any(),
                })}
            </div>
        </section>
        <p><A href=routes::VENTANILLA>{tr!(i18n, vv_new_case_link)}</A></p>
    }
}

#[component]
fn StatusCard(view: StatusView) -> impl IntoView {
    let i18n = use_i18n();
    let english = move || i18n.get_locale() == Locale::en;
    let kind = view.request_type;
    let kind_text = move || if english() { kind.label_en() } else { kind.label_es() };
    let (status_text, explanation, class) = match view.status {
        CaseStatus::Recibido => {
            (t_string!(i18n, vv_status_recibido), t_string!(i18n, vv_explain_recibido), "alert-info")
        }
        CaseStatus::EnRevision => {
            (t_string!(i18n, vv_status_en_revision), t_string!(i18n, vv_explain_en_revision), "alert-info")
        }
        CaseStatus::Aprobado => (
            t_string!(i18n, vv_status_aprobado),
            match kind {
                RequestType::ActualizacionCorreo => t_string!(i18n, vv_explain_aprobado_correo),
                _ => t_string!(i18n, vv_explain_aprobado_clave),
            },
            "alert-success",
        ),
        CaseStatus::Rechazado => {
            (t_string!(i18n, vv_status_rechazado), t_string!(i18n, vv_explain_rechazado), "alert-warning")
        }
    };
    view! {
        <div class=format!("alert {class}") role="status" data-testid="status-answer">
            <h2 class="status-title">{status_text}</h2>
            <p>{explanation}</p>
            {view.reason.map(|reason| view! { <p><strong>{tr!(i18n, vv_reason)}</strong>" "{reason}</p> })}
            <dl class="facts">
                <dt>{tr!(i18n, vv_number_label)}</dt>
                <dd>{view.number}</dd>
                <dt>{tr!(i18n, vv_type_label)}</dt>
                <dd>{kind_text}</dd>
                <dt>{tr!(i18n, vv_filed_at)}</dt>
                <dd>{view.filed_at}" "{tr!(i18n, vv_ecuador_time)}</dd>
                {view.closed_at.map(|at| view! { <dt>{tr!(i18n, vv_closed_at)}</dt><dd>{at}" "{tr!(i18n, vv_ecuador_time)}</dd> })}
            </dl>
        </div>
    }
}
