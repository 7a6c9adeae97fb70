//! argon2id (DESIGN §5.2) off the async threads and bounded: at most `max_concurrent` hashes run
//! on the blocking pool, at most `max_waiting` requests wait for one, and nobody waits longer
//! than `max_wait`. Past that the caller gets [`HashError::Busy`] and answers 503 + `Retry-After`
//! instead of queueing without bound.

use std::{sync::Arc, time::Duration};

use argon2::{
    Algorithm, Argon2, Params, PasswordHash, PasswordVerifier as _, Version,
    password_hash::{PasswordHasher as _, SaltString, rand_core::OsRng},
};
use secrecy::{ExposeSecret as _, SecretString};
use tokio::sync::Semaphore;

use crate::config::HashingSettings;

/// Why a hash could not be computed.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    /// Every slot is taken and the waiting room is full: try again after `retry_after`.
    #[error("el servicio está ocupado; intente de nuevo en unos segundos")]
    Busy { retry_after: Duration },
    #[error("error interno al procesar la clave")]
    Internal(String),
}

/// The bounded argon2id hasher. Cheap to clone.
#[derive(Clone)]
pub struct PasswordHasher {
    inner: Arc<Inner>,
}

struct Inner {
    argon: Argon2<'static>,
    running: Semaphore,
    waiting: Semaphore,
    max_wait: Duration,
    /// Verified for unknown accounts so they cost the same time as known ones.
    dummy_hash: String,
}

impl std::fmt::Debug for PasswordHasher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordHasher").field("params", self.inner.argon.params()).finish_non_exhaustive()
    }
}

impl PasswordHasher {
    /// Builds the hasher; computes one dummy hash (a few milliseconds).
    pub fn new(settings: &HashingSettings) -> Result<Self, HashError> {
        let params = Params::new(settings.memory_kib, settings.iterations, settings.parallelism, None)
            .map_err(|e| HashError::Internal(e.to_string()))?;
        let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let slots = match settings.max_concurrent {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        };
        let dummy_hash = hash_blocking(&argon, "clave-dummy-password-for-timing")?;
        metrics::gauge!("clave_hashing_slots").set(slots as f64);
        Ok(Self {
            inner: Arc::new(Inner {
                argon,
                running: Semaphore::new(slots),
                waiting: Semaphore::new(settings.max_waiting + slots),
                max_wait: settings.max_wait,
                dummy_hash,
            }),
        })
    }

    /// Hashes a secret (password or normalised answer) into a PHC string.
    pub async fn hash(&self, secret: SecretString) -> Result<String, HashError> {
        self.run(move |argon| hash_blocking(argon, secret.expose_secret())).await
    }

    /// Verifies a secret against a stored PHC string. With `None` (unknown account) it verifies
    /// against a dummy hash and returns `false`, taking the same time as a real check.
    pub async fn verify(&self, secret: SecretString, stored: Option<String>) -> Result<bool, HashError> {
        let dummy = self.inner.dummy_hash.clone();
        self.run(move |argon| {
            let known = stored.is_some();
            let phc = stored.unwrap_or(dummy);
            let parsed = PasswordHash::new(&phc).map_err(|e| HashError::Internal(e.to_string()))?;
            let matches = argon.verify_password(secret.expose_secret().as_bytes(), &parsed).is_ok();
            Ok(known && matches)
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        job: impl FnOnce(&Argon2<'static>) -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let busy = || {
            metrics::counter!("clave_hashing_rejected_total").increment(1);
            HashError::Busy { retry_after: Duration::from_secs(1).max(self.inner.max_wait) }
        };
        let _place_in_line = self.inner.waiting.try_acquire().map_err(|_| busy())?;
        metrics::gauge!("clave_hashing_queue").increment(1.0);
        let slot = tokio::time::timeout(self.inner.max_wait, self.inner.running.acquire()).await;
        metrics::gauge!("clave_hashing_queue").decrement(1.0);
        let _slot = slot.map_err(|_| busy())?.map_err(|_| busy())?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || job(&inner.argon))
            .await
            .map_err(|e| HashError::Internal(e.to_string()))?
    }
}

fn hash_blocking(argon: &Argon2<'static>, secret: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    argon
        .hash_password(secret.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError::Internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(max_concurrent: usize, max_waiting: usize, max_wait: Duration) -> HashingSettings {
        HashingSettings { max_concurrent, max_waiting, max_wait, ..HashingSettings::default() }
    }

    #[tokio::test]
    async fn a_hash_verifies_its_own_secret_only_and_uses_owasp_parameters() {
        let hasher = PasswordHasher::new(&HashingSettings::default()).expect("hasher");
        let phc = hasher.hash(SecretString::from("Quito-2026!")).await.expect("hash");
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(hasher.verify(SecretString::from("Quito-2026!"), Some(phc.clone())).await.expect("verify"));
        assert!(!hasher.verify(SecretString::from("quito-2026!"), Some(phc)).await.expect("verify"));
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies_even_with_the_dummy_password() {
        let hasher = PasswordHasher::new(&HashingSettings::default()).expect("hasher");
        let ok = hasher.verify(SecretString::from("clave-dummy-password-for-timing"), None).await;
        assert!(!ok.expect("verify"));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn requests_past_the_waiting_room_are_turned_away_not_queued() {
        let hasher = PasswordHasher::new(&settings(1, 2, Duration::from_secs(30))).expect("hasher");
        let jobs: Vec<_> = (0..12)
            .map(|_| {
                let h = hasher.clone();
                tokio::spawn(async move { h.hash(SecretString::from("Guayaquil#1820")).await })
            })
            .collect();
        let mut done = 0;
        let mut busy = 0;
        for j in jobs {
            match j.await.expect("join") {
                Ok(_) => done += 1,
                Err(HashError::Busy { .. }) => busy += 1,
                Err(e) => panic!("{e}"),
            }
        }
        // One running + two waiting get through; the other nine are refused at once.
        assert_eq!((done, busy), (3, 9));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn nobody_waits_longer_than_the_limit() {
        let hasher = PasswordHasher::new(&settings(1, 50, Duration::from_millis(1))).expect("hasher");
        let jobs: Vec<_> = (0..6)
            .map(|_| {
                let h = hasher.clone();
                tokio::spawn(async move { h.hash(SecretString::from("Cuenca$2026")).await })
            })
            .collect();
        let mut busy = 0;
        for j in jobs {
            if matches!(j.await.expect("join"), Err(HashError::Busy { .. })) {
                busy += 1;
            }
        }
        assert!(busy >= 1, "a 1 ms wait limit must turn some of six 15 ms hashes away");
    }
}
