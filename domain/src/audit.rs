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
}

impl EventKind {
    const ALL: [Self; 12] = [
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
    ];

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
