//! The "No soy un robot" check (DESIGN §5.6): a checkbox that, when ticked, fetches a signed
//! ALTCHA challenge, solves it in the browser and puts the proof into a hidden field of the
//! enclosing form. The server verifies the proof when the form arrives.

use clave_domain::captcha::{Challenge, Progress, Solution, Solver};
use leptos::prelude::*;

use crate::{
    error::AppError,
    i18n::{t_string, use_i18n},
};

/// Candidates tried between two yields to the browser: a few milliseconds of work on a slow phone,
/// so typing and scrolling stay smooth while the proof is searched.
const CANDIDATES_PER_CHUNK: u64 = 4_000;

/// A fresh challenge for the "No soy un robot" check.
#[server(endpoint = "captcha/reto")]
pub async fn captcha_challenge() -> Result<Challenge, AppError> {
    let services = crate::server::services().map_err(crate::server::fail)?;
    Ok(services.captcha.challenge(services.clock.now()))
}

/// "No soy un robot" as a form field named `captcha`, with the problem the server reported for
/// it; `answers` changes after every answer of the server, so a fresh proof is solved.
#[component]
pub fn CaptchaField(
    problems: RwSignal<Vec<clave_domain::FieldProblem>>,
    #[prop(into)] answers: Signal<usize>,
) -> impl IntoView {
    let error = crate::components::field::field_message(problems, "captcha");
    view! {
        <div class="field" class:field-invalid=move || error.get().is_some()>
            <Captcha name="captcha" reset=answers />
            <crate::components::field::FieldError id="captcha-error" error=error />
        </div>
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Status {
    Idle,
    Verifying,
    Verified,
    Failed,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Verifying => "verifying",
            Self::Verified => "verified",
            Self::Failed => "failed",
        }
    }
}

/// An accessible "No soy un robot" checkbox for a form. Ticking it proves a little work in the
/// background (the page stays usable) and fills the hidden field `name` with the proof; the
/// result is announced politely to screen readers. Unticking it clears the proof.
///
/// Each proof is accepted once: pass the form action's `version()` as `reset`, so that after a
/// submission the box is cleared and the person ticks it again for the next one.
#[component]
pub fn Captcha(
    /// Name of the hidden form field that carries the proof.
    #[prop(into)]
    name: String,
    /// When this value changes, the check is cleared.
    #[prop(optional, into)]
    reset: Option<Signal<usize>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let status = RwSignal::new(Status::Idle);
    let payload = RwSignal::new(String::new());
    // Bumped on every new start or clear, so a search that is no longer wanted stops quietly.
    let attempt = StoredValue::new(0_u64);

    let clear = move || {
        attempt.update_value(|a| *a += 1);
        payload.set(String::new());
        status.set(Status::Idle);
    };
    if let Some(reset) = reset {
        Effect::watch(move || reset.get(), move |_, _, _| clear(), false);
    }

    let start = move || {
        attempt.update_value(|a| *a += 1);
        let mine = attempt.get_value();
        payload.set(String::new());
        status.set(Status::Verifying);
        leptos::task::spawn_local(async move {
            let still_wanted = move || attempt.try_get_value() == Some(mine);
            let proof = prove(still_wanted).await;
            if !still_wanted() {
                return;
            }
            match proof {
                Some(value) => {
                    payload.try_set(value);
                    status.try_set(Status::Verified);
                }
                None => {
                    status.try_set(Status::Failed);
                }
            }
        });
    };

    let on_change = move |ev: leptos::ev::Event| {
        let ticked = event_target_checked(&ev);
        match (ticked, status.get_untracked()) {
            (true, Status::Idle | Status::Failed) => start(),
            (false, Status::Verifying | Status::Verified) => clear(),
            _ => {}
        }
    };

    let box_id = format!("{name}-casilla");
    let status_id = format!("{name}-estado");
    view! {
        <div class="captcha" data-state=move || status.get().as_str()>
            <input
                type="checkbox"
                id=box_id.clone()
                class="captcha-check"
                aria-describedby=status_id.clone()
                prop:checked=move || matches!(status.get(), Status::Verifying | Status::Verified)
                on:change=on_change
            />
            <label for=box_id class="captcha-label">{tr!(i18n, captcha_label)}</label>
            <span id=status_id class="captcha-status" role="status" aria-live="polite">
                {move || match status.get() {
                    Status::Idle => "",
                    Status::Verifying => t_string!(i18n, captcha_verifying),
                    Status::Verified => t_string!(i18n, captcha_verified),
                    Status::Failed => t_string!(i18n, captcha_failed),
                }}
            </span>
            <input type="hidden" name=name prop:value=move || payload.get() />
        </div>
    }
}

/// Fetches a challenge and searches its number in chunks, giving the page back to the browser
/// between chunks. `None` when the server could not be reached or the search failed or was
/// abandoned.
async fn prove(still_wanted: impl Fn() -> bool) -> Option<String> {
    let challenge = captcha_challenge().await.ok()?;
    let mut solver = Solver::for_challenge(&challenge);
    loop {
        match solver.step(CANDIDATES_PER_CHUNK) {
            Progress::Found(number) => return Some(Solution::new(&challenge, number).to_base64()),
            Progress::NotFound => return None,
            Progress::Searching => {
                gloo_timers::future::TimeoutFuture::new(0).await;
                if !still_wanted() {
                    return None;
                }
            }
        }
    }
}
