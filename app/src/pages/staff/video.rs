//! The video call: 4 questions drawn by the server, the answers the agent types, right or wrong
//! per question; 4/4 allows the unlock; any wrong answer blocks the channel for 24 hours.

use clave_domain::staff::CallQuestion;
use leptos::{ev::SubmitEvent, prelude::*};

use super::{
    api::{AnswerCall, CallAnswerReply, CallStartReply, StartCall},
    console::ActionForm,
};
use crate::{
    components::{failure::FailureAlert, form::FormValues},
    error::AppError,
    i18n::{Locale, t_string, use_i18n},
};

#[derive(Debug, Clone, PartialEq)]
enum CallState {
    Idle,
    Asking { call: i64, questions: Vec<CallQuestion> },
    Answered { call: i64, questions: Vec<CallQuestion>, correct: Vec<bool>, verified: bool },
}

#[component]
pub(super) fn VideoPanel(affiliate_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let start = ServerAction::<StartCall>::new();
    let answer = ServerAction::<AnswerCall>::new();
    let state = RwSignal::new(CallState::Idle);
    let message = RwSignal::new(None::<String>);
    let failure = RwSignal::new(None::<AppError>);
    Effect::new(move || {
        let Some(reply) = start.value().get() else { return };
        message.set(None);
        failure.set(None);
        match reply {
            Ok(CallStartReply::Started { call, questions }) => {
                state.set(CallState::Asking { call, questions })
            }
            Ok(CallStartReply::Blocked { until }) => {
                message.set(Some(t_string!(i18n, staff_video_blocked).replace("{until}", &until.short())))
            }
            Ok(CallStartReply::InProgress) => {
                message.set(Some(t_string!(i18n, staff_video_in_progress).to_owned()))
            }
            Ok(CallStartReply::NoClave) => {
                message.set(Some(t_string!(i18n, staff_video_no_clave).to_owned()))
            }
            Err(e) => failure.set(Some(e)),
        }
    });
    Effect::new(move || {
        let Some(reply) = answer.value().get() else { return };
        message.set(None);
        failure.set(None);
        match reply {
            Ok(CallAnswerReply::Answered { correct, verified, blocked_until }) => {
                if let CallState::Asking { call, questions } = state.get_untracked() {
                    state.set(CallState::Answered { call, questions, correct, verified });
                }
                if let Some(until) = blocked_until {
                    message
                        .set(Some(t_string!(i18n, staff_video_blocked).replace("{until}", &until.short())));
                }
            }
            Ok(CallAnswerReply::Incomplete) => {
                message.set(Some(t_string!(i18n, staff_video_incomplete).to_owned()))
            }
            Ok(CallAnswerReply::NotOpen) => {
                state.set(CallState::Idle);
                message.set(Some(t_string!(i18n, staff_video_not_open).to_owned()));
            }
            Err(e) => failure.set(Some(e)),
        }
    });
    let question_text =
        move |q: CallQuestion| if i18n.get_locale() == Locale::en { q.text_en() } else { q.text_es() };
    let on_answer = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        if let CallState::Asking { call, questions } = state.get_untracked() {
            let answers = (0..questions.len()).map(|i| form.get(&format!("respuesta-{i}"))).collect();
            answer.dispatch(AnswerCall { call, answers });
        }
    };
    view! {
        <section class="panel" aria-labelledby="staff-video-title">
            <h2 id="staff-video-title">{tr!(i18n, staff_video_title)}</h2>
            <p>{tr!(i18n, staff_video_intro)}</p>
            {move || failure.get().map(|error| view! { <FailureAlert error=error /> })}
            {move || message.get().map(|m| view! { <div class="alert alert-error" role="alert">{m}</div> })}
            {move || match state.get() {
                CallState::Idle => view! {
                    <button type="button" class="button" disabled=move || start.pending().get()
                        on:click=move |_| { start.dispatch(StartCall { affiliate_id }); }>
                        {tr!(i18n, staff_video_start)}
                    </button>
                }
                    .into_any(),
                CallState::Asking { questions, .. } => view! {
                    <form class="form" on:submit=on_answer novalidate>
                        {questions.into_iter().enumerate().map(|(i, q)| {
                            let id = format!("respuesta-{i}");
                            view! {
                                <div class="field">
                                    <label for=id.clone()>{format!("{}. ", i + 1)}{move || question_text(q)}</label>
                                    <input id=id.clone() name=id type="text" autocomplete="off" maxlength="100" required />
                                </div>
                            }
                        }).collect_view()}
                        <button type="submit" class="button" disabled=move || answer.pending().get()>
                            {tr!(i18n, staff_video_check)}
                        </button>
                    </form>
                }
                    .into_any(),
                CallState::Answered { call, questions, correct, verified } => view! {
                    <ol class="staff-results">
                        {questions.into_iter().zip(correct).map(|(q, ok)| view! {
                            <li>
                                {move || question_text(q)} " — "
                                <strong class=if ok { "result-ok" } else { "result-bad" }>
                                    {move || if ok { t_string!(i18n, staff_video_right) } else { t_string!(i18n, staff_video_wrong) }}
                                </strong>
                            </li>
                        }).collect_view()}
                    </ol>
                    {verified.then(|| view! {
                        <p role="status">{tr!(i18n, staff_video_verified)}</p>
                        <ActionForm affiliate_id=affiliate_id authority="videollamada" authority_id=call foreigner=false unlock_only=true />
                    })}
                }
                    .into_any(),
            }}
        </section>
    }
}
