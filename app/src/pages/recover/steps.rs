//! The view of each step of the recovery wizard but the contact data ([`super::contacts`]).

use clave_domain::{recovery::RecoveryChallengeView, routes, security_images::SecurityImageId};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::components::A;

use super::{
    Wizard,
    api::{self, RecStep},
    contacts::Contacts,
};
use crate::{
    components::{
        field::{FieldError, TextField},
        form::FormValues,
        identification::IdentificationForm,
        image_picker::ImagePicker,
        wizard::LinkSentStep,
    },
    i18n::{Locale, t_string, use_i18n},
    pages::generate::{
        api::{AttemptsLeft, LinkSentView},
        steps::DailyLimit,
    },
};

/// The view of `step`.
pub(super) fn view(step: RecStep) -> AnyView {
    match step {
        RecStep::Identification { expired } => view! { <Identification expired=expired /> }.into_any(),
        RecStep::Challenge { view, retry } => view! { <Challenge view=view retry=retry /> }.into_any(),
        RecStep::Contacts(on_file) => view! { <Contacts on_file=on_file /> }.into_any(),
        RecStep::EmailSent(sent) => view! { <EmailSent sent=sent /> }.into_any(),
        RecStep::DailyLimit => view! { <DailyLimit /> }.into_any(),
        RecStep::Blocked => view! { <Blocked /> }.into_any(),
    }
}

pub(super) fn wizard() -> Wizard {
    expect_context::<Wizard>()
}

/// Step 1: cédula or foreigner code, and "No soy un robot".
#[component]
fn Identification(expired: bool) -> impl IntoView {
    let i18n = use_i18n();
    let wizard = wizard();
    let search = ServerAction::<api::Search>::new();
    Effect::new(move || {
        if let Some(reply) = search.value().get() {
            wizard.apply(reply);
        }
    });
    view! {
        {expired.then(|| view! { <div class="alert alert-warning" role="status">{tr!(i18n, gen_expired)}</div> })}
        <p>{tr!(i18n, rec_identification_intro)}</p>
        <IdentificationForm
            problems=wizard.problems
            pending=search.pending()
            answers=search.version()
            submit_label=Signal::derive(move || t_string!(i18n, gen_search).to_owned())
            on_submit=Callback::new(move |(identification, captcha)| {
                search.dispatch(api::Search { identification, captcha });
            })
        />
        <aside class="panel panel-notice rec-aside">
            <h3>{tr!(i18n, rec_other_title)}</h3>
            <ul class="rec-other">
                <li>{tr!(i18n, rec_other_generate)} " " <A href=routes::GENERATE>{tr!(i18n, rec_other_generate_link)}</A></li>
                <li>{tr!(i18n, rec_other_unlock)} " " <A href=routes::UNLOCK>{tr!(i18n, rec_other_unlock_link)}</A></li>
            </ul>
        </aside>
    }
}

/// Step 2: day and month of birth, the security image, the registered question and its answer.
#[component]
fn Challenge(view: RecoveryChallengeView, retry: Option<AttemptsLeft>) -> impl IntoView {
    let i18n = use_i18n();
    let wizard = wizard();
    let answer = ServerAction::<api::AnswerChallenge>::new();
    Effect::new(move || {
        if let Some(reply) = answer.value().get() {
            wizard.apply(reply);
        }
    });
    let image = RwSignal::new(None::<SecurityImageId>);
    let on_submit = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        answer.dispatch(api::AnswerChallenge {
            day: form.get("day"),
            month: form.get("month"),
            image: image.get_untracked().map(|i| i.as_str().to_owned()).unwrap_or_default(),
            question: form.get("question"),
            answer: form.get("answer"),
        });
    };
    let retry_text = move |left: AttemptsLeft| {
        t_string!(i18n, rec_retry)
            .replace("{today}", &left.today.to_string())
            .replace("{total}", &left.total.to_string())
    };
    let birth_error = wizard.problem("birth");
    let image_error = wizard.problem("image");
    let question_error = wizard.problem("question");
    let months = move || {
        t_string!(i18n, months)
            .split(',')
            .enumerate()
            .map(|(i, name)| view! { <option value=(i + 1).to_string()>{name.trim().to_owned()}</option> })
            .collect_view()
    };
    let questions = view.questions.clone();
    let question_options = move || {
        let english = i18n.get_locale() == Locale::en;
        questions
            .iter()
            .map(|id| {
                let q = id.question();
                view! { <option value=id.as_str()>{if english { q.text_en } else { q.text_es }}</option> }
            })
            .collect_view()
    };
    view! {
        {retry.map(|left| view! { <div class="alert alert-warning" role="alert">{move || retry_text(left)}</div> })}
        <p>{tr!(i18n, rec_challenge_intro)}</p>
        <form class="form" on:submit=on_submit novalidate>
            <fieldset
                class="field date-field"
                class:field-invalid=move || birth_error.get().is_some()
                aria-describedby=move || birth_error.get().map(|_| "birth-error")
            >
                <legend>{tr!(i18n, rec_birth_legend)}</legend>
                <div class="date-parts rec-day-month">
                    <div>
                        <label for="day">{tr!(i18n, date_day)}</label>
                        <input
                            id="day"
                            name="day"
                            inputmode="numeric"
                            maxlength="2"
                            autocomplete="bday-day"
                            aria-invalid=move || birth_error.get().is_some().then_some("true")
                        />
                    </div>
                    <div>
                        <label for="month">{tr!(i18n, date_month)}</label>
                        <select id="month" name="month" autocomplete="bday-month">
                            <option value="">{tr!(i18n, date_choose)}</option>
                            {months}
                        </select>
                    </div>
                </div>
                <FieldError id="birth-error" error=birth_error />
            </fieldset>
            <div class="form-section rec-images" class:field-invalid=move || image_error.get().is_some()>
                <ImagePicker
                    images=view.images
                    selected=image
                    legend=Signal::derive(move || t_string!(i18n, rec_image_legend).to_owned())
                    described_by=Signal::derive(move || image_error.get().map(|_| "image-error".to_owned()))
                    invalid=Signal::derive(move || image_error.get().is_some())
                />
                <FieldError id="image-error" error=image_error />
            </div>
            <div class="field" class:field-invalid=move || question_error.get().is_some()>
                <label for="question">{tr!(i18n, rec_question_label)}</label>
                <select
                    id="question"
                    name="question"
                    aria-invalid=move || question_error.get().is_some().then_some("true")
                    aria-describedby=move || question_error.get().map(|_| "question-error")
                >
                    <option value="">{tr!(i18n, rec_question_choose)}</option>
                    {question_options}
                </select>
                <FieldError id="question-error" error=question_error />
            </div>
            <TextField
                name="answer"
                label=Signal::derive(move || t_string!(i18n, rec_answer_label).to_owned())
                hint=Signal::derive(move || Some(t_string!(i18n, rec_answer_hint).to_owned()))
                error=wizard.problem("answer")
                maxlength=100
            />
            <button type="submit" class="button" disabled=move || answer.pending().get()>
                {tr!(i18n, gen_continue)}
            </button>
        </form>
        <RestartButton />
    }
}

/// Step 4: the link is out; countdown and "Reenviar correo".
#[component]
fn EmailSent(sent: LinkSentView) -> impl IntoView {
    let i18n = use_i18n();
    let wizard = wizard();
    let resend = ServerAction::<api::Resend>::new();
    Effect::new(move || {
        if let Some(reply) = resend.value().get() {
            wizard.apply(reply);
        }
    });
    view! {
        <LinkSentStep
            sent=sent
            help=Signal::derive(move || t_string!(i18n, rec_email_sent_help).to_owned())
            resending=resend.pending()
            on_resend=Callback::new(move |()| {
                resend.dispatch(api::Resend {});
            })
        >
            <RestartButton />
        </LinkSentStep>
    }
}

/// No attempts left at all: only an assisted channel can clear the block.
#[component]
fn Blocked() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="alert alert-error" role="alert">{tr!(i18n, rec_blocked_body)}</div>
        <A href=routes::HELP attr:class="button">{tr!(i18n, gen_blocked_channels)}</A>
    }
}

/// "Empezar de nuevo": ends the flow on the server and returns to step 1.
#[component]
pub(super) fn RestartButton() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = wizard();
    let restart = ServerAction::<api::Restart>::new();
    Effect::new(move || {
        if let Some(reply) = restart.value().get() {
            match reply {
                Ok(step) => wizard.go(step),
                Err(error) => wizard.failure.set(Some(error)),
            }
        }
    });
    view! {
        <button type="button" class="button button-link" on:click=move |_| { restart.dispatch(api::Restart {}); }>
            {tr!(i18n, gen_restart)}
        </button>
    }
}
