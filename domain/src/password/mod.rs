//! The password policy of DESIGN §5.2, as pure functions the browser and the server share.
//!
//! The server additionally scores the password with zxcvbn and reports
//! [`PasswordProblem::TooWeak`]; that check is too large for the browser bundle and lives there.

mod blocklist;
mod personal;
mod problem;

use crate::birth_date::BirthDate;
use crate::text::fold;

pub use problem::PasswordProblem;

/// Length limits of a password, counted in characters (not bytes). The UI shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordRules;

impl PasswordRules {
    /// Fewest characters a password may have.
    pub const MIN_CHARS: usize = 8;
    /// Most characters a password may have.
    pub const MAX_CHARS: usize = 64;
}

/// What the system knows about the person choosing the password, none of which may appear in it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PasswordContext {
    /// The cédula or foreigner code, in any form (separators are ignored).
    pub identification: String,
    /// Names and surnames, one or several per entry (`"María José"`, `"Muñoz Pérez"`).
    pub names: Vec<String>,
    /// The birth date, when known.
    pub birth_date: Option<BirthDate>,
}

/// Checks `password` against every rule that needs no strength estimator and returns the
/// problems found, in a fixed order and each at most once. An empty list means the password
/// passes these rules (the server then also checks its strength).
pub fn check_password(password: &str, ctx: &PasswordContext) -> Vec<PasswordProblem> {
    let mut problems = Vec::new();
    let length = password.chars().count();
    if length < PasswordRules::MIN_CHARS {
        problems.push(PasswordProblem::TooShort);
    }
    if length > PasswordRules::MAX_CHARS {
        problems.push(PasswordProblem::TooLong);
    }
    if password.chars().any(char::is_control) {
        problems.push(PasswordProblem::ControlCharacter);
    }
    let folded = fold(password);
    if personal::contains_identification(&folded, &ctx.identification) {
        problems.push(PasswordProblem::ContainsIdentification);
    }
    if personal::contains_name(&folded, &ctx.names) {
        problems.push(PasswordProblem::ContainsName);
    }
    if let Some(date) = ctx.birth_date
        && personal::contains_birth_date(&folded, date)
    {
        problems.push(PasswordProblem::ContainsBirthDate);
    }
    if blocklist::is_common(&folded) {
        problems.push(PasswordProblem::Common);
    }
    problems
}
