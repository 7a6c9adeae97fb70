//! Rules that keep personal data out of a password. Every function takes the password already
//! [folded](crate::text::fold): lower-case, without accents, look-alike digits made plain.

use crate::birth_date::BirthDate;
use crate::text::fold;

/// Identifications shorter than this are not checked: a fragment that short would refuse
/// passwords for matching by chance, and no real cédula or code is that short.
const MIN_IDENTIFICATION_CHARS: usize = 6;

/// Name tokens shorter than this are ignored (`de`, `la`, `y`), as DESIGN §5.2 asks.
const MIN_NAME_CHARS: usize = 3;

/// Connecting words of Spanish surnames (`de los Ríos`, `del Pezo`) that are 3 letters long but
/// are not names: refusing every password containing `los` or `del` would only confuse people.
const NAME_PARTICLES: [&str; 3] = ["del", "las", "los"];

/// Whether the password contains the identification, ignoring separators on both sides: the
/// whole number, its digits alone (for a foreigner code) or the digits without the final check
/// digit, which people often leave out.
pub(super) fn contains_identification(folded_password: &str, identification: &str) -> bool {
    let password = alphanumerics(folded_password);
    let whole = alphanumerics(&fold(identification));
    let digits: String = whole.chars().filter(char::is_ascii_digit).collect();
    let without_check_digit: String = {
        let mut body = digits.clone();
        body.pop();
        body
    };
    [whole, digits, without_check_digit]
        .iter()
        .filter(|fragment| fragment.chars().count() >= MIN_IDENTIFICATION_CHARS)
        .any(|fragment| password.contains(fragment.as_str()))
}

/// Whether the password contains any name or surname token of 3 letters or more.
pub(super) fn contains_name(folded_password: &str, names: &[String]) -> bool {
    names.iter().map(|name| fold(name)).any(|name| {
        name.split(|c: char| !c.is_alphabetic())
            .filter(|token| token.chars().count() >= MIN_NAME_CHARS)
            .filter(|token| !NAME_PARTICLES.contains(token))
            .any(|token| folded_password.contains(token))
    })
}

/// Whether the password contains the birth date as `ddmmyyyy`, `yyyymmdd`, `ddmmyy` or `dmyyyy`,
/// with any separators (so `yyyy-mm-dd`, `dd/mm/yyyy`, `dd.mm.yy` … are caught too).
pub(super) fn contains_birth_date(folded_password: &str, date: BirthDate) -> bool {
    let password = alphanumerics(folded_password);
    let (year, month, day) = (date.year(), date.month(), date.day());
    let short_year = year % 100;
    [
        format!("{day:02}{month:02}{year:04}"),
        format!("{year:04}{month:02}{day:02}"),
        format!("{day:02}{month:02}{short_year:02}"),
        format!("{day}{month}{year:04}"),
    ]
    .iter()
    .any(|form| password.contains(form.as_str()))
}

/// The letters and digits of `text`, without spaces, dashes, slashes, dots or other symbols.
fn alphanumerics(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).collect()
}

#[cfg(test)]
mod tests {
    use super::{alphanumerics, contains_name};

    #[test]
    fn alphanumerics_drops_every_separator() {
        assert_eq!(alphanumerics("17-14 30/71.03_x"), "1714307103x");
    }

    #[test]
    fn two_letter_tokens_and_surname_particles_are_not_names() {
        let names = vec!["Luis de los Ríos".to_owned()];
        assert!(!contains_name("modelos de la", &names));
        assert!(contains_name("rios2024", &names));
        assert!(contains_name("xluisx", &names));
    }
}
