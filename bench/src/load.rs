//! The load generator: `oha` (crates.io), one process per load, its JSON summary read back.

use std::{collections::BTreeMap, path::Path, process::Command, time::Duration};

use anyhow::{Context as _, bail};
use serde::Deserialize;

/// One load: what to send, how hard, and for how long.
#[derive(Debug, Clone)]
pub struct Load {
    url: String,
    form: Option<(String, String)>,
    connections: usize,
    amount: Amount,
    per_second: Option<f64>,
}

#[derive(Debug, Clone, Copy)]
enum Amount {
    Requests(usize),
    During(Duration),
}

impl Load {
    /// GETs of `url`.
    pub fn get(url: impl Into<String>) -> Self {
        Self { url: url.into(), form: None, connections: 1, amount: Amount::Requests(1), per_second: None }
    }

    /// The login form ("Ingresar") posted as a browser without JavaScript posts it: from the
    /// server's own origin (server functions refuse any other).
    pub fn login(base_url: &str, identification: &str, password: &str) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("identification", identification)
            .append_pair("password", password)
            .finish();
        Self { form: Some((base_url.to_owned(), body)), ..Self::get(format!("{base_url}/api/ingresar")) }
    }

    pub fn connections(self, connections: usize) -> Self {
        Self { connections, ..self }
    }

    pub fn requests(self, requests: usize) -> Self {
        Self { amount: Amount::Requests(requests), ..self }
    }

    pub fn during(self, length: Duration) -> Self {
        Self { amount: Amount::During(length), ..self }
    }

    pub fn per_second(self, rate: f64) -> Self {
        Self { per_second: Some(rate), ..self }
    }

    /// Runs the load to its end; `raw` keeps oha's JSON.
    pub fn run(&self, raw: &Path) -> anyhow::Result<Outcome> {
        let mut oha = Command::new("oha");
        oha.args(["--no-tui", "--output-format", "json", "--stats-success-breakdown"])
            .arg("--output")
            .arg(raw)
            .args(["-c", &self.connections.to_string()]);
        match self.amount {
            Amount::Requests(n) => oha.args(["-n", &n.to_string()]),
            // Requests still running at the end are waited for, not dropped from the figures.
            Amount::During(length) => oha.args(["-z", &format!("{}ms", length.as_millis()), "-w"]),
        };
        if let Some(rate) = self.per_second {
            oha.args(["-q", &format!("{rate:.1}")]);
        }
        if let Some((origin, body)) = &self.form {
            oha.args(["-m", "POST", "-T", "application/x-www-form-urlencoded", "-d", body])
                .args(["-H", &format!("Origin: {origin}")]);
        }
        oha.arg(&self.url);
        let status = oha.status().context("could not run oha (scripts/ensure-tools.sh bench installs it)")?;
        if !status.success() {
            bail!("oha failed ({status}) on {}", self.url);
        }
        let json = std::fs::read(raw).with_context(|| format!("reading {}", raw.display()))?;
        let outcome: Outcome = serde_json::from_slice(&json).context("oha's JSON summary")?;
        if let Some((error, count)) = outcome.errors.iter().next() {
            bail!("{count} requests to {} failed without an answer: {error}", self.url);
        }
        Ok(outcome)
    }
}

/// What oha measured (its JSON summary; latencies in seconds).
#[derive(Debug, Deserialize)]
pub struct Outcome {
    summary: Summary,
    #[serde(rename = "latencyPercentiles")]
    latency: BTreeMap<String, Option<f64>>,
    #[serde(rename = "latencyPercentilesNotSuccessful", default)]
    refused_latency: BTreeMap<String, Option<f64>>,
    #[serde(rename = "statusCodeDistribution")]
    statuses: BTreeMap<String, u64>,
    #[serde(rename = "errorDistribution")]
    errors: BTreeMap<String, u64>,
}

#[derive(Debug, Deserialize)]
struct Summary {
    total: f64,
    slowest: f64,
}

impl Outcome {
    /// The length of the load, from its first request to its last answer.
    pub fn seconds(&self) -> f64 {
        self.summary.total
    }

    /// The slowest answer, in seconds.
    pub fn slowest(&self) -> f64 {
        self.summary.slowest
    }

    /// The answers with this HTTP status.
    pub fn count(&self, status: u16) -> u64 {
        self.statuses.get(&status.to_string()).copied().unwrap_or(0)
    }

    /// Every answer, whatever its status.
    pub fn answers(&self) -> u64 {
        self.statuses.values().sum()
    }

    /// The statuses other than `expected`, for error messages.
    pub fn unexpected(&self, expected: &[u16]) -> Vec<(String, u64)> {
        self.statuses
            .iter()
            .filter(|(status, _)| !expected.iter().any(|e| e.to_string() == **status))
            .map(|(s, n)| (s.clone(), *n))
            .collect()
    }

    /// A latency percentile of every answer ("p50", "p95"…), in seconds.
    pub fn latency(&self, percentile: &str) -> anyhow::Result<f64> {
        self.latency
            .get(percentile)
            .copied()
            .flatten()
            .with_context(|| format!("no {percentile} in oha's summary"))
    }

    /// A latency percentile of the answers that were not 2xx, in seconds.
    pub fn refused_latency(&self, percentile: &str) -> anyhow::Result<f64> {
        self.refused_latency
            .get(percentile)
            .copied()
            .flatten()
            .with_context(|| format!("no {percentile} of refused answers in oha's summary"))
    }
}
