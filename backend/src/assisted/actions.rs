//! What staff may do for an affiliate, and on whose authority (DESIGN §3).

use clave_domain::{Contacts, Email, IdentificationKind, Mobile};

use super::{Assisted, call_ref, mails, verification_ref};
use crate::{
    audit::{ClientInfo, EventKind},
    service_error::ServiceError,
    staff::StaffActor,
    store::NewEvent,
};

/// The shortest reason accepted for an action, in characters.
pub const MIN_REASON_CHARS: usize = 10;
/// The longest reason kept.
pub const MAX_REASON_CHARS: usize = 500;

/// Whether a staff member's reason (already trimmed) has an acceptable length.
pub fn valid_reason(reason: &str) -> bool {
    (MIN_REASON_CHARS..=MAX_REASON_CHARS).contains(&reason.chars().count())
}

/// An action staff take for an affiliate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssistedAction {
    /// Lift both locks and email a link to set a new password online.
    Unlock,
    /// Clear the generation and recovery attempt counters.
    ClearBlocks,
    /// Replace the email (and the mobile, when given) of the clave; the old address is told.
    UpdateContacts { email: Email, mobile: Option<Mobile> },
    /// Let a foreigner start a real first generation.
    EnableForeignerGeneration,
}

impl AssistedAction {
    fn event(&self) -> EventKind {
        match self {
            Self::Unlock => EventKind::Unlocked,
            Self::ClearBlocks => EventKind::BlocksCleared,
            Self::UpdateContacts { .. } => EventKind::ContactsChanged,
            Self::EnableForeignerGeneration => EventKind::ForeignerGenerationEnabled,
        }
    }
}

/// Why staff may act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Authority<'a> {
    /// A live in-person verification made by the acting agent for this affiliate: any action.
    Presencial { verification: i64 },
    /// A video call the acting agent verified 4/4 for this affiliate: one unlock.
    Videollamada { call: i64 },
    /// An approved Ventanilla case; the caller checked that the case is open and moves it.
    VentanillaCase { case_number: &'a str },
}

/// What an action did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionOutcome {
    /// Done, recorded and notified.
    Done,
    /// Not done; nothing was changed.
    Refused(ActionRefusal),
}

/// Why an action was not done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ActionRefusal {
    /// The reason is shorter than [`MIN_REASON_CHARS`] or longer than [`MAX_REASON_CHARS`].
    ReasonLength,
    /// No such affiliate in the registry.
    UnknownAffiliate,
    /// The person has no clave yet: they should generate one online.
    NoClave,
    /// Only a foreigner's generation needs enabling.
    NotAForeigner,
    /// The verification or call is not live, not this agent's, not for this person, or spent.
    AuthorityNotValid,
    /// A video call allows only the unlock.
    NotAllowedByCall,
}

impl ActionRefusal {
    pub fn message_es(self) -> &'static str {
        match self {
            Self::ReasonLength => "Escriba el motivo (de 10 a 500 caracteres).",
            Self::UnknownAffiliate => "No hay una persona con esa identificación en el registro.",
            Self::NoClave => "La persona aún no tiene clave: debe generarla en línea («Generar clave»).",
            Self::NotAForeigner => "Solo se habilita la generación de personas extranjeras.",
            Self::AuthorityNotValid => {
                "La verificación o la llamada ya no es válida para esta acción. Verifique de nuevo."
            }
            Self::NotAllowedByCall => "Una videollamada verificada solo permite desbloquear la clave.",
        }
    }

    pub fn message_en(self) -> &'static str {
        match self {
            Self::ReasonLength => "Enter the reason (10 to 500 characters).",
            Self::UnknownAffiliate => "There is no person with that identification in the registry.",
            Self::NoClave => "The person has no clave yet: they must generate it online.",
            Self::NotAForeigner => "Only a foreigner's generation needs enabling.",
            Self::AuthorityNotValid => {
                "The verification or call is no longer valid for this action. Verify again."
            }
            Self::NotAllowedByCall => "A verified video call only allows unlocking the clave.",
        }
    }
}

impl Assisted {
    /// Does `action` for the affiliate with registry row `affiliate_id`, on `authority`, as
    /// `actor`, for `reason`: checks the authority on the server, acts, records the event (actor,
    /// case, reason) and notifies the affiliate. A video call's authority is spent by its unlock.
    #[tracing::instrument(skip_all)]
    pub async fn perform(
        &self,
        affiliate_id: i64,
        action: AssistedAction,
        authority: Authority<'_>,
        actor: &StaffActor,
        reason: &str,
        client: &ClientInfo,
    ) -> Result<ActionOutcome, ServiceError> {
        let reason = reason.trim();
        if !valid_reason(reason) {
            return Ok(ActionOutcome::Refused(ActionRefusal::ReasonLength));
        }
        let Some(affiliate) = self.store.affiliate_by_row(affiliate_id).await? else {
            return Ok(ActionOutcome::Refused(ActionRefusal::UnknownAffiliate));
        };
        let profile = self.store.profile_by_affiliate(affiliate_id).await?;
        let precondition = match &action {
            AssistedAction::Unlock | AssistedAction::UpdateContacts { .. } if profile.is_none() => {
                Some(ActionRefusal::NoClave)
            }
            AssistedAction::EnableForeignerGeneration
                if affiliate.identification.kind() != IdentificationKind::Foreigner =>
            {
                Some(ActionRefusal::NotAForeigner)
            }
            _ => None,
        };
        if let Some(refusal) = precondition {
            return Ok(ActionOutcome::Refused(refusal));
        }
        let now = self.clock.now();
        let case = match self.authorize(affiliate_id, &action, authority, actor).await? {
            Ok(case) => case,
            Err(refusal) => return Ok(ActionOutcome::Refused(refusal)),
        };
        // Act, record, then notify: a mail that fails leaves the action and its audit row in place.
        let mut changed_contacts = None;
        match &action {
            AssistedAction::Unlock => {
                self.store.unlock_profile(affiliate_id, now).await?;
            }
            AssistedAction::ClearBlocks => {
                self.generation.clear_attempts(&affiliate.identification).await?;
                self.recovery.clear_attempts(&affiliate.identification).await?;
            }
            AssistedAction::UpdateContacts { email, mobile } => {
                let Some(profile) = &profile else {
                    return Ok(ActionOutcome::Refused(ActionRefusal::NoClave));
                };
                let contacts = Contacts {
                    email: email.clone(),
                    mobile: mobile.clone().unwrap_or_else(|| profile.mobile.clone()),
                    landline: profile.landline.clone(),
                };
                self.store.update_contacts(affiliate_id, &contacts, now).await?;
                changed_contacts = Some((profile.email.clone(), contacts));
            }
            AssistedAction::EnableForeignerGeneration => {
                self.store.enable_foreigner(affiliate_id, &actor.username, now).await?;
            }
        }
        let mut event =
            NewEvent::new(action.event(), &actor.username, client).affiliate(affiliate_id).reason(reason);
        event.case_number = case;
        self.store.append_event(&event, now).await?;

        let channel = mails::Channel::of(authority);
        match &action {
            AssistedAction::Unlock => {
                let link =
                    self.recovery.assisted_link(affiliate_id).await?.ok_or(ServiceError::FlowNotFound)?;
                let not_me = self.not_me(&affiliate.identification).await?;
                self.mailer.queue(mails::unlocked(&self.settings, channel, &link, &not_me)).await?;
            }
            AssistedAction::ClearBlocks => {
                if let Some(to) = profile.as_ref().map(|p| p.email.clone()).or(affiliate.email.clone()) {
                    self.mailer.queue(mails::blocks_cleared(&self.settings, to, channel)).await?;
                }
            }
            AssistedAction::UpdateContacts { .. } => {
                if let Some((old, contacts)) = changed_contacts {
                    let not_me = self.not_me(&affiliate.identification).await?;
                    self.mailer
                        .queue(mails::contacts_changed(old.clone(), &contacts, channel, &not_me))
                        .await?;
                    if contacts.email != old {
                        self.mailer.queue(mails::new_address(contacts.email, channel)).await?;
                    }
                }
            }
            AssistedAction::EnableForeignerGeneration => {
                if let Some(to) = affiliate.email.clone() {
                    self.mailer.queue(mails::foreigner_enabled(&self.settings, to)).await?;
                }
            }
        }
        tracing::info!(action = action.event().as_str(), "assisted action done");
        Ok(ActionOutcome::Done)
    }

    /// Checks `authority` for `action` by `actor` on this affiliate; the case reference for the
    /// audit trail, or why not. A verified call is spent here (one unlock per call).
    async fn authorize(
        &self,
        affiliate_id: i64,
        action: &AssistedAction,
        authority: Authority<'_>,
        actor: &StaffActor,
    ) -> Result<Result<Option<String>, ActionRefusal>, ServiceError> {
        let now = self.clock.now();
        Ok(match authority {
            Authority::Presencial { verification } => {
                if self.store.live_verification(verification, actor.id, affiliate_id, now).await? {
                    Ok(Some(verification_ref(verification)))
                } else {
                    Err(ActionRefusal::AuthorityNotValid)
                }
            }
            Authority::Videollamada { call } => {
                if *action != AssistedAction::Unlock {
                    return Ok(Err(ActionRefusal::NotAllowedByCall));
                }
                let fresh_since = now - crate::clock::chrono_duration(self.settings.staff.call_ttl);
                if self.store.spend_verified_call(call, actor.id, affiliate_id, fresh_since, now).await? {
                    Ok(Some(call_ref(call)))
                } else {
                    Err(ActionRefusal::AuthorityNotValid)
                }
            }
            Authority::VentanillaCase { case_number } => Ok(Some(case_number.to_owned())),
        })
    }

    async fn not_me(&self, id: &clave_domain::Identification) -> Result<String, ServiceError> {
        Ok(crate::reports::not_me_link(&*self.store, &self.settings, id, self.clock.now()).await?)
    }
}
