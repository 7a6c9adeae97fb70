//! Settings read from the environment. A test binary of its own: `figment::Jail` sets process-wide
//! environment variables and the working directory, which tests running beside it in the same
//! process would read.

use clave_backend::config::Settings;

#[test]
#[allow(clippy::result_large_err)] // figment's own error type, in the closure `Jail` asks for
fn variables_of_the_test_tools_are_not_settings() {
    // The variable `scripts/with-postgres.sh` sets for the PostgreSQL test runs.
    figment::Jail::expect_with(|jail| {
        jail.set_env("CLAVE_TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres");
        jail.set_env("CLAVE_LOGIN__MAX_FAILURES", "7");
        let settings = Settings::from_figment(Settings::figment(None)).expect("valid");
        assert_eq!(settings.login.max_failures, 7);
        jail.set_env("CLAVE_TESTING", "1");
        assert!(Settings::from_figment(Settings::figment(None)).is_err(), "other unknown keys are refused");
        Ok(())
    });
}
