//! The load generator: `oha` (crates.io), one process per load, its JSON summary read back; and
//! the login form, built here once for the loads and for the single logins the benchmark posts
//! itself.

use std::{collections::BTreeMap, path::Path, process::Command, time::Duration};

use anyhow::{Context as _, bail};
use serde::Deserialize;

/// The login form ("Ingresar") posted as a browser without JavaScript posts it: from the server's
/// own origin (server functions refuse any other).
#[derive(Debug, Clone)]
pub struct LoginForm {
    url: String,
    origin: String,
    /// The fields, URL-encoded as a browser encodes them.
    body: String,
}

/// The content type of a form a browser posts.
const FORM_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";

impl LoginForm {
    /// The form filled with `identification` and `password`, for the server at `base_url`.
    pub fn new(base_url: &str, identification: &str, password: &str) -> Self {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("identification", identification)
            .append_pair("password", password)
            .finish();
        Self { url: format!("{base_url}/api/ingresar"), origin: base_url.to_owned(), body }
    }

    /// Posts the form once with `agent`, which decides whether a status other than 2xx is an
    /// error.
    pub fn post(&self, agent: &ureq::Agent) -> Result<ureq::http::Response<ureq::Body>, ureq::Error> {
        agent.post(&self.url).header("Origin", &self.origin).content_type(FORM_CONTENT_TYPE).send(&self.body)
    }
}

/// One load: what to send, how hard, and for how long.
#[derive(Debug, Clone)]
pub struct Load {
    url: String,
    form: Option<LoginForm>,
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

    /// Posts of the [`LoginForm`] of `identification` and `password`.
    pub fn login(base_url: &str, identification: &str, password: &str) -> Self {
        let form = LoginForm::new(base_url, identification, password);
        let url = form.url.clone();
        Self { form: Some(form), ..Self::get(url) }
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
            // At a fixed rate, a request held up by a slow answer is timed from when it was due,
            // not from when it was sent: otherwise the requests a stall delays leave its latency
            // out of the figures (coordinated omission).
            oha.args(["-q", &format!("{rate:.1}"), "--latency-correction"]);
        }
        if let Some(form) = &self.form {
            oha.args(["-m", "POST", "-T", FORM_CONTENT_TYPE, "-d", &form.body])
                .args(["-H", &format!("Origin: {}", form.origin)]);
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
        read_percentile(&self.latency, percentile, "")
    }

    /// A latency percentile of the answers that were not 2xx, in seconds.
    pub fn refused_latency(&self, percentile: &str) -> anyhow::Result<f64> {
        read_percentile(&self.refused_latency, percentile, " of refused answers")
    }
}

/// `percentile` of one of oha's percentile tables, an error naming it (and `of_what`, the answers
/// the table covers) when oha gave none.
fn read_percentile(
    table: &BTreeMap<String, Option<f64>>,
    percentile: &str,
    of_what: &str,
) -> anyhow::Result<f64> {
    table
        .get(percentile)
        .copied()
        .flatten()
        .with_context(|| format!("no {percentile}{of_what} in oha's summary"))
}
