//! Plausible wrong options: employers of other affiliates, nearby years, other phone endings.

use chrono::{Datelike as _, NaiveDate};
use rand::{Rng, seq::SliceRandom as _};

/// Fictitious but plausible employers, used only after the registry's own when a registry (the
/// demo one) has too few employers to fill a question. None is a real company; any likeness is
/// accidental.
pub(crate) const EMPLOYERS: &[&str] = &[
    "Distribuidora Andina del Pacífico S.A.",
    "Comercializadora Los Ríos Cía. Ltda.",
    "Agroindustrial Valle del Chota S.A.",
    "Constructora Pichincha Norte S.A.",
    "Textiles Imbabura Cía. Ltda.",
    "Transportes Costa Azul S.A.",
    "Florícola Cotopaxi Verde S.A.",
    "Camaronera El Oro Dorado S.A.",
    "Servicios Médicos Tungurahua Cía. Ltda.",
    "Panificadora La Sierra S.A.",
    "Ferretería El Constructor de Manabí",
    "Bananera San Rafael de Machala S.A.",
    "Laboratorios Químicos del Guayas S.A.",
    "Cooperativa de Ahorro Nueva Esperanza",
    "Unidad Educativa Particular Monte Sinaí",
    "Importadora Electro Hogar Cía. Ltda.",
    "Hotelera Galápagos Sur S.A.",
    "Lácteos de Chimborazo S.A.",
    "Seguridad Integral Andes Cía. Ltda.",
    "Clínica San Vicente de Cuenca S.A.",
    "Cartonera Nacional del Litoral S.A.",
    "Minera Zamora Alto S.A.",
    "Supermercados La Canasta Familiar S.A.",
    "Consultora Amazónica de Sistemas Cía. Ltda.",
];

/// Youngest age at which a first contribution is plausible.
const WORKING_AGE: i32 = 15;
/// Decoy years lie within this distance of the true year.
const YEAR_SPREAD: i32 = 6;

/// The employers options are taken from, in order: the registry's (sampled from affiliates, so
/// a decoy is as likely as anyone's real employer), trimmed and without repeats, then the
/// built-in list in `rng`'s order as a fallback for a registry with too few employers.
pub(crate) fn employer_candidates(registry: &[String], rng: &mut impl Rng) -> Vec<String> {
    let mut fallback: Vec<&str> = EMPLOYERS.to_vec();
    fallback.shuffle(rng);
    let mut candidates: Vec<String> = Vec::with_capacity(registry.len() + fallback.len());
    for employer in registry.iter().map(|e| e.trim()).chain(fallback) {
        if !employer.is_empty() && !candidates.iter().any(|c| same_employer(c, employer)) {
            candidates.push(employer.to_owned());
        }
    }
    candidates
}

/// The first `count` of `candidates` other than `actual`.
pub(crate) fn employers(actual: &str, candidates: &[String], count: usize) -> Vec<String> {
    candidates.iter().filter(|c| !same_employer(c, actual)).take(count).cloned().collect()
}

fn same_employer(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// Four distinct years, sorted, one of them `actual`: the others within ±1–6 years, never after
/// `today`'s year and never before age 15. The rank of `actual` among the four is drawn
/// uniformly from the ranks the bounds allow, so its position gives nothing away.
pub(crate) fn years(actual: i32, birth: NaiveDate, today: NaiveDate, rng: &mut impl Rng) -> Vec<i32> {
    let latest = today.year().max(actual);
    let earliest = (birth.year() + WORKING_AGE).min(actual);
    let below: Vec<i32> = ((actual - YEAR_SPREAD).max(earliest)..actual).collect();
    let above: Vec<i32> = (actual + 1..=(actual + YEAR_SPREAD).min(latest)).collect();
    let ranks: Vec<usize> = (0..=3).filter(|&r| r <= below.len() && 3 - r <= above.len()).collect();
    let mut chosen = match ranks.as_slice() {
        [] => {
            // The bounds leave fewer than three decoys (a very recent start at 15): fill with
            // earlier years, the only direction that stays in the past.
            let mut all: Vec<i32> = below.iter().chain(&above).copied().collect();
            let mut year = actual - YEAR_SPREAD - 1;
            while all.len() < 3 {
                if !all.contains(&year) {
                    all.push(year);
                }
                year -= 1;
            }
            all
        }
        ranks => {
            let rank = ranks[rng.gen_range(0..ranks.len())];
            let mut picked: Vec<i32> = below.choose_multiple(rng, rank).copied().collect();
            picked.extend(above.choose_multiple(rng, 3 - rank).copied());
            picked
        }
    };
    chosen.push(actual);
    chosen.sort_unstable();
    chosen
}

/// `count` three-digit phone endings other than `actual`.
pub(crate) fn phone_endings(actual: &str, count: usize, rng: &mut impl Rng) -> Vec<String> {
    let mut endings: Vec<String> = Vec::with_capacity(count);
    while endings.len() < count {
        let ending = format!("{:03}", rng.gen_range(0..1000));
        if ending != actual && !endings.contains(&ending) {
            endings.push(ending);
        }
    }
    endings
}

#[cfg(test)]
mod tests {
    use chrono::Datelike as _;

    use super::*;
    use crate::challenge::keyed_rng::KeyedRng;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("literal date")
    }

    #[test]
    fn the_built_in_list_has_at_least_twenty_distinct_employers() {
        let mut names: Vec<&str> = EMPLOYERS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert!(names.len() >= 20 && names.len() == EMPLOYERS.len());
    }

    #[test]
    fn decoy_years_are_near_the_true_one_never_in_the_future_and_never_before_age_fifteen() {
        let birth = date(1990, 1, 25);
        let today = date(2026, 3, 1);
        for (seed, actual) in (0u8..200).zip([2005, 2006, 2010, 2020, 2025, 2026].into_iter().cycle()) {
            let mut rng = KeyedRng::new(&[seed; 32], &[]);
            let years = years(actual, birth, today, &mut rng);
            assert_eq!(years.len(), 4, "{years:?}");
            assert!(years.contains(&actual));
            assert!(years.windows(2).all(|w| w[0] < w[1]), "distinct and sorted: {years:?}");
            for y in years.iter().filter(|&&y| y != actual) {
                assert!((1..=YEAR_SPREAD).contains(&(y - actual).abs()), "{y} vs {actual}");
                assert!(*y <= today.year() && *y >= birth.year() + WORKING_AGE, "{y}");
            }
        }
    }

    #[test]
    fn the_true_year_takes_every_position_when_the_bounds_allow() {
        let mut seen = [false; 4];
        for seed in 0u8..100 {
            let mut rng = KeyedRng::new(&[seed; 32], &[]);
            let years = years(2010, date(1980, 1, 1), date(2026, 1, 1), &mut rng);
            seen[years.iter().position(|&y| y == 2010).expect("present")] = true;
        }
        assert_eq!(seen, [true; 4]);
    }

    #[test]
    fn employers_and_phone_endings_never_repeat_the_true_value() {
        let mut rng = KeyedRng::new(&[7; 32], &[]);
        let actual = EMPLOYERS[0];
        for _ in 0..50 {
            let candidates = employer_candidates(&[], &mut rng);
            let decoys = employers(actual, &candidates, 3);
            assert_eq!(decoys.len(), 3);
            assert!(!decoys.iter().any(|d| d == actual));
            let endings = phone_endings("567", 3, &mut rng);
            assert!(endings.iter().all(|e| e.len() == 3 && e != "567"));
        }
    }

    #[test]
    fn registry_employers_come_first_without_repeats_and_the_built_in_list_only_after_them() {
        let registry: Vec<String> =
            ["Empresa A", " Empresa B ", "EMPRESA A", "", "Empresa C"].map(String::from).to_vec();
        let candidates = employer_candidates(&registry, &mut KeyedRng::new(&[3; 32], &[]));
        assert_eq!(candidates[..3], ["Empresa A", "Empresa B", "Empresa C"]);
        assert!(candidates[3..].iter().all(|c| EMPLOYERS.contains(&c.as_str())));
        assert_eq!(employers("empresa b", &candidates, 2), ["Empresa A", "Empresa C"]);
    }
}
