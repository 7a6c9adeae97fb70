//! The step wizard (DESIGN §6): the server-driven state of a wizard, a stepper with progress,
//! the step heading that takes focus when the server moves the wizard on, the "email sent" step
//! with its countdown (driven by `gloo-timers`) and "reenviar".

use clave_domain::FieldProblem;
use leptos::{html, prelude::*};
use serde::{Deserialize, Serialize};

use crate::{
    components::{failure::FailureAlert, field::field_message},
    error::AppError,
    i18n::{t_string, use_i18n},
};

/// A server answer to a wizard step: the next step, or the problems at their fields (then
/// nothing changed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepReply<S> {
    Step(S),
    Invalid(Vec<FieldProblem>),
}

/// A wizard's state in the browser: the step the server answered, the problems of the last
/// submission, a failure that is nobody's field, and whether the step changed after a person's
/// action (then its heading takes the focus).
pub struct Wizard<S: Send + Sync + 'static> {
    pub step: RwSignal<S>,
    pub problems: RwSignal<Vec<FieldProblem>>,
    /// A failure that is nobody's field (service down, busy, connection lost).
    pub failure: RwSignal<Option<AppError>>,
    moved: RwSignal<bool>,
    /// Counts the server's answers that showed a step, so each one is drawn afresh.
    round: RwSignal<usize>,
}

impl<S: Send + Sync + 'static> Clone for Wizard<S> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S: Send + Sync + 'static> Copy for Wizard<S> {}

impl<S: Clone + Send + Sync + 'static> Wizard<S> {
    pub fn new(initial: S) -> Self {
        Self {
            step: RwSignal::new(initial),
            problems: RwSignal::new(Vec::new()),
            failure: RwSignal::new(None),
            moved: RwSignal::new(false),
            round: RwSignal::new(0),
        }
    }

    /// Applies a server answer: a new step or the problems at their fields.
    pub fn apply(self, reply: Result<StepReply<S>, AppError>) {
        match reply {
            Ok(StepReply::Step(step)) => self.go(step),
            Ok(StepReply::Invalid(problems)) => {
                self.failure.set(None);
                self.problems.set(problems);
                crate::components::form::focus_first_invalid();
            }
            Err(error) => self.failure.set(Some(error)),
        }
    }

    /// Shows `step`, drawn afresh.
    pub fn go(self, step: S) {
        self.failure.set(None);
        self.problems.set(Vec::new());
        self.moved.set(true);
        self.step.set(step);
        self.round.update(|round| *round += 1);
    }

    /// The message of the problem at `field`, in the page's language.
    pub fn problem(self, field: impl Into<String>) -> Signal<Option<String>> {
        field_message(self.problems, field)
    }
}

/// The stepper and the current step: its heading, a failure if any, and its view. Each answer
/// of the server draws its step afresh (a keyed list of one), never patched onto the previous
/// one: a new round of a challenge starts with nothing chosen, and an image picker's options
/// never keep the handlers of a round that is gone.
#[component]
pub fn WizardSteps<S, H, V>(
    wizard: Wizard<S>,
    titles: Signal<Vec<String>>,
    /// The stepper's position of a step, from 0.
    index: fn(&S) -> usize,
    /// The heading of a step.
    heading: H,
    /// The view of a step.
    view: V,
) -> impl IntoView
where
    S: Clone + Send + Sync + 'static,
    H: Fn(&S) -> String + Copy + Send + Sync + 'static,
    V: Fn(S) -> AnyView + Copy + Send + Sync + 'static,
{
    let current = Signal::derive(move || wizard.step.with(index));
    let panel = move |_round: usize| {
        let step = wizard.step.get_untracked();
        let kind = step.clone();
        let title = Signal::derive(move || heading(&kind));
        let take_focus = wizard.moved.get_untracked();
        view! {
            <StepHeading text=title take_focus=take_focus />
            {move || wizard.failure.get().map(|error| view! { <FailureAlert error=error /> })}
            {view(step)}
        }
    };
    view! {
        <div class="wizard">
            <Stepper titles=titles current=current />
            <section class="wizard-panel">
                <For each=move || [wizard.round.get()] key=|round| *round children=panel />
            </section>
        </div>
    }
}

/// Attempts left after a wrong answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttemptsLeft {
    pub today: u32,
    pub total: u32,
}

/// The "email sent" step as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkSentView {
    pub email_masked: String,
    /// Milliseconds until the link expires, as the server counted them (clock-skew free).
    pub expires_in_ms: i64,
    pub resends_left: u32,
    /// Milliseconds until "reenviar" is allowed again, when no press is left.
    pub next_resend_in_ms: Option<i64>,
    /// What the last press of "reenviar" did, if this answers one.
    pub resent: Option<bool>,
}

#[cfg(feature = "ssr")]
impl LinkSentView {
    /// The service's view at `now`; `resent` when this answers a press of "reenviar".
    pub fn new(
        sent: clave_backend::emailed_link::LinkSent,
        now: chrono::DateTime<chrono::Utc>,
        resent: Option<bool>,
    ) -> Self {
        Self {
            email_masked: sent.email_masked,
            expires_in_ms: (sent.expires_at - now).num_milliseconds().max(0),
            resends_left: sent.resends_left,
            next_resend_in_ms: sent.next_resend_at.map(|at| (at - now).num_milliseconds().max(0)),
            resent,
        }
    }
}

/// The "email sent" step: where the link went, its countdown, `help`, and "reenviar" while
/// presses are left (or when the next one is allowed). `children`: the way to start again.
#[component]
pub fn LinkSentStep(
    sent: LinkSentView,
    #[prop(into)] help: Signal<String>,
    #[prop(into)] resending: Signal<bool>,
    on_resend: Callback<()>,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let expired = RwSignal::new(false);
    let email = sent.email_masked.clone();
    let sent_text = move || t_string!(i18n, gen_email_sent).replace("{email}", &email);
    let resent_note = sent.resent.map(|done| {
        let text = move || if done { t_string!(i18n, gen_resent) } else { t_string!(i18n, gen_resend_limit) };
        view! { <div class="alert alert-info" role="status">{text}</div> }
    });
    let left = sent.resends_left;
    let resend_part = if left > 0 {
        view! {
            <button type="button" class="button button-secondary" disabled=move || resending.get()
                on:click=move |_| on_resend.run(())>
                {tr!(i18n, gen_resend)}
            </button>
            <p class="field-hint">{move || t_string!(i18n, gen_resends_left).replace("{n}", &left.to_string())}</p>
        }
        .into_any()
    } else {
        let minutes = sent.next_resend_in_ms.map_or(60, |ms| (ms + 59_999) / 60_000);
        let wait = move || t_string!(i18n, gen_resend_wait).replace("{minutes}", &minutes.to_string());
        view! { <p class="field-hint">{wait}</p> }.into_any()
    };
    view! {
        {resent_note}
        <p class="lead">{sent_text}</p>
        <LinkValidity remaining_ms=sent.expires_in_ms expired=expired />
        <p>{help}</p>
        {resend_part}
        {children()}
    }
}

/// "Paso n de m" and the list of step titles, the current one marked `aria-current="step"`.
#[component]
pub fn Stepper(
    /// The titles of every step, in order.
    #[prop(into)]
    titles: Signal<Vec<String>>,
    /// The current step, from 0.
    #[prop(into)]
    current: Signal<usize>,
) -> impl IntoView {
    let i18n = use_i18n();
    let progress = move || {
        let (n, total) = (current.get() + 1, titles.with(Vec::len));
        t_string!(i18n, wizard_progress).replace("{n}", &n.to_string()).replace("{total}", &total.to_string())
    };
    view! {
        <nav class="stepper" aria-label=tr!(i18n, wizard_steps_label)>
            <p class="stepper-progress">{progress}</p>
            <ol>
                {move || {
                    titles
                        .get()
                        .into_iter()
                        .enumerate()
                        .map(|(i, title)| {
                            let state = match i.cmp(&current.get()) {
                                std::cmp::Ordering::Less => "done",
                                std::cmp::Ordering::Equal => "current",
                                std::cmp::Ordering::Greater => "todo",
                            };
                            view! {
                                <li class=format!("step step-{state}") aria-current=(state == "current").then_some("step")>
                                    <span class="step-number" aria-hidden="true">{i + 1}</span>
                                    <span class="step-title">{title}</span>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ol>
        </nav>
    }
}

/// A step's heading. When `take_focus` is set (the wizard moved on after a person's action) it
/// takes the focus, so screen readers announce the new step and keyboard users continue there.
#[component]
pub fn StepHeading(#[prop(into)] text: Signal<String>, take_focus: bool) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    if take_focus {
        Effect::new(move || {
            if let Some(el) = heading.get() {
                let _ = el.focus();
            }
        });
    }
    view! { <h2 class="step-heading" tabindex="-1" node_ref=heading>{text}</h2> }
}

/// Formats whole seconds as `m:ss`.
pub fn minutes_seconds(total_secs: i64) -> String {
    let secs = total_secs.max(0);
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// Counts down from `remaining_ms` once a second (in the browser) and shows `m:ss`; `expired`
/// is set when it reaches zero. The time is shown as a `timer`, which screen readers do not read
/// out on every tick.
#[component]
pub fn Countdown(
    /// Milliseconds left, as the server counted them when it answered.
    remaining_ms: i64,
    /// Set to `true` when the countdown reaches zero.
    expired: RwSignal<bool>,
) -> impl IntoView {
    let left = RwSignal::new(remaining_ms.div_euclid(1000).max(0));
    expired.set(remaining_ms <= 0);
    // Effects run only in the browser; the loop ends at zero or when the countdown is removed.
    Effect::new(move || {
        leptos::task::spawn_local(async move {
            loop {
                gloo_timers::future::TimeoutFuture::new(1_000).await;
                let Some(now) = left.try_get_untracked() else { return };
                let now = now.saturating_sub(1).max(0);
                left.set(now);
                if now == 0 {
                    expired.try_set(true);
                    return;
                }
            }
        });
    });
    view! { <span class="countdown" role="timer">{move || minutes_seconds(left.get())}</span> }
}

#[cfg(test)]
mod tests {
    use super::minutes_seconds;

    #[test]
    fn minutes_and_seconds_are_padded_and_never_negative() {
        assert_eq!(minutes_seconds(900), "15:00");
        assert_eq!(minutes_seconds(61), "1:01");
        assert_eq!(minutes_seconds(0), "0:00");
        assert_eq!(minutes_seconds(-5), "0:00");
    }
}

/// "The link is valid for mm:ss", or that it expired, for a page opened from an emailed link.
#[component]
pub fn LinkValidity(remaining_ms: i64, expired: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="link-validity">
            {move || if expired.get() { t_string!(i18n, gen_link_expired) } else { t_string!(i18n, gen_link_valid_for) }}
            " "
            <Countdown remaining_ms=remaining_ms expired=expired />
        </p>
    }
}
