//! Steps 3 and 4: the personal data (contacts, security questions and image), then the emailed
//! link with its "reenviar" (DESIGN §2.1).

use chrono::{DateTime, Utc};
use clave_domain::{
    Contacts, Email, FieldProblem, Landline, Mobile, NormalizedAnswer,
    security_images::SecurityImageId,
    security_questions::{self, SecurityQuestionId},
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::{Generation, GenerationState, GenerationStep, ServiceError, mails};
use crate::{
    emailed_link::{self, EmailedLink, LinkSent, Resend, ResendOutcome},
    flows::{self, FlowId},
    tokens::PlainToken,
};

/// The purpose of the generation link's token.
pub(super) const LINK_PURPOSE: &str = "generation";

/// What the person typed at step 3, as it arrived.
#[derive(Clone, Default)]
pub struct PersonalDataForm {
    pub email: String,
    pub mobile: String,
    /// Optional: not every household has a landline.
    pub landline: String,
    /// (question id, answer) per chosen question.
    pub questions: Vec<(String, String)>,
    pub image: String,
}

impl std::fmt::Debug for PersonalDataForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersonalDataForm([REDACTED])")
    }
}

/// What step 3 led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PersonalDataOutcome {
    /// The link is out; the flow is at step 4.
    Sent(LinkSent),
    /// Some fields are wrong; nothing changed.
    Invalid(Vec<FieldProblem>),
}

/// What step 3 registered, kept in the flow until the activation writes it as the profile.
/// `Debug` shows nothing of it.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct PendingProfile {
    pub email: Email,
    pub mobile: Mobile,
    pub landline: Option<Landline>,
    pub image: SecurityImageId,
    /// (question id, argon2id hash of the normalised answer).
    pub answers: Vec<(SecurityQuestionId, String)>,
    /// The current link: only it opens the activation.
    #[serde(flatten)]
    pub link: EmailedLink,
}

impl std::fmt::Debug for PendingProfile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PendingProfile([REDACTED])")
    }
}

/// The fields of step 3, checked; answers still in clear text.
struct ValidPersonalData {
    email: Email,
    mobile: Mobile,
    landline: Option<Landline>,
    image: SecurityImageId,
    answers: Vec<(SecurityQuestionId, NormalizedAnswer)>,
}

/// Checks every field of step 3 and reports every problem at once, each at its field.
fn validate(form: &PersonalDataForm) -> Result<ValidPersonalData, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let contacts = Contacts::parse(&form.email, &form.mobile, &form.landline)
        .map_err(|contact_problems| problems.extend(contact_problems))
        .ok();
    let mut field = |name: &str, es: &str, en: &str| problems.push(FieldProblem::new(name, es, en));
    let image = SecurityImageId::parse(&form.image)
        .map_err(|_| field("image", "Elija una imagen de seguridad.", "Choose a security image."))
        .ok();

    if !(security_questions::MIN_CHOSEN..=security_questions::MAX_CHOSEN).contains(&form.questions.len()) {
        field(
            "questions",
            "Elija y responda al menos 3 preguntas de seguridad distintas.",
            "Choose and answer at least 3 different security questions.",
        );
    }
    let mut answers = Vec::new();
    for (i, (question, answer)) in form.questions.iter().enumerate().take(security_questions::MAX_CHOSEN) {
        let n = i + 1;
        let question = match SecurityQuestionId::parse(question) {
            Ok(q) if answers.iter().any(|(seen, _)| *seen == q) => {
                field(
                    &format!("question-{n}"),
                    "Esta pregunta ya está elegida. Elija otra.",
                    "This question is already chosen. Choose another one.",
                );
                None
            }
            Ok(q) => Some(q),
            Err(e) => {
                field(&format!("question-{n}"), e.message_es(), e.message_en());
                None
            }
        };
        let answer = NormalizedAnswer::parse(answer)
            .map_err(|e| field(&format!("answer-{n}"), e.message_es(), e.message_en()))
            .ok();
        if let (Some(q), Some(a)) = (question, answer) {
            answers.push((q, a));
        }
    }

    match (contacts, image) {
        (Some(Contacts { email, mobile, landline }), Some(image)) if problems.is_empty() => {
            Ok(ValidPersonalData { email, mobile, landline, image, answers })
        }
        _ => Err(problems),
    }
}

impl Generation {
    /// Step 3 → 4: checks the personal data, hashes the answers, emails the link and moves the
    /// flow on. Wrong fields change nothing and are all reported.
    #[tracing::instrument(skip_all)]
    pub async fn personal_data(
        &self,
        flow: &FlowId,
        form: PersonalDataForm,
    ) -> Result<PersonalDataOutcome, ServiceError> {
        let now = self.clock.now();
        let loaded = flows::load::<GenerationState>(&*self.store, flow, GenerationStep::PersonalData, now)
            .await?
            .ok_or(ServiceError::FlowNotFound)?;
        let valid = match validate(&form) {
            Ok(valid) => valid,
            Err(problems) => return Ok(PersonalDataOutcome::Invalid(problems)),
        };
        let mut answers = Vec::with_capacity(valid.answers.len());
        for (question, answer) in valid.answers {
            let hash = self.hasher.hash(SecretString::from(answer.as_str().to_owned())).await?;
            answers.push((question, hash));
        }
        let ttl = self.settings.links.generation_ttl;
        let token = PlainToken::generate();
        let link = EmailedLink::new(&token, ttl, now);
        let flow_expires = emailed_link::flow_expiry(link.expires_at(), self.settings.links.flow_ttl);
        let pending = PendingProfile {
            email: valid.email,
            mobile: valid.mobile,
            landline: valid.landline,
            image: valid.image,
            answers,
            link,
        };
        let state = GenerationState { pending: Some(pending), ..loaded.state };
        let at = &loaded.at;
        if !flows::advance(&*self.store, at, GenerationStep::EmailSent, &state, Some(flow_expires), now)
            .await?
        {
            return Err(ServiceError::FlowNotFound);
        }
        emailed_link::store_token::<GenerationState>(&*self.store, &at.hash, &token, ttl, now).await?;
        let pending = state.pending.as_ref().unwrap_or_else(|| unreachable!("just set"));
        self.email_link(pending, &token).await?;
        Ok(PersonalDataOutcome::Sent(self.link_sent(pending, now)))
    }

    /// Step 4, "reenviar": a new link, valid for the full time again; every earlier link stops
    /// working. At most `links.resends_per_hour` presses in any hour (see [`emailed_link::resend`]).
    #[tracing::instrument(skip_all)]
    pub async fn resend(&self, flow: &FlowId) -> Result<ResendOutcome, ServiceError> {
        let now = self.clock.now();
        let links = &self.settings.links;
        let resent = emailed_link::resend::<GenerationState>(
            &*self.store,
            flow,
            links.generation_ttl,
            links.resends_per_hour,
            links.flow_ttl,
            now,
        )
        .await?;
        let (state, token) = match resent {
            Resend::Limit(sent) => return Ok(ResendOutcome::Limit(sent)),
            Resend::Renewed { state, token } => (state, token),
        };
        let pending = state.pending.as_ref().ok_or(ServiceError::FlowNotFound)?;
        self.email_link(pending, &token).await?;
        Ok(ResendOutcome::Sent(self.link_sent(pending, now)))
    }

    /// Queues the "Clic para continuar" email with `token` to the address just registered.
    async fn email_link(&self, pending: &PendingProfile, token: &PlainToken) -> Result<(), ServiceError> {
        let link = crate::mail::link(&self.settings, clave_domain::routes::ACTIVATE, token);
        let minutes = self.settings.links.generation_ttl.as_secs().div_ceil(60);
        Ok(self.mailer.queue(mails::activation_link(pending.email.clone(), &link, minutes)).await?)
    }

    pub(super) fn link_sent(&self, pending: &PendingProfile, now: DateTime<Utc>) -> LinkSent {
        pending.link.sent(&pending.email, self.settings.links.resends_per_hour, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> PersonalDataForm {
        PersonalDataForm {
            email: "maria@correo.ec".into(),
            mobile: "0991234567".into(),
            landline: String::new(),
            questions: vec![
                ("primera-mascota".into(), "Firulais".into()),
                ("escuela-primaria".into(), "Escuela Simón Bolívar".into()),
                ("libro-favorito".into(), "Huasipungo".into()),
            ],
            image: clave_domain::security_images::CATALOGUE[0].id.into(),
        }
    }

    fn fields(form: &PersonalDataForm) -> Vec<String> {
        validate(form).err().unwrap_or_default().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn a_complete_form_is_valid_and_the_landline_is_optional() {
        assert_eq!(fields(&form()), Vec::<String>::new());
        let with_landline = PersonalDataForm { landline: "022345678".into(), ..form() };
        assert!(validate(&with_landline).is_ok());
    }

    #[test]
    fn every_wrong_field_is_reported_at_its_field() {
        let bad = PersonalDataForm {
            email: "maria@".into(),
            mobile: "12".into(),
            landline: "abc".into(),
            questions: vec![
                ("primera-mascota".into(), "Firulais".into()),
                ("primera-mascota".into(), "Otra".into()),
                ("no-existe".into(), "  ¿? ".into()),
            ],
            image: "dragon".into(),
        };
        assert_eq!(
            fields(&bad),
            ["email", "mobile", "landline", "image", "question-2", "question-3", "answer-3"]
        );
    }

    #[test]
    fn fewer_than_three_or_more_than_five_questions_are_refused() {
        let two = PersonalDataForm { questions: form().questions[..2].to_vec(), ..form() };
        assert_eq!(fields(&two), ["questions"]);
        let mut six = form();
        for id in ["apodo-infancia", "primer-viaje", "primer-auto"] {
            six.questions.push((id.into(), "algo".into()));
        }
        assert_eq!(fields(&six), ["questions"]);
    }
}
