//! argon2id (DESIGN §5.2) off the async threads and bounded: at most `max_concurrent` hashes run,
//! at most `max_waiting` requests wait for one, and nobody waits longer than `max_wait`. Past that
//! the caller gets [`HashError::Busy`] and answers 503 + `Retry-After` instead of queueing without
//! bound. A request whose hash is its main work (a login) takes its [`Place`] in that line first,
//! before it reads or writes the database: the excess of a burst is refused without touching it.
//!
//! The hashes run on threads of their own, one per slot, at a lower CPU priority (10 nice steps below
//! the threads that answer requests, on Linux): when logins saturate the CPU, pages,
//! `/health` and the 503s of the excess are still answered at once, and argon2 takes every cycle
//! left over (docs/performance.md). Each of those threads keeps its argon2 memory (19 MiB) from one
//! hash to the next instead of allocating it for every login: the resident memory stays at one
//! block per slot.
//!
//! A place and its slot are held until the hash ends, even when the request that asked for it has
//! gone (the client left, or the request deadline fired): a hash already handed to the threads
//! still runs, so the line never holds more work than its places.

use std::{cell::RefCell, sync::Arc, time::Duration};

use argon2::{
    Algorithm, Argon2, Block, Params, PasswordHash, Version,
    password_hash::{self, Output, ParamsString, PasswordHasher as _, Salt, SaltString, rand_core::OsRng},
};
use secrecy::{ExposeSecret as _, SecretString};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

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

/// How many nice steps the hashing threads sit below the process's own priority: below the request
/// threads, but not starved by them (a test reads it back). Linux only: see [`lower_priority`].
#[cfg(target_os = "linux")]
const NICE_STEPS: i32 = 10;

struct Inner {
    argon: Argon2<'static>,
    threads: rayon_core::ThreadPool,
    /// One per hashing thread.
    running: Arc<Semaphore>,
    /// The places in line: the slots and the waiting room.
    waiting: Arc<Semaphore>,
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
        let argon = Argon2::new(ALGORITHM, VERSION, params);
        let slots = settings.slots();
        let threads = rayon_core::ThreadPoolBuilder::new()
            .num_threads(slots)
            .thread_name(|i| format!("argon2-{i}"))
            .start_handler(|_| lower_priority())
            // A panic inside argon2 drops the job's reply channel (an internal error for that
            // request) instead of aborting the process.
            .panic_handler(|_| tracing::error!("a hashing job panicked"))
            .build()
            .map_err(|e| HashError::Internal(e.to_string()))?;
        // Once, on the calling thread: with the crate's own allocation, not a kept block.
        let dummy_hash = argon
            .hash_password(b"clave-dummy-password-for-timing", &SaltString::generate(&mut OsRng))
            .map(|h| h.to_string())
            .map_err(internal)?;
        metrics::gauge!("clave_hashing_slots").set(slots as f64);
        Ok(Self {
            inner: Arc::new(Inner {
                argon,
                threads,
                running: Arc::new(Semaphore::new(slots)),
                waiting: Arc::new(Semaphore::new(settings.max_waiting + slots)),
                max_wait: settings.max_wait,
                dummy_hash,
            }),
        })
    }

    /// Takes a place in line for one hash, at once: [`HashError::Busy`] when every slot is taken
    /// and the waiting room is full.
    pub fn reserve(&self) -> Result<Place, HashError> {
        let permit = self.inner.waiting.clone().try_acquire_owned().map_err(|_| self.inner.busy())?;
        Ok(Place { inner: self.inner.clone(), _permit: permit })
    }

    /// Hashes a secret (password or normalised answer) into a PHC string.
    pub async fn hash(&self, secret: SecretString) -> Result<String, HashError> {
        self.reserve()?.hash(secret).await
    }

    /// Verifies a secret against a stored PHC string. With `None` (unknown account) it verifies
    /// against a dummy hash and returns `false`, taking the same time as a real check.
    pub async fn verify(&self, secret: SecretString, stored: Option<String>) -> Result<bool, HashError> {
        self.reserve()?.verify(secret, stored).await
    }
}

impl Inner {
    fn busy(&self) -> HashError {
        metrics::counter!("clave_hashing_rejected_total").increment(1);
        HashError::Busy { retry_after: Duration::from_secs(1).max(self.max_wait) }
    }
}

/// A place in the hashing line ([`PasswordHasher::reserve`]), spent on one hash; dropped unused,
/// it frees the place.
pub struct Place {
    inner: Arc<Inner>,
    _permit: OwnedSemaphorePermit,
}

impl std::fmt::Debug for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Place").finish_non_exhaustive()
    }
}

impl Place {
    /// [`PasswordHasher::hash`] in this place.
    pub async fn hash(self, secret: SecretString) -> Result<String, HashError> {
        self.run(move |inner| hash_blocking(&inner.argon, secret.expose_secret())).await
    }

    /// [`PasswordHasher::verify`] in this place.
    pub async fn verify(self, secret: SecretString, stored: Option<String>) -> Result<bool, HashError> {
        self.run(move |inner| {
            let phc = stored.as_deref().unwrap_or(&inner.dummy_hash);
            let matches = verify_blocking(secret.expose_secret(), phc)?;
            Ok(stored.is_some() && matches)
        })
        .await
    }

    /// Waits (at most `max_wait`) for a slot, then runs `job` on a hashing thread. The place and
    /// the slot go with the job and are freed when it ends, not when this future is dropped.
    async fn run<T: Send + 'static>(
        self,
        job: impl FnOnce(&Inner) -> Result<T, HashError> + Send + 'static,
    ) -> Result<T, HashError> {
        let slot = {
            let _waiting = InLine::enter();
            tokio::time::timeout(self.inner.max_wait, self.inner.running.clone().acquire_owned()).await
        };
        let slot = slot.map_err(|_| self.inner.busy())?.map_err(|_| self.inner.busy())?;
        let (reply, result) = tokio::sync::oneshot::channel();
        let threads = &self.inner.clone().threads;
        threads.spawn(move || {
            let out = job(&self.inner);
            // Freed before the reply, so that a caller holding the result finds its place free.
            drop((slot, self));
            let _ = reply.send(out);
        });
        result.await.map_err(|_| HashError::Internal("the hashing job ended without a result".into()))?
    }
}

/// One request waiting for a slot, counted in the `clave_hashing_queue` gauge for as long as it
/// waits, however its wait ends.
struct InLine;

impl InLine {
    fn enter() -> Self {
        metrics::gauge!("clave_hashing_queue").increment(1.0);
        Self
    }
}

impl Drop for InLine {
    fn drop(&mut self) {
        metrics::gauge!("clave_hashing_queue").decrement(1.0);
    }
}

/// Makes the calling thread yield the CPU to the request threads: `NICE_STEPS` above the nice
/// value it was started with, at most 19. Linux only, where a nice value is a thread's own (on
/// other systems it would lower the whole process).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    if let Err(e) = rustix::process::nice(NICE_STEPS) {
        tracing::warn!("the hashing threads keep the normal priority: {e}");
    }
}

const ALGORITHM: Algorithm = Algorithm::Argon2id;
const VERSION: Version = Version::V0x13;

thread_local! {
    /// This thread's argon2 memory, kept from one hash to the next. Allocated and freed for every
    /// login, the 19 MiB blocks were spread by the C allocator over its arenas: 500 logins at once
    /// took the server from 37 MiB to 240 MiB resident (docs/performance.md).
    static MEMORY: RefCell<Vec<Block>> = const { RefCell::new(Vec::new()) };
}

/// argon2 of `secret` and `salt` into `out`, on this thread's kept memory (grown when a stored hash
/// asks for more).
fn argon2_into(argon: &Argon2<'_>, secret: &[u8], salt: &[u8], out: &mut [u8]) -> password_hash::Result<()> {
    MEMORY.with_borrow_mut(|blocks| {
        let needed = argon.params().block_count();
        if blocks.len() < needed {
            blocks.resize(needed, Block::default());
        }
        Ok(argon.hash_password_into_with_memory(secret, salt, out, &mut blocks[..needed])?)
    })
}

/// argon2 of `secret` with the PHC salt `salt`, `length` bytes long.
fn argon2_output(
    argon: &Argon2<'_>,
    secret: &str,
    salt: Salt<'_>,
    length: usize,
) -> Result<Output, HashError> {
    let mut salt_bytes = [0_u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes).map_err(internal)?;
    Output::init_with(length, |out| argon2_into(argon, secret.as_bytes(), salt_bytes, out)).map_err(internal)
}

/// A new PHC string (`$argon2id$v=19$m=…`) for `secret`, with a random salt.
fn hash_blocking(argon: &Argon2<'static>, secret: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    let length = argon.params().output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN);
    let hash = argon2_output(argon, secret, salt.as_salt(), length)?;
    let phc = PasswordHash {
        algorithm: ALGORITHM.ident(),
        version: Some(VERSION.into()),
        params: ParamsString::try_from(argon.params()).map_err(internal)?,
        salt: Some(salt.as_salt()),
        hash: Some(hash),
    };
    Ok(phc.to_string())
}

/// Whether `secret` matches the PHC string `phc`, with the parameters `phc` names; the comparison
/// takes the same time wherever the outputs differ.
fn verify_blocking(secret: &str, phc: &str) -> Result<bool, HashError> {
    let parsed = PasswordHash::new(phc).map_err(internal)?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(internal)?;
    let version = parsed.version.map(Version::try_from).transpose().map_err(internal)?.unwrap_or(VERSION);
    let params = Params::try_from(&parsed).map_err(internal)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(HashError::Internal("a stored hash without its salt or its output".into()));
    };
    let argon = Argon2::new(algorithm, version, params);
    let computed = argon2_output(&argon, secret, salt, expected.len())?;
    // `Output`'s equality is constant-time.
    Ok(computed == expected)
}

fn internal(e: impl std::fmt::Display) -> HashError {
    HashError::Internal(e.to_string())
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

    #[tokio::test]
    async fn hashes_made_by_the_argon2_crate_itself_verify_whatever_their_parameters() {
        let hasher = PasswordHasher::new(&HashingSettings::default()).expect("hasher");
        // A smaller and a larger memory than the kept block, and another iteration count.
        for (memory_kib, iterations) in [(256, 1), (19 * 1024, 2), (24 * 1024, 3)] {
            let params = Params::new(memory_kib, iterations, 1, None).expect("params");
            let phc = Argon2::new(ALGORITHM, VERSION, params)
                .hash_password(b"Loja-1548!", &SaltString::generate(&mut OsRng))
                .expect("hash")
                .to_string();
            assert!(
                hasher.verify(SecretString::from("Loja-1548!"), Some(phc.clone())).await.expect("verify")
            );
            assert!(!hasher.verify(SecretString::from("Loja-1548?"), Some(phc)).await.expect("verify"));
        }
    }

    #[tokio::test]
    async fn each_hashing_thread_keeps_its_argon2_memory_between_hashes() {
        let settings = settings(1, 4, Duration::from_secs(5));
        let hasher = PasswordHasher::new(&settings).expect("hasher");
        let phc = hasher.hash(SecretString::from("Tena-1560")).await.expect("hash");
        assert!(hasher.verify(SecretString::from("Tena-1560"), Some(phc)).await.expect("verify"));
        // One slot: the same thread ran both, and still holds one block of 1 KiB per KiB of memory.
        let kept =
            hasher.reserve().expect("place").run(|_| Ok(MEMORY.with_borrow(Vec::len))).await.expect("job");
        assert_eq!(kept, settings.memory_kib as usize);
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_is_an_error_not_a_match() {
        let hasher = PasswordHasher::new(&HashingSettings::default()).expect("hasher");
        let phc = hasher.hash(SecretString::from("Ibarra-1606")).await.expect("hash");
        let without_output = phc.rsplit_once('$').expect("output").0.to_owned();
        assert!(hasher.verify(SecretString::from("Ibarra-1606"), Some(without_output)).await.is_err());
    }

    #[tokio::test]
    async fn places_are_taken_at_once_and_a_place_dropped_unused_is_free_again() {
        let hasher = PasswordHasher::new(&settings(1, 1, Duration::from_secs(5))).expect("hasher");
        let first = hasher.reserve().expect("the slot");
        let second = hasher.reserve().expect("the waiting room");
        // Every place is taken although nothing is hashing yet: the next caller is turned away
        // before doing anything else.
        assert!(matches!(hasher.reserve(), Err(HashError::Busy { .. })));
        assert!(matches!(hasher.hash(SecretString::from("Manta-1922")).await, Err(HashError::Busy { .. })));
        drop(second);
        let phc = hasher.reserve().expect("the freed place").hash(SecretString::from("Manta-1922")).await;
        assert!(
            first.verify(SecretString::from("Manta-1922"), Some(phc.expect("hash"))).await.expect("verify")
        );
        assert!(hasher.reserve().is_ok(), "places spent on a hash are free again");
    }

    /// The nice value of the calling thread (Linux), from `/proc/thread-self/stat`.
    #[cfg(target_os = "linux")]
    fn own_niceness() -> i32 {
        let stat = std::fs::read_to_string("/proc/thread-self/stat").expect("stat");
        // The fields after the command name, which is in parentheses and may hold spaces.
        let fields: Vec<&str> = stat.rsplit_once(')').expect("comm").1.split_whitespace().collect();
        fields[16].parse().expect("nice") // field 19 of proc(5), the 17th after the name
    }

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashes_run_ten_nice_steps_below_the_request_threads() {
        let hasher = PasswordHasher::new(&settings(2, 4, Duration::from_secs(5))).expect("hasher");
        let requests = own_niceness();
        let hashing = hasher.reserve().expect("place").run(|_| Ok(own_niceness())).await.expect("job");
        // Relative to the process's own priority, whatever it was started at (19 is the floor).
        assert_eq!(hashing, (requests + 10).min(19), "requests at nice {requests}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_that_goes_away_keeps_its_place_until_its_hash_ends() {
        // One slot and one place in the waiting room.
        let hasher = PasswordHasher::new(&settings(1, 1, Duration::from_secs(30))).expect("hasher");
        // The slot is free, so the first poll hands the hash to the threads; then the request is
        // dropped (its client left) long before the hash can end.
        let gone = tokio::time::timeout(Duration::ZERO, hasher.hash(SecretString::from("Riobamba-1534")));
        assert!(gone.await.is_err(), "the request was dropped mid-hash");
        // Its hash still runs: it still holds its place and its slot, so only the waiting room is
        // left.
        assert_eq!(hasher.inner.running.available_permits(), 0, "the dropped request's slot is held");
        let waiting = hasher.reserve().expect("the waiting room");
        assert!(
            matches!(hasher.reserve(), Err(HashError::Busy { .. })),
            "a dropped request's hash must keep its place, or the line grows past its places"
        );
        // The waiting request gets the slot when the dropped one's hash ends, and then every
        // place is free again.
        waiting.hash(SecretString::from("Riobamba-1534")).await.expect("hash after the slot is freed");
        let (first, second) = (hasher.reserve(), hasher.reserve());
        assert!(first.is_ok() && second.is_ok(), "both places are free once every hash has ended");
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
