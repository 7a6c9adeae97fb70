//! The release server under test: started on a fresh SQLite database (its migrations and the demo
//! registry run at start), stopped when dropped.

use std::{
    net::TcpListener,
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};

/// A running server.
pub struct Server {
    child: Child,
    pub base_url: String,
    pub database_url: String,
}

/// The settings the benchmark gives the server on top of its defaults. Every load comes from
/// 127.0.0.1 and logs in as the same person: the rate limits and the lock, proved by the HTTP and
/// service tests, are raised so that they never decide a figure (the hashing slots and their
/// waiting room must). Without the raised lock, the known number with a wrong clave would be
/// locked after its fifth try and the rest of its load would skip the failure's writes. The demo
/// registry holds the person who logs in.
const RAISED_LIMITS: [(&str, &str); 6] = [
    ("CLAVE_RATE_LIMITS__PER_IP__REQUESTS", "100000000"),
    ("CLAVE_RATE_LIMITS__PER_IP__WINDOW", "1m"),
    ("CLAVE_RATE_LIMITS__PER_IDENTIFICATION__REQUESTS", "100000000"),
    ("CLAVE_RATE_LIMITS__PER_IDENTIFICATION__WINDOW", "1m"),
    ("CLAVE_LOGIN__MAX_FAILURES", "4294967295"),
    ("CLAVE_SERVER__SEED_DEMO", "true"),
];

impl Server {
    /// Starts `binary` on `port` with a new database in `dir`; returns it with the time from the
    /// start of the process to its first answer of `/health`.
    ///
    /// The port must be free: a server left running on it would answer in this one's place and be
    /// measured instead. It is checked before the start (bound, then let go), and the new process
    /// must still be running when the first answer comes.
    pub fn start(binary: &Path, site: &Path, dir: &Path, port: u16) -> anyhow::Result<(Self, Duration)> {
        drop(TcpListener::bind(("127.0.0.1", port)).with_context(|| {
            format!(
                "port {port} is not free (a server left running?): stop what holds it, or choose \
                 another with --port"
            )
        })?);
        let base_url = format!("http://127.0.0.1:{port}");
        let database_url = format!("sqlite://{}", dir.join("clave.db").display());
        let started = Instant::now();
        let child = Command::new(binary)
            .env("CLAVE_DATABASE__URL", &database_url)
            .env("CLAVE_SERVER__LISTEN", format!("127.0.0.1:{port}"))
            .env("CLAVE_SERVER__BASE_URL", &base_url)
            .env("CLAVE_SERVER__LOG_FILTER", "error")
            .env("LEPTOS_SITE_ROOT", site)
            .envs(RAISED_LIMITS)
            // The PostgreSQL of the write-path figure is not this server's database.
            .env_remove(clave_backend::testing::POSTGRES_URL)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("could not start {}", binary.display()))?;
        let mut server = Self { child, base_url, database_url };
        let health = format!("{}/health", server.base_url);
        loop {
            let answered = ureq::get(&health).call().is_ok();
            // Checked before an answer is taken: one given while this process had already stopped
            // came from another server.
            if let Some(status) = server.child.try_wait()? {
                bail!("the server stopped before answering: {status}");
            }
            if answered {
                return Ok((server, started.elapsed()));
            }
            if started.elapsed() > Duration::from_secs(30) {
                bail!("the server did not answer {health} within 30 s");
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Starts counting the peak memory (`VmHWM`) afresh, from the memory now (proc(5),
    /// `clear_refs`).
    pub fn reset_peak_memory(&self) -> anyhow::Result<()> {
        std::fs::write(format!("/proc/{}/clear_refs", self.child.id()), "5").context("resetting VmHWM")
    }

    /// The server's memory now (`VmRSS`) and at its peak so far (`VmHWM`), in bytes.
    pub fn memory(&self) -> anyhow::Result<Memory> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .context("reading the server's /proc status")?;
        let field = |name: &str| -> anyhow::Result<u64> {
            let line = status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .with_context(|| format!("{name} missing from /proc status"))?;
            let kib: u64 = line.trim().trim_end_matches("kB").trim().parse()?;
            Ok(kib * 1024)
        };
        Ok(Memory { resident: field("VmRSS:")?, peak: field("VmHWM:")? })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Resident memory, in bytes.
#[derive(Debug, Clone, Copy)]
pub struct Memory {
    pub resident: u64,
    pub peak: u64,
}
