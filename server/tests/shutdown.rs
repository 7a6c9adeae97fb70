//! The real binary: it starts on a fresh database with migrations and the demo registry, answers
//! `/health`, and stops cleanly on SIGTERM.

use std::{
    io::{BufRead as _, BufReader, Read as _, Write as _},
    net::TcpStream,
    process::{Command, Stdio},
    time::{Duration, Instant},
};

#[cfg(unix)]
#[test]
fn the_server_starts_answers_and_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CLAVE_DATABASE__URL", format!("sqlite://{}", dir.path().join("data/clave.db").display()))
        .env("CLAVE_SERVER__LISTEN", "127.0.0.1:0")
        .env("CLAVE_SERVER__LOG_FORMAT", "json")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start the server");

    // Read the JSON log until the server says where it listens (bounded by the test timeout).
    let started = Instant::now();
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let address = loop {
        assert!(started.elapsed() < Duration::from_secs(30), "the server did not start");
        let line = lines.next().expect("log line").expect("utf-8");
        let event: serde_json::Value = serde_json::from_str(&line).expect("every log line is JSON");
        let message = event["message"].as_str().unwrap_or_default();
        if let Some(rest) = message.strip_prefix("Clave escucha en ") {
            break rest.split_whitespace().next().expect("address").to_owned();
        }
    };

    let mut stream = TcpStream::connect(&address).expect("connect");
    stream.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains(r#"{"status":"ok"}"#), "{response}");

    let status = Command::new("kill").arg("-TERM").arg(child.id().to_string()).status().expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    let exit = loop {
        if let Some(exit) = child.try_wait().expect("wait") {
            break exit;
        }
        assert!(Instant::now() < deadline, "the server did not stop after SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(exit.success(), "{exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("Clave se detuvo")), "{rest:?}");
    assert!(dir.path().join("data/clave.db").exists(), "the database was created with its folder");
}
