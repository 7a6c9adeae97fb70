//! Staff sign-in codes (RFC 6238 TOTP: SHA-1, 6 digits, 30-second steps, one step of skew either
//! way), through `totp-rs`. The secret is 160 random bits, shown once as base32 and as the
//! `otpauth://` URI an authenticator app scans.

use rand::RngCore as _;
use subtle::ConstantTimeEq as _;
use totp_rs::{Algorithm, Secret, TOTP};

/// Seconds per code.
pub const STEP_SECONDS: u64 = 30;
/// The name an authenticator app shows the codes under.
pub const ISSUER: &str = "Clave IESS";

/// A fresh TOTP secret, base32 (RFC 4648, no padding).
pub fn generate_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(b32) => b32,
        Secret::Raw(_) => unreachable!("to_encoded returns the encoded form"),
    }
}

fn totp(secret_b32: &str, username: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_owned()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, STEP_SECONDS, bytes, Some(ISSUER.to_owned()), username.to_owned()).ok()
}

/// The `otpauth://totp/...` URI of this secret for an authenticator app.
pub fn uri(secret_b32: &str, username: &str) -> Option<String> {
    totp(secret_b32, username).map(|t| t.get_url())
}

/// The time step `code` belongs to when it is right at `unix_seconds` (the current step or one
/// either side); `None` otherwise. Every candidate is compared in constant time.
pub fn matching_step(secret_b32: &str, username: &str, code: &str, unix_seconds: u64) -> Option<i64> {
    let totp = totp(secret_b32, username)?;
    let current = unix_seconds / STEP_SECONDS;
    let mut found = None;
    for step in [current.saturating_sub(1), current, current + 1] {
        let expected = totp.generate(step * STEP_SECONDS);
        if bool::from(expected.as_bytes().ct_eq(code.trim().as_bytes())) {
            found = i64::try_from(step).ok();
        }
    }
    found
}

/// The code of `secret_b32` at `unix_seconds` (tests and the command line's self-check).
pub fn code_at(secret_b32: &str, unix_seconds: u64) -> Option<String> {
    totp(secret_b32, "x").map(|t| t.generate(unix_seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_one_either_side_only() {
        let secret = generate_secret();
        assert_eq!(secret.len(), 32, "160 bits in base32");
        let t = 1_800_000_000;
        let code = code_at(&secret, t).expect("code");
        let step = i64::try_from(t / STEP_SECONDS).expect("step");
        assert_eq!(matching_step(&secret, "ana", &code, t), Some(step));
        assert_eq!(matching_step(&secret, "ana", &code, t + STEP_SECONDS), Some(step));
        assert_eq!(matching_step(&secret, "ana", &code, t - STEP_SECONDS), Some(step));
        assert_eq!(matching_step(&secret, "ana", &code, t + 2 * STEP_SECONDS), None);
        assert_eq!(matching_step(&secret, "ana", "12345", t), None);
    }

    #[test]
    fn the_uri_names_the_issuer_and_the_user_and_carries_the_secret() {
        let secret = generate_secret();
        let uri = uri(&secret, "ana.agente").expect("uri");
        assert!(uri.starts_with("otpauth://totp/Clave%20IESS:ana.agente?"), "{uri}");
        assert!(uri.contains(&format!("secret={secret}")), "{uri}");
    }
}
