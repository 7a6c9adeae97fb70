//! `/agentes/consola`: search an affiliate by cédula or foreigner code, see their status (masked),
//! record an in-person verification and act on it; the video call is in `video`.

use clave_domain::{FieldProblem, audit::EventKind};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_meta::Title;

use super::{
    api::{
        ActionReply, EventView, InPersonReply, PerformAction, SearchAffiliate, SearchReply, StatusView,
        VerifyInPerson,
    },
    layout::StaffLayout,
    video::VideoPanel,
};
use crate::{
    components::{
        failure::FailureAlert,
        field::{TextField, field_message},
        form::{FormValues, focus_first_invalid},
    },
    error::AppError,
    i18n::{Locale, t_string, use_i18n},
    pages::account::activity::kind_text,
};

#[component]
pub fn Console() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=tr!(i18n, staff_console_title) />
        <StaffLayout>
            <ConsoleBody />
        </StaffLayout>
    }
}

/// The search and what it found; `refresh` searches the same number again after an action.
#[derive(Clone, Copy)]
pub(super) struct Found {
    pub refresh: Callback<()>,
    /// The live in-person verification of this search (id, until when), kept across refreshes.
    pub verification: RwSignal<Option<(i64, String)>>,
    /// An action was just done (shown until the next search).
    pub done: RwSignal<bool>,
}

#[component]
fn ConsoleBody() -> impl IntoView {
    let i18n = use_i18n();
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let not_found = RwSignal::new(false);
    let failure = RwSignal::new(None::<AppError>);
    let status = RwSignal::new(None::<StatusView>);
    let last = RwSignal::new(String::new());
    let search = ServerAction::<SearchAffiliate>::new();
    Effect::new(move || {
        let Some(reply) = search.value().get() else { return };
        problems.set(Vec::new());
        not_found.set(false);
        failure.set(None);
        match reply {
            Ok(SearchReply::Found(found)) => status.set(Some(*found)),
            Ok(SearchReply::NotFound) => {
                status.set(None);
                not_found.set(true);
            }
            Ok(SearchReply::Invalid(found)) => {
                status.set(None);
                problems.set(found);
                focus_first_invalid();
            }
            Err(error) => failure.set(Some(error)),
        }
    });
    let refresh = Callback::new(move |()| {
        search.dispatch(SearchAffiliate { identification: last.get_untracked() });
    });
    let person = Memo::new(move |_| status.with(|s| s.as_ref().map(|s| (s.affiliate_id, s.foreigner))));
    let verification = RwSignal::new(None::<(i64, String)>);
    let done = RwSignal::new(false);
    provide_context(Found { refresh, verification, done });
    let on_submit = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        // A new search (even of the same number) starts the panels afresh.
        status.set(None);
        verification.set(None);
        done.set(false);
        last.set(form.get("identification"));
        search.dispatch(SearchAffiliate { identification: form.get("identification") });
    };
    view! {
        <h1>{tr!(i18n, staff_console_title)}</h1>
        <section class="panel" aria-labelledby="staff-search-title">
            <h2 id="staff-search-title">{tr!(i18n, staff_search_title)}</h2>
            {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
            <form class="form staff-search" on:submit=on_submit novalidate>
                <TextField
                    name="identification"
                    label=Signal::derive(move || t_string!(i18n, staff_search_label).to_owned())
                    error=field_message(problems, "identification")
                    maxlength=20
                    required=true
                />
                <button type="submit" class="button" disabled=move || search.pending().get()>
                    {tr!(i18n, staff_search_submit)}
                </button>
            </form>
            {move || not_found.get().then(|| view! { <p role="status">{tr!(i18n, staff_search_none)}</p> })}
        </section>
        {move || status.get().map(|s| view! { <StatusPanel status=s /> })}
        // The action panels live as long as the same person is shown: the refresh after an action
        // must not reset a verified call (nor hide what the action did).
        {move || person.get().map(|(affiliate_id, foreigner)| view! {
            <InPersonPanel affiliate_id=affiliate_id foreigner=foreigner />
            <VideoPanel affiliate_id=affiliate_id />
        })}
        {move || status.get().map(|s| view! { <EventsPanel events=s.events /> })}
    }
}

#[component]
fn StatusPanel(status: StatusView) -> impl IntoView {
    let i18n = use_i18n();
    let yes_no = move |b: bool| if b { t_string!(i18n, staff_yes) } else { t_string!(i18n, staff_no) };
    let process = move |p: super::api::ProcessView| {
        let state = if p.blocked {
            t_string!(i18n, staff_process_blocked)
        } else if p.blocked_today {
            t_string!(i18n, staff_process_today)
        } else {
            t_string!(i18n, staff_process_open)
        };
        format!("{state} ({} {})", p.used, t_string!(i18n, staff_process_used))
    };
    let lock = move || match (status.locked_everywhere, status.locked_unknown_browsers) {
        (true, _) => t_string!(i18n, staff_lock_everywhere),
        (false, true) => t_string!(i18n, staff_lock_unknown),
        (false, false) => t_string!(i18n, staff_no),
    };
    let video = status.video_blocked_until.map(|until| until.short());
    let dash = || "—".to_owned();
    view! {
        <section class="panel" aria-labelledby="staff-status-title">
            <h2 id="staff-status-title">{format!("{} {}", status.names, status.surnames)}</h2>
            <dl class="staff-status">
                <dt>{tr!(i18n, staff_identification)}</dt><dd>{status.identification.clone()}</dd>
                <dt>{tr!(i18n, staff_has_clave)}</dt><dd>{move || yes_no(status.has_clave)}</dd>
                <dt>{tr!(i18n, staff_locked)}</dt><dd>{lock}</dd>
                <dt>{tr!(i18n, staff_generation)}</dt><dd>{move || process(status.generation)}</dd>
                <dt>{tr!(i18n, staff_recovery)}</dt><dd>{move || process(status.recovery)}</dd>
                <dt>{tr!(i18n, staff_huella)}</dt><dd>{move || yes_no(status.huella_registrada)}</dd>
                <dt>{tr!(i18n, staff_video_channel)}</dt>
                <dd>{move || match video.clone() {
                    Some(until) => format!("{} {until}", t_string!(i18n, staff_video_blocked_until)),
                    None => t_string!(i18n, staff_video_open).to_owned(),
                }}</dd>
                {status.foreigner_enabled.map(|enabled| view! {
                    <dt>{tr!(i18n, staff_foreigner_enabled)}</dt><dd>{move || yes_no(enabled)}</dd>
                })}
                <dt>{tr!(i18n, staff_email)}</dt><dd>{status.email_masked.clone().unwrap_or_else(dash)}</dd>
                <dt>{tr!(i18n, staff_mobile)}</dt><dd>{status.mobile_masked.clone().unwrap_or_else(dash)}</dd>
                <dt>{tr!(i18n, staff_landline)}</dt><dd>{status.landline_masked.clone().unwrap_or_else(dash)}</dd>
            </dl>
        </section>
    }
}

/// The events table, shared with the audit log.
#[component]
pub(super) fn EventsTable(
    events: Vec<EventView>,
    #[prop(into)] caption: String,
    with_identification: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let name = move |kind: &str| {
        EventKind::parse(kind).map_or_else(|| kind.to_owned(), |k| kind_text(i18n, k).to_owned())
    };
    let rows = events
        .into_iter()
        .map(|e| {
            let kind = e.kind.clone();
            view! {
                <tr>
                    <td class="staff-nowrap">{e.at.short()}</td>
                    {with_identification.then(|| view! {
                        <td class="staff-nowrap">{e.identification.clone().unwrap_or_default()}</td>
                    })}
                    <td>{move || name(&kind)}</td>
                    <td class="staff-nowrap">{e.actor.clone()}</td>
                    <td class="staff-nowrap">{e.case_number.clone().unwrap_or_default()}</td>
                    <td class="staff-reason">{e.reason.clone().unwrap_or_default()}</td>
                    <td class="staff-nowrap">{e.ip.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    // Wider than a narrow window, the table scrolls in its own box; the box takes the focus so a
    // keyboard can scroll it too, and is named by the caption.
    let caption_id = if with_identification { "staff-audit-caption" } else { "staff-events-caption" };
    view! {
        <div class="table-scroll" role="region" tabindex="0" aria-labelledby=caption_id>
            <table class="staff-table">
                <caption id=caption_id>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr!(i18n, staff_col_when)}</th>
                        {with_identification.then(|| view! { <th scope="col">{tr!(i18n, staff_identification)}</th> })}
                        <th scope="col">{tr!(i18n, staff_col_what)}</th>
                        <th scope="col">{tr!(i18n, staff_col_actor)}</th>
                        <th scope="col">{tr!(i18n, staff_col_case)}</th>
                        <th scope="col">{tr!(i18n, staff_col_reason)}</th>
                        <th scope="col">"IP"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn EventsPanel(events: Vec<EventView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel" aria-labelledby="staff-events-title">
            <h2 id="staff-events-title">{tr!(i18n, staff_events_title)}</h2>
            {if events.is_empty() {
                view! { <p>{tr!(i18n, staff_events_none)}</p> }.into_any()
            } else {
                view! { <EventsTable events=events caption=t_string!(i18n, staff_events_caption) with_identification=false /> }.into_any()
            }}
        </section>
    }
}

#[component]
fn InPersonPanel(affiliate_id: i64, foreigner: bool) -> impl IntoView {
    let i18n = use_i18n();
    let verify = ServerAction::<VerifyInPerson>::new();
    let found = expect_context::<Found>();
    let verification = found.verification;
    let message = RwSignal::new(None::<&'static str>);
    let failure = RwSignal::new(None::<AppError>);
    Effect::new(move || {
        let Some(reply) = verify.value().get() else { return };
        failure.set(None);
        message.set(None);
        match reply {
            Ok(InPersonReply::Verified { verification: id, until }) => {
                verification.set(Some((id, until.short())))
            }
            Ok(InPersonReply::NotConfirmed) => message.set(Some(t_string!(i18n, staff_inperson_both))),
            Ok(InPersonReply::NotFound) => message.set(Some(t_string!(i18n, staff_search_none))),
            Err(e) => failure.set(Some(e)),
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        verify.dispatch(VerifyInPerson {
            affiliate_id,
            document_checked: form.get("document") == "si",
            fingerprint_registered: form.get("fingerprint") == "si",
        });
    };
    view! {
        <section class="panel" aria-labelledby="staff-inperson-title">
            <h2 id="staff-inperson-title">{tr!(i18n, staff_inperson_title)}</h2>
            {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
            {move || message.get().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            {move || match verification.get() {
                None => view! {
                    <form class="form" on:submit=on_submit novalidate>
                        <div class="choice">
                            <input type="checkbox" id="document" name="document" value="si" />
                            <label for="document">{tr!(i18n, staff_inperson_document)}</label>
                        </div>
                        <div class="choice">
                            <input type="checkbox" id="fingerprint" name="fingerprint" value="si" />
                            <label for="fingerprint">{tr!(i18n, staff_inperson_fingerprint)}</label>
                        </div>
                        <button type="submit" class="button" disabled=move || verify.pending().get()>
                            {tr!(i18n, staff_inperson_submit)}
                        </button>
                    </form>
                }
                    .into_any(),
                Some((id, until)) => view! {
                    <p role="status">{t_string!(i18n, staff_inperson_done).replace("{until}", &until)}</p>
                    <ActionForm affiliate_id=affiliate_id authority="presencial" authority_id=id foreigner=foreigner unlock_only=false />
                }
                    .into_any(),
            }}
        </section>
    }
}

/// The actions a verification (or a verified call) allows, each with a required reason.
#[component]
pub(super) fn ActionForm(
    affiliate_id: i64,
    authority: &'static str,
    authority_id: i64,
    foreigner: bool,
    unlock_only: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let found = expect_context::<Found>();
    let perform = ServerAction::<PerformAction>::new();
    let problems = RwSignal::new(Vec::<FieldProblem>::new());
    let done = found.done;
    let refused = RwSignal::new(None::<(String, String)>);
    let failure = RwSignal::new(None::<AppError>);
    let chosen = RwSignal::new("unlock".to_owned());
    Effect::new(move || {
        let Some(reply) = perform.value().get() else { return };
        problems.set(Vec::new());
        refused.set(None);
        failure.set(None);
        done.set(false);
        match reply {
            Ok(ActionReply::Done) => {
                done.set(true);
                found.refresh.run(());
            }
            Ok(ActionReply::Refused { es, en }) => refused.set(Some((es, en))),
            Ok(ActionReply::Invalid(found)) => {
                problems.set(found);
                focus_first_invalid();
            }
            Err(e) => failure.set(Some(e)),
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        let action = if unlock_only { "unlock".to_owned() } else { form.get("action") };
        perform.dispatch(PerformAction {
            affiliate_id,
            action,
            authority: authority.to_owned(),
            authority_id,
            reason: form.get("reason"),
            email: form.get("email"),
            mobile: form.get("mobile"),
        });
    };
    let option = move |value: &'static str, label: &'static str| {
        let id = format!("{authority}-action-{value}");
        view! {
            <div class="choice">
                <input
                    type="radio"
                    id=id.clone()
                    name="action"
                    value=value
                    checked=value == "unlock"
                    on:change=move |_| chosen.set(value.to_owned())
                />
                <label for=id>{label}</label>
            </div>
        }
    };
    let reason_id = format!("{authority}-reason");
    view! {
        {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
        {move || refused.get().map(|(es, en)| {
            let text = if i18n.get_locale() == Locale::en { en } else { es };
            view! { <div class="alert alert-error" role="alert">{text}</div> }
        })}
        {move || done.get().then(|| view! { <div class="alert alert-success" role="status">{tr!(i18n, staff_action_done)}</div> })}
        <form class="form" on:submit=on_submit novalidate>
            {(!unlock_only).then(|| view! {
                <fieldset class="choice-group">
                    <legend>{tr!(i18n, staff_action_legend)}</legend>
                    {option("unlock", t_string!(i18n, staff_action_unlock))}
                    {option("clear-blocks", t_string!(i18n, staff_action_clear))}
                    {option("update-contacts", t_string!(i18n, staff_action_contacts))}
                    {foreigner.then(|| option("enable-foreigner", t_string!(i18n, staff_action_foreigner)))}
                </fieldset>
            })}
            {move || (chosen.get() == "update-contacts" && !unlock_only).then(|| view! {
                <TextField
                    name="email"
                    input_type="email"
                    label=Signal::derive(move || t_string!(i18n, staff_new_email).to_owned())
                    error=field_message(problems, "email")
                    maxlength=254
                />
                <TextField
                    name="mobile"
                    label=Signal::derive(move || t_string!(i18n, staff_new_mobile).to_owned())
                    error=field_message(problems, "mobile")
                    inputmode="tel"
                    maxlength=20
                />
            })}
            <div class="field">
                <label for=reason_id.clone()>{tr!(i18n, staff_reason)}</label>
                <textarea id=reason_id name="reason" rows="3" maxlength="500" required></textarea>
            </div>
            <button type="submit" class="button" disabled=move || perform.pending().get()>
                {move || if unlock_only { t_string!(i18n, staff_action_unlock) } else { t_string!(i18n, staff_action_submit) }}
            </button>
        </form>
    }
}
