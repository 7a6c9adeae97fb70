//! Presencial (CAU): the agent checked the original document (cédula, or passport/visa for a
//! foreigner) and registered the fingerprint. For `staff.verification_ttl` that agent may act for
//! the affiliate.

use chrono::{DateTime, Utc};

use super::{Assisted, verification_ref};
use crate::{
    audit::{ClientInfo, EventKind},
    clock::chrono_duration,
    service_error::ServiceError,
    staff::StaffActor,
    store::NewEvent,
};

/// What recording an in-person verification did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InPersonOutcome {
    /// Recorded, so the fingerprint is on record; actions may name `verification` until `expires_at`.
    Verified { verification: i64, expires_at: DateTime<Utc> },
    /// Both checks must be ticked; nothing was recorded.
    NotConfirmed,
    /// No such affiliate.
    UnknownAffiliate,
}

impl Assisted {
    /// Records that `actor` checked the original document and registered the fingerprint of the
    /// affiliate with row `affiliate_id`; from then on the fingerprint is on record
    /// (`huella_registrada`, derived by the store from the verification).
    #[tracing::instrument(skip_all)]
    pub async fn verify_in_person(
        &self,
        actor: &StaffActor,
        affiliate_id: i64,
        document_checked: bool,
        fingerprint_registered: bool,
        client: &ClientInfo,
    ) -> Result<InPersonOutcome, ServiceError> {
        if !(document_checked && fingerprint_registered) {
            return Ok(InPersonOutcome::NotConfirmed);
        }
        if self.store.affiliate_by_row(affiliate_id).await?.is_none() {
            return Ok(InPersonOutcome::UnknownAffiliate);
        }
        let now = self.clock.now();
        let expires_at = now + chrono_duration(self.settings.staff.verification_ttl);
        let verification = self.store.insert_verification(actor.id, affiliate_id, now, expires_at).await?;
        let event = NewEvent::new(EventKind::InPersonVerified, &actor.username, client)
            .affiliate(affiliate_id)
            .case(verification_ref(verification));
        self.store.append_event(&event, now).await?;
        Ok(InPersonOutcome::Verified { verification, expires_at })
    }
}
