//! Faults, part 2: the database becomes unreachable under the running binary, then comes back.
//!
//! The binary talks to PostgreSQL through a TCP forwarder in the test that can cut the link
//! and restore it. What is proved:
//! - While the database host is gone (open connections closed, new ones closed at once):
//!   `/health` answers 503
//!   `{"status":"unavailable"}`; pages that need the database answer 503 with `Retry-After` and
//!   say "El servicio no está disponible…"; every server function that needs it answers 503 with
//!   `Retry-After` and the body of `AppError::Unavailable`; each within the pool's acquire
//!   timeout; pages and functions that need no database keep working.
//! - Nothing is half-written: the counters, flows, rate-limit windows, captcha records, mails,
//!   sessions and audit events are what they were before the outage, and a captcha proof sent
//!   during it is still unspent afterwards.
//! - When the database is back the same server (not restarted) serves again: `/health` is 200
//!   and the wizard, the session and the login counter go on from where they were.
//! - Through a network partition (the link silent, nothing closed), new requests do not hang:
//!   they answer 503 within the acquire timeout (pages too: their status waits for their data),
//!   and service resumes when the partition heals. A query already sent when the partition
//!   starts is cut off at `server.request_timeout`: that request answers 503 too.
//!
//! These tests need a database *server*: they run in the PostgreSQL pass of the test command
//! (`scripts/with-postgres.sh cargo test …`, which sets `CLAVE_TEST_POSTGRES_URL`) and are skipped,
//! saying so, on SQLite. An embedded SQLite file cannot become unreachable while the process has
//! it open (no server, no network; the tests run as root, so permissions do not bite either). Its
//! nearest fault, the file's write lock held by another process, is a different one: reads go on,
//! writes wait the 5 s busy timeout and then answer 503 (the test at the end).

#![cfg(unix)]

mod support;

use std::time::{Duration, Instant};

use clave_backend::testing::{POSTGRES_URL, TestDb, postgres_url};
use serde_json::json;
use support::{FORM, Forwarder, JSON, Reply, Server, database, eventually, give_clave, through_port};

const MARIA: &str = "1701234567";
const CARLOS: &str = "1104567894";
/// The stores' 5 s pool acquire timeout, plus slack for a busy machine.
const ACQUIRE_BOUND: Duration = Duration::from_secs(8);
const UNAVAILABLE_ES: &str = "El servicio no está disponible en este momento.";

/// The PostgreSQL server of this run; `None` (and a note) on the SQLite pass.
fn postgres(test: &str) -> Option<String> {
    let url = postgres_url();
    if url.is_none() {
        eprintln!("{test}: SQLite pass, skipped (needs a database server: set {POSTGRES_URL})");
    }
    url
}

/// The binary on `db`, through a forwarder to the PostgreSQL server at `server_url`.
async fn behind_forwarder(db: &TestDb, server_url: &str) -> (Server, Forwarder) {
    assert!(db.is_postgres(), "{POSTGRES_URL} is set, so the test database is on PostgreSQL");
    let (_, upstream) = through_port(server_url, 0);
    let forwarder = Forwarder::start(upstream).await;
    let (url, _) = through_port(&db.url(), forwarder.port);
    (Server::start(&url, &[]), forwarder)
}

/// Every row count and counter a request could write.
async fn written(db: &TestDb) -> Vec<(String, i64)> {
    let mut out = Vec::new();
    for (what, sql) in [
        ("flows", "SELECT COUNT(*) FROM flows"),
        ("flow versions", "SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM flows"),
        ("attempts", "SELECT CAST(COALESCE(SUM(total), 0) AS BIGINT) FROM attempt_counters"),
        ("rate-limit hits", "SELECT CAST(COALESCE(SUM(hits), 0) AS BIGINT) FROM rate_limits"),
        ("spent captchas", "SELECT COUNT(*) FROM spent_captchas"),
        (
            "login failures",
            "SELECT CAST(COALESCE(SUM(unknown_failures), 0) AS BIGINT) FROM security_profiles",
        ),
        ("locks", "SELECT COUNT(*) FROM security_profiles WHERE unknown_locked_at IS NOT NULL"),
        ("sessions", "SELECT COUNT(*) FROM sessions"),
        ("tokens", "SELECT COUNT(*) FROM tokens"),
        ("mails", "SELECT COUNT(*) FROM outbox"),
        ("events", "SELECT COUNT(*) FROM security_events"),
        ("cases", "SELECT COUNT(*) FROM ventanilla_cases"),
    ] {
        out.push((what.to_owned(), db.scalar::<i64>(sql).await));
    }
    out
}

/// 503, `Retry-After`, and the body of `AppError::Unavailable`.
fn assert_unavailable_function(what: &str, reply: &Reply) {
    assert_eq!(reply.status, 503, "{what}: {}", reply.body);
    assert_eq!(reply.header("retry-after"), Some("30"), "{what}");
    assert_eq!(reply.json(), json!("Unavailable"), "{what}");
}

/// 503, `Retry-After`, and the page says the service is not available.
fn assert_unavailable_page(what: &str, reply: &Reply) {
    assert_eq!(reply.status, 503, "{what}");
    assert_eq!(reply.header("retry-after"), Some("30"), "{what}");
    assert!(reply.body.contains(UNAVAILABLE_ES), "{what}: {}", reply.body);
    assert!(reply.body.contains("role=\"alert\""), "{what}: said as an alert");
}

async fn timed<F: std::future::Future<Output = Reply>>(what: &str, request: F) -> Reply {
    let started = Instant::now();
    let reply = request.await;
    eprintln!("{what}: {} in {:?}", reply.status, started.elapsed());
    assert!(started.elapsed() < ACQUIRE_BOUND, "{what} took {:?}", started.elapsed());
    reply
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_database_gone_every_page_and_function_says_so_nothing_is_written_and_it_resumes() {
    let Some(server_url) = postgres("database gone") else { return };
    let db = database().await;
    let affiliate = give_clave(&db, MARIA).await;
    let (server, forwarder) = behind_forwarder(&db, &server_url).await;

    // Before the outage: a generation flow at its challenge, and a logged-in session.
    let captcha = server.captcha().await;
    let started =
        server.form("/api/generar/buscar", &[("identification", CARLOS), ("captcha", &captcha)], None).await;
    let flow = started.cookie("clave_generar").expect("flow cookie");
    let challenge = started.json()["Step"]["Challenge"].clone();
    let login = server
        .form("/api/ingresar", &[("identification", MARIA), ("password", support::PASSWORD)], None)
        .await;
    let session = login.cookie("clave_sesion").expect("session cookie");
    assert_eq!(server.get("/health").await.status, 200);
    let before = written(&db).await;

    forwarder.cut();
    let health = timed("/health", server.get("/health")).await;
    assert_eq!((health.status, health.json()), (503, json!({"status": "unavailable"})));

    for (page, cookie) in [("/clave/generar", &flow), ("/mi-cuenta", &session)] {
        let headers = [("Cookie", cookie.clone())];
        let reply = timed(page, server.request("GET", page, &headers, Vec::new())).await;
        assert_unavailable_page(page, &reply);
    }
    let mailbox = timed("/dev/correo", server.get("/dev/correo")).await;
    assert_unavailable_page("/dev/correo", &mailbox);
    // What needs no database still works: the home page, the help page, a captcha challenge.
    for page in ["/", "/ayuda"] {
        assert_eq!(server.get(page).await.status, 200, "{page}");
    }
    let proof = server.captcha().await;

    let wrong = [("identification", MARIA), ("password", "Incorrecta-2026")];
    let reply = timed("login", server.form("/api/ingresar", &wrong, None)).await;
    assert_unavailable_function("login", &reply);
    let search = [("identification", CARLOS), ("captcha", proof.as_str())];
    let reply = timed("generation step 1", server.form("/api/generar/buscar", &search, None)).await;
    assert_unavailable_function("generation step 1", &reply);
    let answers = json!({"day": "1", "month": "1", "year": "1950", "choices": challenge["view"]["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| (q["id"].clone(), q["options"][0]["id"].clone()))
        .collect::<Vec<_>>()})
    .to_string();
    let reply = timed("challenge", server.call("/api/generar/desafio", JSON, &answers, Some(&flow))).await;
    assert_unavailable_function("generation step 2", &reply);
    let unlock = [("identification", MARIA), ("captcha", proof.as_str())];
    let reply = timed("unlock", server.form("/api/desbloquear/solicitar", &unlock, None)).await;
    assert_unavailable_function("unlock request", &reply);
    let reply = timed("account", server.call("/api/mi-cuenta/resumen", FORM, "", Some(&session))).await;
    assert_unavailable_function("Mi cuenta", &reply);
    let reply = timed("step", server.call("/api/generar/estado", FORM, "", Some(&flow))).await;
    assert_unavailable_function("wizard state", &reply);

    // Back, and the same process serves again.
    forwarder.restore();
    eventually(Duration::from_secs(10), "/health is 200 again", || async {
        server.get("/health").await.status == 200
    })
    .await;
    assert_eq!(written(&db).await, before, "nothing was written during the outage");

    let account = server.request("GET", "/mi-cuenta", &[("Cookie", session.clone())], Vec::new()).await;
    assert_eq!(account.status, 200, "the session outlived the outage");
    assert!(!account.body.contains(UNAVAILABLE_ES));
    let step = server.call("/api/generar/estado", FORM, "", Some(&flow)).await;
    assert!(
        step.json()["Challenge"]["view"]["questions"].is_array(),
        "the wizard is where it was: {}",
        step.body
    );
    let retry = server.call("/api/generar/desafio", JSON, &answers, Some(&flow)).await;
    assert_eq!(retry.json()["Step"]["Challenge"]["retry"], json!({"today": 2, "total": 8}), "{}", retry.body);
    let refused = server.form("/api/ingresar", &wrong, None).await;
    assert_eq!(refused.json(), json!({"Refused": {"max_failures": 5}}));
    let failures = format!("SELECT unknown_failures FROM security_profiles WHERE affiliate_id = {affiliate}");
    assert_eq!(db.scalar::<i64>(&failures).await, 1, "the first failure, counted once");
    // The proof sent during the outage was never spent.
    let reply = server.form("/api/desbloquear/solicitar", &unlock, None).await;
    assert_eq!(reply.json(), json!("Sent"), "{}", reply.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_a_network_partition_requests_answer_503_in_bounded_time_and_service_resumes() {
    let Some(server_url) = postgres("partition") else { return };
    let db = database().await;
    let (server, forwarder) = behind_forwarder(&db, &server_url).await;
    let captcha = server.captcha().await;
    let started =
        server.form("/api/generar/buscar", &[("identification", CARLOS), ("captcha", &captcha)], None).await;
    let flow = started.cookie("clave_generar").expect("flow cookie");
    assert_eq!(server.get("/health").await.status, 200);
    let before = written(&db).await;

    forwarder.silence();
    let health = timed("/health", server.get("/health")).await;
    assert_eq!(health.status, 503, "{}", health.body);
    let proof = server.captcha().await;
    let search = [("identification", CARLOS), ("captcha", proof.as_str())];
    let reply = timed("generation step 1", server.form("/api/generar/buscar", &search, None)).await;
    assert_unavailable_function("generation step 1", &reply);
    // A page waits for its data before it sends its status: 503 even when the data takes the
    // whole acquire timeout to fail.
    let headers = [("Cookie", flow.clone())];
    let page = timed("/clave/generar", server.request("GET", "/clave/generar", &headers, Vec::new())).await;
    assert_unavailable_page("/clave/generar", &page);
    let mailbox = timed("/dev/correo", server.get("/dev/correo")).await;
    assert_unavailable_page("/dev/correo", &mailbox);

    forwarder.restore();
    eventually(Duration::from_secs(10), "/health is 200 again", || async {
        server.get("/health").await.status == 200
    })
    .await;
    assert_eq!(written(&db).await, before, "nothing was written during the partition");
    let reply = server.form("/api/generar/buscar", &search, None).await;
    assert!(reply.cookie("clave_generar").is_some(), "a flow opens again: {}", reply.body);
}

/// A query already sent when the link goes silent: the database answers, nothing gets through.
/// The unlock request waits on the database side (the test holds the outbox locked), the link
/// goes silent, the lock is released: without a deadline the request would wait for TCP to give
/// up. It is answered 503 at `server.request_timeout` (3 s here), and service resumes when the
/// link heals.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_in_flight_when_the_link_goes_silent_is_answered_503_at_the_request_timeout() {
    let Some(server_url) = postgres("in flight") else { return };
    let db = database().await;
    give_clave(&db, MARIA).await;
    let (_, upstream) = through_port(&server_url, 0);
    let forwarder = Forwarder::start(upstream).await;
    let (url, _) = through_port(&db.url(), forwarder.port);
    let server = Server::start(&url, &[("CLAVE_SERVER__REQUEST_TIMEOUT", "3s")]);
    let other = sqlx::PgPool::connect(&db.url()).await.expect("a direct connection");
    let mut held = other.begin().await.expect("begin");
    sqlx::query("LOCK TABLE outbox IN EXCLUSIVE MODE").execute(&mut *held).await.expect("lock the outbox");

    let captcha = server.captcha().await;
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([("identification", MARIA), ("captcha", captcha.as_str())])
        .finish();
    let address = server.address.clone();
    let started = Instant::now();
    let request = tokio::spawn(async move {
        support::send(
            &address,
            "POST",
            "/api/desbloquear/solicitar",
            &support::form_headers(None),
            body.into_bytes(),
        )
        .await
    });
    eventually(Duration::from_secs(5), "the unlock request waits for the outbox", || async {
        db.scalar::<i64>(support::WAITING_OUTBOX_INSERTS).await == 1
    })
    .await;
    forwarder.silence();
    held.rollback().await.expect("release the outbox");
    let reply = tokio::time::timeout(Duration::from_secs(10), request)
        .await
        .expect("answered while the link is still silent")
        .expect("task")
        .expect("an answer");
    eprintln!("in flight: {} after {:?}", reply.status, started.elapsed());
    assert!(started.elapsed() < Duration::from_secs(6), "answered at the deadline: {:?}", started.elapsed());
    assert_unavailable_function("the unlock request in flight", &reply);

    forwarder.restore();
    eventually(Duration::from_secs(15), "/health is 200 again", || async {
        server.get("/health").await.status == 200
    })
    .await;
    let captcha = server.captcha().await;
    let again = server
        .form("/api/desbloquear/solicitar", &[("identification", MARIA), ("captcha", &captcha)], None)
        .await;
    assert_eq!(again.json(), json!("Sent"), "{}", again.body);
}

/// The nearest SQLite fault: another process (a backup, a `sqlite3` shell) holds the file's
/// write lock. Reads go on (WAL), so `/health` stays 200; a request that writes waits the 5 s busy
/// timeout and then answers like an unavailable database (503 + `Retry-After`), changing nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_file_locked_by_another_process_answers_503_and_resumes_when_released() {
    use std::str::FromStr as _;
    if postgres_url().is_some() {
        eprintln!("SQLite only");
        return;
    }
    let db = database().await;
    give_clave(&db, MARIA).await;
    let server = Server::start(&db.url(), &[]);
    let before = written(&db).await;

    let options = sqlx::sqlite::SqliteConnectOptions::from_str(&db.url()).expect("url");
    let mut other = sqlx::ConnectOptions::connect(&options).await.expect("another process's connection");
    sqlx::query("BEGIN IMMEDIATE").execute(&mut other).await.expect("take the write lock");
    let wrong = [("identification", MARIA), ("password", "Incorrecta-2026")];
    let reply = timed("login", server.form("/api/ingresar", &wrong, None)).await;
    assert_unavailable_function("login", &reply);
    sqlx::query("ROLLBACK").execute(&mut other).await.expect("release");
    drop(other);

    assert_eq!(written(&db).await, before);
    let refused = server.form("/api/ingresar", &wrong, None).await;
    assert_eq!(refused.json(), json!({"Refused": {"max_failures": 5}}));
}
