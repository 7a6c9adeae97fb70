//! The kinds of security event in the audit trail (DESIGN §3), which "Mi cuenta" lists as the
//! person's security activity.

use serde::{Deserialize, Serialize};

/// What happened, as stored in `security_events.kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    LoginSucceeded,
    LoginFailed,
    Locked,
    Unlocked,
    UnlockRequested,
    PasswordSet,
    PasswordChanged,
    PasswordReset,
    ContactsChanged,
    SessionsEnded,
    NotMeReported,
    RecoveryBlocked,
    // Staff console (DESIGN §3).
    StaffLoginSucceeded,
    StaffLoginFailed,
    StaffLocked,
    StaffLoggedOut,
    InPersonVerified,
    VideoCallVerified,
    VideoCallFailed,
    BlocksCleared,
    ForeignerGenerationEnabled,
    // Ventanilla Virtual (DESIGN §2.5).
    VentanillaFiled,
    VentanillaApproved,
    VentanillaRejected,
}

impl EventKind {
    const ALL: [Self; 24] = [
        Self::LoginSucceeded,
        Self::LoginFailed,
        Self::Locked,
        Self::Unlocked,
        Self::UnlockRequested,
        Self::PasswordSet,
        Self::PasswordChanged,
        Self::PasswordReset,
        Self::ContactsChanged,
        Self::SessionsEnded,
        Self::NotMeReported,
        Self::RecoveryBlocked,
        Self::StaffLoginSucceeded,
        Self::StaffLoginFailed,
        Self::StaffLocked,
        Self::StaffLoggedOut,
        Self::InPersonVerified,
        Self::VideoCallVerified,
        Self::VideoCallFailed,
        Self::BlocksCleared,
        Self::ForeignerGenerationEnabled,
        Self::VentanillaFiled,
        Self::VentanillaApproved,
        Self::VentanillaRejected,
    ];

    /// Every kind, in declaration order (the audit log's filter lists them).
    pub fn all() -> &'static [Self] {
        &Self::ALL
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::LoginSucceeded => "login_succeeded",
            Self::LoginFailed => "login_failed",
            Self::Locked => "locked",
            Self::Unlocked => "unlocked",
            Self::UnlockRequested => "unlock_requested",
            Self::PasswordSet => "password_set",
            Self::PasswordChanged => "password_changed",
            Self::PasswordReset => "password_reset",
            Self::ContactsChanged => "contacts_changed",
            Self::SessionsEnded => "sessions_ended",
            Self::NotMeReported => "not_me_reported",
            Self::RecoveryBlocked => "recovery_blocked",
            Self::StaffLoginSucceeded => "staff_login_succeeded",
            Self::StaffLoginFailed => "staff_login_failed",
            Self::StaffLocked => "staff_locked",
            Self::StaffLoggedOut => "staff_logged_out",
            Self::InPersonVerified => "in_person_verified",
            Self::VideoCallVerified => "video_call_verified",
            Self::VideoCallFailed => "video_call_failed",
            Self::BlocksCleared => "blocks_cleared",
            Self::ForeignerGenerationEnabled => "foreigner_generation_enabled",
            Self::VentanillaFiled => "ventanilla_filed",
            Self::VentanillaApproved => "ventanilla_approved",
            Self::VentanillaRejected => "ventanilla_rejected",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_reads_back() {
        for kind in EventKind::ALL {
            assert_eq!(EventKind::parse(kind.as_str()), Some(kind));
        }
    }
}
