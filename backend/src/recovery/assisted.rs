//! The last step of an assisted unlock (DESIGN §3): after a staff member unlocked the clave, the
//! person sets a new password online from an emailed link. The link opens a recovery flow that is
//! already at its emailed-link step, so the usual `/clave/restablecer` page finishes it unchanged:
//! staff never see or set a password.

use chrono::{DateTime, Utc};
use clave_domain::{Email, routes};

use super::{Recovery, RecoveryState, RecoveryStep, ServiceError, contacts::PendingReset};
use crate::{
    clock::to_millis,
    emailed_link::{self, EmailedLink},
    flows,
    tokens::PlainToken,
};

/// The new-password link of an assisted unlock, to email.
#[derive(Clone)]
pub struct AssistedLink {
    /// The absolute link, token in the fragment.
    pub url: String,
    /// The address on file, where it goes.
    pub email: Email,
    pub expires_at: DateTime<Utc>,
}

impl std::fmt::Debug for AssistedLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AssistedLink").field("expires_at", &self.expires_at).finish_non_exhaustive()
    }
}

impl Recovery {
    /// Opens a recovery flow at its emailed-link step for the person with a clave `affiliate_id`,
    /// with the contact data on file confirmed now, and returns its link (valid
    /// `staff.assisted_link_ttl`). `None` when the person has no clave.
    #[tracing::instrument(skip_all)]
    pub async fn assisted_link(&self, affiliate_id: i64) -> Result<Option<AssistedLink>, ServiceError> {
        let now = self.clock.now();
        let Some(profile) = self.store.profile_by_affiliate(affiliate_id).await? else { return Ok(None) };
        let id = profile.identification.clone();
        let subject = self.subject(&id);
        // The challenge was passed in person or on the call: the flow keeps a decoy in its place.
        let built = self.challenger.decoy(&subject);
        let ttl = self.settings.staff.assisted_link_ttl;
        let token = PlainToken::generate();
        let link = EmailedLink::new(&token, ttl, now);
        let expires_at = link.expires_at();
        let pending = PendingReset {
            email: profile.email.clone(),
            mobile: profile.mobile,
            landline: profile.landline,
            confirmed_at: to_millis(now),
            replaced_notice: None,
            link,
        };
        let state = RecoveryState {
            identification: id,
            subject,
            affiliate_id: Some(affiliate_id),
            expected: built.expected,
            view: built.view,
            pending: Some(pending),
        };
        let flow_ttl = ttl + self.settings.links.flow_ttl;
        let flow = flows::create(&*self.store, RecoveryStep::EmailSent, &state, flow_ttl, now).await?;
        emailed_link::store_token::<RecoveryState>(&*self.store, &flow.hash(), &token, ttl, now).await?;
        let url = crate::mail::link(&self.settings, routes::RESET, &token);
        Ok(Some(AssistedLink { url, email: profile.email, expires_at }))
    }
}
