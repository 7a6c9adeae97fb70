use figment::{
    Figment,
    providers::{Format, Toml},
};

use super::*;

fn from_toml(toml: &str) -> Result<Settings, ConfigError> {
    Settings::from_figment(Figment::new().merge(Toml::string(toml)))
}

#[test]
fn the_defaults_are_valid_and_match_the_design() {
    let s = from_toml("").expect("defaults are valid");
    assert_eq!(s.links.generation_ttl, Duration::from_secs(15 * 60));
    assert_eq!(s.links.unlock_ttl, Duration::from_secs(3 * 60));
    assert_eq!((s.attempts.per_day, s.attempts.total), (3, 9));
    assert_eq!(s.login.max_failures, 5);
    assert_eq!(s.staff.max_failures, 5);
    assert_eq!(
        (s.staff.idle, s.staff.absolute),
        (Duration::from_secs(10 * 60), Duration::from_secs(8 * 3600))
    );
    assert_eq!(s.videollamada.failed_call_block, Duration::from_secs(24 * 3600));
    assert_eq!(s.ventanilla.max_file_bytes, 1024 * 1024);
    assert_eq!(s.hashing.memory_kib, 19 * 1024);
    assert_eq!(s.mail.transport, MailTransportKind::Dev);
}

#[test]
fn durations_are_read_in_human_form() {
    let s = from_toml("[links]\nunlock_ttl = \"5m\"\n[login]\nmax_failures = 7").expect("valid");
    assert_eq!(s.links.unlock_ttl, Duration::from_secs(300));
    assert_eq!(s.login.max_failures, 7);
}

#[test]
fn a_value_of_the_wrong_type_names_its_key() {
    let err = from_toml("[login]\nmax_failures = \"cinco\"").expect_err("must fail");
    assert!(err.to_string().contains("max_failures"), "{err}");
}

#[test]
fn an_unknown_key_is_refused_rather_than_ignored() {
    let err = from_toml("[login]\nmax_failure = 3").expect_err("typo must fail");
    assert!(err.to_string().contains("max_failure"), "{err}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let err =
        from_toml("[attempts]\nper_day = 0\ntotal = 0\n[links]\nunlock_ttl = \"0s\"").expect_err("must fail");
    let ConfigError::Invalid(problems) = err else { panic!("expected validation problems") };
    let keys: Vec<_> = problems.iter().map(|p| p.key).collect();
    assert!(keys.contains(&"attempts.per_day"), "{keys:?}");
    assert!(keys.contains(&"links.unlock_ttl"), "{keys:?}");
}

#[test]
fn rate_limits_and_trusted_proxies_come_from_the_settings_and_a_limit_of_zero_is_refused() {
    let s = from_toml(
        "[server]\ntrusted_proxies = [\"127.0.0.1\"]\n\
         [rate_limits]\nper_ip = { requests = 50, window = \"5m\" }",
    )
    .expect("valid");
    assert_eq!(s.rate_limits.per_ip.requests, 50);
    assert_eq!(s.rate_limits.per_ip.window, Duration::from_secs(300));
    assert_eq!(s.rate_limits.per_identification.requests, 20, "the default stays");
    assert_eq!(s.server.trusted_proxies, ["127.0.0.1".parse::<std::net::IpAddr>().expect("ip")]);
    let err = from_toml("[rate_limits]\nper_identification = { requests = 0, window = \"0s\" }")
        .expect_err("must fail");
    let ConfigError::Invalid(problems) = err else { panic!("expected validation problems") };
    let keys: Vec<_> = problems.iter().map(|p| p.key).collect();
    assert_eq!(keys, ["rate_limits.per_identification.requests", "rate_limits.per_identification.window"]);
}

#[test]
fn smtp_transport_requires_a_host() {
    let err = from_toml("[mail]\ntransport = \"smtp\"").expect_err("must fail");
    assert!(err.to_string().contains("mail.smtp.host"), "{err}");
}

#[test]
fn a_short_secret_key_is_refused() {
    let err = from_toml("[security]\nsecret_key = \"corta\"").expect_err("must fail");
    assert!(err.to_string().contains("security.secret_key"), "{err}");
}

#[test]
fn identification_steps_keep_a_least_time() {
    let settings = from_toml("[security]\nidentification_min_time = \"400ms\"").expect("valid");
    assert_eq!(settings.security.identification_min_time, std::time::Duration::from_millis(400));
    let err = from_toml("[security]\nidentification_min_time = \"0s\"").expect_err("must fail");
    assert!(err.to_string().contains("security.identification_min_time"), "{err}");
}

#[test]
fn the_request_timeout_must_outlast_the_identification_least_time() {
    let settings = from_toml("[server]\nrequest_timeout = \"3s\"").expect("valid");
    assert_eq!(settings.server.request_timeout, std::time::Duration::from_secs(3));
    let err = from_toml("[server]\nrequest_timeout = \"200ms\"").expect_err("must fail");
    assert!(err.to_string().contains("server.request_timeout"), "{err}");
}

#[test]
fn a_base_url_with_a_path_is_refused() {
    let err = from_toml("[server]\nbase_url = \"https://clave.example.ec/app\"").expect_err("must fail");
    assert!(err.to_string().contains("server.base_url"), "{err}");
}

#[test]
fn the_redacted_dump_hides_every_secret() {
    let s = from_toml(
        "[database]\nurl = \"postgres://clave:pg-pass-123@db/clave\"\n\
         [security]\nsecret_key = \"0123456789abcdef0123456789abcdef-secret\"\n\
         [mail]\ntransport = \"smtp\"\n[mail.smtp]\nhost = \"smtp.example.ec\"\nusername = \"u\"\npassword = \"smtp-pass-456\"",
    )
    .expect("valid");
    let dump = s.redacted();
    for secret in ["pg-pass-123", "0123456789abcdef", "smtp-pass-456"] {
        assert!(!dump.contains(secret), "{secret} leaked in:\n{dump}");
    }
    assert!(dump.contains("smtp.example.ec"), "non-secret values are shown");
}

#[test]
fn the_public_origin_drops_the_trailing_slash() {
    let s = from_toml("[server]\nbase_url = \"https://clave.example.ec\"").expect("valid");
    assert_eq!(s.public_origin(), "https://clave.example.ec");
    assert!(s.served_over_tls());
}

#[test]
fn a_log_filter_the_logger_cannot_parse_is_refused() {
    let err = from_toml("[server]\nlog_filter = \"info,clave=charlatan\"").expect_err("must fail");
    assert!(err.to_string().contains("server.log_filter"), "{err}");
    assert!(from_toml("[server]\nlog_filter = \"warn,clave_backend[drain]=debug\"").is_ok());
}
