//! The server functions of "Recuperar clave" and what they answer. The wizard state is on the
//! server (DESIGN §2): each function finds the flow through the HttpOnly cookie, and the service
//! refuses a step called out of order, twice, after expiry or with another flow's id.

use clave_domain::recovery::{MaskedContacts, RecoveryChallengeView};
use leptos::{prelude::*, server_fn::codec::Json};
use serde::{Deserialize, Serialize};

use crate::{
    components::wizard::{AttemptsLeft, LinkSentView, StepReply},
    error::AppError,
};

/// The step the page shows, decided by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RecStep {
    /// Step 1. `expired`: a flow was going on and is no longer valid.
    Identification { expired: bool },
    /// Step 2; `retry` after a wrong answer (the choices stay the same).
    Challenge { view: RecoveryChallengeView, retry: Option<AttemptsLeft> },
    /// Step 3: the contact data on file, masked.
    Contacts(MaskedContacts),
    /// Step 4: the link is out.
    EmailSent(LinkSentView),
    /// No attempts left today.
    DailyLimit,
    /// No attempts left at all: a CAU or the Ventanilla Virtual.
    Blocked,
}

/// A step's answer: the next step, or the problems at their fields (nothing changed).
pub type Reply = StepReply<RecStep>;

/// Where this browser's recovery flow stands (on load and reload).
#[server(endpoint = "recuperar/estado")]
pub async fn current_step() -> Result<RecStep, AppError> {
    imp::current_step().await.map_err(crate::server::fail)
}

/// Step 1: identification and captcha → the challenge.
#[server(endpoint = "recuperar/buscar")]
pub async fn search(identification: String, captcha: String) -> Result<Reply, AppError> {
    imp::search(identification, captcha).await.map_err(crate::server::fail)
}

/// Step 2: day and month of birth, the security image, the registered question and its answer.
#[server(endpoint = "recuperar/desafio")]
pub async fn answer_challenge(
    day: String,
    month: String,
    image: String,
    question: String,
    answer: String,
) -> Result<Reply, AppError> {
    imp::answer_challenge(day, month, image, question, answer).await.map_err(crate::server::fail)
}

/// Step 3: "Confirmar". An empty field keeps what is on file; `remove_landline` removes the
/// landline on file.
#[server(endpoint = "recuperar/contactos", input = Json)]
pub async fn confirm_contacts(
    email: String,
    mobile: String,
    landline: String,
    remove_landline: bool,
) -> Result<Reply, AppError> {
    imp::confirm_contacts(email, mobile, landline, remove_landline).await.map_err(crate::server::fail)
}

/// Step 4: "Reenviar correo".
#[server(endpoint = "recuperar/reenviar")]
pub async fn resend() -> Result<Reply, AppError> {
    imp::resend().await.map_err(crate::server::fail)
}

/// "Empezar de nuevo": ends the flow.
#[server(endpoint = "recuperar/reiniciar")]
pub async fn restart() -> Result<RecStep, AppError> {
    imp::restart().await.map_err(crate::server::fail)
}

#[cfg(feature = "ssr")]
mod imp {
    use clave_backend::{
        Services,
        flows::FlowId,
        recovery::{
            ChallengeOutcome, ContactForm, ContactOutcome, CurrentStep, RecoveryAnswers, ResendOutcome,
            ServiceError,
        },
    };

    use super::*;
    use crate::server::{
        client_info,
        cookies::{self, RECOVERY as COOKIE},
        services,
    };

    fn secure(services: &Services) -> bool {
        services.settings.served_over_tls()
    }

    fn flow() -> Option<FlowId> {
        cookies::read(COOKIE, FlowId::parse)
    }

    /// A step the flow is not at (a double submission, an old tab, a forged call) changed
    /// nothing; the answer is the step the flow is really at, or step 1 when there is none.
    async fn or_current(result: Result<Reply, ServiceError>) -> Result<Reply, AppError> {
        match result {
            Err(ServiceError::FlowNotFound) => Ok(Reply::Step(current_step().await?)),
            other => Ok(other?),
        }
    }

    pub async fn current_step() -> Result<RecStep, AppError> {
        let services = services()?;
        let Some(flow) = flow() else { return Ok(RecStep::Identification { expired: false }) };
        let now = services.clock.now();
        Ok(match services.recovery.current(&flow).await? {
            None => {
                cookies::clear(COOKIE, secure(&services));
                RecStep::Identification { expired: true }
            }
            Some(CurrentStep::Challenge(view)) => RecStep::Challenge { view, retry: None },
            Some(CurrentStep::Contacts(masked)) => RecStep::Contacts(masked),
            Some(CurrentStep::EmailSent(sent)) => RecStep::EmailSent(LinkSentView::new(sent, now, None)),
        })
    }

    pub async fn search(identification: String, captcha: String) -> Result<Reply, AppError> {
        let opened = crate::server::open_flow(&identification, &captcha, COOKIE, async |services, id| {
            services.recovery.start(id).await
        })
        .await?;
        Ok(match opened {
            Ok(view) => Reply::Step(RecStep::Challenge { view, retry: None }),
            Err(problems) => Reply::Invalid(problems),
        })
    }

    pub async fn answer_challenge(
        day: String,
        month: String,
        image: String,
        question: String,
        answer: String,
    ) -> Result<Reply, AppError> {
        let services = services()?;
        let Some(flow) = flow() else { return Ok(Reply::Step(RecStep::Identification { expired: true })) };
        let (day, month) = (day.trim().parse::<u8>().ok(), month.trim().parse::<u8>().ok());
        // 0 is no day and no month: the service refuses the form at `birth` without counting
        // an attempt, and the message below asks for what is missing instead.
        let answers =
            RecoveryAnswers { day: day.unwrap_or(0), month: month.unwrap_or(0), image, question, answer };
        let outcome = services.recovery.answer(&flow, answers, &client_info()).await;
        let reply = outcome.map(|outcome| match outcome {
            ChallengeOutcome::Passed { contacts } => Reply::Step(RecStep::Contacts(contacts)),
            ChallengeOutcome::Retry { attempts_left_today, attempts_left_total, challenge } => {
                Reply::Step(RecStep::Challenge {
                    view: challenge,
                    retry: Some(AttemptsLeft { today: attempts_left_today, total: attempts_left_total }),
                })
            }
            ChallengeOutcome::DailyLimitReached => Reply::Step(RecStep::DailyLimit),
            ChallengeOutcome::Blocked => Reply::Step(RecStep::Blocked),
            ChallengeOutcome::Invalid(problems) if day.is_none() || month.is_none() => Reply::Invalid(
                problems.into_iter().map(|p| if p.field == "birth" { birth_missing() } else { p }).collect(),
            ),
            ChallengeOutcome::Invalid(problems) => Reply::Invalid(problems),
        });
        or_current(reply).await
    }

    fn birth_missing() -> clave_domain::FieldProblem {
        clave_domain::FieldProblem::new(
            "birth",
            "Escriba el día (un número del 1 al 31) y elija el mes de su nacimiento.",
            "Enter the day (a number from 1 to 31) and choose the month of your birth.",
        )
    }

    pub async fn confirm_contacts(
        email: String,
        mobile: String,
        landline: String,
        remove_landline: bool,
    ) -> Result<Reply, AppError> {
        let services = services()?;
        let Some(flow) = flow() else { return Ok(Reply::Step(RecStep::Identification { expired: true })) };
        let typed = |value: String| (!value.trim().is_empty()).then_some(value);
        let form = ContactForm {
            email: typed(email),
            mobile: typed(mobile),
            landline: if remove_landline { Some(String::new()) } else { typed(landline) },
        };
        let now = services.clock.now();
        let outcome = services.recovery.contacts(&flow, form, &client_info()).await;
        let reply = outcome.map(|outcome| match outcome {
            ContactOutcome::Sent(sent) => Reply::Step(RecStep::EmailSent(LinkSentView::new(sent, now, None))),
            ContactOutcome::Invalid(problems) => Reply::Invalid(problems),
        });
        or_current(reply).await
    }

    pub async fn resend() -> Result<Reply, AppError> {
        let services = services()?;
        let Some(flow) = flow() else { return Ok(Reply::Step(RecStep::Identification { expired: true })) };
        let now = services.clock.now();
        let reply = services.recovery.resend(&flow).await.map(|outcome| {
            let (sent, done) = match outcome {
                ResendOutcome::Sent(sent) => (sent, true),
                ResendOutcome::Limit(sent) => (sent, false),
            };
            Reply::Step(RecStep::EmailSent(LinkSentView::new(sent, now, Some(done))))
        });
        or_current(reply).await
    }

    pub async fn restart() -> Result<RecStep, AppError> {
        let services = services()?;
        if let Some(flow) = flow() {
            services.recovery.abandon(&flow).await?;
        }
        cookies::clear(COOKIE, secure(&services));
        Ok(RecStep::Identification { expired: false })
    }
}
