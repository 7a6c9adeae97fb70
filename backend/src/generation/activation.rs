//! Step 5, from the emailed link: accept the terms, set the password, and the profile is created
//! (DESIGN §2.1). The link's token arrives from the URL fragment; opening the page spends
//! nothing, only "Generar" does, in the same transaction that writes the profile.

use chrono::{DateTime, Utc};
use clave_domain::FieldProblem;
use secrecy::SecretString;

use super::{Generation, GenerationState, ServiceError, mails, personal::LINK_PURPOSE};
use crate::{
    audit::{self, ACTOR_AFFILIATE, ClientInfo, EventKind},
    emailed_link, password_policy,
    store::{ActivationLink, NewProfile, ProfileCreation},
    tokens::PlainToken,
};

/// What the activation page shows before "Generar".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivationView {
    /// When the link stops working (for the countdown).
    pub expires_at: DateTime<Utc>,
}

/// What the person sent from the activation page.
#[derive(Clone, Default)]
pub struct ActivationForm {
    pub accepted_terms: bool,
    pub password: String,
    pub confirmation: String,
    /// Where the request came from, for the audit trail.
    pub client: ClientInfo,
}

impl std::fmt::Debug for ActivationForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ActivationForm").field("accepted_terms", &self.accepted_terms).finish_non_exhaustive()
    }
}

/// What "Generar" did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActivationOutcome {
    /// The clave exists; the link is spent and the confirmation email queued.
    Activated,
    /// Some fields are wrong; nothing changed and the link still works.
    Invalid(Vec<FieldProblem>),
    /// The link was used, expired or replaced by a newer one.
    LinkNotValid,
    /// A clave was created for this person meanwhile (another flow): use "Recuperar clave".
    AlreadyHasClave,
}

impl Generation {
    /// The activation page for a link: `None` when the link is used, expired or replaced.
    /// Changes nothing (a mail scanner that opens the link spends nothing).
    #[tracing::instrument(skip_all)]
    pub async fn activation(&self, token: &PlainToken) -> Result<Option<ActivationView>, ServiceError> {
        let now = self.clock.now();
        Ok(emailed_link::flow_of::<GenerationState>(&*self.store, token, now).await?.and_then(|flow| {
            let pending = flow.state.pending?;
            Some(ActivationView { expires_at: pending.link.expires_at() })
        }))
    }

    /// "Generar": checks the terms and the password (policy per DESIGN §5.2, with this person's
    /// data), then spends the link, ends the flow and creates the profile in one transaction, and
    /// queues the confirmation with a "No fui yo" link. Generation never overwrites a profile.
    #[tracing::instrument(skip_all)]
    pub async fn activate(
        &self,
        token: &PlainToken,
        form: ActivationForm,
    ) -> Result<ActivationOutcome, ServiceError> {
        let now = self.clock.now();
        let Some(flow) = emailed_link::flow_of::<GenerationState>(&*self.store, token, now).await? else {
            return Ok(ActivationOutcome::LinkNotValid);
        };
        let Some(pending) = flow.state.pending.clone() else { return Ok(ActivationOutcome::LinkNotValid) };
        let id = &flow.state.identification;
        let Some(affiliate) = self.store.find_affiliate(id).await? else {
            // Only a registered person passes the challenge; the registry lost them since.
            return Ok(ActivationOutcome::LinkNotValid);
        };

        let problems = password_policy::check_accepted_new(
            form.accepted_terms,
            &form.password,
            &form.confirmation,
            &affiliate,
        );
        if !problems.is_empty() {
            return Ok(ActivationOutcome::Invalid(problems));
        }
        let password_hash = self.hasher.hash(SecretString::from(form.password)).await?;
        let profile = NewProfile {
            identification: id.clone(),
            email: pending.email.clone(),
            mobile: pending.mobile,
            landline: pending.landline,
            image: pending.image.as_str().to_owned(),
            password_hash,
            answers: pending.answers.iter().map(|(q, hash)| (q.as_str().to_owned(), hash.clone())).collect(),
        };
        let link = ActivationLink {
            token: &token.hash(),
            purpose: LINK_PURPOSE,
            flow: &flow.at.hash,
            flow_version: flow.at.version,
        };
        match self.store.create_profile(link, &profile, now).await? {
            ProfileCreation::Created => {}
            ProfileCreation::LinkNotValid => return Ok(ActivationOutcome::LinkNotValid),
            ProfileCreation::AlreadyHasClave => return Ok(ActivationOutcome::AlreadyHasClave),
        }

        if let Some(profile) = self.store.profile(id).await? {
            let affiliate_id = profile.affiliate_id;
            audit::record(
                &*self.store,
                affiliate_id,
                EventKind::PasswordSet,
                ACTOR_AFFILIATE,
                &form.client,
                now,
            )
            .await?;
        }
        let not_me = self.not_me_link(id).await?;
        self.mailer.queue(mails::clave_created(&affiliate, pending.email.clone(), &not_me)).await?;
        if let Some(on_file) = affiliate.email.clone().filter(|on_file| *on_file != pending.email) {
            // The registry's address learns that another one was registered (guide 000 lets the
            // person give a new email; this closes the takeover that would otherwise go unseen).
            let not_me = self.not_me_link(id).await?;
            self.mailer
                .queue(mails::clave_created_elsewhere(&affiliate, on_file, &pending.email, &not_me))
                .await?;
        }
        tracing::info!("clave generated");
        Ok(ActivationOutcome::Activated)
    }
}
