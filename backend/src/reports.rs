//! "No fui yo" (DESIGN §5.10): every security email carries a link that, once the person confirms
//! on the page it opens, locks the clave, ends every session and records the report in the audit
//! trail. Opening the page changes nothing (mail scanners open
//! links); only the confirmation spends the single-use token.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use clave_domain::{Identification, routes};

use crate::{
    audit::{self, ACTOR_AFFILIATE, ClientInfo, EventKind},
    clock::{Clock, chrono_duration},
    config::Settings,
    store::{Store, StoreError, TokenRecord},
    tokens::{HashedToken, PlainToken},
};

/// The purpose of a "No fui yo" token; its subject is the identification number.
pub const NOT_ME_PURPOSE: &str = "not-me";

/// Issues a "No fui yo" token for `id` and returns the link for an email.
pub async fn not_me_link(
    store: &dyn Store,
    settings: &Settings,
    id: &Identification,
    now: DateTime<Utc>,
) -> Result<String, StoreError> {
    let (link, hash, record) = unstored_not_me_link(settings, id, now);
    store.insert_token(&hash, &record, now).await?;
    Ok(link)
}

/// A "No fui yo" link for `id` and the token row to store with whatever sends it, in the same
/// transaction: `(link, hash, record)`.
pub fn unstored_not_me_link(
    settings: &Settings,
    id: &Identification,
    now: DateTime<Utc>,
) -> (String, HashedToken, TokenRecord) {
    let token = PlainToken::generate();
    let record = TokenRecord {
        purpose: NOT_ME_PURPOSE.to_owned(),
        subject: id.as_str().to_owned(),
        expires_at: now + chrono_duration(settings.links.not_me_ttl),
    };
    (crate::mail::link(settings, routes::NOT_ME, &token), token.hash(), record)
}

/// What confirming "No fui yo" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotMeOutcome {
    /// The clave is locked now (or was already).
    Locked,
    /// The link was used or expired: nothing changed.
    LinkNotValid,
}

/// The "No fui yo" service. Cheap to clone.
#[derive(Clone)]
pub struct Reports {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Reports {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Reports { .. }")
    }
}

impl Reports {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>) -> Self {
        Self { store, clock }
    }

    /// Whether the link still works (the page shows the confirmation button). Changes nothing.
    #[tracing::instrument(skip_all)]
    pub async fn link_is_live(&self, token: &PlainToken) -> Result<bool, StoreError> {
        let now = self.clock.now();
        Ok(self.store.live_token_subject(&token.hash(), NOT_ME_PURPOSE, now).await?.is_some())
    }

    /// The confirmation: spends the link, locks the clave in every browser, ends every session
    /// and records the report.
    #[tracing::instrument(skip_all)]
    pub async fn confirm(&self, token: &PlainToken, client: &ClientInfo) -> Result<NotMeOutcome, StoreError> {
        let now = self.clock.now();
        let Some(subject) = self.store.consume_token(&token.hash(), NOT_ME_PURPOSE, now).await? else {
            return Ok(NotMeOutcome::LinkNotValid);
        };
        let Ok(id) = Identification::parse(&subject) else { return Ok(NotMeOutcome::LinkNotValid) };
        self.store.lock_profile(&id, now).await?;
        if let Some(profile) = self.store.profile(&id).await? {
            self.store.end_sessions(profile.affiliate_id, None).await?;
            let affiliate = profile.affiliate_id;
            audit::record(&*self.store, affiliate, EventKind::NotMeReported, ACTOR_AFFILIATE, client, now)
                .await?;
        }
        tracing::warn!("clave locked by a \"No fui yo\" report");
        Ok(NotMeOutcome::Locked)
    }
}
