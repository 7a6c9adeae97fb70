//! The emailed link that ends the online part of a wizard (step 4 of "Generar clave" and of
//! "Recuperar clave", DESIGN §2.1, §2.2): which link is the current one and until when, the
//! "reenviar" presses of the last hour, and the page that link opens finding its flow.
//!
//! The flow keeps the SHA-256 of the newest link's token, so only that link works, whatever the
//! order of parallel requests; every press of "reenviar" is one compare-and-set on the flow, so
//! parallel presses never exceed the hourly limit.

use std::time::Duration;

use chrono::{DateTime, Utc};
use clave_domain::Email;
use serde::{Deserialize, Serialize};

use crate::{
    clock::{from_millis, to_millis},
    flows::{self, Flow, FlowId, FlowState},
    service_error::ServiceError,
    store::{Store, TokenRecord},
    tokens::{HashedToken, PlainToken},
};

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

/// The current link of a flow, kept in its state. The stored names are those the flow states
/// used before this type existed, so flows in progress keep working across the change.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct EmailedLink {
    /// When the current link expires (millis).
    #[serde(rename = "link_expires_at")]
    pub expires_at: i64,
    /// The SHA-256 (hex) of the current link's token.
    #[serde(rename = "link_hash")]
    pub hash: String,
    /// When each "reenviar" was pressed (millis), for the hourly limit.
    pub resends: Vec<i64>,
}

impl EmailedLink {
    /// The first link of a flow: `token`, valid for `ttl` from `now`.
    pub fn new(token: &PlainToken, ttl: Duration, now: DateTime<Utc>) -> Self {
        Self {
            expires_at: to_millis(now + crate::clock::chrono_duration(ttl)),
            hash: token.hash().as_hex(),
            resends: Vec::new(),
        }
    }

    /// A press of "reenviar": `token` replaces the current link, valid for `ttl` from `now`.
    fn renew(&mut self, token: &PlainToken, ttl: Duration, now: DateTime<Utc>) {
        self.resends.push(to_millis(now));
        self.expires_at = to_millis(now + crate::clock::chrono_duration(ttl));
        self.hash = token.hash().as_hex();
    }

    pub fn expires_at(&self) -> DateTime<Utc> {
        from_millis(self.expires_at)
    }

    /// Whether `token` is the current link.
    pub fn is_current(&self, token: &PlainToken) -> bool {
        self.hash == token.hash().as_hex()
    }

    fn presses_in_last_hour(&self, now: DateTime<Utc>) -> impl Iterator<Item = DateTime<Utc>> + '_ {
        self.resends.iter().map(|&t| from_millis(t)).filter(move |&t| t > now - hour())
    }

    fn resends_left(&self, per_hour: u32, now: DateTime<Utc>) -> u32 {
        let pressed = u32::try_from(self.presses_in_last_hour(now).count()).unwrap_or(u32::MAX);
        per_hour.saturating_sub(pressed)
    }

    /// Step 4 as the page shows it, for a link sent to `to`.
    pub fn sent(&self, to: &Email, per_hour: u32, now: DateTime<Utc>) -> LinkSent {
        let left = self.resends_left(per_hour, now);
        let next_resend_at =
            (left == 0).then(|| self.presses_in_last_hour(now).min()).flatten().map(|oldest| oldest + hour());
        LinkSent {
            email_masked: to.masked(),
            expires_at: self.expires_at(),
            resends_left: left,
            next_resend_at,
        }
    }
}

/// A flow state whose step 4 holds an emailed link.
pub(crate) trait LinkedState: FlowState {
    /// The step at which the link is out.
    const EMAIL_SENT: Self::Step;
    /// The purpose of the link's tokens (their subject is the flow's hash).
    const PURPOSE: &'static str;

    /// The link and the address it goes to, once step 4 is reached.
    fn link(&self) -> Option<(&EmailedLink, &Email)>;
    fn link_mut(&mut self) -> Option<&mut EmailedLink>;
}

/// The flow's expiry once a link valid until `link_expires_at` is out: the flow outlives the
/// link by `flow_ttl`, so an expired link can still be sent again.
pub(crate) fn flow_expiry(link_expires_at: DateTime<Utc>, flow_ttl: Duration) -> DateTime<Utc> {
    link_expires_at + crate::clock::chrono_duration(flow_ttl)
}

/// Stores `token` for the flow `flow`, valid from `now` for `ttl`.
pub(crate) async fn store_token<S: LinkedState>(
    store: &dyn Store,
    flow: &HashedToken,
    token: &PlainToken,
    ttl: Duration,
    now: DateTime<Utc>,
) -> Result<(), ServiceError> {
    let record = TokenRecord {
        purpose: S::PURPOSE.to_owned(),
        subject: flow.as_hex(),
        expires_at: now + crate::clock::chrono_duration(ttl),
    };
    Ok(store.insert_token(&token.hash(), &record, now).await?)
}

/// What a press of "reenviar" got: the renewed state, already stored, with the new token to
/// email; or the limit, and nothing changed.
pub(crate) enum Resend<S> {
    Renewed { state: S, token: PlainToken },
    Limit(LinkSent),
}

/// "Reenviar" on the flow `flow` at step 4: a new link, valid for `ttl` again, stored and
/// counted; every earlier link is revoked. At most `per_hour` presses in any hour. The caller
/// emails the new token.
pub(crate) async fn resend<S: LinkedState>(
    store: &dyn Store,
    flow: &FlowId,
    ttl: Duration,
    per_hour: u32,
    flow_ttl: Duration,
    now: DateTime<Utc>,
) -> Result<Resend<S>, ServiceError> {
    let loaded =
        flows::load::<S>(store, flow, S::EMAIL_SENT, now).await?.ok_or(ServiceError::FlowNotFound)?;
    let (mut state, at) = (loaded.state, loaded.at);
    let (link, to) = state.link().ok_or(ServiceError::FlowNotFound)?;
    if link.resends_left(per_hour, now) == 0 {
        return Ok(Resend::Limit(link.sent(to, per_hour, now)));
    }
    let token = PlainToken::generate();
    let link = state.link_mut().ok_or(ServiceError::FlowNotFound)?;
    link.renew(&token, ttl, now);
    // Kept until a press is allowed again, so the person waiting for one need not restart.
    let flow_expires = flow_expiry(link.expires_at().max(now + hour()), flow_ttl);
    // The press is counted first: of parallel presses only one gets past this line.
    if !flows::advance(store, &at, S::EMAIL_SENT, &state, Some(flow_expires), now).await? {
        return Err(ServiceError::FlowNotFound);
    }
    store.revoke_tokens(S::PURPOSE, &at.hash.as_hex(), now).await?;
    store_token::<S>(store, &at.hash, &token, ttl, now).await?;
    Ok(Resend::Renewed { state, token })
}

/// The flow a live link names, at step 4, when the link is its current one. Changes nothing.
pub(crate) async fn flow_of<S: LinkedState>(
    store: &dyn Store,
    token: &PlainToken,
    now: DateTime<Utc>,
) -> Result<Option<Flow<S>>, ServiceError> {
    let Some(subject) = store.live_token_subject(&token.hash(), S::PURPOSE, now).await? else {
        return Ok(None);
    };
    let Some(hash) = HashedToken::from_hex(&subject) else { return Ok(None) };
    let flow = flows::load_by_hash::<S>(store, &hash, now).await?;
    Ok(flow.filter(|f| {
        f.at.step == S::EMAIL_SENT && f.state.link().is_some_and(|(link, _)| link.is_current(token))
    }))
}

fn hour() -> chrono::Duration {
    chrono::Duration::hours(1)
}
