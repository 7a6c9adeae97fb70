//! `/clave/generar`: "Generar clave por primera vez" (DESIGN §2.1), steps 1–4. The server decides
//! the step; a reload shows the same step again. Step 5 runs from the emailed link
//! ([`crate::pages::activate`]).

pub mod api;
pub(crate) mod steps;

use clave_domain::FieldProblem;
use leptos::prelude::*;
use leptos_meta::Title;

use self::api::GenStep;
use crate::{
    components::{
        field::field_message,
        wizard::{StepHeading, Stepper},
    },
    error::AppError,
    i18n::{t, t_string, use_i18n},
};

/// The titles of the five steps, the activation included.
pub(crate) fn step_titles() -> Signal<Vec<String>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        vec![
            t_string!(i18n, gen_step_identification).to_owned(),
            t_string!(i18n, gen_step_challenge).to_owned(),
            t_string!(i18n, gen_step_personal).to_owned(),
            t_string!(i18n, gen_step_email).to_owned(),
            t_string!(i18n, gen_step_activation).to_owned(),
        ]
    })
}

/// The wizard's shared state: the step the server answered, the problems of the last submission
/// and whether the step changed after a person's action (then its heading takes the focus).
#[derive(Clone, Copy)]
pub(crate) struct Wizard {
    pub step: RwSignal<GenStep>,
    pub problems: RwSignal<Vec<FieldProblem>>,
    /// A failure that is nobody's field (service down, busy, connection lost).
    pub failure: RwSignal<Option<AppError>>,
    pub moved: RwSignal<bool>,
}

impl Wizard {
    /// Applies a server answer: a new step or the problems at their fields.
    pub fn apply(self, reply: Result<api::Reply, AppError>) {
        match reply {
            Ok(api::Reply::Step(step)) => self.go(step),
            Ok(api::Reply::Invalid(problems)) => {
                self.failure.set(None);
                self.problems.set(problems);
                crate::components::form::focus_first_invalid();
            }
            Err(error) => self.failure.set(Some(error)),
        }
    }

    pub fn go(self, step: GenStep) {
        self.failure.set(None);
        self.problems.set(Vec::new());
        self.moved.set(true);
        self.step.set(step);
    }

    /// The message of the problem at `field`, in the page's language.
    pub fn problem(self, field: impl Into<String>) -> Signal<Option<String>> {
        field_message(self.problems, field)
    }
}

/// The page: loads the current step on the server (so a reload renders it at once), then runs
/// the wizard in the browser.
#[component]
pub fn Generate() -> impl IntoView {
    let i18n = use_i18n();
    // Blocking, so a cookie the server clears (a stale flow) reaches the response headers.
    let initial = Resource::new_blocking(|| (), |()| api::current_step());
    view! {
        <Title text=move || t_string!(i18n, gen_title) />
        <h1>{t!(i18n, gen_title)}</h1>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                match initial.await {
                    Ok(step) => view! { <WizardView initial=step /> }.into_any(),
                    Err(error) => view! { <FailureAlert error=error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn WizardView(initial: GenStep) -> impl IntoView {
    let wizard = Wizard {
        step: RwSignal::new(initial),
        problems: RwSignal::new(Vec::new()),
        failure: RwSignal::new(None),
        moved: RwSignal::new(false),
    };
    provide_context(wizard);
    let i18n = use_i18n();
    let index = Signal::derive(move || match wizard.step.get() {
        GenStep::Identification { .. } => 0,
        GenStep::Challenge { .. } | GenStep::DailyLimit | GenStep::Blocked | GenStep::UseRecovery => 1,
        GenStep::PersonalData => 2,
        GenStep::EmailSent(_) => 3,
    });
    let heading = move |step: &GenStep| match step {
        GenStep::Identification { .. } => t_string!(i18n, gen_step_identification),
        GenStep::Challenge { .. } => t_string!(i18n, gen_step_challenge),
        GenStep::PersonalData => t_string!(i18n, gen_step_personal),
        GenStep::EmailSent(_) => t_string!(i18n, gen_step_email),
        GenStep::UseRecovery => t_string!(i18n, gen_use_recovery_title),
        GenStep::DailyLimit => t_string!(i18n, gen_daily_limit_title),
        GenStep::Blocked => t_string!(i18n, gen_blocked_title),
    };
    view! {
        <div class="wizard">
            <Stepper titles=step_titles() current=index />
            <section class="wizard-panel">
                {move || {
                    let step = wizard.step.get();
                    let title = heading(&step);
                    let take_focus = wizard.moved.get_untracked();
                    view! {
                        <StepHeading text=Signal::derive(move || title.to_owned()) take_focus=take_focus />
                        {move || wizard.failure.get().map(|error| view! { <FailureAlert error=error /> })}
                        {steps::view(step)}
                    }
                }}
            </section>
        </div>
    }
}

/// A failure of the service itself, in words for the person: nothing was changed.
#[component]
pub(crate) fn FailureAlert(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match &error {
        AppError::Busy { .. } => t_string!(i18n, error_busy),
        AppError::Unavailable => t_string!(i18n, error_unavailable),
        AppError::NotFound => t_string!(i18n, error_expired),
        AppError::Internal => t_string!(i18n, error_internal),
        AppError::Transport(_) => t_string!(i18n, error_transport),
    };
    view! { <div class="alert alert-error" role="alert">{text}</div> }
}
