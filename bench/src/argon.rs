//! The ceiling of the login: argon2id verifications per second with the server's own parameters,
//! on as many threads as the server has hashing slots, with nothing else around them.
//!
//! Each thread verifies the way the server's hashing threads do (`backend/src/hashing.rs`): it
//! parses the stored PHC string, computes argon2id of the password with that string's salt into
//! argon2 memory it keeps from one verification to the next, and compares the result with the
//! stored output. Allocating the 19 MiB for every verification instead would make this baseline
//! slower than the server's real ceiling and flatter the "logins ÷ raw argon2id" ratio.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use anyhow::ensure;
use argon2::{
    Algorithm, Argon2, Block, Params, PasswordHash, PasswordHasher as _, Version,
    password_hash::{Output, SaltString, rand_core::OsRng},
};
use clave_backend::config::HashingSettings;

/// Verifies `password` against its own hash on `threads` threads for `length`; verifications per
/// second.
pub fn verifications_per_second(
    settings: &HashingSettings,
    threads: usize,
    password: &str,
    length: Duration,
) -> anyhow::Result<f64> {
    let params = Params::new(settings.memory_kib, settings.iterations, settings.parallelism, None)
        .map_err(|e| anyhow::anyhow!("argon2 parameters: {e}"))?;
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let phc = argon
        .hash_password(password.as_bytes(), &SaltString::generate(&mut OsRng))
        .map_err(|e| anyhow::anyhow!("argon2: {e}"))?
        .to_string();
    let done = AtomicU64::new(0);
    let start = Instant::now();
    let failures = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    // This thread's argon2 memory, as each hashing thread of the server keeps one.
                    let mut memory = vec![Block::default(); argon.params().block_count()];
                    let mut failures = 0_u64;
                    while start.elapsed() < length {
                        if verifies(&argon, &mut memory, password, &phc) {
                            done.fetch_add(1, Ordering::Relaxed);
                        } else {
                            failures += 1;
                        }
                    }
                    failures
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap_or(1)).sum::<u64>()
    });
    let elapsed = start.elapsed().as_secs_f64();
    ensure!(failures == 0, "{failures} verifications of the right password failed");
    let done = done.into_inner();
    ensure!(done > 0, "no verification finished in {length:?}");
    Ok(done as f64 / elapsed)
}

/// Whether `password` matches the PHC string `phc`, checked as the server checks a login: the
/// string parsed (as the server parses the stored hash of each login), argon2id of the password
/// with its salt computed into `memory`, and the output compared with the stored one (`Output`'s
/// equality takes the same time wherever they differ).
fn verifies(argon: &Argon2<'_>, memory: &mut [Block], password: &str, phc: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else { return false };
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else { return false };
    let mut salt_bytes = [0_u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return false };
    Output::init_with(expected.len(), |out| {
        Ok(argon.hash_password_into_with_memory(password.as_bytes(), salt, out, &mut *memory)?)
    })
    .is_ok_and(|computed| computed == expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kept_memory_verifies_the_right_password_only() {
        let params = Params::new(64, 1, 1, None).expect("parameters");
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let phc =
            argon.hash_password(b"Quito-2026!", &SaltString::generate(&mut OsRng)).expect("hash").to_string();
        let mut memory = vec![Block::default(); argon.params().block_count()];
        // Twice on the same memory: what the first verification left in it changes nothing.
        assert!(verifies(&argon, &mut memory, "Quito-2026!", &phc));
        assert!(verifies(&argon, &mut memory, "Quito-2026!", &phc));
        assert!(!verifies(&argon, &mut memory, "quito-2026!", &phc));
        assert!(!verifies(&argon, &mut memory, "Quito-2026!", "not a PHC string"));
    }
}
