//! The new password, from the emailed link (DESIGN §2.2 step 4): accept the terms, type the
//! password twice, "Generar". The link's token arrives from the URL fragment; opening the page
//! spends nothing, only "Generar" does, in the one transaction that also ends the flow, sets the
//! password and the contact data, lifts every lock, ends every session and forgets every
//! trusted browser.

use chrono::{DateTime, Utc};
use clave_domain::FieldProblem;
use secrecy::SecretString;

use super::{Recovery, RecoveryState, ServiceError, contacts::LINK_PURPOSE, mails};
use crate::{
    audit::{self, ACTOR_AFFILIATE, ClientInfo, EventKind},
    clock::from_millis,
    emailed_link, password_policy,
    reports::NOT_ME_PURPOSE,
    store::{ActivationLink, Contacts, PasswordReset, ProfileRecord},
    tokens::{HashedToken, PlainToken},
};

/// What the new-password page shows before "Generar".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResetView {
    /// When the link stops working (for the countdown).
    pub expires_at: DateTime<Utc>,
}

/// What the person sent from the new-password page.
#[derive(Clone, Default)]
pub struct ResetForm {
    pub accepted_terms: bool,
    pub password: String,
    pub confirmation: String,
}

impl std::fmt::Debug for ResetForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResetForm").field("accepted_terms", &self.accepted_terms).finish_non_exhaustive()
    }
}

/// What "Generar" did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResetOutcome {
    /// The new clave is set, every session ended; the link is spent and the confirmation queued.
    PasswordSet,
    /// Some fields are wrong; nothing changed and the link still works.
    Invalid(Vec<FieldProblem>),
    /// The link was used, expired or replaced by a newer one.
    LinkNotValid,
    /// Since the contact data was confirmed the clave was locked, or "No fui yo" was reported
    /// from the replaced address: nothing changed. Only an assisted channel can help now.
    LockedMeanwhile,
}

impl Recovery {
    /// The new-password page for a link: `None` when the link is used, expired or replaced.
    /// Changes nothing (a mail scanner that opens the link spends nothing).
    #[tracing::instrument(skip_all)]
    pub async fn reset_view(&self, token: &PlainToken) -> Result<Option<ResetView>, ServiceError> {
        let now = self.clock.now();
        Ok(emailed_link::flow_of::<RecoveryState>(&*self.store, token, now).await?.and_then(|flow| {
            let pending = flow.state.pending?;
            Some(ResetView { expires_at: pending.link.expires_at() })
        }))
    }

    /// "Generar": checks the terms and the password (policy per DESIGN §5.2, with this person's
    /// data), then spends the link, ends the flow, sets the password and the contact data, lifts
    /// every lock, ends every session and forgets every trusted browser in one transaction;
    /// records the reset and queues the confirmation with a "No fui yo" link.
    #[tracing::instrument(skip_all)]
    pub async fn reset(
        &self,
        token: &PlainToken,
        form: ResetForm,
        client: &ClientInfo,
    ) -> Result<ResetOutcome, ServiceError> {
        let now = self.clock.now();
        let Some(flow) = emailed_link::flow_of::<RecoveryState>(&*self.store, token, now).await? else {
            return Ok(ResetOutcome::LinkNotValid);
        };
        let Some(pending) = flow.state.pending.clone() else { return Ok(ResetOutcome::LinkNotValid) };
        let id = &flow.state.identification;
        let (Some(affiliate), Some(profile)) =
            (self.store.find_affiliate(id).await?, self.profile_of(&flow.state).await?)
        else {
            // Only a person with a clave passes the challenge; the profile or registry row is gone.
            return Ok(ResetOutcome::LinkNotValid);
        };
        if self.locked_meanwhile(&profile, &pending, now).await? {
            tracing::warn!("recovery refused: the clave was locked or reported during the flow");
            return Ok(ResetOutcome::LockedMeanwhile);
        }
        let problems = password_policy::check_accepted_new(
            form.accepted_terms,
            &form.password,
            &form.confirmation,
            &affiliate,
        );
        if !problems.is_empty() {
            return Ok(ResetOutcome::Invalid(problems));
        }

        let password_hash = self.hasher.hash(SecretString::from(form.password)).await?;
        let contacts = pending.contacts();
        let reset = PasswordReset {
            link: ActivationLink {
                token: &token.hash(),
                purpose: LINK_PURPOSE,
                flow: &flow.at.hash,
                flow_version: flow.at.version,
            },
            affiliate_id: profile.affiliate_id,
            password_hash: &password_hash,
            contacts: &contacts,
            unless_locked_since: from_millis(pending.confirmed_at),
        };
        if !self.store.reset_password(reset, now).await? {
            return Ok(ResetOutcome::LinkNotValid);
        }

        let affiliate_id = profile.affiliate_id;
        audit::record(&*self.store, affiliate_id, EventKind::PasswordReset, ACTOR_AFFILIATE, client, now)
            .await?;
        let on_file = Contacts { email: profile.email, mobile: profile.mobile, landline: profile.landline };
        if contacts != on_file {
            audit::record(
                &*self.store,
                affiliate_id,
                EventKind::ContactsChanged,
                ACTOR_AFFILIATE,
                client,
                now,
            )
            .await?;
        }
        let not_me = crate::reports::not_me_link(&*self.store, &self.settings, id, now).await?;
        self.mailer.queue(mails::password_reset(contacts.email, client, &not_me)).await?;
        tracing::info!("clave reset by recovery");
        Ok(ResetOutcome::PasswordSet)
    }

    /// Whether the clave was locked for every browser since the contact data was confirmed, or
    /// the "No fui yo" link sent to a replaced address was used: either says the person on file
    /// did not want this, so the reset (which lifts every lock) must not happen.
    async fn locked_meanwhile(
        &self,
        profile: &ProfileRecord,
        pending: &super::contacts::PendingReset,
        now: DateTime<Utc>,
    ) -> Result<bool, ServiceError> {
        if profile.locked_at.is_some_and(|at| at >= from_millis(pending.confirmed_at)) {
            return Ok(true);
        }
        let Some(notice) = &pending.replaced_notice else { return Ok(false) };
        let Some(hash) = HashedToken::from_hex(notice) else { return Ok(true) };
        Ok(self.store.live_token_subject(&hash, NOT_ME_PURPOSE, now).await?.is_none())
    }
}
