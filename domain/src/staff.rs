//! The staff console's shared vocabulary (DESIGN §3): staff roles and the questions of a video
//! call, as the server decides them and the browser shows them.

use serde::{Deserialize, Serialize};

use crate::security_questions::SecurityQuestionId;

/// What a staff member may do. Stored as `agente`, `supervisor` or `admin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum StaffRole {
    /// CAU counter, video-call desk, Ventanilla reviewer.
    Agente,
    /// An agent who also reads the audit log.
    Supervisor,
    /// Manages staff and reads the audit log.
    Admin,
}

impl StaffRole {
    const ALL: [Self; 3] = [Self::Agente, Self::Supervisor, Self::Admin];

    /// The stored (and command-line) form.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Agente => "agente",
            Self::Supervisor => "supervisor",
            Self::Admin => "admin",
        }
    }

    /// Reads the stored form; exact match.
    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == stored)
    }

    /// Whether this role may browse the audit log (supervisors and admins).
    pub fn may_read_audit(self) -> bool {
        matches!(self, Self::Supervisor | Self::Admin)
    }
}

/// One question of a video call (DESIGN §3): a question the affiliate registered, or a fact of
/// the registry. It names what is asked, never the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CallQuestion {
    /// A personal security question registered with the clave (answer checked with argon2id).
    Security(SecurityQuestionId),
    /// The full birth date.
    BirthDate,
    /// The current employer's name.
    Employer,
    /// The year of the first contribution.
    FirstContributionYear,
    /// The last three digits of the registered mobile.
    MobileEnding,
}

impl CallQuestion {
    /// The question in Spanish, as the agent reads it out.
    pub fn text_es(self) -> &'static str {
        match self {
            Self::Security(id) => id.question().text_es,
            Self::BirthDate => "¿Cuál es su fecha de nacimiento completa?",
            Self::Employer => "¿Cómo se llama su empleador actual?",
            Self::FirstContributionYear => "¿En qué año hizo su primer aporte?",
            Self::MobileEnding => "¿Cuáles son los tres últimos dígitos de su celular registrado?",
        }
    }

    /// The question in English.
    pub fn text_en(self) -> &'static str {
        match self {
            Self::Security(id) => id.question().text_en,
            Self::BirthDate => "What is your full date of birth?",
            Self::Employer => "What is the name of your current employer?",
            Self::FirstContributionYear => "In which year did you make your first contribution?",
            Self::MobileEnding => "What are the last three digits of your registered mobile?",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_reads_back_and_only_supervisors_and_admins_read_the_audit() {
        for role in StaffRole::ALL {
            assert_eq!(StaffRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(StaffRole::parse("Agente"), None);
        assert!(!StaffRole::Agente.may_read_audit());
        assert!(StaffRole::Supervisor.may_read_audit() && StaffRole::Admin.may_read_audit());
    }
}
