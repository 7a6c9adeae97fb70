//! Settings: built-in defaults, then an optional TOML file, then `CLAVE_*` environment variables
//! (`CLAVE_MAIL__TRANSPORT=smtp` sets `mail.transport`). Validated once at start: a bad value
//! stops the start with a message that names the key.

mod validate;

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use figment::{
    Figment,
    providers::{Env, Format, Toml},
};
use secrecy::SecretString;
use serde::Deserialize;
use url::Url;

pub use validate::ConfigProblem;

/// The environment variable prefix of every setting.
pub const ENV_PREFIX: &str = "CLAVE_";
/// The settings file read when `CLAVE_CONFIG` is not set (optional).
pub const DEFAULT_FILE: &str = "clave.toml";

/// Why the settings could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("el archivo de configuración {0} no existe")]
    MissingFile(PathBuf),
    #[error("configuración inválida: {0}")]
    Parse(#[from] Box<figment::Error>),
    #[error("configuración inválida:\n{}", .0.iter().map(|p| format!("  - {p}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<ConfigProblem>),
}

/// Every setting of the server. Every TTL and limit of the product is here.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub security: SecuritySettings,
    pub mail: MailSettings,
    pub hashing: HashingSettings,
    pub captcha: CaptchaSettings,
    pub links: LinkSettings,
    pub attempts: AttemptSettings,
    pub login: LoginSettings,
    pub rate_limits: RateLimitSettings,
    pub sessions: SessionSettings,
    pub staff: StaffSettings,
    pub keyboard: KeyboardSettings,
    pub ventanilla: VentanillaSettings,
    pub videollamada: VideollamadaSettings,
    pub maintenance: MaintenanceSettings,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ServerSettings {
    /// Address the HTTP server listens on.
    pub listen: SocketAddr,
    /// Public URL of the site: the origin server functions accept and the base of emailed links.
    pub base_url: Url,
    /// `pretty` for people, `json` for log collectors.
    pub log_format: LogFormat,
    /// A `tracing` filter, e.g. `info,clave=debug`.
    pub log_filter: String,
    /// Largest request body accepted anywhere but the upload endpoints.
    pub body_limit_bytes: usize,
    /// Seed the demo registry when the affiliate table is empty.
    pub seed_demo: bool,
    /// Reverse proxies in front of this instance (e.g. `["127.0.0.1"]` for nginx on the same
    /// machine). Only from these peers is the client address read from `X-Forwarded-For`; from
    /// anyone else that header is ignored, so a client cannot choose its own address.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The longest a request may take to be answered; past it, 503 with `Retry-After` (a query
    /// sent just before the database link went silent would otherwise wait for TCP, minutes).
    /// The Ventanilla upload is exempt: its body alone may take that long on a slow phone.
    #[serde(with = "humantime_serde")]
    pub request_timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseSettings {
    /// `sqlite://path` (embedded default) or `postgres://…`. Secret: it may hold a password.
    pub url: SecretString,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecuritySettings {
    /// Key for captcha signatures, image decoys and signed cookies (≥ 32 bytes). When absent one
    /// is generated once and kept in the database, so every instance shares it.
    pub secret_key: Option<SecretString>,
    /// The least time an identification step, or a login refusal, takes to answer (DESIGN §5.1):
    /// the work it does differs between a number with a clave and one without, this time does
    /// not. Longer than the slowest of those steps (a refusal includes an argon2 verification).
    #[serde(with = "humantime_serde")]
    pub identification_min_time: Duration,
}

impl Default for SecuritySettings {
    fn default() -> Self {
        Self { secret_key: None, identification_min_time: Duration::from_millis(250) }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailSettings {
    pub transport: MailTransportKind,
    /// The `From:` of every message.
    pub from: String,
    pub smtp: SmtpSettings,
    /// How often the sender looks at the outbox when nobody woke it.
    #[serde(with = "humantime_serde")]
    pub poll_interval: Duration,
    /// First retry delay after a failed send; doubles up to `retry_max`.
    #[serde(with = "humantime_serde")]
    pub retry_initial: Duration,
    #[serde(with = "humantime_serde")]
    pub retry_max: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailTransportKind {
    /// Messages are kept in the database and shown at `/dev/correo`.
    Dev,
    Smtp,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<SecretString>,
    #[serde(with = "humantime_serde")]
    pub timeout: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (required).
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No encryption: only for a relay on the same host or a test server.
    Plain,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HashingSettings {
    /// argon2id memory in KiB (OWASP: 19 MiB).
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
    /// Hashes computed at once; 0 means one per CPU core.
    pub max_concurrent: usize,
    /// Requests allowed to wait for a hashing slot; past that they get 503 + `Retry-After`.
    pub max_waiting: usize,
    /// Longest wait for a slot before answering 503.
    #[serde(with = "humantime_serde")]
    pub max_wait: Duration,
}

impl HashingSettings {
    /// How many hashes run at once: `max_concurrent`, or one per CPU core when it is 0.
    pub fn slots(&self) -> usize {
        match self.max_concurrent {
            0 => std::thread::available_parallelism().map_or(1, usize::from),
            n => n,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CaptchaSettings {
    /// Upper bound of the proof-of-work search space (difficulty).
    pub max_number: u64,
    #[serde(with = "humantime_serde")]
    pub ttl: Duration,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LinkSettings {
    #[serde(with = "humantime_serde")]
    pub generation_ttl: Duration,
    #[serde(with = "humantime_serde")]
    pub recovery_ttl: Duration,
    #[serde(with = "humantime_serde")]
    pub unlock_ttl: Duration,
    /// "Reenviar" presses allowed per hour.
    pub resends_per_hour: u32,
    /// How long an unfinished wizard is kept.
    #[serde(with = "humantime_serde")]
    pub flow_ttl: Duration,
    /// The "No fui yo" link of a security email.
    #[serde(with = "humantime_serde")]
    pub not_me_ttl: Duration,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AttemptSettings {
    /// Challenge attempts per calendar day (America/Guayaquil), generation and recovery each.
    pub per_day: u32,
    /// Challenge attempts in total before staff must clear the block.
    pub total: u32,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoginSettings {
    /// Consecutive failures that lock the clave.
    pub max_failures: u32,
    #[serde(with = "humantime_serde")]
    pub trusted_device_ttl: Duration,
}

/// Requests to the steps that take an identification (logging in, the first step of every public
/// flow, the Ventanilla, the staff login), counted in the database so the limits hold across
/// instances (DESIGN §5.5). Past a limit the answer is 429 with `Retry-After`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RateLimitSettings {
    /// Per client IP (behind a reverse proxy, see `server.trusted_proxies`). Generous: an office
    /// or a mobile carrier puts many people behind one address.
    pub per_ip: RateLimit,
    /// Per identification number or staff user name, whoever sends it.
    pub per_identification: RateLimit,
}

/// At most `requests` in each `window`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub requests: u32,
    #[serde(with = "humantime_serde")]
    pub window: Duration,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SessionSettings {
    #[serde(with = "humantime_serde")]
    pub idle: Duration,
    #[serde(with = "humantime_serde")]
    pub absolute: Duration,
}

/// The staff console (DESIGN §3).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StaffSettings {
    /// Consecutive failed staff logins that lock the staff account.
    pub max_failures: u32,
    /// A staff session ends after this long without a request.
    #[serde(with = "humantime_serde")]
    pub idle: Duration,
    /// A staff session ends this long after the login, however busy.
    #[serde(with = "humantime_serde")]
    pub absolute: Duration,
    /// How long an in-person verification lets its agent act for the affiliate.
    #[serde(with = "humantime_serde")]
    pub verification_ttl: Duration,
    /// How long a video call may stay open, and how long after 4/4 its unlock may be done.
    #[serde(with = "humantime_serde")]
    pub call_ttl: Duration,
    /// The emailed link to set a new password after an assisted unlock.
    #[serde(with = "humantime_serde")]
    pub assisted_link_ttl: Duration,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct KeyboardSettings {
    pub input: KeyboardInput,
    /// Shuffle the key order of the virtual keyboard on every render.
    pub shuffle: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyboardInput {
    VirtualOnly,
    VirtualAndPhysical,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VentanillaSettings {
    pub max_file_bytes: usize,
    pub description_max_chars: usize,
    /// Documents are deleted this long after their case closes.
    #[serde(with = "humantime_serde")]
    pub retention_after_close: Duration,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VideollamadaSettings {
    /// How long a failed video call blocks that channel for the affiliate.
    #[serde(with = "humantime_serde")]
    pub failed_call_block: Duration,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MaintenanceSettings {
    /// How often expired flows, tokens and captcha records are purged.
    #[serde(with = "humantime_serde")]
    pub purge_interval: Duration,
}

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);
const DAY: Duration = Duration::from_secs(86_400);

impl Default for ServerSettings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 3000)),
            base_url: Url::parse("http://127.0.0.1:3000").unwrap_or_else(|_| unreachable!()),
            log_format: LogFormat::Pretty,
            log_filter: "info".into(),
            body_limit_bytes: 64 * 1024,
            seed_demo: true,
            trusted_proxies: Vec::new(),
            request_timeout: Duration::from_secs(20),
        }
    }
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        Self { url: SecretString::from("sqlite://data/clave.db"), max_connections: 8 }
    }
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            transport: MailTransportKind::Dev,
            from: "Clave IESS <no-responder@clave.example.ec>".into(),
            smtp: SmtpSettings::default(),
            poll_interval: Duration::from_secs(5),
            retry_initial: Duration::from_secs(5),
            retry_max: 10 * MINUTE,
        }
    }
}

impl Default for SmtpSettings {
    fn default() -> Self {
        Self {
            host: String::new(),
            port: 587,
            security: SmtpSecurity::Starttls,
            username: None,
            password: None,
            timeout: Duration::from_secs(10),
        }
    }
}

impl Default for HashingSettings {
    fn default() -> Self {
        Self {
            memory_kib: 19 * 1024,
            iterations: 2,
            parallelism: 1,
            max_concurrent: 0,
            max_waiting: 64,
            max_wait: Duration::from_secs(2),
        }
    }
}

impl Default for CaptchaSettings {
    fn default() -> Self {
        Self { max_number: 100_000, ttl: 5 * MINUTE }
    }
}

impl Default for LinkSettings {
    fn default() -> Self {
        Self {
            generation_ttl: 15 * MINUTE,
            recovery_ttl: 15 * MINUTE,
            unlock_ttl: 3 * MINUTE,
            resends_per_hour: 3,
            flow_ttl: 30 * MINUTE,
            not_me_ttl: 30 * DAY,
        }
    }
}

impl Default for AttemptSettings {
    fn default() -> Self {
        Self { per_day: 3, total: 9 }
    }
}

impl Default for LoginSettings {
    fn default() -> Self {
        Self { max_failures: 5, trusted_device_ttl: 180 * DAY }
    }
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            per_ip: RateLimit { requests: 100, window: 10 * MINUTE },
            per_identification: RateLimit { requests: 20, window: 10 * MINUTE },
        }
    }
}

impl Default for SessionSettings {
    fn default() -> Self {
        Self { idle: 15 * MINUTE, absolute: 8 * HOUR }
    }
}

impl Default for StaffSettings {
    fn default() -> Self {
        Self {
            max_failures: 5,
            idle: 10 * MINUTE,
            absolute: 8 * HOUR,
            verification_ttl: 30 * MINUTE,
            call_ttl: 30 * MINUTE,
            assisted_link_ttl: 24 * HOUR,
        }
    }
}

impl Default for KeyboardSettings {
    fn default() -> Self {
        Self { input: KeyboardInput::VirtualAndPhysical, shuffle: false }
    }
}

impl Default for VentanillaSettings {
    fn default() -> Self {
        Self { max_file_bytes: 1024 * 1024, description_max_chars: 500, retention_after_close: 30 * DAY }
    }
}

impl Default for VideollamadaSettings {
    fn default() -> Self {
        Self { failed_call_block: 24 * HOUR }
    }
}

impl Default for MaintenanceSettings {
    fn default() -> Self {
        Self { purge_interval: 10 * MINUTE }
    }
}

impl Settings {
    /// Loads defaults, then the file named by `CLAVE_CONFIG` (which must exist) or `clave.toml`
    /// (when present), then the `CLAVE_*` environment; then validates.
    pub fn load() -> Result<Self, ConfigError> {
        let file = match std::env::var_os("CLAVE_CONFIG") {
            Some(path) => {
                let path = PathBuf::from(path);
                if !path.is_file() {
                    return Err(ConfigError::MissingFile(path));
                }
                Some(path)
            }
            None => Some(PathBuf::from(DEFAULT_FILE)).filter(|p| p.is_file()),
        };
        Self::from_figment(Self::figment(file))
    }

    /// The layered sources, exposed so tests can add their own values on top.
    pub fn figment(file: Option<PathBuf>) -> Figment {
        let mut figment = Figment::new();
        if let Some(file) = file {
            figment = figment.merge(Toml::file_exact(file));
        }
        // CLAVE_CONFIG names the file. CLAVE_TEST_* belong to the test tools (CLAVE_TEST_POSTGRES_URL:
        // the database of scripts/with-postgres.sh, which may also run a server or the benchmark).
        let setting = |key: &str| {
            !key.eq_ignore_ascii_case("config")
                && !key.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("test_"))
        };
        figment.merge(Env::prefixed(ENV_PREFIX).filter(move |key| setting(key.as_str())).split("__"))
    }

    /// Extracts and validates settings from any figment.
    pub fn from_figment(figment: Figment) -> Result<Self, ConfigError> {
        let settings: Self = figment.extract().map_err(Box::new)?;
        let problems = settings.problems();
        if problems.is_empty() { Ok(settings) } else { Err(ConfigError::Invalid(problems)) }
    }

    /// A multi-line dump for the start-up log; secrets print as `[REDACTED]`.
    pub fn redacted(&self) -> String {
        format!("{self:#?}")
    }

    /// The origin (`scheme://host[:port]`) server functions accept requests from.
    pub fn public_origin(&self) -> String {
        self.server.base_url.origin().ascii_serialization()
    }

    /// Whether cookies must carry `Secure` and HSTS is sent.
    pub fn served_over_tls(&self) -> bool {
        self.server.base_url.scheme() == "https"
    }
}

#[cfg(test)]
mod tests;
