//! The proof-of-work captcha "No soy un robot" (ALTCHA protocol, DESIGN §5.6): issues signed
//! challenges and accepts each solution once.
//!
//! Only the server holds the key, so a valid signature proves the challenge was issued here; the
//! salt carries the expiry and is bound to the signed challenge through the hash, so it cannot be
//! extended. Spent challenges are recorded in the database until they expire, which makes replay
//! impossible also across instances.

use std::time::Duration;

use chrono::{DateTime, Utc};
use clave_domain::captcha::{ALGORITHM, Challenge, Solution, challenge_hash};
use hmac::{Hmac, Mac as _};
use rand::{Rng as _, RngCore as _};
use sha2::Sha256;

use crate::{
    config::CaptchaSettings,
    secret::SecretKey,
    store::{CaptchaStore, StoreError},
};

/// 96 random bits of salt: challenges never repeat, so neither do their spent records.
const SALT_BYTES: usize = 12;

/// The query parameter of the salt that holds the expiry, as ALTCHA names it.
const EXPIRES_PARAM: &str = "expires";

/// Issues and verifies challenges. Cheap to clone.
#[derive(Clone)]
pub struct Captcha {
    key: [u8; 32],
    max_number: u64,
    ttl: Duration,
}

impl std::fmt::Debug for Captcha {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Captcha")
            .field("key", &"[REDACTED]")
            .field("max_number", &self.max_number)
            .field("ttl", &self.ttl)
            .finish()
    }
}

/// Why a submitted solution was refused. The UI asks for a new check in every case; the variants
/// exist for tests and metrics.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message_es())]
pub enum CaptchaError {
    /// Not base64 JSON of the expected shape, or not a challenge of ours.
    Malformed,
    /// The signature does not match: the challenge was not issued with this key.
    BadSignature,
    /// The number does not produce the challenge.
    WrongSolution,
    /// The challenge's expiry has passed.
    Expired,
    /// This challenge was already accepted once.
    AlreadyUsed,
    /// The spent record could not be written; nothing was accepted.
    Store(#[from] StoreError),
}

impl CaptchaError {
    /// A short explanation in Spanish, written for the person filling the form.
    pub fn message_es(&self) -> &'static str {
        match self {
            Self::Malformed | Self::BadSignature | Self::WrongSolution => {
                "No se pudo comprobar «No soy un robot». Márquela de nuevo."
            }
            Self::Expired => "La verificación «No soy un robot» caducó. Márquela de nuevo.",
            Self::AlreadyUsed => "Esta verificación «No soy un robot» ya se usó. Márquela de nuevo.",
            Self::Store(_) => {
                "El servicio no está disponible en este momento. Intente de nuevo en unos minutos."
            }
        }
    }

    /// A short explanation in English, written for the person filling the form.
    pub fn message_en(&self) -> &'static str {
        match self {
            Self::Malformed | Self::BadSignature | Self::WrongSolution => {
                "The \u{201c}I'm not a robot\u{201d} check could not be confirmed. Please tick it again."
            }
            Self::Expired => "The \u{201c}I'm not a robot\u{201d} check expired. Please tick it again.",
            Self::AlreadyUsed => {
                "This \u{201c}I'm not a robot\u{201d} check was already used. Please tick it again."
            }
            Self::Store(_) => "The service is not available right now. Please try again in a few minutes.",
        }
    }
}

impl Captcha {
    pub fn new(secret: &SecretKey, settings: &CaptchaSettings) -> Self {
        Self { key: secret.derive("captcha"), max_number: settings.max_number, ttl: settings.ttl }
    }

    /// A fresh challenge valid until `now + ttl` (whole seconds, as ALTCHA encodes it).
    pub fn challenge(&self, now: DateTime<Utc>) -> Challenge {
        let mut salt = [0u8; SALT_BYTES];
        rand::rngs::OsRng.fill_bytes(&mut salt);
        let expires = now + crate::clock::chrono_duration(self.ttl);
        let salt = format!("{}?{EXPIRES_PARAM}={}", hex::encode(salt), expires.timestamp());
        let number = rand::rngs::OsRng.gen_range(0..=self.max_number);
        let challenge = challenge_hash(&salt, number);
        let signature = hex::encode(self.mac(&challenge).finalize().into_bytes());
        Challenge { algorithm: ALGORITHM.to_owned(), challenge, maxnumber: self.max_number, salt, signature }
    }

    /// Accepts `payload` (the base64 form field) once: checks the signature, the proof of work and
    /// the expiry against `now`, then records the challenge as spent in one atomic statement.
    pub async fn verify(
        &self,
        store: &dyn CaptchaStore,
        payload: &str,
        now: DateTime<Utc>,
    ) -> Result<(), CaptchaError> {
        let solution = Solution::from_base64(payload).map_err(|_| CaptchaError::Malformed)?;
        if solution.algorithm != ALGORITHM {
            return Err(CaptchaError::Malformed);
        }
        let signature = hex::decode(&solution.signature).map_err(|_| CaptchaError::BadSignature)?;
        // `verify_slice` compares in constant time.
        self.mac(&solution.challenge).verify_slice(&signature).map_err(|_| CaptchaError::BadSignature)?;
        if challenge_hash(&solution.salt, solution.number) != solution.challenge {
            return Err(CaptchaError::WrongSolution);
        }
        let expires_at = expiry(&solution.salt).ok_or(CaptchaError::Malformed)?;
        if now >= expires_at {
            return Err(CaptchaError::Expired);
        }
        if store.spend_captcha(&solution.challenge, expires_at).await? {
            Ok(())
        } else {
            Err(CaptchaError::AlreadyUsed)
        }
    }

    fn mac(&self, challenge: &str) -> Hmac<Sha256> {
        let mut mac = crate::secret::hmac(&self.key);
        mac.update(challenge.as_bytes());
        mac
    }
}

/// The instant in the salt's `expires=<unix seconds>` parameter.
fn expiry(salt: &str) -> Option<DateTime<Utc>> {
    let (_, query) = salt.split_once('?')?;
    let seconds = query
        .split('&')
        .find_map(|pair| pair.strip_prefix(EXPIRES_PARAM)?.strip_prefix('='))?
        .parse()
        .ok()?;
    DateTime::from_timestamp(seconds, 0)
}

#[cfg(test)]
mod tests;
