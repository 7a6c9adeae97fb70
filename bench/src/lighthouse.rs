//! Lighthouse (npm, `bench/node_modules`) in its default mobile setting: a mid-range phone with
//! simulated slow 4G and a 4× slower CPU, in Debian's Chromium.

use std::{path::Path, process::Command};

use anyhow::{Context as _, bail};
use serde::Deserialize;

/// The public pages, as the bundle budget test lists them (`end2end/public-pages.json`).
pub fn public_pages() -> anyhow::Result<Vec<String>> {
    serde_json::from_str(include_str!("../../end2end/public-pages.json")).context("end2end/public-pages.json")
}

/// One page's scores (0–100) and the timings behind the performance score, in milliseconds.
#[derive(Debug, Clone)]
pub struct Scores {
    pub performance: u32,
    pub accessibility: u32,
    pub largest_contentful_paint: f64,
    pub total_blocking_time: f64,
}

#[derive(Deserialize)]
struct Report {
    categories: Categories,
    audits: Audits,
}

#[derive(Deserialize)]
struct Categories {
    performance: Category,
    accessibility: Category,
}

#[derive(Deserialize)]
struct Category {
    score: Option<f64>,
}

#[derive(Deserialize)]
struct Audits {
    #[serde(rename = "largest-contentful-paint")]
    lcp: Audit,
    #[serde(rename = "total-blocking-time")]
    tbt: Audit,
}

#[derive(Deserialize)]
struct Audit {
    #[serde(rename = "numericValue")]
    value: Option<f64>,
}

/// How many times a page is audited before its failure ends the run: Lighthouse now and then fails
/// to record a page load (`NO_NAVSTART`, "Please run Lighthouse again").
const ATTEMPTS: u32 = 3;

/// Audits `url`; Lighthouse's full report is kept in `raw`.
pub fn audit(lighthouse: &Path, chromium: &Path, url: &str, raw: &Path) -> anyhow::Result<Scores> {
    for attempt in 1..=ATTEMPTS {
        let status = Command::new(lighthouse)
            .arg(url)
            .args(["--quiet", "--output=json", "--only-categories=performance,accessibility"])
            .arg(format!("--output-path={}", raw.display()))
            // No background traffic: this machine's network is closed, and refused connections
            // only add noise to the page load.
            .arg(
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run \
                 --disable-background-networking --disable-component-update --disable-sync",
            )
            .env("CHROME_PATH", chromium)
            .status()
            .context("could not run Lighthouse (scripts/ensure-tools.sh bench installs it)")?;
        if status.success() {
            break;
        }
        if attempt == ATTEMPTS {
            bail!("Lighthouse failed ({status}) on {url}, {ATTEMPTS} times");
        }
        eprintln!("Lighthouse failed ({status}) on {url}; once more");
    }
    let report: Report = serde_json::from_slice(&std::fs::read(raw)?).context("Lighthouse's JSON report")?;
    let score = |c: &Category, name: &str| -> anyhow::Result<u32> {
        let score = c.score.with_context(|| format!("Lighthouse gave {url} no {name} score"))?;
        Ok((score * 100.0).round() as u32)
    };
    Ok(Scores {
        performance: score(&report.categories.performance, "performance")?,
        accessibility: score(&report.categories.accessibility, "accessibility")?,
        largest_contentful_paint: report.audits.lcp.value.unwrap_or(f64::NAN),
        total_blocking_time: report.audits.tbt.value.unwrap_or(f64::NAN),
    })
}
