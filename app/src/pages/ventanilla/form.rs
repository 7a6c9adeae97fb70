//! `/ventanilla`: request type, identification, contact email, description with a live count,
//! three attachments, captcha. The browser pre-checks each file's size and name at once; the
//! server checks everything again, the bytes above all.

use clave_domain::{
    FieldProblem, routes,
    ventanilla::{Refusal, RequestType, Slot, size_text},
};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;
use leptos_router::components::A;
use wasm_bindgen::JsCast as _;

use super::api::{FilingReply, Limits, file_case, ventanilla_limits};
use crate::{
    components::{
        captcha::CaptchaField,
        failure::FailureAlert,
        field::{FieldError, TextField, field_message},
        form::focus_first_invalid,
        wizard::StepHeading,
    },
    error::AppError,
    i18n::{Locale, t_string, use_i18n},
};

/// `/ventanilla`.
#[component]
pub fn Ventanilla() -> impl IntoView {
    let i18n = use_i18n();
    let limits = Resource::new(|| (), |_| ventanilla_limits());
    view! {
        <Title text=tr!(i18n, vv_title) />
        <h1>{tr!(i18n, vv_title)}</h1>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let limits = limits.await.unwrap_or_default();
                view! { <FilingPanel limits=limits /> }
            })}
        </Suspense>
        <aside class="panel panel-notice">
            <h2>{tr!(i18n, vv_requirements_title)}</h2>
            <p>{tr!(i18n, help_a_requirements_ventanilla)}</p>
            <A href=routes::VENTANILLA_STATUS>{tr!(i18n, vv_status_link)}</A>
        </aside>
    }
}

#[component]
fn FilingPanel(limits: Limits) -> impl IntoView {
    let i18n = use_i18n();
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let failure = RwSignal::new(None::<AppError>);
    let filed = RwSignal::new(None::<String>);
    let action = Action::new_local(|data: &web_sys::FormData| file_case(data.clone().into()));
    Effect::new(move || match action.value().get() {
        Some(Ok(FilingReply::Filed(number))) => {
            problems.set(Vec::new());
            failure.set(None);
            filed.set(Some(number));
        }
        Some(Ok(FilingReply::Invalid(found))) => {
            failure.set(None);
            problems.set(found);
            focus_first_invalid();
        }
        Some(Err(error)) => failure.set(Some(error)),
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok()) else {
            return;
        };
        // What the browser already knows is wrong is said at once, without sending 3 MB.
        let local: Vec<FieldProblem> =
            Slot::ALL.into_iter().filter_map(|slot| precheck(&form, slot, limits.max_file_bytes)).collect();
        if !local.is_empty() {
            problems.set(local);
            focus_first_invalid();
            return;
        }
        if let Ok(data) = web_sys::FormData::new_with_form(&form) {
            action.dispatch_local(data);
        }
    };
    let form_error = field_message(problems, "form");
    view! {
        <section class="panel">
            <Show
                when=move || filed.get().is_some()
                fallback=move || view! {
                    {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
                    {move || form_error.get().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
                    <p class="lead">{tr!(i18n, vv_intro)}</p>
                    <form class="form" on:submit=on_submit novalidate>
                        <RequestTypeField problems=problems />
                        <TextField
                            name="identification"
                            label=Signal::derive(move || t_string!(i18n, gen_identification_label).to_owned())
                            hint=Signal::derive(move || Some(t_string!(i18n, gen_identification_hint).to_owned()))
                            error=field_message(problems, "identification")
                            autocomplete="off"
                            maxlength=20
                            required=true
                        />
                        <TextField
                            name="contact_email"
                            label=Signal::derive(move || t_string!(i18n, vv_email_label).to_owned())
                            hint=Signal::derive(move || Some(t_string!(i18n, vv_email_hint).to_owned()))
                            error=field_message(problems, "contact_email")
                            input_type="email"
                            autocomplete="email"
                            maxlength=254
                            required=true
                        />
                        <DescriptionField problems=problems max_chars=limits.description_max_chars />
                        <fieldset class="form-section">
                            <legend>{tr!(i18n, vv_documents_legend)}</legend>
                            {Slot::ALL
                                .into_iter()
                                .map(|slot| view! { <FileField which=slot problems=problems max_bytes=limits.max_file_bytes /> })
                                .collect_view()}
                        </fieldset>
                        <CaptchaField problems=problems answers=action.version() />
                        <button type="submit" class="button" disabled=move || action.pending().get()>
                            {move || if action.pending().get() { t_string!(i18n, vv_sending) } else { t_string!(i18n, vv_submit) }}
                        </button>
                    </form>
                }
            >
                <StepHeading text=Signal::derive(move || t_string!(i18n, vv_filed_title).to_owned()) take_focus=true />
                <div class="alert alert-success" role="status">
                    <p>{tr!(i18n, vv_filed_number)}</p>
                    <p class="case-number" data-testid="case-number">{move || filed.get().unwrap_or_default()}</p>
                    <p><strong>{tr!(i18n, vv_filed_keep)}</strong>" "{tr!(i18n, vv_filed_mail)}</p>
                </div>
                <A href=routes::VENTANILLA_STATUS attr:class="button">{tr!(i18n, vv_status_link)}</A>
            </Show>
        </section>
    }
}

/// The problem the browser can see in the file chosen for `slot`, if any.
fn precheck(form: &web_sys::HtmlFormElement, slot: Slot, max_bytes: usize) -> Option<FieldProblem> {
    let input = form
        .elements()
        .named_item(slot.as_str())
        .and_then(|e| e.dyn_into::<web_sys::HtmlInputElement>().ok())?;
    let file = input.files().and_then(|files| files.get(0));
    let refusal = match file {
        None => Some(Refusal::Empty),
        Some(file) => Refusal::precheck(&file.name(), file.size() as usize, max_bytes),
    };
    refusal.map(|r| r.problem(slot, max_bytes))
}

#[component]
fn RequestTypeField(problems: RwSignal<Vec<FieldProblem>>) -> impl IntoView {
    let i18n = use_i18n();
    let error = field_message(problems, "request_type");
    let options = move || {
        let english = i18n.get_locale() == Locale::en;
        RequestType::ALL
            .into_iter()
            .map(|t| view! { <option value=t.as_str()>{if english { t.label_en() } else { t.label_es() }}</option> })
            .collect_view()
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for="request_type">{tr!(i18n, vv_type_label)}</label>
            <select
                id="request_type"
                name="request_type"
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || error.get().map(|_| "request_type-error")
            >
                <option value="">{tr!(i18n, date_choose)}</option>
                {options}
            </select>
            <FieldError id="request_type-error" error=error />
        </div>
    }
}

#[component]
fn DescriptionField(problems: RwSignal<Vec<FieldProblem>>, max_chars: usize) -> impl IntoView {
    let i18n = use_i18n();
    let error = field_message(problems, "description");
    let count = RwSignal::new(0_usize);
    let count_text = move || {
        t_string!(i18n, vv_description_count)
            .replace("{n}", &count.get().to_string())
            .replace("{max}", &max_chars.to_string())
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for="description">{tr!(i18n, vv_description_label)}</label>
            <p class="field-hint" id="description-ayuda">{tr!(i18n, vv_description_hint)}</p>
            <textarea
                id="description"
                name="description"
                rows="4"
                maxlength=max_chars
                required
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || {
                    if error.get().is_some() { "description-ayuda description-cuenta description-error" } else { "description-ayuda description-cuenta" }
                }
                on:input=move |ev| count.set(event_target_value(&ev).chars().count())
            ></textarea>
            <p class="field-hint char-count" id="description-cuenta">
                {count_text}
            </p>
            <FieldError id="description-error" error=error />
        </div>
    }
}

#[component]
fn FileField(which: Slot, problems: RwSignal<Vec<FieldProblem>>, max_bytes: usize) -> impl IntoView {
    let i18n = use_i18n();
    let slot = which;
    let name = slot.as_str();
    let error = field_message(problems, name);
    let hint_id = format!("{name}-ayuda");
    let error_id = format!("{name}-error");
    let described_by = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        move || if error.get().is_some() { format!("{hint_id} {error_id}") } else { hint_id.clone() }
    };
    let label = move || if i18n.get_locale() == Locale::en { slot.label_en() } else { slot.label_es() };
    let hint = move || t_string!(i18n, vv_file_hint).replace("{size}", &size_text(max_bytes));
    // A new choice replaces what was said about the old one, with the browser's own pre-check.
    let on_change = move |ev: leptos::ev::Event| {
        let input = event_target::<web_sys::HtmlInputElement>(&ev);
        let found = input
            .files()
            .and_then(|files| files.get(0))
            .and_then(|file| Refusal::precheck(&file.name(), file.size() as usize, max_bytes))
            .map(|r| r.problem(slot, max_bytes));
        problems.update(|all| {
            all.retain(|p| p.field != name);
            all.extend(found);
        });
    };
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <label for=name>{label}</label>
            <p class="field-hint" id=hint_id>{hint}</p>
            <input
                id=name
                name=name
                type="file"
                accept=".jpg,.jpeg,.pdf"
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described_by
                on:change=on_change
            />
            <FieldError id=error_id error=error />
        </div>
    }
}
