//! The shared half of the proof-of-work captcha "No soy un robot" (ALTCHA protocol, DESIGN §5.6).
//!
//! The server picks a secret `number` in `0..=maxnumber` and sends
//! `challenge = hex(SHA-256(salt + number))` with an HMAC `signature` of it. The browser finds
//! `number` by trying every candidate ([`Solver`]) and submits a [`Solution`] as base64 JSON. Only
//! the server can sign, so this module holds nothing secret: the types, the hash and the search.

use base64::{Engine as _, engine::general_purpose::STANDARD};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// The only hash algorithm issued and accepted, spelt as ALTCHA spells it.
pub const ALGORITHM: &str = "SHA-256";

/// The longest base64 payload accepted. A genuine one is about 350 characters; the bound keeps
/// junk from costing more than a glance.
pub const MAX_PAYLOAD_LEN: usize = 1024;

/// What the server sends to the browser (the ALTCHA challenge JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Challenge {
    /// Always [`ALGORITHM`].
    pub algorithm: String,
    /// `hex(SHA-256(salt + number))`, lower case.
    pub challenge: String,
    /// The largest candidate the browser has to try.
    pub maxnumber: u64,
    /// Random hex with `?expires=<unix seconds>` appended; being hashed, the expiry is signed too.
    pub salt: String,
    /// `hex(HMAC-SHA-256(server key, challenge))`.
    pub signature: String,
}

/// What the browser submits: the challenge fields it received plus the `number` it found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Solution {
    pub algorithm: String,
    pub challenge: String,
    pub number: u64,
    pub salt: String,
    pub signature: String,
}

/// Why a submitted payload is not even a [`Solution`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PayloadError {
    #[error("the captcha payload is longer than {MAX_PAYLOAD_LEN} characters")]
    TooLong,
    #[error("the captcha payload is not base64")]
    NotBase64,
    #[error("the captcha payload is not the expected JSON")]
    NotJson,
}

impl Solution {
    /// The answer to `challenge`, echoing its fields back as the protocol requires.
    pub fn new(challenge: &Challenge, number: u64) -> Self {
        Self {
            algorithm: challenge.algorithm.clone(),
            challenge: challenge.challenge.clone(),
            number,
            salt: challenge.salt.clone(),
            signature: challenge.signature.clone(),
        }
    }

    /// The form-field value: standard base64 of the JSON, as the ALTCHA widget sends it.
    pub fn to_base64(&self) -> String {
        // Serialising plain strings and an integer cannot fail.
        let json = serde_json::to_vec(self).unwrap_or_default();
        STANDARD.encode(json)
    }

    /// Parses a form-field value. Anything odd is an error, never a panic.
    pub fn from_base64(payload: &str) -> Result<Self, PayloadError> {
        let payload = payload.trim();
        if payload.len() > MAX_PAYLOAD_LEN {
            return Err(PayloadError::TooLong);
        }
        let json = STANDARD.decode(payload).map_err(|_| PayloadError::NotBase64)?;
        serde_json::from_slice(&json).map_err(|_| PayloadError::NotJson)
    }
}

/// `hex(SHA-256(salt + number))`, lower case: how a challenge is made from its secret number.
pub fn challenge_hash(salt: &str, number: u64) -> String {
    let mut digits = [0u8; 20];
    let digest =
        Sha256::new().chain_update(salt.as_bytes()).chain_update(decimal(number, &mut digits)).finalize();
    to_hex(&digest)
}

/// Finds the number behind `challenge` by trying `0..=maxnumber`; `None` when none matches.
/// Blocks until done: the browser uses [`Solver`] instead, to stay responsive.
pub fn solve(challenge: &str, salt: &str, maxnumber: u64) -> Option<u64> {
    let mut solver = Solver::new(challenge, salt, maxnumber);
    loop {
        match solver.step(u64::MAX) {
            Progress::Found(number) => return Some(number),
            Progress::NotFound => return None,
            Progress::Searching => {}
        }
    }
}

/// Where a [`Solver`] stands after a [`Solver::step`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// The number behind the challenge.
    Found(u64),
    /// The budget ran out first; call `step` again.
    Searching,
    /// Every candidate was tried (or the challenge is not a SHA-256 hex digest).
    NotFound,
}

/// A resumable search: each [`step`](Self::step) tries at most `budget` candidates, so the browser
/// can give the page back to the user between steps on a slow phone.
#[derive(Debug, Clone)]
pub struct Solver {
    /// The hash state after the salt, cloned per candidate instead of rehashing the salt.
    salted: Sha256,
    target: Option<[u8; 32]>,
    next: u64,
    maxnumber: u64,
    finished: bool,
}

impl Solver {
    pub fn new(challenge: &str, salt: &str, maxnumber: u64) -> Self {
        let target = from_hex_32(challenge);
        Self {
            salted: Sha256::new().chain_update(salt.as_bytes()),
            finished: target.is_none(),
            target,
            next: 0,
            maxnumber,
        }
    }

    /// A solver for everything the server sent.
    pub fn for_challenge(challenge: &Challenge) -> Self {
        Self::new(&challenge.challenge, &challenge.salt, challenge.maxnumber)
    }

    /// Tries up to `budget` more candidates.
    pub fn step(&mut self, budget: u64) -> Progress {
        let Some(target) = self.target.filter(|_| !self.finished) else {
            return Progress::NotFound;
        };
        let mut digits = [0u8; 20];
        for _ in 0..budget {
            let number = self.next;
            let digest = self.salted.clone().chain_update(decimal(number, &mut digits)).finalize();
            if number == self.maxnumber {
                self.finished = true;
            } else {
                self.next += 1;
            }
            if digest.as_slice() == target {
                self.finished = true;
                return Progress::Found(number);
            }
            if self.finished {
                return Progress::NotFound;
            }
        }
        Progress::Searching
    }

    /// How many candidates have been tried, for a progress indication.
    pub fn tried(&self) -> u64 {
        if self.finished { self.next.saturating_add(1) } else { self.next }
    }
}

/// `number` in ASCII decimal, written into `buf` without allocating (this runs per candidate).
fn decimal(mut number: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut start = buf.len();
    loop {
        start -= 1;
        buf[start] = b'0' + (number % 10) as u8;
        number /= 10;
        if number == 0 {
            return &buf[start..];
        }
    }
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

fn from_hex_32(hex: &str) -> Option<[u8; 32]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            b'A'..=b'F' => Some(c - b'A' + 10),
            _ => None,
        }
    }
    let hex = hex.as_bytes();
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const SALT: &str = "0123456789abcdef01234567?expires=1790000000";

    fn challenge(number: u64, maxnumber: u64) -> Challenge {
        Challenge {
            algorithm: ALGORITHM.into(),
            challenge: challenge_hash(SALT, number),
            maxnumber,
            salt: SALT.into(),
            signature: "00".repeat(32),
        }
    }

    #[test]
    fn the_challenge_hash_is_sha256_of_salt_then_decimal_number() {
        // The FIPS 180-2 vector pins the digest; the first assertion pins the concatenation.
        let direct = to_hex(&Sha256::digest(b"salt?expires=1700000000123450"));
        assert_eq!(challenge_hash("salt?expires=1700000000", 123_450), direct);
        assert_eq!(
            to_hex(&Sha256::digest(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn decimal_writes_every_digit() {
        let mut buf = [0u8; 20];
        assert_eq!(decimal(0, &mut buf), b"0");
        assert_eq!(decimal(1_000_000, &mut buf), b"1000000");
        assert_eq!(decimal(u64::MAX, &mut buf), u64::MAX.to_string().as_bytes());
    }

    #[test]
    fn solve_finds_the_number_including_both_ends_of_the_range() {
        for number in [0, 1, 4_321, 5_000] {
            let c = challenge(number, 5_000);
            assert_eq!(solve(&c.challenge, &c.salt, c.maxnumber), Some(number));
        }
    }

    #[test]
    fn solve_gives_up_past_maxnumber_and_on_a_challenge_that_is_not_a_digest() {
        let c = challenge(101, 100);
        assert_eq!(solve(&c.challenge, &c.salt, c.maxnumber), None);
        assert_eq!(solve("not hex", SALT, 100), None);
        assert_eq!(solve(&"zz".repeat(32), SALT, 100), None);
    }

    #[test]
    fn the_search_can_pause_and_resume_without_skipping_a_candidate() {
        let c = challenge(997, 2_000);
        let mut solver = Solver::for_challenge(&c);
        let mut steps = 0;
        let found = loop {
            steps += 1;
            match solver.step(100) {
                Progress::Searching => assert_eq!(solver.tried(), steps * 100),
                other => break other,
            }
        };
        assert_eq!(found, Progress::Found(997));
        assert_eq!(steps, 10);
        assert_eq!(solver.step(100), Progress::NotFound, "a finished search stays finished");
    }

    #[test]
    fn the_search_covers_maxnumber_u64_max_without_overflowing() {
        let mut solver = Solver::new(&challenge(3, u64::MAX).challenge, SALT, u64::MAX);
        assert_eq!(solver.step(10), Progress::Found(3));
        let mut at_the_top = Solver::new(&"00".repeat(32), SALT, 0);
        assert_eq!(at_the_top.step(10), Progress::NotFound);
        assert_eq!(at_the_top.tried(), 1);
    }

    #[test]
    fn a_solution_round_trips_through_base64_and_echoes_the_challenge() {
        let c = challenge(42, 100);
        let s = Solution::new(&c, 42);
        let back = Solution::from_base64(&s.to_base64()).expect("parses");
        assert_eq!(back, s);
        assert_eq!((back.challenge, back.salt, back.signature), (c.challenge, c.salt, c.signature));
    }

    #[test]
    fn the_payload_is_the_json_the_altcha_widget_sends() {
        let s = Solution::new(&challenge(7, 10), 7);
        let json = STANDARD.decode(s.to_base64()).expect("base64");
        let value: serde_json::Value = serde_json::from_slice(&json).expect("json");
        for key in ["algorithm", "challenge", "number", "salt", "signature"] {
            assert!(value.get(key).is_some(), "{key}");
        }
        assert_eq!(value["algorithm"], "SHA-256");
        assert_eq!(value["number"], 7);
    }

    #[test]
    fn junk_payloads_are_errors_not_panics() {
        assert_eq!(Solution::from_base64(""), Err(PayloadError::NotJson));
        assert_eq!(Solution::from_base64("%%%"), Err(PayloadError::NotBase64));
        assert_eq!(Solution::from_base64(&"A".repeat(MAX_PAYLOAD_LEN + 1)), Err(PayloadError::TooLong));
        assert_eq!(Solution::from_base64(&STANDARD.encode("[1,2]")), Err(PayloadError::NotJson));
        let negative = r#"{"algorithm":"SHA-256","challenge":"","number":-1,"salt":"","signature":""}"#;
        assert_eq!(Solution::from_base64(&STANDARD.encode(negative)), Err(PayloadError::NotJson));
    }

    proptest! {
        #[test]
        fn solve_recovers_the_number_a_challenge_was_made_from(
            maxnumber in 0u64..3_000,
            pick in any::<u64>(),
            salt in "[0-9a-f]{0,24}(\\?expires=[0-9]{10})?",
        ) {
            let number = pick % (maxnumber + 1);
            let challenge = challenge_hash(&salt, number);
            prop_assert_eq!(solve(&challenge, &salt, maxnumber), Some(number));
        }

        #[test]
        fn from_base64_never_panics(input in ".{0,1100}") {
            let _ = Solution::from_base64(&input);
        }
    }
}
