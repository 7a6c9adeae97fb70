//! `clave-bench`, run by `make bench`: every performance figure of `docs/performance.md`, measured
//! side by side in one run on this machine, printed against its goal and written to
//! `target/bench/report.md`. It exits with 0 when every goal is met, 1 when a goal is missed, and
//! 2 when a figure could not be measured: a prerequisite is missing (such as the PostgreSQL server,
//! the free port or the tools), or something failed on the way.
//!
//! It drives the release server (`target/release/server`, built by `make build`) on a fresh SQLite
//! database with `oha`, reads its memory from `/proc`, measures raw argon2id and the failed-login
//! write path in this process, and audits the public pages with Lighthouse. The PostgreSQL figure
//! needs `CLAVE_TEST_POSTGRES_URL` (`make bench` runs it through `scripts/with-postgres.sh`):
//! without it, the run does not start.

mod argon;
mod counter;
mod lighthouse;
mod load;
mod report;
mod server;

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    sync::Barrier,
    time::Duration,
};

use anyhow::{Context as _, bail, ensure};
use clap::Parser;
use clave_backend::{
    clock::{Clock as _, SystemClock},
    config::Settings,
    hashing::PasswordHasher,
    store::{self, Store},
    testing,
};
use clave_domain::{Identification, audit::EventKind};
use secrecy::SecretString;

use crate::{
    load::{Load, LoginForm},
    report::Report,
    server::Server,
};

/// The exit status, as `--help` gives it.
const EXIT_STATUS: &str = "Exit status: 0 when every goal is met, 1 when a goal is missed, 2 when a \
figure could not be measured (a missing prerequisite such as CLAVE_TEST_POSTGRES_URL, a taken port \
or a missing tool, or any other error on the way).";

/// The exit status when every figure was measured and a goal is missed.
const GOAL_MISSED: u8 = 1;
/// The exit status when a figure could not be measured.
const NOT_MEASURED: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    about = "Measures Clave's performance figures against their goals (docs/performance.md).",
    after_help = EXIT_STATUS
)]
struct Args {
    /// The release server.
    #[arg(long, default_value = "target/release/server")]
    server: PathBuf,
    /// The built site it serves.
    #[arg(long, default_value = "target/site")]
    site: PathBuf,
    /// Where the databases, the tools' raw output and the report go. Emptied first, if it is a
    /// folder the benchmark made (one that holds a `report.md`); any other folder that is not
    /// empty is refused.
    #[arg(long, default_value = "target/bench")]
    out: PathBuf,
    /// The length of each throughput measurement.
    #[arg(long, default_value = "15s", value_parser = humantime::parse_duration)]
    phase: Duration,
    /// The port of the server under test.
    #[arg(long, default_value_t = 3300)]
    port: u16,
    /// Lighthouse's command.
    #[arg(long, default_value = "bench/node_modules/.bin/lighthouse")]
    lighthouse: PathBuf,
    /// The Chromium Lighthouse drives.
    #[arg(long, default_value = "/usr/bin/chromium")]
    chromium: PathBuf,
}

/// The demo person who logs in (README), the clave the benchmark gives them, a wrong one, and a
/// valid number nobody in the registry has.
const PERSON: &str = "1701234567";
const CLAVE: &str = "Quito-2026!";
const WRONG_CLAVE: &str = "Guayaquil-1820?";
const UNKNOWN: &str = "1710034065";

/// The page measured alongside `/health` during the login flood.
const PAGE: &str = "/ingresar";

/// The report's file in `--out`.
const REPORT: &str = "report.md";

/// The file that marks `--out` as the benchmark's own folder, which it may empty.
const MARKER: &str = ".clave-bench";

fn main() -> ExitCode {
    let args = Args::parse();
    // A panic (the testing helpers panic when a database refuses them) is a figure that could not
    // be measured, as an error is; its message is already printed.
    let Ok(outcome) = std::panic::catch_unwind(|| run(&args)) else {
        return ExitCode::from(NOT_MEASURED);
    };
    let written = outcome.and_then(|report| {
        let text = report.to_markdown();
        println!("\n{text}");
        std::fs::write(args.out.join(REPORT), &text).context("writing the report")?;
        Ok(report)
    });
    match written {
        Ok(report) if report.all_met() => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(GOAL_MISSED),
        Err(e) => {
            eprintln!("clave-bench: {e:#}");
            ExitCode::from(NOT_MEASURED)
        }
    }
}

fn run(args: &Args) -> anyhow::Result<Report> {
    // Every prerequisite is checked before the first measurement, not minutes into the run.
    counter::postgres_named()?;
    // The server reads the same configuration (clave.toml, CLAVE_*): the same argon2 parameters and
    // the same number of hashing slots.
    let settings = Settings::load()?;
    let slots = settings.hashing.slots();
    prepare_out(&args.out)?;
    let out = std::fs::canonicalize(&args.out)?;
    let raw = |name: &str| out.join(name);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let mut report = Report::new(slots, &settings.hashing);

    step("starting the server on a new SQLite database");
    let (server, first_answer) = Server::start(&args.server, &args.site, &out, args.port)?;
    report.start_time(first_answer);
    let base = server.base_url.clone();
    // The server's database, opened beside it (SQLite in WAL mode takes readers and a writer).
    let database = runtime.block_on(store::connect(&server.database_url, 2))?;
    let affiliate = runtime.block_on(give_clave(&*database, &settings))?;
    ensure!(logs_in(&base)?, "the benchmark's login was refused: the figures would be meaningless");

    step("idle: memory and latency of a page and /health");
    Load::get(format!("{base}{PAGE}")).requests(100).connections(2).run(&raw("warm-up.json"))?;
    let idle_memory = server.memory()?;
    let (idle_page, idle_health) = probe_page_and_health(&base, args.phase, &out, "idle")?;

    step(&format!("raw argon2id on {slots} threads"));
    let verify_rate = argon::verifications_per_second(&settings.hashing, slots, CLAVE, args.phase)?;

    step("logins with the right clave");
    let logins = login_throughput(
        &runtime,
        &*database,
        &server.base_url,
        affiliate,
        2 * slots,
        args.phase,
        &raw("login.json"),
    )?;
    report.login_throughput(logins, verify_rate);

    step("a page and /health during a login flood at twice the capacity");
    let flood = Load::login(&base, PERSON, CLAVE)
        .connections(128)
        .per_second(2.0 * verify_rate)
        .during(args.phase + Duration::from_secs(4));
    let (flooded, probes) = std::thread::scope(|scope| {
        let flooded = scope.spawn(|| flood.run(&raw("flood.json")));
        std::thread::sleep(Duration::from_secs(2));
        let probes = probe_page_and_health(&base, args.phase, &out, "flood");
        (flooded.join(), probes)
    });
    let flooded = flooded.map_err(|_| anyhow::anyhow!("the flood panicked"))??;
    let (flood_page, flood_health) = probes?;
    report.flood(&flooded, (idle_page, flood_page), (idle_health, flood_health))?;

    step("500 logins at once");
    let lifetime_peak = server.memory()?.peak;
    server.reset_peak_memory()?;
    let burst = Load::login(&base, PERSON, CLAVE).connections(500).requests(500).run(&raw("burst.json"))?;
    let burst_peak = server.memory()?.peak;
    let retry_after = busy_replies_have_retry_after(&base, slots + settings.hashing.max_waiting)?;
    report.burst(&burst, retry_after, idle_memory.resident, burst_peak, lifetime_peak.max(burst_peak))?;

    step("refusals: unknown number and wrong clave");
    let unknown = Load::login(&base, UNKNOWN, WRONG_CLAVE).requests(40).run(&raw("unknown.json"))?;
    let known = Load::login(&base, PERSON, WRONG_CLAVE).requests(40).run(&raw("known.json"))?;
    report.refusals(unknown.latency("p50")?, known.latency("p50")?);

    for database in [counter::Database::Sqlite(raw("counter.db")), counter::Database::Postgres] {
        step(&format!("the failed-login write path on {}", database.name()));
        let failures = runtime.block_on(counter::failures_per_second(&database, args.phase / 2))?;
        report.counter(database.name(), failures, verify_rate);
    }

    step("the bundle of a public page");
    report.bundle(bundle_bytes(&args.site.join("pkg"))?);

    for page in lighthouse::public_pages()? {
        step(&format!("Lighthouse mobile: {page}"));
        let name = format!("lighthouse{}.json", page.replace('/', "-"));
        let url = format!("{base}{page}");
        report.lighthouse(page, lighthouse::audit(&args.lighthouse, &args.chromium, &url, &raw(&name))?);
    }
    drop(server);
    Ok(report)
}

fn step(what: &str) {
    eprintln!("==> {what}");
}

/// Makes `out` a new, empty folder for this run, marked as the benchmark's by a [`MARKER`] file,
/// with a `report.md` that says the run is under way (replaced by the report at the end). A folder
/// already there is removed only when it is empty or holds the marker: any other was not made by
/// the benchmark and is left alone (a `target/bench` from before the marker must be removed once).
fn prepare_out(out: &Path) -> anyhow::Result<()> {
    if out.exists() {
        let empty =
            std::fs::read_dir(out).with_context(|| format!("reading {}", out.display()))?.next().is_none();
        ensure!(
            empty || out.join(MARKER).is_file(),
            "{} is not empty and holds no {MARKER}: clave-bench did not make it and will not remove it \
             (choose another --out)",
            out.display()
        );
        std::fs::remove_dir_all(out).with_context(|| format!("emptying {}", out.display()))?;
    }
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    std::fs::write(
        out.join(MARKER),
        "This folder was made by clave-bench, which empties it at its next run.\n",
    )
    .with_context(|| format!("writing {}", out.join(MARKER).display()))?;
    std::fs::write(
        out.join(REPORT),
        "No report: the run of clave-bench that made this folder is under way or stopped before its end.\n",
    )
    .with_context(|| format!("writing {}", out.join(REPORT).display()))
}

/// Gives the demo person a clave hashed with the server's parameters; their affiliate id.
async fn give_clave(store: &dyn Store, settings: &Settings) -> anyhow::Result<i64> {
    let id = Identification::parse(PERSON).map_err(|e| anyhow::anyhow!("{}", e.message_en()))?;
    let hash = PasswordHasher::new(&settings.hashing)?.hash(SecretString::from(CLAVE)).await?;
    Ok(testing::give_clave(store, &id, hash, SystemClock.now()).await)
}

/// One login as the load sends it: the server must say "LoggedIn".
fn logs_in(base: &str) -> anyhow::Result<bool> {
    let mut reply = LoginForm::new(base, PERSON, CLAVE).post(&ureq::Agent::new_with_defaults())?;
    Ok(reply.body_mut().read_to_string()?.contains("LoggedIn"))
}

/// Logins per second with the right clave, `connections` at a time: every answer a login, and each
/// one recorded by the server as a login.
fn login_throughput(
    runtime: &tokio::runtime::Runtime,
    database: &dyn Store,
    base_url: &str,
    affiliate: i64,
    connections: usize,
    length: Duration,
    raw: &Path,
) -> anyhow::Result<f64> {
    let logins_recorded =
        || runtime.block_on(counter::recorded(database, affiliate, EventKind::LoginSucceeded));
    let before = logins_recorded()?;
    let outcome = Load::login(base_url, PERSON, CLAVE).connections(connections).during(length).run(raw)?;
    let unexpected = outcome.unexpected(&[200]);
    ensure!(unexpected.is_empty(), "logins answered {unexpected:?}");
    let recorded = logins_recorded()? - before;
    ensure!(
        recorded as u64 == outcome.count(200),
        "oha saw {} answers but the server recorded {recorded} logins",
        outcome.count(200)
    );
    Ok(recorded as f64 / outcome.seconds())
}

/// The p95 latency (seconds) of `PAGE` and of `/health`, 20 requests a second each, measured at
/// the same time for `length`.
fn probe_page_and_health(
    base: &str,
    length: Duration,
    out: &Path,
    label: &str,
) -> anyhow::Result<(f64, f64)> {
    let probe = |path: &str, name: String| -> anyhow::Result<f64> {
        let load = Load::get(format!("{base}{path}")).connections(2).per_second(20.0).during(length);
        let outcome = load.run(&out.join(name))?;
        let unexpected = outcome.unexpected(&[200]);
        ensure!(unexpected.is_empty(), "{path} answered {unexpected:?}");
        outcome.latency("p95")
    };
    std::thread::scope(|scope| {
        let page = scope.spawn(|| probe(PAGE, format!("{label}-page.json")));
        let health = probe("/health", format!("{label}-health.json"));
        let page = page.join().map_err(|_| anyhow::anyhow!("the page probe panicked"))?;
        Ok((page?, health?))
    })
}

/// While the server is full, a login is refused with 503 and says when to come back. The check
/// fills the line itself rather than racing another load: `places` logins (every hashing slot and
/// every place of the waiting room) and `EXCESS` more are released together, and the headers of
/// each 503 are read. The line frees a place only when a hash ends, far slower than those logins
/// arrive, so the excess finds it full whenever it runs; all of them have been answered (and the
/// line is empty again) when this returns.
fn busy_replies_have_retry_after(base: &str, places: usize) -> anyhow::Result<bool> {
    const EXCESS: usize = 30;
    let logins = places + EXCESS;
    let agent: ureq::Agent = ureq::Agent::config_builder().http_status_as_error(false).build().into();
    let form = LoginForm::new(base, PERSON, CLAVE);
    let together = Barrier::new(logins);
    let replies: Vec<anyhow::Result<(u16, bool)>> = std::thread::scope(|scope| {
        let probes: Vec<_> = (0..logins)
            .map(|_| {
                scope.spawn(|| -> anyhow::Result<(u16, bool)> {
                    together.wait();
                    let reply = form.post(&agent)?;
                    let retry_after = reply.headers().get("retry-after").is_some_and(|v| !v.is_empty());
                    Ok((reply.status().as_u16(), retry_after))
                })
            })
            .collect();
        probes.into_iter().map(|p| p.join().unwrap_or_else(|_| bail!("a probe panicked"))).collect()
    });
    let busy: Vec<bool> = replies
        .into_iter()
        .filter_map(|reply| match reply {
            Ok((503, retry_after)) => Some(Ok(retry_after)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<anyhow::Result<_>>()?;
    ensure!(
        !busy.is_empty(),
        "none of {logins} logins sent at once to {places} places in line was refused as busy"
    );
    Ok(busy.iter().all(|&retry_after| retry_after))
}

/// The brotli bytes of the wasm, JS and CSS every public page loads.
fn bundle_bytes(pkg: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    let mut kinds = 0;
    for entry in std::fs::read_dir(pkg).with_context(|| format!("reading {}", pkg.display()))? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if [".wasm.br", ".js.br", ".css.br"].iter().any(|suffix| name.ends_with(suffix)) {
            total += entry.metadata()?.len();
            kinds += 1;
        }
    }
    ensure!(kinds >= 3, "{} lacks the precompressed bundle: build with `make build`", pkg.display());
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_empty_folder_or_the_benchmarks_own_is_emptied() {
        let out = std::env::temp_dir().join(format!("clave-bench-out-{}", std::process::id()));
        prepare_out(&out).expect("a new folder");
        std::fs::write(out.join("raw.json"), "{}").expect("raw output");
        prepare_out(&out).expect("the benchmark's own folder");
        assert!(!out.join("raw.json").exists());
        let empty_it = || {
            for file in [MARKER, REPORT] {
                std::fs::remove_file(out.join(file)).expect("the benchmark's files");
            }
        };
        empty_it();
        prepare_out(&out).expect("an empty folder");
        empty_it();
        // Someone else's folder, even one that holds a report of its own.
        std::fs::write(out.join(REPORT), "mine").expect("someone else's report");
        assert!(prepare_out(&out).is_err());
        assert!(out.join(REPORT).exists());
        std::fs::remove_dir_all(&out).expect("cleaning up");
    }
}
