//! The step wizard (DESIGN §6): a stepper with progress, the step heading that takes focus when
//! the server moves the wizard on, and a countdown driven by `gloo-timers`.

use leptos::{html, prelude::*};

use crate::i18n::{t_string, use_i18n};

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
        <nav class="stepper" aria-label=move || t_string!(i18n, wizard_steps_label)>
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
