//! The registry CSV import: `clave_backend::registry::parse_csv` (backend/src/registry/csv_import.rs,
//! compiled in by `src/lib.rs`) on any bytes.
//!
//! Properties: nothing panics; a file is either every row or every problem (never an empty
//! success); every problem names a line of the file; every accepted row holds values in their
//! normal form (identification, email, mobile and landline parse again to themselves), its
//! identification kind matches `tipo_identificacion`, required columns are not empty, dates are
//! ordered and identifications are unique.

#![no_main]

use std::collections::HashSet;

use chrono::Datelike as _;
use clave_domain::{
    Identification,
    contact::{Email, Landline, Mobile},
};
use clave_fuzz::registry::parse_csv;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match parse_csv(data) {
        Ok(rows) => {
            assert!(!rows.is_empty(), "an accepted file has rows");
            // At most one row per line after the header.
            let lines = data.split(|&b| b == b'\n' || b == b'\r').count();
            assert!(rows.len() < lines.max(2), "{} rows from {lines} lines", rows.len());
            let mut seen = HashSet::new();
            for row in &rows {
                let id = row.identification.as_str();
                assert!(seen.insert(id.to_owned()), "identification {id} accepted twice");
                assert_eq!(Identification::parse(id).as_ref(), Ok(&row.identification));
                assert!(!row.names.is_empty() && !row.surnames.is_empty() && !row.nationality.is_empty());
                // csv::Trim::All: no value keeps surrounding whitespace.
                for value in [&row.names, &row.surnames, &row.nationality] {
                    assert_eq!(value.trim(), value.as_str(), "{value:?} was not trimmed");
                }
                if let Some(employer) = &row.employer {
                    assert!(!employer.is_empty());
                }
                assert!(row.birth_date.year() >= 1900, "{}", row.birth_date);
                if let Some(first) = row.first_contribution {
                    assert!(first >= row.birth_date, "{first} < {}", row.birth_date);
                    assert!(first.year() >= 1900);
                }
                if let Some(email) = &row.email {
                    assert_eq!(
                        Email::parse(email.as_str()).as_ref(),
                        Ok(email),
                        "email {:?}",
                        email.as_str()
                    );
                }
                if let Some(mobile) = &row.mobile {
                    assert_eq!(Mobile::parse(mobile.as_str()).as_ref(), Ok(mobile));
                }
                if let Some(landline) = &row.landline {
                    assert_eq!(Landline::parse(landline.as_str()).as_ref(), Ok(landline));
                }
            }
        }
        Err(errors) => {
            assert!(!errors.is_empty(), "a refused file says why");
            let lines = u64::try_from(data.split(|&b| b == b'\n' || b == b'\r').count()).unwrap_or(u64::MAX);
            for error in &errors {
                assert!(
                    error.line >= 1 && error.line <= lines.max(1),
                    "line {} of {lines}: {error}",
                    error.line
                );
                assert!(!error.reason.is_empty());
                let _ = error.to_string();
            }
        }
    }
});
