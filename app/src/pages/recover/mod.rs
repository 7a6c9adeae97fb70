//! `/clave/recuperar`: "Recuperar clave" (DESIGN §2.2), steps 1–4. The server decides the step;
//! a reload shows the same step again. The new password is set from the emailed link
//! ([`crate::pages::reset`]).

pub mod api;
mod contacts;
mod steps;

use leptos::prelude::*;
use leptos_meta::Title;

use self::api::RecStep;
use crate::{
    components::{failure::FailureAlert, wizard::WizardSteps},
    i18n::{t_string, use_i18n},
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

/// The wizard's state in the browser.
type Wizard = crate::components::wizard::Wizard<RecStep>;

/// The page: loads the current step on the server (so a reload renders it at once), then runs
/// the wizard in the browser.
#[component]
pub fn Recover() -> impl IntoView {
    let i18n = use_i18n();
    // Blocking, so a cookie the server clears (a stale flow) reaches the response headers.
    let initial = Resource::new_blocking(|| (), |()| api::current_step());
    view! {
        <Title text=tr!(i18n, rec_title) />
        <h1>{tr!(i18n, rec_title)}</h1>
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
    let wizard = Wizard::new(initial);
    provide_context(wizard);
    let i18n = use_i18n();
    let index = |step: &RecStep| match step {
        RecStep::Identification { .. } => 0,
        RecStep::Challenge { .. } | RecStep::DailyLimit | RecStep::Blocked => 1,
        RecStep::Contacts(_) => 2,
        RecStep::EmailSent(_) => 3,
    };
    let heading = move |step: &RecStep| {
        match step {
            RecStep::Identification { .. } => t_string!(i18n, gen_step_identification),
            RecStep::Challenge { .. } => t_string!(i18n, gen_step_challenge),
            RecStep::Contacts(_) => t_string!(i18n, rec_step_contacts),
            RecStep::EmailSent(_) => t_string!(i18n, gen_step_email),
            RecStep::DailyLimit => t_string!(i18n, gen_daily_limit_title),
            RecStep::Blocked => t_string!(i18n, gen_blocked_title),
        }
        .to_owned()
    };
    view! { <WizardSteps wizard=wizard titles=step_titles() index=index heading=heading view=steps::view /> }
}
