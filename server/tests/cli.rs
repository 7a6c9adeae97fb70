//! The binary as an operator runs it: configuration errors, the registry import, the redacted
//! configuration dump.

use std::{path::Path, process::Command};

const HEADER: &str = "tipo_identificacion,numero_identificacion,nombres,apellidos,fecha_nacimiento,correo,celular,convencional,empleador,fecha_primer_aporte,huella_registrada,nacionalidad";

fn server(dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
    cmd.current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CLAVE_DATABASE__URL", format!("sqlite://{}", dir.join("clave.db").display()));
    cmd
}

fn write_csv(dir: &Path, lines: &[&str]) -> std::path::PathBuf {
    let path = dir.join("registro.csv");
    std::fs::write(&path, format!("{HEADER}\n{}\n", lines.join("\n"))).expect("write csv");
    path
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run server binary");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_bad_setting_stops_the_start_with_a_message_naming_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) =
        run(server(dir.path()).env("CLAVE_LOGIN__MAX_FAILURES", "cinco").arg("print-config"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.to_lowercase().contains("max_failures"), "{stderr}");

    let (code, _, stderr) = run(server(dir.path()).env("CLAVE_ATTEMPTS__PER_DAY", "0").arg("serve"));
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("attempts.per_day"), "{stderr}");
    assert!(!dir.path().join("clave.db").exists(), "nothing was created");
}

#[test]
fn a_missing_settings_file_named_by_clave_config_is_an_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) = run(server(dir.path()).env("CLAVE_CONFIG", "no-existe.toml").arg("print-config"));
    assert_eq!(code, 2);
    assert!(stderr.contains("no-existe.toml"), "{stderr}");
}

#[test]
fn settings_come_from_the_file_and_the_environment_wins() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("clave.toml"), "[links]\nunlock_ttl = \"4m\"\nrecovery_ttl = \"20m\"\n")
        .expect("write");
    let (code, stdout, stderr) =
        run(server(dir.path()).env("CLAVE_LINKS__RECOVERY_TTL", "25m").arg("print-config"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("unlock_ttl: 240s"), "{stdout}");
    assert!(stdout.contains("recovery_ttl: 1500s"), "{stdout}");
}

#[test]
fn print_config_never_shows_a_secret() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, stdout, _) = run(server(dir.path())
        .env("CLAVE_SECURITY__SECRET_KEY", "una-clave-secreta-larga-de-prueba-0123456789")
        .env("CLAVE_MAIL__SMTP__PASSWORD", "smtp-secreto")
        .env("CLAVE_MAIL__SMTP__USERNAME", "clave")
        .arg("print-config"));
    assert_eq!(code, 0);
    assert!(!stdout.contains("una-clave-secreta"), "{stdout}");
    assert!(!stdout.contains("smtp-secreto"), "{stdout}");
    assert!(stdout.contains("REDACTED"), "{stdout}");
}

#[test]
fn a_malformed_registry_is_reported_line_by_line_and_imports_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let csv = write_csv(
        dir.path(),
        &[
            "cedula,1701234567,Ana,Prueba,1980-01-02,,,,,,no,Ecuatoriana",
            "cedula,1701234560,Mal,Digito,1980-01-02,,,,,,no,Ecuatoriana",
            "cedula,0902345677,Eva,Fecha,1980-13-45,,,,,,no,Ecuatoriana",
        ],
    );
    let (code, _, stderr) = run(server(dir.path()).arg("import-affiliates").arg(&csv));
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("línea 3"), "{stderr}");
    assert!(stderr.contains("línea 4"), "{stderr}");
    assert!(stderr.contains("no se importó nada"), "{stderr}");

    // The good line alone imports; the registry then holds exactly it.
    let good = write_csv(dir.path(), &["cedula,1701234567,Ana,Prueba,1980-01-02,,,,,,no,Ecuatoriana"]);
    let (code, stdout, stderr) = run(server(dir.path()).arg("import-affiliates").arg(&good).arg("--dry-run"));
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("1 nuevos") && stdout.contains("simulación"), "{stdout}");
    let (_, stdout, _) = run(server(dir.path()).arg("import-affiliates").arg(&good));
    assert!(stdout.contains("1 nuevos"), "the dry run saved nothing: {stdout}");
    let (_, stdout, _) = run(server(dir.path()).arg("import-affiliates").arg(&good));
    assert!(stdout.contains("0 nuevos, 0 actualizados, 1 sin cambios"), "idempotent: {stdout}");
}

#[test]
fn an_unreadable_file_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, _, stderr) = run(server(dir.path()).arg("import-affiliates").arg("no-existe.csv"));
    assert_eq!(code, 1);
    assert!(stderr.contains("no se pudo leer no-existe.csv"), "{stderr}");
}

fn create_staff(dir: &Path, username: &str, password: &str) -> (i32, String, String) {
    use std::io::Write as _;
    let mut child = server(dir)
        .args(["create-staff", username, "--role", "supervisor", "--name", "Sofía Supervisora"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    writeln!(child.stdin.take().expect("stdin"), "{password}").expect("write password");
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn secret_in(stdout: &str) -> String {
    stdout.lines().find_map(|l| l.strip_prefix("Secreto TOTP (base32): ")).expect("secret printed").to_owned()
}

#[test]
fn create_staff_reads_the_password_from_stdin_and_prints_the_totp_secret_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (code, stdout, stderr) = create_staff(dir.path(), "sofia.sup", "Cóndor-Andino-Vuela-2026");
    assert_eq!(code, 0, "{stderr}");
    let secret = secret_in(&stdout);
    assert_eq!(secret.len(), 32, "{stdout}");
    assert!(stdout.contains(&format!("otpauth://totp/Clave%20IESS:sofia.sup?secret={secret}")), "{stdout}");
    assert!(!stdout.contains("Cóndor"), "the password is never printed");

    let (code, _, stderr) = create_staff(dir.path(), "sofia.sup", "Cóndor-Andino-Vuela-2026");
    assert_eq!(code, 1);
    assert!(stderr.contains("ya existe"), "{stderr}");
    let (code, _, stderr) = create_staff(dir.path(), "otra", "corta2026");
    assert_eq!(code, 1);
    assert!(stderr.contains("12 caracteres"), "{stderr}");
    let (code, _, stderr) =
        run(server(dir.path()).args(["create-staff", "x.y", "--role", "jefe", "--name", "X"]));
    assert_eq!(code, 1);
    assert!(stderr.contains("agente, supervisor o admin"), "{stderr}");

    let (code, stdout, stderr) = run(server(dir.path()).args(["reset-staff-totp", "sofia.sup"]));
    assert_eq!(code, 0, "{stderr}");
    assert_ne!(secret_in(&stdout), secret, "a new secret");
    let (code, _, _) = run(server(dir.path()).args(["reset-staff-totp", "nadie"]));
    assert_eq!(code, 1);
}
