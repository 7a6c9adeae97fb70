//! The view of each step of the generation wizard.

use clave_domain::{
    challenge::ChallengeView,
    routes,
    security_images::{self, SecurityImageId},
    security_questions,
};
use leptos::{ev::SubmitEvent, prelude::*};
use leptos_router::components::A;

use super::{
    Wizard,
    api::{self, AttemptsLeft, GenStep, LinkSentView},
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
};

/// The view of `step`.
pub(super) fn view(step: GenStep) -> AnyView {
    match step {
        GenStep::Identification { expired } => view! { <Identification expired=expired /> }.into_any(),
        GenStep::Challenge { view, retry } => view! { <Challenge view=view retry=retry /> }.into_any(),
        GenStep::PersonalData => view! { <PersonalData /> }.into_any(),
        GenStep::EmailSent(sent) => view! { <EmailSent sent=sent /> }.into_any(),
        GenStep::UseRecovery => view! { <UseRecovery /> }.into_any(),
        GenStep::DailyLimit => view! { <DailyLimit /> }.into_any(),
        GenStep::Blocked => view! { <Blocked /> }.into_any(),
    }
}

fn wizard() -> Wizard {
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
        <p>{tr!(i18n, gen_identification_intro)}</p>
        <IdentificationForm
            problems=wizard.problems
            pending=search.pending()
            answers=search.version()
            submit_label=Signal::derive(move || t_string!(i18n, gen_search).to_owned())
            on_submit=Callback::new(move |(identification, captcha)| {
                search.dispatch(api::Search { identification, captcha });
            })
        />
        <aside class="panel panel-notice">
            <h3>{tr!(i18n, gen_foreigners_title)}</h3>
            <p>{tr!(i18n, gen_foreigners_body)}</p>
            <A href=routes::HELP>{tr!(i18n, gen_foreigners_link)}</A>
        </aside>
    }
}

/// Step 2: full birth date and two registry questions.
#[component]
fn Challenge(view: ChallengeView, retry: Option<AttemptsLeft>) -> impl IntoView {
    let i18n = use_i18n();
    let wizard = wizard();
    let answer = ServerAction::<api::AnswerChallenge>::new();
    Effect::new(move || {
        if let Some(reply) = answer.value().get() {
            wizard.apply(reply);
        }
    });
    let ids: Vec<String> = view.questions.iter().map(|q| q.id.clone()).collect();
    let on_submit = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        answer.dispatch(api::AnswerChallenge {
            day: form.get("day"),
            month: form.get("month"),
            year: form.get("year"),
            choices: ids.iter().map(|id| (id.clone(), form.get(&format!("choice-{id}")))).collect(),
        });
    };
    let retry_text =
        move |left: AttemptsLeft| t_string!(i18n, gen_retry).replace("{today}", &left.today.to_string());
    let birth_error = wizard.problem("birth-date");
    let months = move || {
        let names = t_string!(i18n, months);
        names
            .split(',')
            .enumerate()
            .map(|(i, name)| view! { <option value=(i + 1).to_string()>{name.trim().to_owned()}</option> })
            .collect_view()
    };
    view! {
        {retry.map(|left| view! { <div class="alert alert-warning" role="alert">{move || retry_text(left)}</div> })}
        <p>{tr!(i18n, gen_challenge_intro)}</p>
        <form class="form" on:submit=on_submit novalidate>
            <fieldset
                class="field date-field"
                class:field-invalid=move || birth_error.get().is_some()
                aria-describedby=move || birth_error.get().map(|_| "birth-date-error")
            >
                <legend>{tr!(i18n, gen_birth_date)}</legend>
                <div class="date-parts">
                    <div>
                        <label for="day">{tr!(i18n, date_day)}</label>
                        <input id="day" name="day" inputmode="numeric" maxlength="2" autocomplete="bday-day" />
                    </div>
                    <div>
                        <label for="month">{tr!(i18n, date_month)}</label>
                        <select id="month" name="month" autocomplete="bday-month">
                            <option value="">{tr!(i18n, date_choose)}</option>
                            {months}
                        </select>
                    </div>
                    <div>
                        <label for="year">{tr!(i18n, date_year)}</label>
                        <input id="year" name="year" inputmode="numeric" maxlength="4" autocomplete="bday-year" />
                    </div>
                </div>
                <FieldError id="birth-date-error" error=birth_error />
            </fieldset>
            {view
                .questions
                .into_iter()
                .map(|question| {
                    let name = format!("choice-{}", question.id);
                    let error = wizard.problem(name.clone());
                    let error_id = format!("{name}-error");
                    let (es, en) = (question.text_es, question.text_en);
                    view! {
                        <fieldset
                            class="field choice-group"
                            class:field-invalid=move || error.get().is_some()
                            aria-describedby={
                                let error_id = error_id.clone();
                                move || error.get().map(|_| error_id.clone())
                            }
                        >
                            <legend>{move || if i18n.get_locale() == Locale::en { en.clone() } else { es.clone() }}</legend>
                            {question
                                .options
                                .into_iter()
                                .map(|option| {
                                    let id = format!("{name}-{}", option.id);
                                    view! {
                                        <div class="choice">
                                            <input type="radio" id=id.clone() name=name.clone() value=option.id />
                                            <label for=id>{option.label}</label>
                                        </div>
                                    }
                                })
                                .collect_view()}
                            <FieldError id=error_id.clone() error=error />
                        </fieldset>
                    }
                })
                .collect_view()}
            <button type="submit" class="button" disabled=move || answer.pending().get()>
                {tr!(i18n, gen_continue)}
            </button>
        </form>
        <RestartButton />
    }
}

/// Step 3: contact data, security questions and the security image.
#[component]
fn PersonalData() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = wizard();
    let save = ServerAction::<api::PersonalData>::new();
    Effect::new(move || {
        if let Some(reply) = save.value().get() {
            wizard.apply(reply);
        }
    });
    let image = RwSignal::new(None::<SecurityImageId>);
    let images: Vec<SecurityImageId> =
        security_images::CATALOGUE.iter().filter_map(|i| SecurityImageId::parse(i.id).ok()).collect();
    let on_submit = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        let questions = (1..=security_questions::MIN_CHOSEN)
            .map(|n| (form.get(&format!("question-{n}")), form.get(&format!("answer-{n}"))))
            .collect();
        save.dispatch(api::PersonalData {
            email: form.get("email"),
            mobile: form.get("mobile"),
            landline: form.get("landline"),
            questions,
            image: image.get_untracked().map(|i| i.as_str().to_owned()).unwrap_or_default(),
        });
    };
    let image_error = wizard.problem("image");
    let questions_error = wizard.problem("questions");
    view! {
        <p>{tr!(i18n, gen_personal_intro)}</p>
        <form class="form" on:submit=on_submit novalidate>
            <fieldset class="form-section">
                <legend>{tr!(i18n, gen_contact_title)}</legend>
                <TextField
                    name="email"
                    label=Signal::derive(move || t_string!(i18n, gen_email).to_owned())
                    hint=Signal::derive(move || Some(t_string!(i18n, gen_email_hint).to_owned()))
                    error=wizard.problem("email")
                    input_type="email"
                    autocomplete="email"
                    maxlength=254
                    required=true
                />
                <TextField
                    name="mobile"
                    label=Signal::derive(move || t_string!(i18n, gen_mobile).to_owned())
                    hint=Signal::derive(move || Some(t_string!(i18n, gen_mobile_hint).to_owned()))
                    error=wizard.problem("mobile")
                    input_type="tel"
                    autocomplete="tel-national"
                    inputmode="tel"
                    maxlength=15
                    required=true
                />
                <TextField
                    name="landline"
                    label=Signal::derive(move || t_string!(i18n, gen_landline).to_owned())
                    hint=Signal::derive(move || Some(t_string!(i18n, gen_landline_hint).to_owned()))
                    error=wizard.problem("landline")
                    input_type="tel"
                    autocomplete="off"
                    inputmode="tel"
                    maxlength=15
                />
            </fieldset>
            <fieldset
                class="form-section"
                aria-describedby=move || {
                    if questions_error.get().is_some() { "questions-hint questions-error" } else { "questions-hint" }
                }
            >
                <legend>{tr!(i18n, gen_questions_title)}</legend>
                <p class="field-hint" id="questions-hint">{tr!(i18n, gen_questions_hint)}</p>
                <FieldError id="questions-error" error=questions_error />
                {(1..=security_questions::MIN_CHOSEN)
                    .map(|n| view! { <QuestionRow n=n /> })
                    .collect_view()}
            </fieldset>
            <div class="form-section" class:field-invalid=move || image_error.get().is_some()>
                <ImagePicker
                    images=images
                    selected=image
                    legend=Signal::derive(move || t_string!(i18n, gen_image_legend).to_owned())
                    described_by=Signal::derive(move || image_error.get().map(|_| "image-error".to_owned()))
                    invalid=Signal::derive(move || image_error.get().is_some())
                />
                <FieldError id="image-error" error=image_error />
            </div>
            <button type="submit" class="button" disabled=move || save.pending().get()>
                {tr!(i18n, gen_send_link)}
            </button>
        </form>
        <RestartButton />
    }
}

/// One chosen question and its answer.
#[component]
fn QuestionRow(n: usize) -> impl IntoView {
    let i18n = use_i18n();
    let wizard = wizard();
    let (question, answer) = (format!("question-{n}"), format!("answer-{n}"));
    let question_error = wizard.problem(question.clone());
    let question_label = move || t_string!(i18n, gen_question_n).replace("{n}", &n.to_string());
    let answer_label = Signal::derive(move || t_string!(i18n, gen_answer_n).replace("{n}", &n.to_string()));
    let options = move || {
        let english = i18n.get_locale() == Locale::en;
        security_questions::CATALOGUE
            .iter()
            .map(|q| view! { <option value=q.id>{if english { q.text_en } else { q.text_es }}</option> })
            .collect_view()
    };
    let question_error_id = format!("{question}-error");
    view! {
        <div class="question-row">
            <div class="field" class:field-invalid=move || question_error.get().is_some()>
                <label for=question.clone()>{question_label}</label>
                <select
                    id=question.clone()
                    name=question.clone()
                    aria-invalid=move || question_error.get().is_some().then_some("true")
                    aria-describedby={
                        let id = question_error_id.clone();
                        move || question_error.get().map(|_| id.clone())
                    }
                >
                    <option value="">{tr!(i18n, gen_choose_question)}</option>
                    {options}
                </select>
                <FieldError id=question_error_id.clone() error=question_error />
            </div>
            <TextField name=answer.clone() label=answer_label error=wizard.problem(answer) maxlength=100 />
        </div>
    }
}

/// Step 4: the link is out; countdown and "reenviar".
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
            help=Signal::derive(move || t_string!(i18n, gen_email_sent_help).to_owned())
            resending=resend.pending()
            on_resend=Callback::new(move |()| {
                resend.dispatch(api::Resend {});
            })
        >
            <RestartButton />
        </LinkSentStep>
    }
}

#[component]
fn UseRecovery() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="lead">{tr!(i18n, gen_use_recovery_body)}</p>
        <p>{tr!(i18n, gen_use_recovery_mail)}</p>
        <A href="/" attr:class="button">{tr!(i18n, gen_exit)}</A>
    }
}

#[component]
pub(crate) fn DailyLimit() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="alert alert-warning" role="alert">{tr!(i18n, gen_daily_limit_body)}</div>
        <A href="/" attr:class="button">{tr!(i18n, gen_exit)}</A>
    }
}

#[component]
fn Blocked() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="alert alert-error" role="alert">{tr!(i18n, gen_blocked_body)}</div>
        <A href=routes::HELP attr:class="button">{tr!(i18n, gen_blocked_channels)}</A>
    }
}

/// "Empezar de nuevo": ends the flow on the server and returns to step 1.
#[component]
fn RestartButton() -> impl IntoView {
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
