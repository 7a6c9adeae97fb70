//! The registry facts a challenge asks about, real or invented.

use chrono::NaiveDate;
use clave_domain::Identification;
use rand::Rng as _;

use super::keyed_rng::KeyedRng;
use crate::registry::Affiliate;

/// A fact as shown in a question. An invented fact looks exactly like a real one but is never the
/// expected answer, so a question about it cannot be passed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Fact<T> {
    Real(T),
    Invented(T),
}

impl<T> Fact<T> {
    pub(crate) fn value(&self) -> &T {
        match self {
            Self::Real(v) | Self::Invented(v) => v,
        }
    }

    pub(crate) fn is_real(&self) -> bool {
        matches!(self, Self::Real(_))
    }
}

/// What a challenge is built from.
#[derive(Debug, Clone)]
pub(crate) struct Profile {
    /// The expected birth date; `None` for an unknown identification, so no date ever matches.
    pub(crate) birth_date: Option<NaiveDate>,
    /// The birth date that bounds the decoy years (invented for unknown identifications).
    pub(crate) shown_birth: NaiveDate,
    pub(crate) employer: Fact<String>,
    pub(crate) first_contribution_year: Fact<i32>,
    /// The last three digits of the registered mobile.
    pub(crate) mobile_ending: Fact<String>,
}

impl Profile {
    /// A plausible person for an identification that is not in the registry: a pure function of
    /// the decoy key, the identification and the employer candidates (whose first one it takes,
    /// so it is drawn like a real affiliate's), so every visit shows the same challenge.
    pub(crate) fn invented(decoy_key: &[u8; 32], id: &Identification, employers: &[String]) -> Self {
        let mut rng = KeyedRng::new(decoy_key, &[id.as_str().as_bytes()]);
        let birth_year = rng.gen_range(1950..=1998);
        let shown_birth = NaiveDate::from_ymd_opt(birth_year, rng.gen_range(1..=12), rng.gen_range(1..=28))
            .unwrap_or_default();
        let employer = employers.first().cloned().unwrap_or_default();
        let start = (birth_year + rng.gen_range(18..=30)).min(2024);
        Self {
            birth_date: None,
            shown_birth,
            employer: Fact::Invented(employer),
            first_contribution_year: Fact::Invented(start),
            mobile_ending: Fact::Invented(format!("{:03}", rng.gen_range(0..1000))),
        }
    }

    /// The affiliate's own facts; a fact the registry lacks is taken from `invented`, so the
    /// challenge keeps its shape (such an affiliate cannot pass online and is sent to a CAU).
    pub(crate) fn of_affiliate(affiliate: &Affiliate, invented: Self) -> Self {
        use chrono::Datelike as _;
        let employer = affiliate.employer.as_ref().map(|e| e.trim()).filter(|e| !e.is_empty());
        let ending = affiliate.mobile.as_ref().map(|m| m.as_str()).and_then(last_three_digits);
        Self {
            birth_date: Some(affiliate.birth_date),
            shown_birth: affiliate.birth_date,
            employer: employer.map_or(invented.employer, |e| Fact::Real(e.to_owned())),
            first_contribution_year: affiliate
                .first_contribution
                .map_or(invented.first_contribution_year, |d| Fact::Real(d.year())),
            mobile_ending: ending.map_or(invented.mobile_ending, Fact::Real),
        }
    }
}

fn last_three_digits(phone: &str) -> Option<String> {
    let digits: Vec<char> = phone.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 3).then(|| digits[digits.len() - 3..].iter().collect())
}
