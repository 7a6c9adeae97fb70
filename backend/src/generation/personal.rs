//! Steps 3 and 4: the personal data (contacts, security questions and image), then the emailed
//! link with its "reenviar" (DESIGN §2.1).

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use clave_domain::{
    Contacts, Email, FieldProblem, Landline, Mobile, NormalizedAnswer,
    security_images::SecurityImageId,
    security_questions::{self, SecurityQuestionId},
};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use super::{Generation, GenerationState, GenerationStep, ServiceError, mails};
use crate::{
    clock::{from_millis, to_millis},
    flows::{self, FlowId},
    store::TokenRecord,
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

/// Step 4 as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkSent {
    /// Where the link went, masked (`m***@correo.ec`).
    pub email_masked: String,
    /// When the current link stops working.
    pub expires_at: DateTime<Utc>,
    /// "Reenviar" presses left in the current hour.
    pub resends_left: u32,
    /// When the next press is allowed, if none are left.
    pub next_resend_at: Option<DateTime<Utc>>,
}

/// What "reenviar" did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResendOutcome {
    /// A new link is out and every earlier one stopped working.
    Sent(LinkSent),
    /// The hourly limit is spent; nothing was sent.
    Limit(LinkSent),
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
    /// When the current link expires (millis).
    pub link_expires_at: i64,
    /// The SHA-256 (hex) of the current link's token: only that link opens the activation, so
    /// an earlier one never works again, whatever the order of parallel requests.
    pub link_hash: String,
    /// When each "reenviar" was pressed (millis), for the hourly limit.
    pub resends: Vec<i64>,
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
        let expires_at = now + ttl(self.settings.links.generation_ttl);
        let token = PlainToken::generate();
        let pending = PendingProfile {
            email: valid.email,
            mobile: valid.mobile,
            landline: valid.landline,
            image: valid.image,
            answers,
            link_expires_at: to_millis(expires_at),
            link_hash: token.hash().as_hex(),
            resends: Vec::new(),
        };
        let state = GenerationState { pending: Some(pending), ..loaded.state };
        // The flow outlives the link, so an expired link can still be sent again.
        let flow_expires = expires_at + ttl(self.settings.links.flow_ttl);
        let at = &loaded.at;
        if !flows::advance(&*self.store, at, GenerationStep::EmailSent, &state, Some(flow_expires), now)
            .await?
        {
            return Err(ServiceError::FlowNotFound);
        }
        let pending = state.pending.as_ref().unwrap_or_else(|| unreachable!("just set"));
        self.send_link(pending, token, &at.hash.as_hex(), now).await?;
        Ok(PersonalDataOutcome::Sent(self.link_sent(pending, now)))
    }

    /// Step 4, "reenviar": a new link, valid for the full time again; every earlier link stops
    /// working. At most `links.resends_per_hour` presses in any hour; parallel presses are one
    /// compare-and-set each, so they never exceed it.
    #[tracing::instrument(skip_all)]
    pub async fn resend(&self, flow: &FlowId) -> Result<ResendOutcome, ServiceError> {
        let now = self.clock.now();
        let loaded = flows::load::<GenerationState>(&*self.store, flow, GenerationStep::EmailSent, now)
            .await?
            .ok_or(ServiceError::FlowNotFound)?;
        let mut state = loaded.state;
        let Some(pending) = state.pending.as_mut() else { return Err(ServiceError::FlowNotFound) };
        if self.resends_left(pending, now) == 0 {
            return Ok(ResendOutcome::Limit(self.link_sent(pending, now)));
        }
        let expires_at = now + ttl(self.settings.links.generation_ttl);
        let token = PlainToken::generate();
        pending.resends.push(to_millis(now));
        pending.link_expires_at = to_millis(expires_at);
        pending.link_hash = token.hash().as_hex();
        // Kept until a press is allowed again, so the person waiting for one need not restart.
        let flow_expires = expires_at.max(now + hour()) + ttl(self.settings.links.flow_ttl);
        let at = &loaded.at;
        // The press is counted first: of parallel presses only one gets past this line.
        if !flows::advance(&*self.store, at, GenerationStep::EmailSent, &state, Some(flow_expires), now)
            .await?
        {
            return Err(ServiceError::FlowNotFound);
        }
        let subject = at.hash.as_hex();
        self.store.revoke_tokens(LINK_PURPOSE, &subject, now).await?;
        let pending = state.pending.as_ref().unwrap_or_else(|| unreachable!("checked above"));
        self.send_link(pending, token, &subject, now).await?;
        Ok(ResendOutcome::Sent(self.link_sent(pending, now)))
    }

    /// Stores `token` for the flow `subject`, valid from `now` for `links.generation_ttl`, and
    /// queues the email to the address just registered.
    async fn send_link(
        &self,
        pending: &PendingProfile,
        token: PlainToken,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ServiceError> {
        let expires_at = now + ttl(self.settings.links.generation_ttl);
        let record =
            TokenRecord { purpose: LINK_PURPOSE.to_owned(), subject: subject.to_owned(), expires_at };
        self.store.insert_token(&token.hash(), &record, now).await?;
        let link = crate::mail::link(&self.settings, clave_domain::routes::ACTIVATE, &token);
        let minutes = self.settings.links.generation_ttl.as_secs().div_ceil(60);
        self.mailer.queue(mails::activation_link(pending.email.clone(), &link, minutes)).await?;
        Ok(())
    }

    pub(super) fn link_sent(&self, pending: &PendingProfile, now: DateTime<Utc>) -> LinkSent {
        let left = self.resends_left(pending, now);
        let next_resend_at = (left == 0)
            .then(|| pending.resends.iter().copied().filter(|&t| from_millis(t) > now - hour()).min())
            .flatten()
            .map(|oldest| from_millis(oldest) + hour());
        LinkSent {
            email_masked: pending.email.masked(),
            expires_at: from_millis(pending.link_expires_at),
            resends_left: left,
            next_resend_at,
        }
    }

    fn resends_left(&self, pending: &PendingProfile, now: DateTime<Utc>) -> u32 {
        let in_last_hour = pending.resends.iter().filter(|&&t| from_millis(t) > now - hour()).count();
        self.settings.links.resends_per_hour.saturating_sub(u32::try_from(in_last_hour).unwrap_or(u32::MAX))
    }
}

fn hour() -> ChronoDuration {
    ChronoDuration::hours(1)
}

fn ttl(d: std::time::Duration) -> ChronoDuration {
    ChronoDuration::from_std(d).unwrap_or(ChronoDuration::MAX)
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
