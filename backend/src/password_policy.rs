//! The authoritative password check (DESIGN §5.2): the domain's pure rules, which the browser
//! also runs for instant feedback, plus a zxcvbn strength score, whose dictionaries stay on the
//! server to keep the wasm bundle small.

use chrono::Datelike as _;
use clave_domain::{BirthDate, FieldProblem, PasswordContext, PasswordProblem, check_password};

use crate::registry::Affiliate;

/// The lowest acceptable zxcvbn score (0–4).
pub const MIN_STRENGTH_SCORE: u8 = 3;

/// The problems of a new password typed twice, at their fields (`password`, `confirmation`), for
/// this person: the policy with their names, number and birth date, then the match.
pub fn check_new(password: &str, confirmation: &str, affiliate: &Affiliate) -> Vec<FieldProblem> {
    let ctx = PasswordContext {
        identification: affiliate.identification.as_str().to_owned(),
        names: vec![affiliate.names.clone(), affiliate.surnames.clone()],
        birth_date: birth_date(affiliate.birth_date),
    };
    if let Some(problem) = check(password, &ctx).first() {
        return vec![FieldProblem::new("password", problem.message_es(), problem.message_en())];
    }
    if confirmation != password {
        return vec![FieldProblem::new(
            "confirmation",
            "Las dos claves no coinciden. Escríbala otra vez.",
            "The two passwords do not match. Please type it again.",
        )];
    }
    Vec::new()
}

/// The last form of "Generar clave" and of "Recuperar clave": the terms accepted (field `terms`)
/// and a new password typed twice (see [`check_new`]).
pub fn check_accepted_new(
    accepted_terms: bool,
    password: &str,
    confirmation: &str,
    affiliate: &Affiliate,
) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if !accepted_terms {
        problems.push(FieldProblem::new(
            "terms",
            "Para continuar, acepte los términos y condiciones.",
            "To continue, accept the terms and conditions.",
        ));
    }
    problems.extend(check_new(password, confirmation, affiliate));
    problems
}

fn birth_date(date: chrono::NaiveDate) -> Option<BirthDate> {
    let year = u16::try_from(date.year()).ok()?;
    let (month, day) = (u8::try_from(date.month()).ok()?, u8::try_from(date.day()).ok()?);
    BirthDate::new(year, month, day).ok()
}

/// Every problem of `password` for this person; empty when it may be set.
pub fn check(password: &str, ctx: &PasswordContext) -> Vec<PasswordProblem> {
    let mut problems = check_password(password, ctx);
    // Scored only once the pure rules pass: the length is then bounded (≤ 64 characters), and
    // a password that is already refused needs no second reason.
    if problems.is_empty() {
        let birth_date = ctx.birth_date.map(|d| d.to_string());
        let personal: Vec<&str> = ctx
            .names
            .iter()
            .map(String::as_str)
            .chain([ctx.identification.as_str()])
            .chain(birth_date.as_deref())
            .collect();
        if u8::from(zxcvbn::zxcvbn(password, &personal).score()) < MIN_STRENGTH_SCORE {
            problems.push(PasswordProblem::TooWeak);
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use clave_domain::BirthDate;

    use super::*;

    fn maria() -> PasswordContext {
        PasswordContext {
            identification: "1701234567".into(),
            names: vec!["María Fernanda".into(), "Ejemplo Andrade".into()],
            birth_date: Some(BirthDate::new(1975, 4, 12).expect("date")),
        }
    }

    #[test]
    fn a_long_unpredictable_password_is_accepted() {
        assert_eq!(check("Tortuga-verde-Galápagos-58", &maria()), vec![]);
    }

    #[test]
    fn guessable_passwords_that_pass_the_pure_rules_are_too_weak() {
        for weak in ["ecuadorquito", "Guayaquil1", "abcdefgh12"] {
            assert!(check_password(weak, &maria()).is_empty(), "{weak} passes the pure rules");
            assert_eq!(check(weak, &maria()), vec![PasswordProblem::TooWeak], "{weak}");
        }
    }

    #[test]
    fn the_pure_rules_still_apply_and_are_not_doubled_by_the_score() {
        assert_eq!(check("corta", &maria()), vec![PasswordProblem::TooShort]);
        assert_eq!(check("andrade!2024x", &maria()), vec![PasswordProblem::ContainsName]);
    }
}
