//! "Desbloqueo de clave" (DESIGN §2.4): the identification and a captcha ask for an emailed link
//! valid 3 minutes; the page the link opens shows "Desbloquear mi cuenta", and only that POST
//! unlocks (a GET changes nothing, so a mail scanner cannot spend the link).
//!
//! Only people whose data was updated in person with a fingerprint record (`huella_registrada`,
//! guide 000) may unlock online; the others are emailed the channels they can use. The page
//! answers the same for everyone (DESIGN §5.1): the difference only reaches the email on file.

mod mails;

use std::sync::Arc;

use clave_domain::{Identification, routes};

use crate::{
    audit::{self, ACTOR_AFFILIATE, ClientInfo, EventKind},
    clock::Clock,
    config::Settings,
    mail::Mailer,
    store::{Store, StoreError},
    tokens::{self, PlainToken},
};

/// The purpose of an unlock token; its subject is the affiliate's row id.
pub const UNLOCK_PURPOSE: &str = "unlock";

/// What "Desbloquear mi cuenta" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnlockOutcome {
    /// The clave works again in every browser.
    Unlocked,
    /// The link was used, expired or replaced by a newer one: nothing changed.
    LinkNotValid,
}

/// The unlock service. Cheap to clone.
#[derive(Clone)]
pub struct Unlocking {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    settings: Arc<Settings>,
    mailer: Mailer,
}

impl std::fmt::Debug for Unlocking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Unlocking { .. }")
    }
}

impl Unlocking {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        settings: Arc<Settings>,
        mailer: Mailer,
    ) -> Self {
        Self { store, clock, settings, mailer }
    }

    /// "Desbloquear", after the caller verified the captcha. Emails the person on file: the link
    /// when they may unlock online and the clave is locked, otherwise what they can do instead.
    /// Returns nothing the page could tell people apart by.
    #[tracing::instrument(skip_all)]
    pub async fn request(&self, id: &Identification, client: &ClientInfo) -> Result<(), StoreError> {
        let now = self.clock.now();
        let (Some(affiliate), Some(profile)) =
            (self.store.find_affiliate(id).await?, self.store.profile(id).await?)
        else {
            return Ok(());
        };
        let locked = profile.locked_at.is_some() || profile.unknown_locked_at.is_some();
        let to = profile.email.clone();
        let mail = if !locked {
            mails::not_locked(&self.settings, to)
        } else if !affiliate.huella_registrada {
            mails::other_channels(&self.settings, to)
        } else {
            let subject = profile.affiliate_id.to_string();
            // Only the newest link works: a person who asks twice uses the last email.
            self.store.revoke_tokens(UNLOCK_PURPOSE, &subject, now).await?;
            let token =
                tokens::issue(&*self.store, UNLOCK_PURPOSE, &subject, self.settings.links.unlock_ttl, now)
                    .await?;
            let link = crate::mail::link(&self.settings, routes::UNLOCK_CONFIRM, &token);
            mails::unlock_link(to, &link, self.settings.links.unlock_ttl)
        };
        self.mailer.queue(mail).await?;
        audit::record(
            &*self.store,
            profile.affiliate_id,
            EventKind::UnlockRequested,
            ACTOR_AFFILIATE,
            client,
            now,
        )
        .await
    }

    /// Whether the link still works (the page shows "Desbloquear mi cuenta"). Changes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn link_is_live(&self, token: &PlainToken) -> Result<bool, StoreError> {
        let now = self.clock.now();
        Ok(self.store.live_token_subject(&token.hash(), UNLOCK_PURPOSE, now).await?.is_some())
    }

    /// "Desbloquear mi cuenta": spends the link and lifts every lock, then confirms by email with
    /// a "No fui yo" link.
    #[tracing::instrument(skip_all)]
    pub async fn confirm(
        &self,
        token: &PlainToken,
        client: &ClientInfo,
    ) -> Result<UnlockOutcome, StoreError> {
        let now = self.clock.now();
        let Some(subject) = self.store.consume_token(&token.hash(), UNLOCK_PURPOSE, now).await? else {
            return Ok(UnlockOutcome::LinkNotValid);
        };
        let Ok(affiliate_id) = subject.parse::<i64>() else { return Ok(UnlockOutcome::LinkNotValid) };
        let Some(profile) = self.store.profile_by_affiliate(affiliate_id).await? else {
            return Ok(UnlockOutcome::LinkNotValid);
        };
        self.store.unlock_profile(affiliate_id, now).await?;
        audit::record(&*self.store, affiliate_id, EventKind::Unlocked, ACTOR_AFFILIATE, client, now).await?;
        let not_me =
            crate::reports::not_me_link(&*self.store, &self.settings, &profile.identification, now).await?;
        self.mailer.queue(mails::unlocked(profile.email, client, now, &not_me)).await?;
        tracing::info!("clave unlocked from an emailed link");
        Ok(UnlockOutcome::Unlocked)
    }
}

#[cfg(test)]
mod tests;
