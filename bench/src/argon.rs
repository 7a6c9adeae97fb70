//! The ceiling of the login: argon2id verifications per second with the server's own parameters,
//! on as many threads as the server has hashing slots, with nothing else around them.

use std::{
    sync::atomic::{AtomicU64, Ordering},
    time::{Duration, Instant},
};

use anyhow::ensure;
use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordHasher as _, PasswordVerifier as _, Version,
    password_hash::{SaltString, rand_core::OsRng},
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
                    let mut failures = 0_u64;
                    while start.elapsed() < length {
                        // Parsed each time, as the server parses the stored hash of each login.
                        let verified = PasswordHash::new(&phc)
                            .is_ok_and(|parsed| argon.verify_password(password.as_bytes(), &parsed).is_ok());
                        if verified {
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
