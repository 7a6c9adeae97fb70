//! `/clave/generar`: "Generar clave por primera vez" (DESIGN §2.1), steps 1–4. The server decides
//! the step; a reload shows the same step again. Step 5 runs from the emailed link
//! ([`crate::pages::activate`]).

pub mod api;
pub(crate) mod steps;

use leptos::prelude::*;
use leptos_meta::Title;

use self::api::GenStep;
use crate::{
    components::{failure::FailureAlert, wizard::WizardSteps},
    i18n::{t_string, use_i18n},
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

/// The wizard's state in the browser.
pub(crate) type Wizard = crate::components::wizard::Wizard<GenStep>;

/// The page: loads the current step on the server (so a reload renders it at once), then runs
/// the wizard in the browser.
#[component]
pub fn Generate() -> impl IntoView {
    let i18n = use_i18n();
    // Blocking, so a cookie the server clears (a stale flow) reaches the response headers.
    let initial = Resource::new_blocking(|| (), |()| api::current_step());
    view! {
        <Title text=tr!(i18n, gen_title) />
        <h1>{tr!(i18n, gen_title)}</h1>
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
    let wizard = Wizard::new(initial);
    provide_context(wizard);
    let i18n = use_i18n();
    let index = |step: &GenStep| match step {
        GenStep::Identification { .. } => 0,
        GenStep::Challenge { .. } | GenStep::DailyLimit | GenStep::Blocked | GenStep::UseRecovery => 1,
        GenStep::PersonalData => 2,
        GenStep::EmailSent(_) => 3,
    };
    let heading = move |step: &GenStep| {
        match step {
            GenStep::Identification { .. } => t_string!(i18n, gen_step_identification),
            GenStep::Challenge { .. } => t_string!(i18n, gen_step_challenge),
            GenStep::PersonalData => t_string!(i18n, gen_step_personal),
            GenStep::EmailSent(_) => t_string!(i18n, gen_step_email),
            GenStep::UseRecovery => t_string!(i18n, gen_use_recovery_title),
            GenStep::DailyLimit => t_string!(i18n, gen_daily_limit_title),
            GenStep::Blocked => t_string!(i18n, gen_blocked_title),
        }
        .to_owned()
    };
    view! { <WizardSteps wizard=wizard titles=step_titles() index=index heading=heading view=steps::view /> }
}
