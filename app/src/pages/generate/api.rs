//! The server functions of "Generar clave por primera vez" and what they answer. The wizard state
//! is on the server (DESIGN §2): each function finds the flow through the HttpOnly cookie, and the
//! service refuses a step called out of order, twice, after expiry or with another flow's id.

use clave_domain::challenge::ChallengeView;
use leptos::{prelude::*, server_fn::codec::Json};
use serde::{Deserialize, Serialize};

use crate::{components::wizard::StepReply, error::AppError};

/// The step the page shows, decided by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum GenStep {
    /// Step 1. `expired`: a flow was going on and is no longer valid.
    Identification { expired: bool },
    /// Step 2; `retry` after wrong answers (the questions are new).
    Challenge { view: ChallengeView, retry: Option<AttemptsLeft> },
    /// Step 3.
    PersonalData,
    /// Step 4.
    EmailSent(LinkSentView),
    /// The person has a clave already: "Recuperar clave".
    UseRecovery,
    /// No attempts left today.
    DailyLimit,
    /// No attempts left at all: a CAU or the Ventanilla Virtual.
    Blocked,
}

pub use crate::components::wizard::{AttemptsLeft, LinkSentView};

/// A step's answer: the next step, or the problems at their fields (nothing changed).
pub type Reply = StepReply<GenStep>;

/// Where this browser's generation flow stands (on load and reload).
#[server(endpoint = "generar/estado")]
pub async fn current_step() -> Result<GenStep, AppError> {
    imp::current_step().await.map_err(crate::server::fail)
}

/// Step 1: identification and captcha → the challenge.
#[server(endpoint = "generar/buscar")]
pub async fn search(identification: String, captcha: String) -> Result<Reply, AppError> {
    imp::search(identification, captcha).await.map_err(crate::server::fail)
}

/// Step 2: birth date (day, month, year) and one option id per question.
#[server(endpoint = "generar/desafio", input = Json)]
pub async fn answer_challenge(
    day: String,
    month: String,
    year: String,
    choices: Vec<(String, String)>,
) -> Result<Reply, AppError> {
    imp::answer_challenge(day, month, year, choices).await.map_err(crate::server::fail)
}

/// Step 3: contact data, security questions (id, answer) and the security image.
#[server(endpoint = "generar/datos", input = Json)]
pub async fn personal_data(
    email: String,
    mobile: String,
    landline: String,
    questions: Vec<(String, String)>,
    image: String,
) -> Result<Reply, AppError> {
    imp::personal_data(email, mobile, landline, questions, image).await.map_err(crate::server::fail)
}

/// Step 4: "reenviar".
#[server(endpoint = "generar/reenviar")]
pub async fn resend() -> Result<Reply, AppError> {
    imp::resend().await.map_err(crate::server::fail)
}

/// "Empezar de nuevo": ends the flow.
#[server(endpoint = "generar/reiniciar")]
pub async fn restart() -> Result<GenStep, AppError> {
    imp::restart().await.map_err(crate::server::fail)
}

#[cfg(feature = "ssr")]
mod imp {
    use clave_backend::{
        Services,
        challenge::SubmittedAnswers,
        flows::FlowId,
        generation::{
            ChallengeOutcome, CurrentStep, NextStep, PersonalDataForm, PersonalDataOutcome, ResendOutcome,
            ServiceError,
        },
    };
    use clave_domain::{BirthDate, FieldProblem};

    use super::*;
    use crate::server::{
        cookies::{self, GENERATION as COOKIE},
        services,
    };

    fn secure(services: &Services) -> bool {
        services.settings.served_over_tls()
    }

    /// A step the flow is not at (a double submission, an old tab, a forged call) changed
    /// nothing; the answer is the step the flow is really at, or step 1 when there is none.
    async fn or_current(result: Result<Reply, ServiceError>) -> Result<Reply, AppError> {
        match result {
            Err(ServiceError::FlowNotFound) => Ok(Reply::Step(current_step().await?)),
            other => Ok(other?),
        }
    }

    pub async fn current_step() -> Result<GenStep, AppError> {
        let services = services()?;
        let Some(flow) = cookies::read(COOKIE, FlowId::parse) else {
            return Ok(GenStep::Identification { expired: false });
        };
        let now = services.clock.now();
        Ok(match services.generation.current(&flow).await? {
            None => {
                cookies::clear(COOKIE, secure(&services));
                GenStep::Identification { expired: true }
            }
            Some(CurrentStep::Challenge(view)) => GenStep::Challenge { view, retry: None },
            Some(CurrentStep::PersonalData) => GenStep::PersonalData,
            Some(CurrentStep::EmailSent(sent)) => GenStep::EmailSent(LinkSentView::new(sent, now, None)),
            Some(CurrentStep::UseRecovery) => GenStep::UseRecovery,
        })
    }

    pub async fn search(identification: String, captcha: String) -> Result<Reply, AppError> {
        let opened = crate::server::open_flow(&identification, &captcha, COOKIE, async |services, id| {
            services.generation.start(id).await
        })
        .await?;
        Ok(match opened {
            Ok(view) => Reply::Step(GenStep::Challenge { view, retry: None }),
            Err(problems) => Reply::Invalid(problems),
        })
    }

    pub async fn answer_challenge(
        day: String,
        month: String,
        year: String,
        choices: Vec<(String, String)>,
    ) -> Result<Reply, AppError> {
        let services = services()?;
        let Some(flow) = cookies::read(COOKIE, FlowId::parse) else {
            return Ok(Reply::Step(GenStep::Identification { expired: true }));
        };
        let birth_date = match parse_birth_date(&day, &month, &year) {
            Ok(date) => date,
            Err(problem) => return Ok(Reply::Invalid(vec![problem])),
        };
        if let Some((question, _)) = choices.iter().find(|(_, option)| option.is_empty()) {
            return Ok(Reply::Invalid(vec![FieldProblem::new(
                format!("choice-{question}"),
                "Elija una opción.",
                "Choose an option.",
            )]));
        }
        let outcome = services.generation.answer(&flow, SubmittedAnswers { birth_date, choices }).await;
        let reply = outcome.map(|outcome| {
            Reply::Step(match outcome {
                ChallengeOutcome::Passed { next: NextStep::PersonalData } => GenStep::PersonalData,
                ChallengeOutcome::Passed { next: NextStep::UseRecovery } => GenStep::UseRecovery,
                ChallengeOutcome::Retry { attempts_left_today, attempts_left_total, challenge } => {
                    GenStep::Challenge {
                        view: challenge,
                        retry: Some(AttemptsLeft { today: attempts_left_today, total: attempts_left_total }),
                    }
                }
                ChallengeOutcome::DailyLimitReached => GenStep::DailyLimit,
                ChallengeOutcome::Blocked => GenStep::Blocked,
            })
        });
        or_current(reply).await
    }

    fn parse_birth_date(day: &str, month: &str, year: &str) -> Result<BirthDate, FieldProblem> {
        let wrong = || {
            FieldProblem::new(
                "birth-date",
                "Escriba su fecha de nacimiento completa: día, mes y año (por ejemplo 12, abril, 1975).",
                "Enter your full date of birth: day, month and year (for example 12, April, 1975).",
            )
        };
        let (Ok(d), Ok(m), Ok(y)) = (day.trim().parse(), month.trim().parse(), year.trim().parse()) else {
            return Err(wrong());
        };
        BirthDate::new(y, m, d).map_err(|e| FieldProblem::new("birth-date", e.message_es(), e.message_en()))
    }

    pub async fn personal_data(
        email: String,
        mobile: String,
        landline: String,
        questions: Vec<(String, String)>,
        image: String,
    ) -> Result<Reply, AppError> {
        let services = services()?;
        let Some(flow) = cookies::read(COOKIE, FlowId::parse) else {
            return Ok(Reply::Step(GenStep::Identification { expired: true }));
        };
        let form = PersonalDataForm { email, mobile, landline, questions, image };
        let now = services.clock.now();
        let reply = services.generation.personal_data(&flow, form).await.map(|outcome| match outcome {
            PersonalDataOutcome::Sent(sent) => {
                Reply::Step(GenStep::EmailSent(LinkSentView::new(sent, now, None)))
            }
            PersonalDataOutcome::Invalid(problems) => Reply::Invalid(problems),
        });
        or_current(reply).await
    }

    pub async fn resend() -> Result<Reply, AppError> {
        let services = services()?;
        let Some(flow) = cookies::read(COOKIE, FlowId::parse) else {
            return Ok(Reply::Step(GenStep::Identification { expired: true }));
        };
        let now = services.clock.now();
        let reply = services.generation.resend(&flow).await.map(|outcome| {
            let (sent, done) = match outcome {
                ResendOutcome::Sent(sent) => (sent, true),
                ResendOutcome::Limit(sent) => (sent, false),
            };
            Reply::Step(GenStep::EmailSent(LinkSentView::new(sent, now, Some(done))))
        });
        or_current(reply).await
    }

    pub async fn restart() -> Result<GenStep, AppError> {
        let services = services()?;
        if let Some(flow) = cookies::read(COOKIE, FlowId::parse) {
            services.generation.abandon(&flow).await?;
        }
        cookies::clear(COOKIE, secure(&services));
        Ok(GenStep::Identification { expired: false })
    }
}
