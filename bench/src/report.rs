//! The figures against their goals, as the Markdown table of `docs/performance.md`.

use std::{fmt::Write as _, time::Duration};

use anyhow::ensure;
use clave_backend::config::HashingSettings;

use crate::{lighthouse::Scores, load::Outcome};

const MIB: f64 = 1024.0 * 1024.0;

/// One figure: what was measured, its goal, and whether it is met.
struct Row {
    figure: String,
    measured: String,
    goal: String,
    met: bool,
}

/// Every figure of one run.
pub struct Report {
    slots: usize,
    hashing: HashingSettings,
    rows: Vec<Row>,
    pages: Vec<(String, Scores)>,
}

impl Report {
    pub fn new(slots: usize, hashing: &HashingSettings) -> Self {
        Self { slots, hashing: hashing.clone(), rows: Vec::new(), pages: Vec::new() }
    }

    fn row(&mut self, figure: impl Into<String>, measured: String, goal: impl Into<String>, met: bool) {
        self.rows.push(Row { figure: figure.into(), measured, goal: goal.into(), met });
    }

    pub fn start_time(&mut self, first_answer: Duration) {
        self.row(
            "server start to first answer, SQLite, new database (migrations, demo registry)",
            format!("{} ms", first_answer.as_millis()),
            "≤ 1 s",
            first_answer <= Duration::from_secs(1),
        );
    }

    pub fn login_throughput(&mut self, logins: f64, verifications: f64) {
        let ratio = logins / verifications;
        self.row(
            format!("logins with the right clave ÷ raw argon2id verifications ({} threads)", self.slots),
            format!("{logins:.1}/s ÷ {verifications:.1}/s = **{ratio:.2}**"),
            "≥ 0.90",
            ratio >= 0.90,
        );
    }

    /// The flood must have been answered with logins and 503s only; then the p95 (idle, flooded)
    /// of the page and of `/health`.
    pub fn flood(&mut self, flood: &Outcome, page: (f64, f64), health: (f64, f64)) -> anyhow::Result<()> {
        let unexpected = flood.unexpected(&[200, 503]);
        ensure!(unexpected.is_empty(), "the flood's logins answered {unexpected:?}");
        let offered = flood.answers() as f64 / flood.seconds();
        let served = flood.count(200) as f64 / flood.seconds();
        for (what, (idle, flooded)) in [(crate::PAGE, page), ("/health", health)] {
            let ratio = flooded / idle;
            self.row(
                format!(
                    "p95 of `{what}` during a login flood ({offered:.0}/s offered, {served:.0}/s logged in, \
                     the rest 503) ÷ idle p95"
                ),
                format!("{:.1} ms ÷ {:.1} ms = **{ratio:.2}**", flooded * 1e3, idle * 1e3),
                "≤ 2",
                ratio <= 2.0,
            );
        }
        Ok(())
    }

    /// 500 logins at once: the peak memory during them (and over the whole run), and the refused
    /// ones answered fast with `Retry-After`.
    pub fn burst(
        &mut self,
        burst: &Outcome,
        retry_after: bool,
        idle: u64,
        peak: u64,
        lifetime_peak: u64,
    ) -> anyhow::Result<()> {
        let unexpected = burst.unexpected(&[200, 503]);
        ensure!(unexpected.is_empty(), "the burst's logins answered {unexpected:?}");
        ensure!(burst.answers() == 500, "{} of the 500 logins were answered", burst.answers());
        let per_hash = f64::from(self.hashing.memory_kib) * 1024.0;
        let bound = idle as f64 + self.slots as f64 * per_hash * 1.5;
        self.row(
            "peak RSS under 500 concurrent logins",
            format!(
                "**{:.0} MiB** (idle {:.0} MiB, peak of the whole run {:.0} MiB; {} logged in, {} refused)",
                peak as f64 / MIB,
                idle as f64 / MIB,
                lifetime_peak as f64 / MIB,
                burst.count(200),
                burst.count(503)
            ),
            format!(
                "≤ idle + {} × {} MiB × 1.5 = {:.0} MiB",
                self.slots,
                self.hashing.memory_kib / 1024,
                bound / MIB
            ),
            peak as f64 <= bound,
        );
        let refused = burst.count(503);
        let p95 = if refused > 0 { burst.refused_latency("p95")? } else { f64::NAN };
        // Nobody is kept longer than the longest wait for a slot plus one hash (and a margin).
        let longest = self.hashing.max_wait + Duration::from_secs(1);
        self.row(
            "the excess of those 500: 503 + `Retry-After`, p95; the slowest answer",
            format!(
                "{refused} × 503, p95 **{:.1} ms**, `Retry-After` {}; slowest {:.2} s",
                p95 * 1e3,
                if retry_after { "sent" } else { "**missing**" },
                burst.slowest()
            ),
            format!("p95 ≤ 100 ms; every answer within {} s", longest.as_secs_f64()),
            refused > 0 && p95 <= 0.100 && retry_after && burst.slowest() <= longest.as_secs_f64(),
        );
        Ok(())
    }

    pub fn refusals(&mut self, unknown_p50: f64, known_p50: f64) {
        let ratio = unknown_p50 / known_p50;
        self.row(
            "login refusal latency, unknown number ÷ known number with a wrong clave (p50)",
            format!("{:.1} ms ÷ {:.1} ms = **{ratio:.2}**", unknown_p50 * 1e3, known_p50 * 1e3),
            "0.9–1.1",
            (0.9..=1.1).contains(&ratio),
        );
    }

    pub fn counter(&mut self, database: &str, failures: f64, verifications: f64) {
        let ratio = failures / verifications;
        self.row(
            format!("failed-login write path ÷ verification rate, {database}"),
            format!("{failures:.0}/s ÷ {verifications:.1}/s = **{ratio:.0}**"),
            "≥ 20",
            ratio >= 20.0,
        );
    }

    pub fn bundle(&mut self, bytes: u64) {
        self.row(
            "wasm + JS + CSS of a public page, brotli",
            format!("**{:.0} KB**", bytes as f64 / 1000.0),
            "≤ 200 KB",
            bytes <= 200_000,
        );
    }

    pub fn lighthouse(&mut self, page: String, scores: Scores) {
        self.pages.push((page, scores));
    }

    fn lighthouse_met(&self) -> bool {
        !self.pages.is_empty()
            && self.pages.iter().all(|(_, s)| s.performance >= 95 && s.accessibility == 100)
    }

    pub fn all_met(&self) -> bool {
        self.rows.iter().all(|r| r.met) && self.lighthouse_met()
    }

    pub fn to_markdown(&self) -> String {
        let mut md = String::new();
        let _ = writeln!(
            md,
            "Measured by `make bench` on {}, {} CPU cores ({}); argon2id m = {} KiB, t = {}, p = {}, \
             {} hashing slots.\n",
            chrono::Utc::now().format("%Y-%m-%d"),
            std::thread::available_parallelism().map_or(0, usize::from),
            cpu_model(),
            self.hashing.memory_kib,
            self.hashing.iterations,
            self.hashing.parallelism,
            self.slots,
        );
        md.push_str("| figure | measured | goal | met |\n|---|---|---|---|\n");
        let yes_no = |met: bool| if met { "yes" } else { "**no**" };
        for r in &self.rows {
            let _ = writeln!(md, "| {} | {} | {} | {} |", r.figure, r.measured, r.goal, yes_no(r.met));
        }
        if let (Some(perf), Some(a11y)) = (
            self.pages.iter().map(|(_, s)| s.performance).min(),
            self.pages.iter().map(|(_, s)| s.accessibility).min(),
        ) {
            let _ = writeln!(
                md,
                "| Lighthouse mobile, the lowest of {} public pages | performance **{perf}**, accessibility \
                 **{a11y}** | performance ≥ 95, accessibility 100 | {} |",
                self.pages.len(),
                yes_no(self.lighthouse_met())
            );
        }
        md.push_str(
            "\nLighthouse mobile per page (simulated slow 4G, 4× CPU slowdown):\n\n\
             | page | performance | accessibility | largest contentful paint | total blocking time |\n\
             |---|---|---|---|---|\n",
        );
        for (page, s) in &self.pages {
            let _ = writeln!(
                md,
                "| `{page}` | {} | {} | {:.1} s | {:.0} ms |",
                s.performance,
                s.accessibility,
                s.largest_contentful_paint / 1000.0,
                s.total_blocking_time
            );
        }
        md
    }
}

/// The processor's name, as `/proc/cpuinfo` gives it.
fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find_map(|l| l.strip_prefix("model name").and_then(|rest| rest.split(':').nth(1)))
                .map(|name| name.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown processor".into())
}
