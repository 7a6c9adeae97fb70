//! Steps 3 and 4: the contact data on file confirmed or replaced, then the emailed link with its
//! "reenviar" (DESIGN §2.2). The contact data is written only with the new password; until then
//! it waits in the flow state.
//!
//! A replaced email gets the link, and the address on file a notice with a "No fui yo" link: a
//! takeover that answered the challenge still cannot move the account to a new address unseen.
//! If that notice's link is used, the reset is refused (see `reset`).

use chrono::{DateTime, Utc};
use clave_domain::{Email, FieldProblem, Landline, Mobile, routes};
use serde::{Deserialize, Serialize};

use super::{Recovery, RecoveryState, RecoveryStep, ServiceError, mails};
use crate::{
    audit::ClientInfo,
    clock::to_millis,
    emailed_link::{self, EmailedLink, LinkSent, Resend, ResendOutcome},
    flows::{self, FlowId},
    reports::NOT_ME_PURPOSE,
    store::Contacts,
    tokens::{self, PlainToken},
};

/// The purpose of the recovery link's token; its subject is the flow's hash.
pub(super) const LINK_PURPOSE: &str = "recovery";

/// What the person sent at step 3: `None` keeps what is on file (the page shows it masked, so
/// it cannot send it back); text replaces it and must be valid. A landline of `Some("")` removes
/// the one on file.
#[derive(Clone, Default)]
pub struct ContactForm {
    pub email: Option<String>,
    pub mobile: Option<String>,
    pub landline: Option<String>,
}

impl ContactForm {
    /// "Confirmar": everything on file is right.
    pub fn confirm() -> Self {
        Self::default()
    }
}

impl std::fmt::Debug for ContactForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ContactForm([REDACTED])")
    }
}

/// What step 3 led to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactOutcome {
    /// The link is out; the flow is at step 4.
    Sent(LinkSent),
    /// Some fields are wrong; nothing changed and nothing was sent.
    Invalid(Vec<FieldProblem>),
}

/// What step 3 settled, kept in the flow until the reset writes it. `Debug` shows nothing of it.
#[derive(Clone, Serialize, Deserialize)]
pub(super) struct PendingReset {
    pub email: Email,
    pub mobile: Mobile,
    pub landline: Option<Landline>,
    /// When the contact data was confirmed (millis): a lock set from then on stops the reset.
    pub confirmed_at: i64,
    /// The SHA-256 (hex) of the "No fui yo" token sent to the replaced address, if the email
    /// was replaced: once that token is spent, the reset is refused.
    pub replaced_notice: Option<String>,
    /// The current link: only it sets the password.
    #[serde(flatten)]
    pub link: EmailedLink,
}

impl std::fmt::Debug for PendingReset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PendingReset([REDACTED])")
    }
}

impl PendingReset {
    pub(super) fn contacts(&self) -> Contacts {
        Contacts { email: self.email.clone(), mobile: self.mobile.clone(), landline: self.landline.clone() }
    }
}

/// The contact data after `form` is applied to what is on file, or every problem at its field
/// (`email`, `mobile`, `landline`).
fn apply(form: &ContactForm, on_file: &Contacts) -> Result<Contacts, Vec<FieldProblem>> {
    let mut problems = Vec::new();
    let mut field = |name: &str, es: &str, en: &str| problems.push(FieldProblem::new(name, es, en));
    let email = match &form.email {
        None => Some(on_file.email.clone()),
        Some(typed) => Email::parse(typed).map_err(|e| field("email", e.message_es(), e.message_en())).ok(),
    };
    let mobile = match &form.mobile {
        None => Some(on_file.mobile.clone()),
        Some(typed) => Mobile::parse(typed).map_err(|e| field("mobile", e.message_es(), e.message_en())).ok(),
    };
    let landline = match form.landline.as_deref().map(str::trim) {
        None => Some(on_file.landline.clone()),
        Some("") => Some(None),
        Some(typed) => Landline::parse(typed)
            .map(Some)
            .map_err(|e| field("landline", e.message_es(), e.message_en()))
            .ok(),
    };
    match (email, mobile, landline) {
        (Some(email), Some(mobile), Some(landline)) => Ok(Contacts { email, mobile, landline }),
        _ => Err(problems),
    }
}

impl Recovery {
    /// Step 3 → 4: applies the confirmed or replaced contact data (kept in the flow, written
    /// only with the new password), emails the link to the resulting address and, when the email
    /// was replaced, a notice with "No fui yo" to the address on file. Wrong fields change
    /// nothing and are all reported.
    #[tracing::instrument(skip_all)]
    pub async fn contacts(
        &self,
        flow: &FlowId,
        form: ContactForm,
        client: &ClientInfo,
    ) -> Result<ContactOutcome, ServiceError> {
        let now = self.clock.now();
        let loaded = flows::load::<RecoveryState>(&*self.store, flow, RecoveryStep::Contacts, now)
            .await?
            .ok_or(ServiceError::FlowNotFound)?;
        let profile = self.profile_of(&loaded.state).await?.ok_or(ServiceError::FlowNotFound)?;
        let on_file = Contacts { email: profile.email, mobile: profile.mobile, landline: profile.landline };
        let contacts = match apply(&form, &on_file) {
            Ok(contacts) => contacts,
            Err(problems) => return Ok(ContactOutcome::Invalid(problems)),
        };
        let id = &loaded.state.identification;
        // Issued before the flow moves, so the flow can name it; sent only once the flow moved.
        let notice = if contacts.email == on_file.email {
            None
        } else {
            let ttl = self.settings.links.not_me_ttl;
            Some(tokens::issue(&*self.store, NOT_ME_PURPOSE, id.as_str(), ttl, now).await?)
        };
        let ttl = self.settings.links.recovery_ttl;
        let token = PlainToken::generate();
        let link = EmailedLink::new(&token, ttl, now);
        let flow_expires = emailed_link::flow_expiry(link.expires_at(), self.settings.links.flow_ttl);
        let pending = PendingReset {
            email: contacts.email,
            mobile: contacts.mobile,
            landline: contacts.landline,
            confirmed_at: to_millis(now),
            replaced_notice: notice.as_ref().map(|t| t.hash().as_hex()),
            link,
        };
        let state = RecoveryState { pending: Some(pending), ..loaded.state };
        let at = &loaded.at;
        if !flows::advance(&*self.store, at, RecoveryStep::EmailSent, &state, Some(flow_expires), now).await?
        {
            return Err(ServiceError::FlowNotFound);
        }
        emailed_link::store_token::<RecoveryState>(&*self.store, &at.hash, &token, ttl, now).await?;
        let pending = state.pending.as_ref().unwrap_or_else(|| unreachable!("just set"));
        self.email_link(pending, &token).await?;
        if let Some(notice) = notice {
            let not_me = crate::mail::link(&self.settings, routes::NOT_ME, &notice);
            self.mailer.queue(mails::email_replaced(on_file.email, &pending.email, client, &not_me)).await?;
        }
        Ok(ContactOutcome::Sent(self.link_sent(pending, now)))
    }

    /// Step 4, "reenviar": a new link, valid for the full time again, to the same address; every
    /// earlier link stops working. At most `links.resends_per_hour` presses in any hour (see
    /// [`emailed_link::resend`]).
    #[tracing::instrument(skip_all)]
    pub async fn resend(&self, flow: &FlowId) -> Result<ResendOutcome, ServiceError> {
        let now = self.clock.now();
        let links = &self.settings.links;
        let resent = emailed_link::resend::<RecoveryState>(
            &*self.store,
            flow,
            links.recovery_ttl,
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

    /// Queues the link with `token` to the address settled at step 3.
    async fn email_link(&self, pending: &PendingReset, token: &PlainToken) -> Result<(), ServiceError> {
        let link = crate::mail::link(&self.settings, routes::RESET, token);
        let minutes = self.settings.links.recovery_ttl.as_secs().div_ceil(60);
        Ok(self.mailer.queue(mails::reset_link(pending.email.clone(), &link, minutes)).await?)
    }

    pub(super) fn link_sent(&self, pending: &PendingReset, now: DateTime<Utc>) -> LinkSent {
        pending.link.sent(&pending.email, self.settings.links.resends_per_hour, now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on_file() -> Contacts {
        Contacts {
            email: Email::parse("maria.ejemplo@correo.example").expect("email"),
            mobile: Mobile::parse("0991234567").expect("mobile"),
            landline: Some(Landline::parse("022345678").expect("landline")),
        }
    }

    fn fields(form: &ContactForm) -> Vec<String> {
        apply(form, &on_file()).err().unwrap_or_default().into_iter().map(|p| p.field).collect()
    }

    #[test]
    fn confirming_keeps_everything_on_file() {
        assert_eq!(apply(&ContactForm::confirm(), &on_file()), Ok(on_file()));
    }

    #[test]
    fn each_given_field_replaces_its_value_and_an_empty_landline_removes_it() {
        let form = ContactForm { email: Some(" Nueva@Correo.EXAMPLE ".into()), ..ContactForm::confirm() };
        let applied = apply(&form, &on_file()).expect("valid");
        assert_eq!((applied.email.as_str(), &applied.mobile), ("Nueva@correo.example", &on_file().mobile));
        let form =
            ContactForm { mobile: Some("+593 98 765 4321".into()), landline: Some(" ".into()), email: None };
        let applied = apply(&form, &on_file()).expect("valid");
        assert_eq!((applied.mobile.as_str(), applied.landline), ("0987654321", None));
    }

    #[test]
    fn every_wrong_field_is_reported_at_its_field() {
        let bad = ContactForm {
            email: Some("maria@".into()),
            mobile: Some("12".into()),
            landline: Some("abc".into()),
        };
        assert_eq!(fields(&bad), ["email", "mobile", "landline"]);
        assert_eq!(fields(&ContactForm { email: Some(String::new()), ..ContactForm::confirm() }), ["email"]);
    }
}
