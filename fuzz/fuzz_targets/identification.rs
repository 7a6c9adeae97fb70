//! Identification parsing: `Identification::parse`, `Cedula::parse`, `ForeignerCode::parse` and
//! `ForeignerCode::from_serial` on any text.
//!
//! Properties: nothing panics; the three parsers agree with each other; an accepted value is in
//! its normal form, parses again to itself (also through serde) and keeps exactly the digits
//! that were typed (only separators and look-alike digits are normalised, nothing is dropped).

#![no_main]

use clave_domain::{Cedula, ForeignerCode, Identification, IdentificationKind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        check_text(text);
    }
    if let Some(serial) = data.get(..4) {
        check_serial(u32::from_le_bytes([serial[0], serial[1], serial[2], serial[3]]));
    }
});

fn check_text(text: &str) {
    let identification = Identification::parse(text);
    let cedula = Cedula::parse(text);
    let foreigner = ForeignerCode::parse(text);
    // The messages exist for every error (they are shown at the field).
    if let Err(e) = &identification {
        assert!(!e.message_es().is_empty() && !e.message_en().is_empty());
    }

    // The single field and the two specific parsers agree.
    if let Ok(c) = &cedula {
        assert_eq!(identification.as_ref(), Ok(&Identification::Cedula(c.clone())), "{text:?}");
    }
    if let Ok(f) = &foreigner {
        assert_eq!(identification.as_ref(), Ok(&Identification::Foreigner(f.clone())), "{text:?}");
    }
    match &identification {
        Ok(Identification::Cedula(c)) => assert_eq!(cedula.as_ref(), Ok(c), "{text:?}"),
        Ok(Identification::Foreigner(f)) => assert_eq!(foreigner.as_ref(), Ok(f), "{text:?}"),
        Err(_) => {}
    }

    let Ok(id) = identification else { return };
    let normal = id.as_str();
    match &id {
        Identification::Cedula(c) => {
            assert_eq!(id.kind(), IdentificationKind::Cedula);
            assert_eq!(normal.len(), Cedula::LENGTH, "{text:?} -> {normal:?}");
            assert!(normal.bytes().all(|b| b.is_ascii_digit()), "{text:?} -> {normal:?}");
            assert_eq!(Cedula::parse(normal).as_ref(), Ok(c));
            assert_eq!(c.to_string(), normal);
        }
        Identification::Foreigner(f) => {
            assert_eq!(id.kind(), IdentificationKind::Foreigner);
            assert!(normal.starts_with(ForeignerCode::PREFIX), "{text:?} -> {normal:?}");
            assert_eq!(normal.len(), 1 + ForeignerCode::DIGITS, "{text:?} -> {normal:?}");
            assert!(normal[1..].bytes().all(|b| b.is_ascii_digit()), "{text:?} -> {normal:?}");
            assert_eq!(ForeignerCode::parse(normal).as_ref(), Ok(f));
            assert_eq!(ForeignerCode::from_serial(f.serial()).as_ref(), Ok(f));
        }
    }
    // Round trips: the normal form, Display, FromStr and serde all give the same value back.
    assert_eq!(Identification::parse(normal).as_ref(), Ok(&id), "{text:?} -> {normal:?}");
    assert_eq!(id.to_string(), normal);
    assert_eq!(normal.parse::<Identification>().as_ref(), Ok(&id));
    let json = serde_json::to_string(&id).expect("serialises");
    assert_eq!(serde_json::from_str::<Identification>(&json).ok().as_ref(), Some(&id), "{json}");

    // Nothing typed was silently dropped or changed: the digits of the normal form are exactly
    // the digits that were typed (ASCII, full-width or mathematical ones).
    let typed: String = text.chars().filter_map(digit_value).collect();
    let kept: String = normal.chars().filter(char::is_ascii_digit).collect();
    assert_eq!(typed, kept, "{text:?} -> {normal:?}");

    // The masked form hides all but the last three digits and keeps the length.
    let masked = id.masked();
    assert_eq!(masked.chars().count(), normal.chars().count());
    assert!(masked.ends_with(&normal[normal.len() - 3..]));
    assert!(!masked.contains(&normal[..normal.len() - 3]) || normal.len() <= 3);
}

/// The ASCII digit a typed character stands for: ASCII, full-width (`１`) or mathematical
/// (`𝟏`) digits, as the cédula rules accept them.
fn digit_value(c: char) -> Option<char> {
    let code = u32::from(c);
    let value = match code {
        0x30..=0x39 => code - 0x30,
        0xFF10..=0xFF19 => code - 0xFF10,
        0x1D7CE..=0x1D7FF => (code - 0x1D7CE) % 10,
        _ => return None,
    };
    char::from_digit(value, 10)
}

fn check_serial(serial: u32) {
    match ForeignerCode::from_serial(serial) {
        Ok(code) => {
            assert!(serial <= ForeignerCode::MAX_SERIAL);
            assert_eq!(code.serial(), serial);
            assert_eq!(ForeignerCode::parse(code.as_str()).as_ref(), Ok(&code));
            assert_eq!(
                Identification::parse(code.as_str()).as_ref(),
                Ok(&Identification::Foreigner(code.clone()))
            );
        }
        Err(e) => {
            assert!(serial > ForeignerCode::MAX_SERIAL);
            assert_eq!(e.serial, serial);
        }
    }
}
