//! `/clave/recuperar`: "Recuperar clave" (DESIGN §2.2), steps 1–4. The server decides the step;
//! a reload shows the same step again. The new password is set from the emailed link
//! ([`crate::pages::reset`]).

pub mod api;
mod contacts;
mod steps;

use clave_domain::FieldProblem;
use leptos::prelude::*;
use leptos_meta::Title;

use self::api::RecStep;
use crate::{
    components::{
        field::field_message,
        wizard::{StepHeading, Stepper},
    },
    error::AppError,
    i18n::{t, t_string, use_i18n},
    pages::generate::FailureAlert,
};

/// The titles of the five steps, the new password from the link included.
pub(crate) fn step_titles() -> Signal<Vec<String>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        vec![
            t_string!(i18n, gen_step_identification).to_owned(),
            t_string!(i18n, gen_step_challenge).to_owned(),
            t_string!(i18n, rec_step_contacts).to_owned(),
            t_string!(i18n, gen_step_email).to_owned(),
            t_string!(i18n, rec_step_password).to_owned(),
        ]
    })
}

/// The wizard's shared state: the step the server answered, the problems of the last submission
/// and whether the step changed after a person's action (then its heading takes the focus).
#[derive(Clone, Copy)]
struct Wizard {
    step: RwSignal<RecStep>,
    problems: RwSignal<Vec<FieldProblem>>,
    /// A failure that is nobody's field (service down, busy, connection lost).
    failure: RwSignal<Option<AppError>>,
    moved: RwSignal<bool>,
    /// Counts the server's answers that showed a step, so each one is drawn afresh.
    round: RwSignal<usize>,
}

impl Wizard {
    /// Applies a server answer: a new step or the problems at their fields.
    fn apply(self, reply: Result<api::Reply, AppError>) {
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

    fn go(self, step: RecStep) {
        self.failure.set(None);
        self.problems.set(Vec::new());
        self.moved.set(true);
        self.step.set(step);
        self.round.update(|round| *round += 1);
    }

    /// The message of the problem at `field`, in the page's language.
    fn problem(self, field: impl Into<String>) -> Signal<Option<String>> {
        field_message(self.problems, field)
    }
}

/// The page: loads the current step on the server (so a reload renders it at once), then runs
/// the wizard in the browser.
#[component]
pub fn Recover() -> impl IntoView {
    let i18n = use_i18n();
    // Blocking, so a cookie the server clears (a stale flow) reaches the response headers.
    let initial = Resource::new_blocking(|| (), |()| api::current_step());
    view! {
        <Title text=move || t_string!(i18n, rec_title) />
        <h1>{t!(i18n, rec_title)}</h1>
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
fn WizardView(initial: RecStep) -> impl IntoView {
    let wizard = Wizard {
        step: RwSignal::new(initial),
        problems: RwSignal::new(Vec::new()),
        failure: RwSignal::new(None),
        moved: RwSignal::new(false),
        round: RwSignal::new(0),
    };
    provide_context(wizard);
    let i18n = use_i18n();
    let index = Signal::derive(move || match wizard.step.get() {
        RecStep::Identification { .. } => 0,
        RecStep::Challenge { .. } | RecStep::DailyLimit | RecStep::Blocked => 1,
        RecStep::Contacts(_) => 2,
        RecStep::EmailSent(_) => 3,
    });
    let heading = move |step: &RecStep| match step {
        RecStep::Identification { .. } => t_string!(i18n, gen_step_identification),
        RecStep::Challenge { .. } => t_string!(i18n, gen_step_challenge),
        RecStep::Contacts(_) => t_string!(i18n, rec_step_contacts),
        RecStep::EmailSent(_) => t_string!(i18n, gen_step_email),
        RecStep::DailyLimit => t_string!(i18n, gen_daily_limit_title),
        RecStep::Blocked => t_string!(i18n, gen_blocked_title),
    };
    // Each answer draws its step afresh (a keyed list of one), never patched onto the previous
    // one: a new round of the challenge starts with nothing chosen, and the image picker's
    // options never keep the handlers of a round that is gone.
    let panel = move |_round: usize| {
        let step = wizard.step.get_untracked();
        let kind = step.clone();
        let title = Signal::derive(move || heading(&kind).to_owned());
        let take_focus = wizard.moved.get_untracked();
        view! {
            <StepHeading text=title take_focus=take_focus />
            {move || wizard.failure.get().map(|error| view! { <FailureAlert error=error /> })}
            {steps::view(step)}
        }
    };
    view! {
        <div class="wizard">
            <Stepper titles=step_titles() current=index />
            <section class="wizard-panel">
                <For each=move || [wizard.round.get()] key=|round| *round children=panel />
            </section>
        </div>
    }
}
