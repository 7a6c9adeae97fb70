//! Cross-field checks that serde cannot express. Each problem names the setting to fix.

use std::time::Duration;

use secrecy::ExposeSecret;

use super::{MailTransportKind, Settings};

/// One invalid setting and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// Dotted key, e.g. `attempts.per_day`.
    pub key: &'static str,
    pub reason: String,
}

impl std::fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.key, self.reason)
    }
}

struct Checker(Vec<ConfigProblem>);

impl Checker {
    fn require(&mut self, ok: bool, key: &'static str, reason: impl Into<String>) {
        if !ok {
            self.0.push(ConfigProblem { key, reason: reason.into() });
        }
    }

    fn positive(&mut self, value: Duration, key: &'static str) {
        self.require(!value.is_zero(), key, "debe ser mayor que cero");
    }

    fn at_least(&mut self, value: u64, min: u64, key: &'static str) {
        self.require(value >= min, key, format!("debe ser al menos {min} (es {value})"));
    }
}

impl Settings {
    /// Every problem at once, so an operator fixes the file in one pass.
    pub fn problems(&self) -> Vec<ConfigProblem> {
        let mut c = Checker(Vec::new());
        let base = &self.server.base_url;
        c.require(
            matches!(base.scheme(), "http" | "https") && base.host().is_some(),
            "server.base_url",
            "debe ser una URL http(s) con host",
        );
        c.require(
            base.path() == "/" && base.query().is_none(),
            "server.base_url",
            "no debe tener ruta ni parámetros",
        );
        c.at_least(self.server.body_limit_bytes as u64, 1024, "server.body_limit_bytes");
        if let Err(e) = tracing_subscriber::EnvFilter::try_new(&self.server.log_filter) {
            c.require(false, "server.log_filter", format!("filtro inválido: {e}"));
        }

        let url = self.database.url.expose_secret();
        c.require(
            url.starts_with("sqlite:") || url.starts_with("postgres://") || url.starts_with("postgresql://"),
            "database.url",
            "debe empezar con sqlite: o postgres://",
        );
        c.at_least(u64::from(self.database.max_connections), 1, "database.max_connections");

        if let Some(key) = &self.security.secret_key {
            c.require(
                key.expose_secret().len() >= 32,
                "security.secret_key",
                "debe tener al menos 32 caracteres",
            );
        }

        c.positive(self.security.identification_min_time, "security.identification_min_time");
        c.require(
            self.server.request_timeout > self.security.identification_min_time,
            "server.request_timeout",
            "debe ser mayor que security.identification_min_time",
        );

        c.require(
            self.mail.from.parse::<lettre::message::Mailbox>().is_ok(),
            "mail.from",
            "no es una dirección de correo válida",
        );
        if self.mail.transport == MailTransportKind::Smtp {
            c.require(
                !self.mail.smtp.host.trim().is_empty(),
                "mail.smtp.host",
                "es obligatorio con el transporte smtp",
            );
            c.require(
                self.mail.smtp.username.is_some() == self.mail.smtp.password.is_some(),
                "mail.smtp.password",
                "usuario y contraseña SMTP van juntos",
            );
        }
        c.positive(self.mail.poll_interval, "mail.poll_interval");
        c.positive(self.mail.retry_initial, "mail.retry_initial");
        c.require(
            self.mail.retry_max >= self.mail.retry_initial,
            "mail.retry_max",
            "debe ser ≥ mail.retry_initial",
        );
        c.positive(self.mail.smtp.timeout, "mail.smtp.timeout");

        c.at_least(u64::from(self.hashing.memory_kib), 8 * 1024, "hashing.memory_kib");
        c.at_least(u64::from(self.hashing.iterations), 1, "hashing.iterations");
        c.at_least(u64::from(self.hashing.parallelism), 1, "hashing.parallelism");
        c.positive(self.hashing.max_wait, "hashing.max_wait");

        c.at_least(self.captcha.max_number, 1_000, "captcha.max_number");
        c.positive(self.captcha.ttl, "captcha.ttl");

        for (value, key) in [
            (self.links.generation_ttl, "links.generation_ttl"),
            (self.links.recovery_ttl, "links.recovery_ttl"),
            (self.links.unlock_ttl, "links.unlock_ttl"),
            (self.links.flow_ttl, "links.flow_ttl"),
            (self.links.not_me_ttl, "links.not_me_ttl"),
            (self.login.trusted_device_ttl, "login.trusted_device_ttl"),
            (self.sessions.idle, "sessions.idle"),
            (self.sessions.absolute, "sessions.absolute"),
            (self.staff.idle, "staff.idle"),
            (self.staff.absolute, "staff.absolute"),
            (self.staff.verification_ttl, "staff.verification_ttl"),
            (self.staff.call_ttl, "staff.call_ttl"),
            (self.staff.assisted_link_ttl, "staff.assisted_link_ttl"),
            (self.videollamada.failed_call_block, "videollamada.failed_call_block"),
            (self.maintenance.purge_interval, "maintenance.purge_interval"),
            (self.ventanilla.retention_after_close, "ventanilla.retention_after_close"),
        ] {
            c.positive(value, key);
        }
        c.at_least(u64::from(self.links.resends_per_hour), 1, "links.resends_per_hour");
        c.at_least(u64::from(self.attempts.per_day), 1, "attempts.per_day");
        c.require(
            self.attempts.total >= self.attempts.per_day,
            "attempts.total",
            "debe ser ≥ attempts.per_day",
        );
        c.at_least(u64::from(self.login.max_failures), 1, "login.max_failures");
        for (limit, requests, window) in [
            (self.rate_limits.per_ip, "rate_limits.per_ip.requests", "rate_limits.per_ip.window"),
            (
                self.rate_limits.per_identification,
                "rate_limits.per_identification.requests",
                "rate_limits.per_identification.window",
            ),
        ] {
            c.at_least(u64::from(limit.requests), 1, requests);
            c.positive(limit.window, window);
        }
        c.at_least(u64::from(self.staff.max_failures), 1, "staff.max_failures");
        c.require(self.staff.absolute >= self.staff.idle, "staff.absolute", "debe ser ≥ staff.idle");
        c.require(
            self.sessions.absolute >= self.sessions.idle,
            "sessions.absolute",
            "debe ser ≥ sessions.idle",
        );
        c.at_least(self.ventanilla.max_file_bytes as u64, 1024, "ventanilla.max_file_bytes");
        c.at_least(self.ventanilla.description_max_chars as u64, 1, "ventanilla.description_max_chars");
        c.0
    }
}
