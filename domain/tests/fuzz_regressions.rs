//! Inputs the fuzz targets (fuzz/, docs/fuzzing.md) found to break a property, kept as plain tests
//! so that `cargo test` guards them without cargo-fuzz.

use clave_domain::{ContactError, Contacts, Email};

/// Target `server_inputs`, through the Ventanilla form's `contact_email` (input kept in
/// fuzz/regressions/server_inputs/email-domain-dotted-capital-i); `Email::parse` reads every email
/// field. `İ` lower-cases to `i` and a combining dot, so `a@İ.com` was accepted and stored as
/// `a@i\u{307}.com`, which does not parse again: a flow state that holds it as JSON (generation
/// step 3, recovery step 3) could no longer be read, and the email table would hold an address
/// the application itself calls invalid.
#[test]
fn an_email_whose_lower_cased_domain_is_invalid_is_refused() {
    for typed in ["anptcha=eyJa@correo.exİample", "a@İ.com", "maria@correo.İo", "a@xİ.ec"] {
        assert_eq!(Email::parse(typed), Err(ContactError::InvalidEmail), "{typed:?}");
    }
    assert!(Contacts::parse("a@İ.com", "0991234567", "").is_err());
}

/// Whatever `Email::parse` accepts parses again to itself and survives the JSON of the flow state.
#[test]
fn an_accepted_email_parses_again_to_itself() {
    for typed in
        [" Maria.Perez@Correo.EXAMPLE ", "a@ΑΣ.com", "a@Ⱥb.ec", "K@\u{212A}elvin.com", "x@ÉCUADOR.ec"]
    {
        let email = Email::parse(typed).expect("a valid email");
        assert_eq!(Email::parse(email.as_str()).as_ref(), Ok(&email), "{typed:?}");
        let json = serde_json::to_string(&email).expect("serialises");
        assert_eq!(serde_json::from_str::<Email>(&json).ok(), Some(email), "{json}");
    }
}

/// Lower-casing can make a domain longer (`Ⱥ`, 2 bytes, becomes `ⱥ`, 3 bytes): a 248-byte email
/// was stored as 368 bytes, and a 62-byte label became 93 bytes (over the 63 a label may have);
/// neither parsed again. The limits apply to the stored form.
#[test]
fn the_length_limits_apply_to_the_stored_email() {
    let label = "\u{23A}".repeat(30);
    let long = format!("a@{label}.{label}.{label}.{label}.ec");
    assert_eq!(long.len(), 248);
    assert_eq!(Email::parse(&long), Err(ContactError::InvalidEmail));
    let long_label = format!("a@{}.ec", "\u{23A}".repeat(31));
    assert_eq!(Email::parse(&long_label), Err(ContactError::InvalidEmail));
    // Within the limits once lower-cased, it is accepted.
    let short = format!("a@{}.ec", "\u{23A}".repeat(20));
    let email = Email::parse(&short).expect("60 bytes once lower-cased");
    assert_eq!(email.as_str(), format!("a@{}.ec", "\u{2C65}".repeat(20)));
}
