//! Shared by the fault tests: the real `server` binary started on a test database and killed
//! with SIGKILL, a small HTTP/1.1 client, the captcha solved as the browser does, a TCP forwarder
//! that can cut the binary off its PostgreSQL server, and ways to write and read the database.

#![allow(dead_code)] // each test binary uses its own part of this module

use std::{
    collections::HashMap,
    io::{BufRead as _, BufReader, Read},
    os::unix::process::ExitStatusExt as _,
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use clave_backend::{clock::Clock as _, config::HashingSettings, hashing::PasswordHasher, testing::TestDb};
use secrecy::SecretString;
use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::{TcpListener, TcpStream},
};

/// The public URL the binary is given (`server.base_url`): server functions accept this origin.
/// It listens elsewhere (`127.0.0.1:0`); the origin check compares the header, not the socket.
pub const ORIGIN: &str = "http://127.0.0.1:3000";
pub const FORM: &str = "application/x-www-form-urlencoded";
pub const JSON: &str = "application/json";

/// The password of the demo people the tests give a clave.
pub const PASSWORD: &str = "Cóndor-Andino-Vuela-2026";

/// Settings that keep the binary quick without changing a rule: cheap argon2 (the floor the
/// settings allow), the easiest captcha allowed, and the mail sender's fallback poll and first
/// retry at one second.
const QUICK: [(&str, &str); 5] = [
    ("CLAVE_HASHING__MEMORY_KIB", "8192"),
    ("CLAVE_HASHING__ITERATIONS", "1"),
    ("CLAVE_CAPTCHA__MAX_NUMBER", "1000"),
    ("CLAVE_MAIL__POLL_INTERVAL", "1s"),
    ("CLAVE_MAIL__RETRY_INITIAL", "1s"),
];

/// The binary, running. Dropping it kills it (a failed test leaves no process behind).
pub struct Server {
    child: Option<Child>,
    /// `http://127.0.0.1:<port>`, where it listens.
    pub address: String,
    logs: Arc<Mutex<Vec<String>>>,
    _dir: tempfile::TempDir,
}

impl Server {
    /// Starts the binary on the database at `url` with `extra` settings (`CLAVE_*` variables) and
    /// waits until it listens: migrations ran, the demo registry is there.
    pub fn start(url: &str, extra: &[(&str, &str)]) -> Self {
        // An empty working folder: no `clave.toml` but the one a test would write.
        let dir = tempfile::tempdir().expect("working folder");
        let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
        command
            .current_dir(dir.path())
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("CLAVE_DATABASE__URL", url)
            .env("CLAVE_SERVER__LISTEN", "127.0.0.1:0")
            .env("CLAVE_SERVER__BASE_URL", ORIGIN)
            .env("CLAVE_SERVER__LOG_FORMAT", "json")
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in QUICK.iter().chain(extra) {
            command.env(key, value);
        }
        let mut child = command.spawn().expect("start the server");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (found, address) = std::sync::mpsc::channel();
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        collect(stderr, logs.clone(), None);
        collect(stdout, logs.clone(), Some(found));
        let Ok(address) = address.recv_timeout(Duration::from_secs(30)) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the server did not start:\n{}", logs.lock().expect("logs").join("\n"));
        };
        Self { child: Some(child), address: format!("http://{address}"), logs, _dir: dir }
    }

    /// `kill -KILL`: no shutdown code runs, no transaction is finished, nothing is flushed.
    pub fn kill(&mut self) {
        let mut child = self.child.take().expect("running");
        let status = Command::new("kill").arg("-KILL").arg(child.id().to_string()).status().expect("kill");
        assert!(status.success(), "kill -KILL failed");
        let exit = child.wait().expect("wait");
        assert_eq!(exit.signal(), Some(9), "the server died of SIGKILL: {exit:?}");
    }

    /// Every log line so far (JSON), for failure messages.
    pub fn logs(&self) -> String {
        self.logs.lock().expect("logs").join("\n")
    }

    /// `GET path`.
    pub async fn get(&self, path: &str) -> Reply {
        self.request("GET", path, &[], Vec::new()).await
    }

    /// A server function call from the site itself (`Origin` = the base URL).
    pub async fn call(&self, path: &str, content_type: &str, body: &str, cookie: Option<&str>) -> Reply {
        let mut headers = vec![("Content-Type", content_type.to_owned()), ("Origin", ORIGIN.to_owned())];
        if let Some(cookie) = cookie {
            headers.push(("Cookie", cookie.to_owned()));
        }
        self.request("POST", path, &headers, body.as_bytes().to_vec()).await
    }

    /// A url-encoded server function call.
    pub async fn form(&self, path: &str, pairs: &[(&str, &str)], cookie: Option<&str>) -> Reply {
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(pairs).finish();
        self.call(path, FORM, &body, cookie).await
    }

    /// One HTTP/1.1 request on a fresh connection (`Connection: close`).
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: Vec<u8>,
    ) -> Reply {
        send(&self.address, method, path, headers, body)
            .await
            .unwrap_or_else(|e| panic!("{method} {path}: {e}\n{}", self.logs()))
    }

    /// A proof for "No soy un robot": a challenge from the server, solved as the browser does.
    pub async fn captcha(&self) -> String {
        use clave_domain::captcha::{Challenge, Solution, solve};
        let reply = self.call("/api/captcha/reto", FORM, "", None).await;
        assert_eq!(reply.status, 200, "captcha challenge: {}", reply.body);
        let challenge: Challenge = serde_json::from_str(&reply.body).expect("challenge JSON");
        let number = solve(&challenge.challenge, &challenge.salt, challenge.maxnumber).expect("solvable");
        Solution::new(&challenge, number).to_base64()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// One HTTP/1.1 request to `address` (`http://host:port`) on a fresh connection; an error when the
/// connection fails or closes before a whole response (the server was killed).
pub async fn send(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: Vec<u8>,
) -> Result<Reply, String> {
    let host = address.trim_start_matches("http://");
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    let mut stream = TcpStream::connect(host).await.map_err(|e| format!("connect: {e}"))?;
    stream.write_all(head.as_bytes()).await.map_err(|e| format!("send: {e}"))?;
    stream.write_all(&body).await.map_err(|e| format!("send: {e}"))?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.map_err(|e| format!("read: {e}"))?;
    Reply::parse(&raw).ok_or_else(|| format!("cut short after {} bytes", raw.len()))
}

/// The headers of a url-encoded server function call from the site, with an optional cookie.
pub fn form_headers(cookie: Option<&str>) -> Vec<(&'static str, String)> {
    let mut headers = vec![("Content-Type", FORM.to_owned()), ("Origin", ORIGIN.to_owned())];
    if let Some(cookie) = cookie {
        headers.push(("Cookie", cookie.to_owned()));
    }
    headers
}

/// Reads `pipe` line by line into `logs` on a thread; sends the listening address on `found`.
fn collect(
    pipe: impl Read + Send + 'static,
    logs: Arc<Mutex<Vec<String>>>,
    found: Option<std::sync::mpsc::Sender<String>>,
) {
    std::thread::spawn(move || {
        for line in BufReader::new(pipe).lines().map_while(Result::ok) {
            if let Some(found) = &found {
                let event: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
                let message = event["message"].as_str().unwrap_or_default();
                if let Some(rest) = message.strip_prefix("Clave escucha en ") {
                    let _ = found.send(rest.split_whitespace().next().unwrap_or_default().to_owned());
                }
            }
            logs.lock().expect("logs").push(line);
        }
    });
}

/// An HTTP response.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    /// Lower-case names; repeated headers joined with `\n`.
    pub headers: HashMap<String, String>,
    pub body: String,
}

impl Reply {
    /// A whole response, or `None` when it was cut short.
    fn parse(raw: &[u8]) -> Option<Self> {
        let split = raw.windows(4).position(|w| w == b"\r\n\r\n")?;
        let head = String::from_utf8_lossy(&raw[..split]).into_owned();
        let mut lines = head.split("\r\n");
        let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
        let mut headers = HashMap::<String, String>::new();
        for line in lines {
            let (name, value) = line.split_once(':')?;
            headers
                .entry(name.trim().to_ascii_lowercase())
                .and_modify(|v| {
                    v.push('\n');
                    v.push_str(value.trim());
                })
                .or_insert_with(|| value.trim().to_owned());
        }
        let mut body = raw[split + 4..].to_vec();
        if headers.get("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            body = dechunk(&body)?;
        } else if headers
            .get("content-length")
            .and_then(|l| l.parse::<usize>().ok())
            .is_some_and(|length| body.len() < length)
        {
            return None;
        }
        Some(Self { status, headers, body: String::from_utf8_lossy(&body).into_owned() })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }

    /// `name=value` of the `Set-Cookie` that sets `name`.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.header("set-cookie")?
            .lines()
            .filter_map(|c| c.split(';').next())
            .find(|pair| pair.starts_with(&format!("{name}=")) && pair.len() > name.len() + 1)
            .map(str::to_owned)
    }

    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
}

/// The body of a chunked response; `None` when the last chunk is missing.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let end = body.windows(2).position(|w| w == b"\r\n")?;
        let size = std::str::from_utf8(&body[..end]).ok()?.split(';').next()?;
        let size = usize::from_str_radix(size.trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(body.get(end + 2..end + 2 + size)?);
        body = body.get(end + 2 + size + 2..)?;
    }
}

/// PostgreSQL: how many statements queueing a mail wait for a lock on the outbox (a test holding
/// it locked sees its request arrive there; the mail sender's claims, which wait too, are not
/// counted).
pub const WAITING_OUTBOX_INSERTS: &str = "SELECT COUNT(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
     WHERE NOT l.granted AND l.relation = 'outbox'::regclass AND a.query LIKE 'INSERT INTO outbox%'";

/// Polls `check` every 50 ms until it is true, for at most `limit`.
pub async fn eventually<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "not within {limit:?}: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A database with several connections that the binary can open too (a SQLite file, or a schema
/// of the run's PostgreSQL server), migrated and seeded with the demo registry.
pub async fn database() -> TestDb {
    let db = TestDb::pooled(2).await;
    let now = clave_backend::clock::SystemClock.now();
    clave_backend::registry::seed_demo_if_empty(&*db.store, now).await.expect("demo registry");
    db
}

/// Gives the demo person `id` a clave ([`PASSWORD`]) with their registry contacts, written to the
/// database before the binary starts; returns their affiliate id.
pub async fn give_clave(db: &TestDb, id: &str) -> i64 {
    let hashing = HashingSettings { memory_kib: 8192, iterations: 1, ..HashingSettings::default() };
    let hash = PasswordHasher::new(&hashing)
        .expect("hasher")
        .hash(SecretString::from(PASSWORD))
        .await
        .expect("hash");
    let id = clave_domain::Identification::parse(id).expect("identification");
    clave_backend::testing::give_clave(&*db.store, &id, hash, clave_backend::clock::SystemClock.now()).await
}

/// `PRAGMA integrity_check` on SQLite (PostgreSQL has no counterpart: its own crash recovery
/// is not under test, the server it runs on was never killed).
pub async fn assert_integrity(db: &TestDb) {
    if !db.is_postgres() {
        let verdict: Vec<(String,)> = db.rows("PRAGMA integrity_check").await;
        assert_eq!(verdict, vec![("ok".to_owned(),)], "SQLite integrity after SIGKILL");
        let keys: Vec<(String, Option<i64>, String, i64)> = db.rows("PRAGMA foreign_key_check").await;
        assert!(keys.is_empty(), "dangling references: {keys:?}");
    }
}

/// A count.
pub async fn count(db: &TestDb, sql: &str) -> i64 {
    db.scalar(sql).await
}

/// How a [`Forwarder`] treats connections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// Bytes flow both ways.
    Up,
    /// The database host is gone: open connections are closed, new ones closed at once.
    Reset,
    /// A network partition: connections stay open but no byte gets through, either way.
    Silent,
}

/// A TCP forwarder from a local port to the PostgreSQL server, between the binary and its
/// database, that can cut the link and restore it.
pub struct Forwarder {
    pub port: u16,
    link: tokio::sync::watch::Sender<Link>,
    task: tokio::task::JoinHandle<()>,
}

impl Forwarder {
    pub async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind the forwarder");
        let port = listener.local_addr().expect("address").port();
        let (link, watch) = tokio::sync::watch::channel(Link::Up);
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else { continue };
                tokio::spawn(forward(client, upstream.clone(), watch.clone()));
            }
        });
        Self { port, link, task }
    }

    /// The database host is gone: every open connection is closed and new ones are closed as
    /// soon as they are accepted.
    pub fn cut(&self) {
        self.link.send_replace(Link::Reset);
    }

    /// A network partition: nothing gets through, nothing is closed.
    pub fn silence(&self) {
        self.link.send_replace(Link::Silent);
    }

    /// The database is reachable again. Connections held through a partition are closed (a
    /// long partition outlives TCP's patience); new ones go through.
    pub fn restore(&self) {
        self.link.send_replace(Link::Up);
    }
}

impl Drop for Forwarder {
    fn drop(&mut self) {
        self.task.abort();
        self.link.send_replace(Link::Reset);
    }
}

/// One connection through the forwarder, as long as the link is up.
async fn forward(mut client: TcpStream, upstream: String, mut link: tokio::sync::watch::Receiver<Link>) {
    let state = *link.borrow_and_update();
    if state == Link::Up {
        let Ok(mut server) = TcpStream::connect(&upstream).await else { return };
        tokio::select! {
            _ = tokio::io::copy_bidirectional(&mut client, &mut server) => return,
            _ = link.changed() => {}
        }
        if *link.borrow_and_update() == Link::Silent {
            // Both sockets stay open, unread, until the link changes again.
            let _ = link.changed().await;
        }
        return;
    }
    if state == Link::Silent {
        let _ = link.changed().await;
    }
}

/// `url` (`postgres://user@host:port/…`) with its `host:port` replaced by `127.0.0.1:<port>`,
/// and the `host:port` it named.
pub fn through_port(url: &str, port: u16) -> (String, String) {
    let (scheme, rest) = url.split_once("://").expect("scheme");
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let (credentials, host) = match authority.rsplit_once('@') {
        Some((credentials, host)) => (format!("{credentials}@"), host),
        None => (String::new(), authority),
    };
    (format!("{scheme}://{credentials}127.0.0.1:{port}{path}"), host.to_owned())
}
