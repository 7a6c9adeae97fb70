//! The security suite (DESIGN §5): the whole router called in-process, on a private test database
//! (SQLite, or PostgreSQL in the second run of the test command) and a manual clock. It proves:
//!
//! 1. **No enumeration (§5.1).** For an unknown cédula, one with a clave, one whose clave is locked,
//!    one whose generation and recovery attempts are exhausted, and one registered without a
//!    clave, every identification step — generation and recovery step 1, the unlock request, the
//!    Ventanilla status, the login refusal — answers the same status, the same header names and
//!    values and the same body, byte for byte, once the per-request random values are masked (the
//!    CSP nonce, the flow id in `Set-Cookie`) and the challenge is reduced to its shape (its
//!    labels are the person's own facts or, for an unknown number, a deterministic decoy: they
//!    differ between any two people by design). The people are then shown to be what they claim
//!    (a login, a locked refusal, blocked answers), and the outbox to hold mail only for those
//!    with a clave. Time: `identification_steps_take_the_same_time_for_unknown_known_locked_and_blocked_numbers`
//!    measures the median of paired ratios over interleaved rounds, for those steps and the login
//!    refusal. The steps do more work for a number with a clave (the unlock request took 1.5–2.3x
//!    and recovery step 1 1.15–1.2x the unknown's time, and a wrong clave writes its failure)
//!    before `security.identification_min_time` evened them out.
//! 2. **CSRF (§5.8).** Every server function the router registers (the list is checked against
//!    `server_fn_paths`) refuses a foreign origin, `null`, a look-alike host and a missing
//!    `Origin` with 403 and no cookie, and nothing in any table changes; the same well-formed calls
//!    from the site are then served, and the ones that write do write (so the refusals refused
//!    real work). No GET of any page route (from the app's route list), any `/api/` path (with
//!    and without arguments in the query), a document, `/health` or `/metrics` changes a row of
//!    any table, with and without every cookie of a live scene (an affiliate's session, a
//!    supervisor's, two wizards, an open Ventanilla case).
//! 3. **Headers (§5.9) and cookies (§5.7).** Every page route answers 200 (401 for the console's
//!    pages without a staff session) with a CSP whose nonce is new on every response and carried
//!    by every inline script (streamed resources included), `frame-ancestors 'none'`, `nosniff`,
//!    `Referrer-Policy: no-referrer` and `no-store`. Every cookie the app sets — both wizards' flow
//!    cookies (set and cleared), the session, the trusted device, the staff session — is
//!    `HttpOnly`, `SameSite=Strict`, `Path=/`, host-only, and `Secure` exactly when the site is
//!    served over https.
//! 4. **Hostile text.** SQL and script injections, an attribute break-out, 100 000 and 50 000
//!    characters, NUL bytes, bytes that are not UTF-8 (percent-encoded and raw), a Cyrillic
//!    look-alike in an email and full-width digits, in every text field of every server function
//!    that takes text, are answered with a 4xx or a 200 with field problems, never a 5xx; every
//!    table is still there and the registry unchanged. A description, a staff reason and a user
//!    agent that are stored come back as the text sent, and no page or email shows them as markup.

use std::{
    collections::{BTreeMap, BTreeSet},
    sync::{Arc, OnceLock},
    time::Duration,
};

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, Method, Request, StatusCode, header},
};
use clave_backend::{
    Services,
    audit::ClientInfo,
    clock::ManualClock,
    config::{HashingSettings, RateLimit, Settings},
    flows::FlowId,
    registry::seed_demo_if_empty,
    staff::{NewStaffMember, StaffCreation, StaffLoginOutcome, StaffRole, totp},
    store::{AttemptLimits, AttemptProcess, Reservation},
    testing::{self, TestDb},
    ventanilla::FilingForm,
};
use clave_domain::{Identification, ventanilla::Slot};
use http_body_util::BodyExt as _;
use leptos::prelude::LeptosOptions;
use secrecy::SecretString;
use serde_json::{Value, json};
use tower::ServiceExt as _;

const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";
const BOUNDARY: &str = "limite-de-seguridad";
/// A site served over https: its cookies are `Secure`.
const TLS_SITE: &str = "https://clave.example.ec";
const FOREIGN_ORIGINS: [Option<&str>; 4] =
    [Some("https://evil.example"), Some("null"), Some("http://127.0.0.1:3000.evil.example"), None];

/// A valid cédula that is not in the demo registry.
const UNKNOWN: &str = "1710034065";
/// María Fernanda: given a clave by the tests that need one (fingerprint record: may unlock online).
const MARIA: &str = "1701234567";
/// Rosa Elena: given a clave that is then locked (fingerprint record).
const ROSA: &str = "0103456786";
/// José Luis: no clave, generation and recovery attempts exhausted.
const JOSE: &str = "0902345677";
/// Carlos Andrés: in the registry, no clave.
const CARLOS: &str = "1104567894";
/// Patricia Isabel: files a Ventanilla case.
const PATRICIA: &str = "1307654325";
const PASSWORD: &str = "Tortuga7Verde2Montaña";
const WRONG_PASSWORD: &str = "Tortuga7Verde2Montana";
const STAFF_PASSWORD: &str = "Cóndor-Andino-Vuela-2026";
const DEMO_AFFILIATES: i64 = 10;
/// A minimal PDF: an attachment that passes the Ventanilla's checks without an image decoder.
const PDF: &[u8] = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n";

// ------------------------------------------------------------------------------------------
// The harness.
// ------------------------------------------------------------------------------------------

struct TestApp {
    router: Router,
    db: TestDb,
    services: Services,
    /// The site's own origin, the only one server functions accept.
    origin: String,
    /// The tables, and the query that reads all their rows.
    snapshot_sql: OnceLock<(Vec<String>, String)>,
}

/// What the router answered.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }

    fn set_cookies(&self) -> Vec<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .map(|v| v.to_str().expect("ascii cookie").to_owned())
            .collect()
    }

    /// The `name=value` of the cookie `name` this answer set.
    fn cookie(&self, name: &str) -> String {
        self.set_cookies()
            .into_iter()
            .filter_map(|c| c.split(';').next().map(str::to_owned))
            .find(|pair| pair.starts_with(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no cookie {name} in {:?}", self.set_cookies()))
    }
}

/// Fast hashing, an easy captcha, a shorter least time for identification steps (still longer
/// than any of them takes here) and rate limits out of the way: the suite sends many requests.
fn settings(site: Option<&str>) -> Settings {
    let mut settings = Settings {
        hashing: HashingSettings { memory_kib: 256, iterations: 1, ..HashingSettings::default() },
        ..Settings::default()
    };
    settings.security.identification_min_time = Duration::from_millis(100);
    settings.captcha.max_number = 1_000;
    let generous = RateLimit { requests: 100_000, window: Duration::from_secs(600) };
    settings.rate_limits.per_ip = generous;
    settings.rate_limits.per_identification = generous;
    if let Some(site) = site {
        settings.server.base_url = site.parse().expect("url");
    }
    settings
}

async fn app_with(settings: Settings) -> TestApp {
    let db = TestDb::new().await;
    let clock = ManualClock::at_institute_time(2026, 11, 23, 10, 0, 0);
    let origin = settings.public_origin();
    let services = Services::new(settings, db.store.clone(), Arc::new(clock)).await.expect("services");
    seed_demo_if_empty(&*db.store, services.clock.now()).await.expect("demo registry");
    let leptos = LeptosOptions::builder().output_name("clave").build();
    let router = super::router(services.clone(), leptos, crate::telemetry::metrics());
    TestApp { router, db, services, origin, snapshot_sql: OnceLock::new() }
}

async fn app() -> TestApp {
    app_with(settings(None)).await
}

fn request(
    method: Method,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
    origin: Option<&str>,
    cookie: Option<&str>,
) -> Request<Body> {
    let mut r = Request::builder().method(method).uri(path);
    if let Some(t) = content_type {
        r = r.header(header::CONTENT_TYPE, t);
    }
    if let Some(o) = origin {
        r = r.header(header::ORIGIN, o);
    }
    if let Some(c) = cookie.filter(|c| !c.is_empty()) {
        r = r.header(header::COOKIE, c);
    }
    r.header(header::CONTENT_LENGTH, body.len()).body(Body::from(body)).expect("request")
}

/// A url-encoded body.
fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    let mut s = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish().into_bytes()
}

fn multipart_content_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// A Ventanilla filing: its text fields, then three PDF attachments.
fn multipart(fields: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    for slot in ["anverso", "reverso", "selfie"] {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{slot}\"; filename=\"{slot}.pdf\"\r\n\
                 Content-Type: application/pdf\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(PDF);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Joins cookie pairs into one `Cookie` header.
fn cookies(pairs: &[&str]) -> String {
    pairs.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join("; ")
}

impl TestApp {
    async fn send(&self, request: Request<Body>) -> Answer {
        let response = self.router.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.expect("body").to_bytes().to_vec();
        Answer { status, headers, body }
    }

    async fn get(&self, path: &str, cookie: Option<&str>) -> Answer {
        self.send(request(Method::GET, path, None, Vec::new(), None, cookie)).await
    }

    /// A server function call from the site itself.
    async fn call(&self, path: &str, content_type: &str, body: Vec<u8>, cookie: Option<&str>) -> Answer {
        self.send(request(Method::POST, path, Some(content_type), body, Some(&self.origin), cookie)).await
    }

    /// A proof for the "No soy un robot" check, solved like the browser does.
    fn captcha(&self) -> String {
        use clave_domain::captcha::{Solution, solve};
        let challenge = self.services.captcha.challenge(self.services.clock.now());
        let number = solve(&challenge.challenge, &challenge.salt, challenge.maxnumber).expect("solvable");
        Solution::new(&challenge, number).to_base64()
    }

    /// Step 1 of a public flow (`/api/generar/buscar`, …) with a fresh captcha proof.
    async fn identify(&self, path: &str, identification: &str) -> Answer {
        let captcha = self.captcha();
        self.call(path, FORM, form(&[("identification", identification), ("captcha", &captcha)]), None).await
    }

    async fn count(&self, sql: &str) -> i64 {
        self.db.scalar(sql).await
    }

    /// Gives `identification` a clave with [`PASSWORD`] (registry contacts on file, image
    /// `perro`); returns the affiliate id.
    async fn with_clave(&self, identification: &str) -> i64 {
        let services = &self.services;
        let hash = services.hasher.hash(SecretString::from(PASSWORD)).await.expect("hash");
        let id = Identification::parse(identification).expect("cédula");
        testing::give_clave(&*services.store, &id, hash, services.clock.now()).await
    }

    /// Exhausts the generation and recovery attempts of `identification`, through the store's
    /// own counter under the keyed subject the services use (read from a flow they open).
    async fn block(&self, identification: &str) {
        let id = Identification::parse(identification).expect("cédula");
        let (generation, _) = self.services.generation.start(&id).await.expect("start");
        let (recovery, _) = self.services.recovery.start(&id).await.expect("start");
        let now = self.services.clock.now();
        let today = self.services.clock.institute_day();
        let limits = AttemptLimits { per_day: 1_000, total: 1_000 };
        let most = self.services.settings.attempts.total.max(self.services.settings.attempts.per_day);
        for (flow, process) in
            [(generation, AttemptProcess::Generation), (recovery, AttemptProcess::Recovery)]
        {
            let state = self.flow_state(flow.expose()).await;
            let subject = state["subject"].as_str().expect("the flow's counter subject");
            for _ in 0..=most {
                let reservation = self
                    .services
                    .store
                    .reserve_attempt(subject, process, today, limits, now)
                    .await
                    .expect("db");
                assert!(matches!(reservation, Reservation::Reserved { .. }));
            }
        }
    }

    /// The server-side state of the flow with this cookie value.
    async fn flow_state(&self, flow: &str) -> Value {
        let hash = FlowId::parse(flow).expect("a flow id").hash().as_hex().to_owned();
        let state: String =
            self.db.scalar(&format!("SELECT state FROM flows WHERE id_hash = '{hash}'")).await;
        serde_json::from_str(&state).expect("json state")
    }

    /// A staff member of `role`, logged in through the service: the cookie pair of their session.
    async fn staff(&self, username: &str, role: StaffRole) -> String {
        let secret = self.create_staff(username, role).await;
        let now = u64::try_from(self.services.clock.now().timestamp()).expect("time");
        let code = totp::code_at(&secret, now).expect("code");
        let outcome = self
            .services
            .staff
            .login(
                self.services.hasher.reserve().expect("place"),
                username,
                SecretString::from(STAFF_PASSWORD),
                &code,
                &ClientInfo::default(),
            )
            .await
            .expect("login");
        let StaffLoginOutcome::LoggedIn { session, .. } = outcome else { panic!("refused") };
        format!("{}={}", app::server::cookies::STAFF, session.expose())
    }

    /// Creates a staff member; returns their TOTP secret.
    async fn create_staff(&self, username: &str, role: StaffRole) -> String {
        let member = NewStaffMember {
            username: username.into(),
            display_name: "Personal de Prueba".into(),
            role,
            password: STAFF_PASSWORD.into(),
        };
        let StaffCreation::Created(enrolment) = self.services.staff.create(member).await.expect("create")
        else {
            panic!("not created")
        };
        enrolment.secret
    }

    /// Logs in through `/api/ingresar`.
    async fn log_in(&self, identification: &str, password: &str, user_agent: Option<&str>) -> Answer {
        let mut r = request(
            Method::POST,
            "/api/ingresar",
            Some(FORM),
            form(&[("identification", identification), ("password", password)]),
            Some(&self.origin),
            None,
        );
        if let Some(ua) = user_agent {
            r.headers_mut().insert(header::USER_AGENT, ua.parse().expect("header"));
        }
        self.send(r).await
    }

    /// A Ventanilla case for Patricia, filed through the service; its number.
    async fn file_case(&self, description: &str) -> String {
        let form = FilingForm {
            request_type: "desbloqueo".into(),
            contact_email: "contacto@correo.example".into(),
            description: description.into(),
            files: vec![
                (Slot::CedulaAnverso, Ok(PDF.to_vec())),
                (Slot::CedulaReverso, Ok(PDF.to_vec())),
                (Slot::Selfie, Ok(PDF.to_vec())),
            ],
        };
        let filing = self.services.ventanilla.check(form).await.expect("db").expect("valid");
        let id = Identification::parse(PATRICIA).expect("id");
        let number = self.services.ventanilla.file(&id, filing, &ClientInfo::default()).await.expect("filed");
        number.to_string()
    }

    /// The tables of the database.
    async fn tables(&self) -> Vec<String> {
        let sql = if self.db.is_postgres() {
            "SELECT CAST(table_name AS TEXT) FROM information_schema.tables \
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        } else {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        };
        let mut tables: Vec<String> =
            self.db.rows::<(String,)>(sql).await.into_iter().map(|(t,)| t).collect();
        tables.sort();
        tables
    }

    /// Every row of every table, each row as text: what "nothing changed" is checked against.
    /// One query (built once) reads them all.
    async fn snapshot(&self) -> Snapshot {
        if self.snapshot_sql.get().is_none() {
            let postgres = self.db.is_postgres();
            let tables = self.tables().await;
            let mut selects = Vec::new();
            for table in &tables {
                let sql = if postgres {
                    format!(
                        "SELECT CAST(column_name AS TEXT) FROM information_schema.columns \
                         WHERE table_schema = current_schema() AND table_name = '{table}' \
                         ORDER BY ordinal_position"
                    )
                } else {
                    format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid")
                };
                let columns: Vec<(String,)> = self.db.rows(&sql).await;
                // `quote` (SQLite) and `quote_nullable` (PostgreSQL) print any value, blobs too.
                let quote = if postgres { "quote_nullable" } else { "quote" };
                let row = columns
                    .iter()
                    .map(|(c,)| format!("{quote}(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || ',' || ");
                selects.push(format!("SELECT '{table}', {row} FROM \"{table}\""));
            }
            let _ = self.snapshot_sql.set((tables, selects.join(" UNION ALL ")));
        }
        let (tables, sql) = self.snapshot_sql.get().expect("built");
        let mut snapshot: Snapshot = tables.iter().map(|t| (t.clone(), Vec::new())).collect();
        for (table, row) in self.db.rows::<(String, String)>(sql).await {
            snapshot.entry(table).or_default().push(row);
        }
        snapshot.values_mut().for_each(|rows| rows.sort());
        snapshot
    }
}

type Snapshot = BTreeMap<String, Vec<String>>;

/// The tables whose rows differ between two snapshots.
fn changed(before: &Snapshot, after: &Snapshot) -> Vec<String> {
    let names: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    names.into_iter().filter(|t| before.get(*t) != after.get(*t)).cloned().collect()
}

// ------------------------------------------------------------------------------------------
// 1. No enumeration (§5.1).
// ------------------------------------------------------------------------------------------

/// What an identification step's answer may show: its status, header names, header values with
/// per-request random values masked (the CSP nonce, the flow id in `Set-Cookie`), and its body
/// with the challenge masked down to its shape.
#[derive(Debug, PartialEq, Eq)]
struct Masked {
    status: StatusCode,
    header_names: BTreeSet<String>,
    header_values: BTreeMap<String, Vec<String>>,
    body: String,
}

fn mask(answer: &Answer) -> Masked {
    let mut body = answer.json();
    let shown = body.to_string();
    mask_challenge(&mut body);
    let body = body.to_string();
    let header_names = answer.headers.keys().map(|k| k.as_str().to_owned()).collect();
    let mut header_values = BTreeMap::new();
    for (name, value) in &answer.headers {
        let value = value.to_str().expect("ascii header");
        let masked = match name.as_str() {
            "set-cookie" => {
                let (pair, attributes) = value.split_once(';').unwrap_or((value, ""));
                let cookie_name = pair.split('=').next().expect("name");
                format!("{cookie_name}=*;{attributes}")
            }
            "content-security-policy" => value.replace(&nonce_of(value), "*"),
            // A challenge's length follows its labels; any other body is compared whole.
            "content-length" if body != shown => "*".to_owned(),
            _ => value.to_owned(),
        };
        header_values.entry(name.as_str().to_owned()).or_insert_with(Vec::new).push(masked);
    }
    Masked { status: answer.status, header_names, header_values, body }
}

/// Replaces what a challenge (`view`) says by placeholders, keeping its shape: the same
/// questions, option ids, images and catalogue questions, counted. What it says is the person's
/// own facts for a registered number and a deterministic decoy for an unknown one, different
/// for any two people by design.
fn mask_challenge(value: &mut Value) {
    fn blank(value: &mut Value, key: Option<&str>, in_options: bool) {
        match value {
            // Option ids are the same letters for everyone: kept.
            Value::String(_) if in_options && key == Some("id") => {}
            Value::String(s) => *s = "*".into(),
            Value::Number(_) => *value = json!(0),
            Value::Array(items) => {
                let options = key == Some("options");
                items.iter_mut().for_each(|item| blank(item, None, options || in_options));
            }
            Value::Object(map) => {
                for (k, inner) in map.iter_mut() {
                    blank(inner, Some(k), in_options);
                }
            }
            Value::Bool(_) | Value::Null => {}
        }
    }
    match value {
        Value::Object(map) => {
            for (key, inner) in map.iter_mut() {
                if key == "view" { blank(inner, None, false) } else { mask_challenge(inner) }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask_challenge),
        _ => {}
    }
}

fn nonce_of(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("nonce in CSP") + "'nonce-".len();
    csp[start..].split('\'').next().expect("nonce end").to_owned()
}

/// The people the identification steps must not tell apart.
const PEOPLE: [(&str, &str); 5] = [
    ("unknown", UNKNOWN),
    ("with a clave", MARIA),
    ("locked clave", ROSA),
    ("blocked processes", JOSE),
    ("registered, no clave", CARLOS),
];

/// The app with [`PEOPLE`] as they claim to be: María with a clave, Rosa's clave locked, José's
/// generation and recovery blocked; the unknown number and Carlos (no clave) need nothing.
async fn people() -> TestApp {
    let app = app().await;
    app.with_clave(MARIA).await;
    app.with_clave(ROSA).await;
    app.db
        .execute(&format!("UPDATE security_profiles SET locked_at = 1 WHERE id_number = '{ROSA}'"))
        .await
        .expect("lock");
    app.block(JOSE).await;
    app
}

#[tokio::test]
async fn identification_steps_answer_byte_for_byte_the_same_for_unknown_known_locked_and_blocked_numbers() {
    let app = people().await;
    let case = app.file_case("Mi clave está bloqueada").await;

    let form_steps = ["/api/generar/buscar", "/api/recuperar/buscar", "/api/desbloquear/solicitar"];
    let mut answers: BTreeMap<&str, Vec<(&str, Answer)>> = BTreeMap::new();
    for (who, id) in PEOPLE {
        for path in form_steps {
            answers.entry(path).or_default().push((who, app.identify(path, id).await));
        }
        let captcha = app.captcha();
        let status = form(&[("number", &case), ("identification", id), ("captcha", &captcha)]);
        let status = app.call("/api/ventanilla/consultar", FORM, status, None).await;
        answers.entry("/api/ventanilla/consultar").or_default().push((who, status));
        answers.entry("/api/ingresar").or_default().push((who, app.log_in(id, WRONG_PASSWORD, None).await));
    }

    for (path, answers) in &answers {
        let (_, first) = &answers[0];
        assert_eq!(first.status, StatusCode::OK, "{path}: {}", first.text());
        let reference = mask(first);
        for (who, answer) in &answers[1..] {
            assert_eq!(mask(answer), reference, "{path}: the {who} number is told apart from an unknown one");
        }
    }
    // What each step answered, so the comparison above compared real answers.
    let generation = &answers["/api/generar/buscar"][0].1;
    assert!(
        generation.text().starts_with(r#"{"Step":{"Challenge":{"view":{"questions":["#),
        "{}",
        generation.text()
    );
    assert_eq!(generation.cookie("clave_generar").len(), "clave_generar=".len() + 43);
    let recovery = &answers["/api/recuperar/buscar"][0].1;
    assert!(
        recovery.text().starts_with(r#"{"Step":{"Challenge":{"view":{"images":["#),
        "{}",
        recovery.text()
    );
    assert_eq!(answers["/api/desbloquear/solicitar"][0].1.text(), r#""Sent""#);
    assert_eq!(answers["/api/ventanilla/consultar"][0].1.text(), r#""NotFound""#);
    assert_eq!(answers["/api/ingresar"][0].1.text(), r#"{"Refused":{"max_failures":5}}"#);

    // The people are what they claim: María logs in, Rosa's right clave is refused (locked), and
    // José's flows are blocked at their first answer.
    assert_eq!(app.log_in(MARIA, PASSWORD, None).await.text(), r#""LoggedIn""#);
    assert_eq!(app.log_in(ROSA, PASSWORD, None).await.text(), r#"{"Refused":{"max_failures":5}}"#);
    let jose = &answers["/api/generar/buscar"][3].1;
    let flow = jose.cookie("clave_generar");
    let wrong = json!({"day": "1", "month": "1", "year": "1990", "choices": []}).to_string().into_bytes();
    let answered = app.call("/api/generar/desafio", JSON, wrong, Some(&flow)).await;
    assert_eq!(answered.text(), r#"{"Step":"Blocked"}"#);
    let jose = &answers["/api/recuperar/buscar"][3].1;
    let flow = jose.cookie("clave_recuperar");
    let view = jose.json()["Step"]["Challenge"]["view"].clone();
    let wrong = form(&[
        ("day", "1"),
        ("month", "1"),
        ("image", view["images"][0].as_str().expect("image")),
        ("question", view["questions"][0].as_str().expect("question")),
        ("answer", "respuesta"),
    ]);
    let answered = app.call("/api/recuperar/desafio", FORM, wrong, Some(&flow)).await;
    assert_eq!(answered.text(), r#"{"Step":"Blocked"}"#);
    // The difference reached the email on file only: the unlock request mailed María (her clave
    // is not locked) and Rosa (her link); besides them, only the Ventanilla filing's contact.
    let mail: Vec<(String, String)> = app.db.rows("SELECT recipient, subject FROM outbox ORDER BY id").await;
    let mail: BTreeMap<String, String> = mail.into_iter().collect();
    assert_eq!(
        mail.keys().map(String::as_str).collect::<Vec<_>>(),
        ["contacto@correo.example", "maria.ejemplo@correo.example", "rosa.muestra@correo.example"],
        "{mail:#?}"
    );
    assert_eq!(mail["rosa.muestra@correo.example"], "Clave IESS: desbloquee su clave");
}

/// Median, over interleaved rounds, of the ratio of each person's time to the unknown number's
/// in the same round; each time is the fastest of [`TIMING_TRIES`] tries (other work on the
/// machine only adds time).
const TIMING_ROUNDS: usize = 10;
const TIMING_TRIES: usize = 2;

#[tokio::test]
async fn identification_steps_take_the_same_time_for_unknown_known_locked_and_blocked_numbers() {
    let app = people().await;
    let steps =
        ["/api/generar/buscar", "/api/recuperar/buscar", "/api/desbloquear/solicitar", "/api/ingresar"];
    let mut ratios: BTreeMap<(&str, &str), Vec<f64>> = BTreeMap::new();
    for round in 0..TIMING_ROUNDS {
        // María's wrong logins are counted, never enough to lock her.
        app.db
            .execute(&format!(
                "UPDATE security_profiles SET unknown_failures = 0 WHERE id_number = '{MARIA}'"
            ))
            .await
            .expect("reset");
        for path in steps {
            let mut fastest = [f64::MAX; PEOPLE.len()];
            for _ in 0..TIMING_TRIES {
                // A different person goes first in each round.
                for k in 0..PEOPLE.len() {
                    let i = (k + round) % PEOPLE.len();
                    let body = if path == "/api/ingresar" {
                        form(&[("identification", PEOPLE[i].1), ("password", WRONG_PASSWORD)])
                    } else {
                        form(&[("identification", PEOPLE[i].1), ("captcha", &app.captcha())])
                    };
                    let started = std::time::Instant::now();
                    let answer = app.call(path, FORM, body, None).await;
                    fastest[i] = fastest[i].min(started.elapsed().as_secs_f64());
                    assert_eq!(answer.status, StatusCode::OK, "{path}: {}", answer.text());
                }
            }
            for (i, (who, _)) in PEOPLE.iter().enumerate().skip(1) {
                ratios.entry((path, who)).or_default().push(fastest[i] / fastest[0]);
            }
        }
    }
    let medians: BTreeMap<_, f64> = ratios
        .into_iter()
        .map(|(key, mut r)| {
            r.sort_by(f64::total_cmp);
            (key, r[r.len() / 2])
        })
        .collect();
    let table: Vec<String> =
        medians.iter().map(|((path, who), m)| format!("{path:28} {who:22} {m:.2}x")).collect();
    for ((path, who), median) in &medians {
        assert!(
            (0.9..=1.1).contains(median),
            "{path}: the {who} number takes {median:.2}x the unknown's time\n{}",
            table.join("\n")
        );
    }
}

// ------------------------------------------------------------------------------------------
// 2. CSRF (§5.8) and GET requests change nothing.
// ------------------------------------------------------------------------------------------

/// Everything a browser may hold at once: María logged in (session and trusted-device cookies),
/// a supervisor's staff session, a generation flow (Carlos, at the challenge), a recovery flow
/// (María, at the challenge), a received Ventanilla case and an in-person verification of María.
struct Scene {
    app: TestApp,
    maria: i64,
    session: String,
    device: String,
    staff: String,
    generation: String,
    recovery: String,
    case: String,
    verification: i64,
    /// A staff member who has not logged in yet, and their TOTP secret.
    other_staff: (&'static str, String),
}

impl Scene {
    async fn new(settings: Settings) -> Self {
        let app = app_with(settings).await;
        let maria = app.with_clave(MARIA).await;
        let login = app.log_in(MARIA, PASSWORD, None).await;
        assert_eq!(login.text(), r#""LoggedIn""#);
        let (session, device) = (login.cookie("clave_sesion"), login.cookie("clave_dispositivo"));
        let staff = app.staff("sofia.supervisora", StaffRole::Supervisor).await;
        let generation = app.identify("/api/generar/buscar", CARLOS).await.cookie("clave_generar");
        let recovery = app.identify("/api/recuperar/buscar", MARIA).await.cookie("clave_recuperar");
        let case = app.file_case("Mi clave está bloqueada").await;
        let verified = app
            .call(
                "/api/agentes/presencial",
                FORM,
                form(&[
                    ("affiliate_id", &maria.to_string()),
                    ("document_checked", "true"),
                    ("fingerprint_registered", "true"),
                ]),
                Some(&staff),
            )
            .await;
        let verification = verified.json()["Verified"]["verification"].as_i64().expect("verified");
        let other_staff = ("otro.agente", app.create_staff("otro.agente", StaffRole::Agente).await);
        Self { app, maria, session, device, staff, generation, recovery, case, verification, other_staff }
    }

    /// Every cookie of the scene in one header.
    fn cookies(&self) -> String {
        cookies(&[&self.session, &self.device, &self.staff, &self.generation, &self.recovery])
    }

    /// A well-formed call of every server function, with what it needs to do its work from the
    /// site itself, in an order in which each can: `(path, content type, body)`.
    async fn calls(&self) -> Vec<(&'static str, String, Vec<u8>)> {
        let app = &self.app;
        let maria = self.maria.to_string();
        let token = "A".repeat(43);
        let recovery = app.flow_state(self.recovery.split_once('=').expect("pair").1).await;
        let image = recovery["view"]["images"][0].as_str().expect("image").to_owned();
        let question = recovery["view"]["questions"][0].as_str().expect("question").to_owned();
        let (username, secret) = &self.other_staff;
        let now = u64::try_from(app.services.clock.now().timestamp()).expect("time");
        let code = totp::code_at(secret, now).expect("code");
        let new_password = "Guacamayo-Azul-Vuela-2027";
        let f = |pairs: &[(&str, &str)]| (FORM.to_owned(), form(pairs));
        let j = |value: Value| (JSON.to_owned(), value.to_string().into_bytes());
        let captcha = || app.captcha();
        let mut calls: Vec<(&'static str, (String, Vec<u8>))> = vec![
            ("/api/captcha/reto", f(&[])),
            ("/api/teclado", f(&[])),
            ("/api/ayuda/videollamada", f(&[])),
            ("/api/dev/correo", f(&[])),
            ("/api/ventanilla/limites", f(&[])),
            ("/api/generar/estado", f(&[])),
            ("/api/generar/buscar", f(&[("identification", CARLOS), ("captcha", &captcha())])),
            ("/api/generar/desafio", j(json!({"day": "1", "month": "1", "year": "1990", "choices": []}))),
            (
                "/api/generar/datos",
                j(json!({"email": "carlos@correo.example", "mobile": "0991234567", "landline": "",
                    "questions": [["primera-mascota", "a"], ["escuela-primaria", "b"], ["libro-favorito", "c"]],
                    "image": "perro"})),
            ),
            ("/api/generar/reenviar", f(&[])),
            ("/api/generar/reiniciar", f(&[])),
            ("/api/recuperar/estado", f(&[])),
            ("/api/recuperar/buscar", f(&[("identification", MARIA), ("captcha", &captcha())])),
            (
                "/api/recuperar/desafio",
                f(&[
                    ("day", "1"),
                    ("month", "1"),
                    ("image", &image),
                    ("question", &question),
                    ("answer", "x"),
                ]),
            ),
            (
                "/api/recuperar/contactos",
                j(json!({"email": "", "mobile": "", "landline": "", "remove_landline": false})),
            ),
            ("/api/recuperar/reenviar", f(&[])),
            ("/api/recuperar/reiniciar", f(&[])),
            ("/api/activar/estado", f(&[("token", &token)])),
            (
                "/api/activar/generar",
                f(&[
                    ("token", &token),
                    ("accepted_terms", "true"),
                    ("password", new_password),
                    ("confirmation", new_password),
                ]),
            ),
            ("/api/restablecer/estado", f(&[("token", &token)])),
            (
                "/api/restablecer/cambiar",
                f(&[
                    ("token", &token),
                    ("accepted_terms", "true"),
                    ("password", new_password),
                    ("confirmation", new_password),
                ]),
            ),
            ("/api/no-fui-yo/estado", f(&[("token", &token)])),
            ("/api/no-fui-yo/confirmar", f(&[("token", &token)])),
            ("/api/desbloquear/estado", f(&[("token", &token)])),
            ("/api/desbloquear/confirmar", f(&[("token", &token)])),
            ("/api/desbloquear/solicitar", f(&[("identification", MARIA), ("captcha", &captcha())])),
            (
                "/api/ventanilla/consultar",
                f(&[("number", &self.case), ("identification", PATRICIA), ("captcha", &captcha())]),
            ),
            (
                "/api/ventanilla/presentar",
                (
                    multipart_content_type(),
                    multipart(&[
                        ("request_type", b"desbloqueo"),
                        ("identification", PATRICIA.as_bytes()),
                        ("contact_email", b"contacto@correo.example"),
                        ("description", b"Necesito desbloquear mi clave"),
                        ("captcha", captcha().as_bytes()),
                    ]),
                ),
            ),
            ("/api/ingresar", f(&[("identification", MARIA), ("password", PASSWORD)])),
            ("/api/mi-cuenta/resumen", f(&[])),
            (
                "/api/mi-cuenta/contacto",
                f(&[
                    ("email", "nuevo.correo@correo.example"),
                    ("mobile", "0991112223"),
                    ("landline", ""),
                    ("current", PASSWORD),
                ]),
            ),
            ("/api/mi-cuenta/cerrar-otras", f(&[])),
            (
                "/api/mi-cuenta/clave",
                f(&[("current", PASSWORD), ("password", new_password), ("confirmation", new_password)]),
            ),
            ("/api/mi-cuenta/salir", f(&[])),
            (
                "/api/agentes/ingresar",
                f(&[("username", username), ("password", STAFF_PASSWORD), ("code", &code)]),
            ),
            ("/api/agentes/yo", f(&[])),
            ("/api/agentes/buscar", f(&[("identification", MARIA)])),
            (
                "/api/agentes/presencial",
                f(&[
                    ("affiliate_id", &maria),
                    ("document_checked", "true"),
                    ("fingerprint_registered", "true"),
                ]),
            ),
            (
                "/api/agentes/accion",
                f(&[
                    ("affiliate_id", &maria),
                    ("action", "clear-blocks"),
                    ("authority", "presencial"),
                    ("authority_id", &self.verification.to_string()),
                    ("reason", "Verificado en persona en la agencia"),
                    ("email", ""),
                    ("mobile", ""),
                ]),
            ),
            ("/api/agentes/videollamada", f(&[("affiliate_id", &maria)])),
            (
                "/api/agentes/videollamada/respuestas",
                f(&[
                    ("call", "999"),
                    ("answers[0]", "a"),
                    ("answers[1]", "b"),
                    ("answers[2]", "c"),
                    ("answers[3]", "d"),
                ]),
            ),
            (
                "/api/agentes/auditoria",
                f(&[
                    ("identification", ""),
                    ("actor", ""),
                    ("kind", ""),
                    ("from", ""),
                    ("to", ""),
                    ("page", "0"),
                ]),
            ),
            ("/api/agentes/ventanilla/casos", f(&[])),
            ("/api/agentes/ventanilla/caso", f(&[("number", &self.case)])),
            (
                "/api/agentes/ventanilla/decidir",
                f(&[
                    ("number", &self.case),
                    ("approve", "false"),
                    ("reason", "Documentos ilegibles, vuelva a enviar"),
                ]),
            ),
            // Last: it ends the staff session.
            ("/api/agentes/salir", f(&[])),
        ];
        calls.drain(..).map(|(path, (content_type, body))| (path, content_type, body)).collect()
    }
}

/// The server functions that write when called from the site: the control that shows the
/// calls above would change the database if a foreign origin were let through.
const WRITERS: [&str; 20] = [
    "/api/generar/buscar",
    "/api/generar/desafio",
    "/api/generar/reiniciar",
    "/api/recuperar/buscar",
    "/api/recuperar/desafio",
    "/api/recuperar/reiniciar",
    "/api/desbloquear/solicitar",
    "/api/ventanilla/consultar",
    "/api/ventanilla/presentar",
    "/api/ingresar",
    "/api/mi-cuenta/contacto",
    "/api/mi-cuenta/cerrar-otras",
    "/api/mi-cuenta/clave",
    "/api/agentes/ingresar",
    "/api/agentes/presencial",
    "/api/agentes/accion",
    "/api/agentes/videollamada",
    "/api/agentes/ventanilla/caso",
    "/api/agentes/ventanilla/decidir",
    "/api/agentes/salir",
];

/// Every server function the router serves, and its method.
fn registered_server_functions() -> BTreeMap<String, Method> {
    leptos::server_fn::axum::server_fn_paths().map(|(path, method)| (path.to_owned(), method)).collect()
}

#[tokio::test]
async fn every_server_function_refuses_a_foreign_or_missing_origin_and_changes_nothing() {
    let scene = Scene::new(settings(None)).await;
    let app = &scene.app;
    let calls = scene.calls().await;
    let registered = registered_server_functions();
    assert_eq!(
        calls.iter().map(|(path, ..)| (*path).to_owned()).collect::<BTreeSet<_>>(),
        registered.keys().cloned().collect::<BTreeSet<_>>(),
        "the list above is every server function"
    );
    assert!(registered.values().all(|m| m == Method::POST), "{registered:?}");
    let cookie = scene.cookies();

    let before = app.snapshot().await;
    for (path, content_type, body) in &calls {
        for origin in FOREIGN_ORIGINS {
            let r = request(Method::POST, path, Some(content_type), body.clone(), origin, Some(&cookie));
            let answer = app.send(r).await;
            assert_eq!(answer.status, StatusCode::FORBIDDEN, "{path} from {origin:?}: {}", answer.text());
            assert!(answer.set_cookies().is_empty(), "{path} from {origin:?}");
        }
    }
    assert_eq!(changed(&before, &app.snapshot().await), Vec::<String>::new(), "nothing changed");

    // The control: the same calls from the site itself are served, and the writers write.
    for (path, content_type, body) in calls {
        let before = app.snapshot().await;
        let answer = app.call(path, &content_type, body, Some(&cookie)).await;
        assert!(answer.status.is_success(), "{path} from the site: {} {}", answer.status, answer.text());
        let changed = changed(&before, &app.snapshot().await);
        assert_eq!(!changed.is_empty(), WRITERS.contains(&path), "{path}: {changed:?} {}", answer.text());
    }
}

/// Every page route of the app, with its parameters filled in.
fn page_paths(case: &str) -> Vec<String> {
    let routes = super::routes();
    let mut paths: Vec<String> = routes
        .iter()
        .map(|route| {
            route
                .path()
                .split('/')
                .map(
                    |segment| {
                        if segment.starts_with(':') || segment.starts_with('{') { case } else { segment }
                    },
                )
                .collect::<Vec<_>>()
                .join("/")
        })
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

#[tokio::test]
async fn no_get_request_to_any_route_changes_anything() {
    let scene = Scene::new(settings(None)).await;
    let app = &scene.app;
    let pages = page_paths(&scene.case);
    for expected in ["/", "/ingresar", "/clave/generar", "/ventanilla/estado", "/agentes", "/mi-cuenta"] {
        assert!(pages.iter().any(|p| p == expected), "{expected} in {pages:?}");
    }
    let mut gets: Vec<String> = pages;
    for (path, _) in registered_server_functions() {
        gets.push(path.clone());
        // A server function's arguments in the query string, as a GET form would send them.
        let query = String::from_utf8(form(&[("identification", MARIA), ("captcha", &app.captcha())]))
            .expect("ascii");
        gets.push(format!("{path}?{query}&number={}&token={}", scene.case, "A".repeat(43)));
    }
    gets.extend(
        [
            "/health".to_owned(),
            "/metrics".to_owned(),
            format!("/agentes/documentos/{}/anverso", scene.case),
            format!("/agentes/documentos/{}/selfie", scene.case),
            "/pkg/clave.js".to_owned(),
            "/no/existe".to_owned(),
        ]
        .into_iter(),
    );

    let before = app.snapshot().await;
    let all = scene.cookies();
    for path in &gets {
        for cookie in [None, Some(all.as_str())] {
            let answer = app.get(path, cookie).await;
            if path.starts_with("/api/ventanilla/presentar") {
                // The upload's own check (multipart only) answers first.
                assert_eq!(answer.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "GET {path}");
            } else if path.starts_with("/api/") {
                assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED, "GET {path}");
            } else {
                assert!(!answer.status.is_server_error(), "GET {path}: {}", answer.status);
            }
            let changed = changed(&before, &app.snapshot().await);
            assert!(changed.is_empty(), "GET {path} (cookies: {}) changed {changed:?}", cookie.is_some());
        }
    }
}

// ------------------------------------------------------------------------------------------
// 3. Headers, CSP nonces (§5.9) and cookie flags (§5.7).
// ------------------------------------------------------------------------------------------

/// Checks that every inline script of `html` carries `nonce` and returns how many there are. A
/// script with a `src` is covered by `'self'`; an empty `<script></script>` (a hydration
/// placeholder) never runs.
fn inline_scripts_carry(html: &str, nonce: &str) -> usize {
    let mut inline = 0;
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after = &rest[start..];
        let open_end = after.find('>').expect("an open tag ends");
        let open = &after[..=open_end];
        let close = after.find("</script>").expect("a script ends");
        let content = &after[open_end + 1..close];
        if !open.contains(" src=") && !content.trim().is_empty() {
            inline += 1;
            assert!(
                open.contains(&format!(" nonce=\"{nonce}\"")),
                "an inline script without the nonce: {open}"
            );
        }
        rest = &after[close + "</script>".len()..];
    }
    inline
}

#[tokio::test]
async fn every_page_has_the_security_headers_and_a_fresh_nonce_on_each_of_its_inline_scripts() {
    let scene = Scene::new(settings(None)).await;
    let app = &scene.app;
    let all = scene.cookies();
    let mut nonces = BTreeSet::new();
    let mut served = 0;
    for path in page_paths(&scene.case) {
        for cookie in [None, Some(all.as_str())] {
            let answer = app.get(&path, cookie).await;
            // Without a staff session, the console's pages answer 401 (the login is at /agentes).
            let expected = if cookie.is_none() && path.starts_with("/agentes/") {
                StatusCode::UNAUTHORIZED
            } else {
                StatusCode::OK
            };
            assert_eq!(answer.status, expected, "GET {path} (cookies: {})", cookie.is_some());
            let h = &answer.headers;
            let csp = h[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii");
            for directive in
                ["frame-ancestors 'none'", "default-src 'self'", "object-src 'none'", "base-uri 'none'"]
            {
                assert!(csp.contains(directive), "{path}: {directive} missing in {csp}");
            }
            assert!(!csp.contains("'unsafe-inline'") && !csp.contains("'unsafe-eval'"), "{path}: {csp}");
            assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
            assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{path}");
            assert_eq!(h[header::CACHE_CONTROL], "no-store", "{path}");
            assert!(h[header::CONTENT_TYPE].to_str().expect("ascii").starts_with("text/html"), "{path}");
            let nonce = nonce_of(csp);
            assert!(nonce.len() >= 22, "{path}: at least 128 bits in {nonce}");
            assert!(nonces.insert(nonce.clone()), "{path}: the nonce {nonce} was used before");
            let html = answer.text();
            assert!(inline_scripts_carry(&html, &nonce) >= 2, "{path}: the hydration scripts\n{html}");
            served += 1;
        }
    }
    assert!(served >= 2 * 19, "{served} pages");
}

/// Checks every `Set-Cookie` of `answer` against §5.7; returns the names set.
fn check_cookie_flags(answer: &Answer, secure: bool, context: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for cookie in answer.set_cookies() {
        let mut parts = cookie.split(';').map(str::trim);
        let name = parts.next().and_then(|pair| pair.split('=').next()).expect("name").to_owned();
        let attributes: Vec<String> = parts.map(str::to_ascii_lowercase).collect();
        let has = |a: &str| attributes.iter().any(|x| x == a);
        assert!(has("httponly"), "{context}: {cookie}");
        assert!(has("samesite=strict"), "{context}: {cookie}");
        assert!(has("path=/"), "{context}: {cookie}");
        assert_eq!(has("secure"), secure, "{context}: Secure exactly when the site is https: {cookie}");
        assert!(!attributes.iter().any(|a| a.starts_with("domain=")), "{context}: host-only: {cookie}");
        names.insert(name);
    }
    names
}

async fn every_cookie_is_flagged(site: Option<&str>) {
    let app = app_with(settings(site)).await;
    let secure = site.is_some_and(|s| s.starts_with("https://"));
    app.with_clave(MARIA).await;
    let staff = "ana.agente";
    let secret = app.create_staff(staff, StaffRole::Agente).await;
    let mut seen = BTreeSet::new();
    let mut check = |answer: &Answer, context: &str| {
        assert!(answer.status.is_success(), "{context}: {} {}", answer.status, answer.text());
        seen.extend(check_cookie_flags(answer, secure, context));
    };

    // The wizards: started, shown on a page with a flow that is gone, ended.
    for (path, state, restart, page) in [
        ("/api/generar/buscar", "/api/generar/estado", "/api/generar/reiniciar", "/clave/generar"),
        ("/api/recuperar/buscar", "/api/recuperar/estado", "/api/recuperar/reiniciar", "/clave/recuperar"),
    ] {
        let started = app.identify(path, MARIA).await;
        check(&started, path);
        let name = if path.contains("generar") { "clave_generar" } else { "clave_recuperar" };
        let flow = started.cookie(name);
        check(&app.get(page, Some(&flow)).await, page);
        check(&app.call(restart, FORM, Vec::new(), Some(&flow)).await, restart);
        let gone = app.call(state, FORM, Vec::new(), Some(&flow)).await;
        check(&gone, state);
        assert!(gone.set_cookies().iter().any(|c| c.starts_with(&format!("{name}=;"))), "{state} clears it");
        check(&app.get(page, Some(&flow)).await, page);
    }

    // The session and the trusted device: logged in, then out.
    let login = app.log_in(MARIA, PASSWORD, None).await;
    assert_eq!(login.text(), r#""LoggedIn""#);
    check(&login, "/api/ingresar");
    let device = login.cookie("clave_dispositivo");
    assert!(
        login.set_cookies().iter().any(|c| c.starts_with("clave_dispositivo=") && c.contains("Max-Age=")),
        "the device cookie outlives the browser session"
    );
    let session = cookies(&[&login.cookie("clave_sesion"), &device]);
    check(&app.get("/mi-cuenta", Some(&session)).await, "/mi-cuenta");
    check(&app.call("/api/mi-cuenta/salir", FORM, Vec::new(), Some(&session)).await, "/api/mi-cuenta/salir");

    // The staff session: logged in through the form, then out.
    let now = u64::try_from(app.services.clock.now().timestamp()).expect("time");
    let code = totp::code_at(&secret, now).expect("code");
    let staff_login = app
        .call(
            "/api/agentes/ingresar",
            FORM,
            form(&[("username", staff), ("password", STAFF_PASSWORD), ("code", &code)]),
            None,
        )
        .await;
    assert_eq!(staff_login.text(), r#""LoggedIn""#);
    check(&staff_login, "/api/agentes/ingresar");
    let staff_cookie = staff_login.cookie("clave_agente");
    check(&app.get("/agentes/consola", Some(&staff_cookie)).await, "/agentes/consola");
    check(&app.call("/api/agentes/salir", FORM, Vec::new(), Some(&staff_cookie)).await, "/api/agentes/salir");

    assert_eq!(
        seen,
        ["clave_agente", "clave_dispositivo", "clave_generar", "clave_recuperar", "clave_sesion"]
            .map(str::to_owned)
            .into(),
        "every cookie of the app was checked"
    );
}

#[tokio::test]
async fn every_cookie_the_app_sets_is_http_only_same_site_strict_path_root_and_not_secure_over_http() {
    every_cookie_is_flagged(None).await;
}

#[tokio::test]
async fn every_cookie_the_app_sets_is_also_secure_when_the_site_is_https() {
    every_cookie_is_flagged(Some(TLS_SITE)).await;
}

// ------------------------------------------------------------------------------------------
// 4. Hostile text in every text field.
// ------------------------------------------------------------------------------------------

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
/// Bytes that are not UTF-8: a lone continuation byte, an invalid start byte, a cut sequence.
const NOT_UTF8: &[u8] = b"17\xff\xfe01\xc3(";

/// `(name, bytes, raw)`: `raw` puts the bytes in a url-encoded body as they are instead of
/// percent-encoding them (JSON and multipart bodies always carry them as they are).
fn payloads() -> Vec<(&'static str, Vec<u8>, bool)> {
    let text = |name, value: &str| (name, value.as_bytes().to_vec(), false);
    vec![
        text("SQL: ' OR '1'='1", "' OR '1'='1"),
        text("SQL: DROP TABLE", "1701234567'; DROP TABLE affiliates;--"),
        text("script", SCRIPT),
        text("attribute break-out", IMG),
        text("100 000 characters", &"x".repeat(100_000)),
        text("50 000 characters (under the body limit)", &"9".repeat(50_000)),
        text("NUL byte", "1701234567\0"),
        text("NUL byte alone", "\0"),
        // The second letter is U+0430 CYRILLIC SMALL LETTER A.
        text("Cyrillic а in an email", "m\u{430}ria@correo.example"),
        text("full-width digits", "１７０１２３４５６７"),
        ("invalid UTF-8, percent-encoded", NOT_UTF8.to_vec(), false),
        ("invalid UTF-8, raw", NOT_UTF8.to_vec(), true),
    ]
}

/// Where a fresh captcha proof goes in a body.
const FRESH_CAPTCHA: &str = "{captcha}";

enum Shape {
    /// Url-encoded `(name, value)` pairs.
    Form(Vec<(&'static str, String)>),
    /// A JSON document; fields are JSON pointers.
    Json(Value),
    /// A Ventanilla filing's text fields (its three attachments are added).
    Multipart(Vec<(&'static str, String)>),
}

/// A server function taking text, a well-formed body for it, and the fields to attack.
struct Target {
    path: &'static str,
    shape: Shape,
    fields: Vec<&'static str>,
    cookie: Option<String>,
}

impl Target {
    fn form(path: &'static str, pairs: &[(&'static str, &str)], fields: &[&'static str]) -> Self {
        let pairs = pairs.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
        Self { path, shape: Shape::Form(pairs), fields: fields.to_vec(), cookie: None }
    }

    fn with(mut self, cookie: &str) -> Self {
        self.cookie = Some(cookie.to_owned());
        self
    }

    /// The body with `payload` in `field`: `(content type, bytes)`.
    fn body(&self, field: &str, payload: &[u8], raw: bool, captcha: &str) -> (String, Vec<u8>) {
        let value = |v: &str| if v == FRESH_CAPTCHA { captcha.to_owned() } else { v.to_owned() };
        match &self.shape {
            Shape::Form(pairs) => {
                let body = pairs
                    .iter()
                    .map(|(k, v)| {
                        let v: Vec<u8> = match (*k == field, raw) {
                            (true, true) => payload.to_vec(),
                            (true, false) => {
                                form_urlencoded::byte_serialize(payload).collect::<String>().into_bytes()
                            }
                            (false, _) => form_urlencoded::byte_serialize(value(v).as_bytes())
                                .collect::<String>()
                                .into_bytes(),
                        };
                        [format!("{k}=").into_bytes(), v].concat()
                    })
                    .collect::<Vec<_>>()
                    .join(&b'&');
                (FORM.to_owned(), body)
            }
            Shape::Json(document) => {
                let mut document = document.clone();
                const MARK: &str = "\u{1}payload\u{1}";
                let text = std::str::from_utf8(payload).ok();
                *document.pointer_mut(field).expect("a field of the document") = json!(text.unwrap_or(MARK));
                let body = document.to_string().into_bytes();
                let body = match text {
                    Some(_) => body,
                    // Not UTF-8: the bytes go into the JSON text as they are.
                    None => {
                        let mark = serde_json::to_string(MARK).expect("json").into_bytes();
                        let at = body.windows(mark.len()).position(|w| w == mark).expect("the mark");
                        [&body[..=at], payload, &body[at + mark.len() - 1..]].concat()
                    }
                };
                (JSON.to_owned(), body)
            }
            Shape::Multipart(fields) => {
                let values: Vec<(&str, Vec<u8>)> = fields
                    .iter()
                    .map(|(k, v)| (*k, if *k == field { payload.to_vec() } else { value(v).into_bytes() }))
                    .collect();
                let refs: Vec<(&str, &[u8])> = values.iter().map(|(k, v)| (*k, v.as_slice())).collect();
                (multipart_content_type(), multipart(&refs))
            }
        }
    }
}

/// Whether `html` shows `payload` as live markup.
fn live_markup(html: &str) -> bool {
    html.contains(SCRIPT) || html.contains("<img src=x onerror")
}

#[tokio::test]
async fn hostile_text_in_every_text_field_is_refused_or_stored_as_text_never_a_500_and_the_database_stays_whole()
 {
    let scene = Scene::new(settings(None)).await;
    let app = &scene.app;
    let supervisor = scene.staff.clone();
    let maria = scene.maria.to_string();
    let verification = scene.verification.to_string();
    let second_case = app.file_case("Segundo trámite").await;

    // Carlos at step 3 of the generation (the challenge passed with the answers the server
    // keeps), and at step 2 in a second flow.
    let at_step_3 = app.identify("/api/generar/buscar", CARLOS).await.cookie("clave_generar");
    let state = app.flow_state(at_step_3.split_once('=').expect("pair").1).await;
    let birth: Vec<&str> =
        state["answers"]["birth_date"].as_str().expect("a registered date").split('-').collect();
    let choices: Vec<Value> = state["answers"]["choices"]
        .as_array()
        .expect("choices")
        .iter()
        .map(|c| json!([c[0], c[1]]))
        .collect();
    let right = json!({"day": birth[2], "month": birth[1], "year": birth[0], "choices": choices});
    let passed =
        app.call("/api/generar/desafio", JSON, right.to_string().into_bytes(), Some(&at_step_3)).await;
    assert_eq!(passed.text(), r#"{"Step":"PersonalData"}"#);
    let at_step_2 = app.identify("/api/generar/buscar", CARLOS).await.cookie("clave_generar");
    let recovery = app.flow_state(scene.recovery.split_once('=').expect("pair").1).await;
    let image = recovery["view"]["images"][0].as_str().expect("image");
    let question = recovery["view"]["questions"][0].as_str().expect("question");

    let targets = [
        Target::form(
            "/api/generar/buscar",
            &[("identification", MARIA), ("captcha", FRESH_CAPTCHA)],
            &["identification", "captcha"],
        ),
        Target::form(
            "/api/recuperar/buscar",
            &[("identification", MARIA), ("captcha", FRESH_CAPTCHA)],
            &["identification", "captcha"],
        ),
        Target::form(
            "/api/desbloquear/solicitar",
            &[("identification", MARIA), ("captcha", FRESH_CAPTCHA)],
            &["identification", "captcha"],
        ),
        Target::form(
            "/api/ventanilla/consultar",
            &[("number", &scene.case), ("identification", PATRICIA), ("captcha", FRESH_CAPTCHA)],
            &["number", "identification", "captcha"],
        ),
        Target::form(
            "/api/ingresar",
            &[("identification", MARIA), ("password", WRONG_PASSWORD)],
            &["identification", "password"],
        ),
        Target::form(
            "/api/agentes/ingresar",
            &[("username", "otro.agente"), ("password", STAFF_PASSWORD), ("code", "000000")],
            &["username", "password", "code"],
        ),
        Target::form("/api/agentes/buscar", &[("identification", MARIA)], &["identification"])
            .with(&supervisor),
        Target::form(
            "/api/agentes/auditoria",
            &[("identification", ""), ("actor", ""), ("kind", ""), ("from", ""), ("to", ""), ("page", "0")],
            &["identification", "actor", "kind", "from", "to"],
        )
        .with(&supervisor),
        Target::form(
            "/api/agentes/accion",
            &[
                ("affiliate_id", &maria),
                ("action", "update-contacts"),
                ("authority", "presencial"),
                ("authority_id", &verification),
                ("reason", "Verificado en persona en la agencia"),
                ("email", "maria.nueva@correo.example"),
                ("mobile", "0991112223"),
            ],
            &["action", "authority", "reason", "email", "mobile"],
        )
        .with(&supervisor),
        Target::form(
            "/api/agentes/ventanilla/decidir",
            &[
                ("number", &second_case),
                ("approve", "false"),
                ("reason", "Documentos ilegibles, vuelva a enviar"),
            ],
            &["number", "reason"],
        )
        .with(&supervisor),
        Target::form("/api/agentes/ventanilla/caso", &[("number", &scene.case)], &["number"])
            .with(&supervisor),
        Target {
            path: "/api/generar/datos",
            // The image is never one of the catalogue, so no form passes and every payload is
            // checked at step 3.
            shape: Shape::Json(
                json!({"email": "carlos@correo.example", "mobile": "0991234567", "landline": "",
                "questions": [["primera-mascota", "a"], ["escuela-primaria", "b"], ["libro-favorito", "c"]],
                "image": "ninguna"}),
            ),
            fields: vec![
                "/email",
                "/mobile",
                "/landline",
                "/questions/0/0",
                "/questions/0/1",
                "/questions/2/1",
                "/image",
            ],
            cookie: Some(at_step_3.clone()),
        },
        Target {
            path: "/api/generar/desafio",
            shape: Shape::Json(
                json!({"day": "1", "month": "1", "year": "1990", "choices": [["employer", "a"]]}),
            ),
            fields: vec!["/day", "/month", "/year"],
            cookie: Some(at_step_2),
        },
        Target::form(
            "/api/recuperar/desafio",
            &[("day", "1"), ("month", "1"), ("image", image), ("question", question), ("answer", "x")],
            &["day", "month", "image", "question", "answer"],
        )
        .with(&scene.recovery),
        Target {
            path: "/api/ventanilla/presentar",
            shape: Shape::Multipart(vec![
                ("request_type", "desbloqueo".into()),
                ("identification", PATRICIA.into()),
                ("contact_email", "contacto@correo.example".into()),
                ("description", "Necesito desbloquear mi clave".into()),
                ("captcha", FRESH_CAPTCHA.into()),
            ]),
            fields: vec!["request_type", "identification", "contact_email", "description"],
            cookie: None,
        },
        Target::form(
            "/api/mi-cuenta/contacto",
            &[
                ("email", "maria.otra@correo.example"),
                ("mobile", "0991112224"),
                ("landline", ""),
                ("current", PASSWORD),
            ],
            &["email", "mobile", "landline", "current"],
        )
        .with(&scene.session),
        Target::form(
            "/api/activar/generar",
            &[
                ("token", &"A".repeat(43)),
                ("accepted_terms", "true"),
                ("password", "x"),
                ("confirmation", "x"),
            ],
            &["token", "password"],
        ),
    ];

    let (tables, before) = (app.tables().await, app.snapshot().await);
    let (mut sent, mut failed) = (0, Vec::new());
    for target in &targets {
        for field in &target.fields {
            for (name, payload, raw) in payloads() {
                let (content_type, body) = target.body(field, &payload, raw, &app.captcha());
                let answer = app.call(target.path, &content_type, body, target.cookie.as_deref()).await;
                if !(answer.status.is_success() || answer.status.is_client_error()) {
                    failed.push(format!(
                        "{} {field} ← {name}: {} {}",
                        target.path,
                        answer.status,
                        answer.text()
                    ));
                }
                sent += 1;
            }
        }
    }
    assert!(failed.is_empty(), "answered neither 2xx nor 4xx:\n{}", failed.join("\n"));
    assert_eq!(app.tables().await, tables, "every table is there");
    let after = app.snapshot().await;
    assert_eq!(after["affiliates"], before["affiliates"], "the registry is untouched");
    assert_eq!(app.count("SELECT COUNT(*) FROM affiliates").await, DEMO_AFFILIATES);
    assert!(sent > 500, "{sent} requests");

    // Stored and shown back as text: a Ventanilla description, a staff member's reason, a
    // browser's user agent.
    let hostile = format!("{SCRIPT} {IMG} ' OR '1'='1");
    let filed = app
        .call(
            "/api/ventanilla/presentar",
            &multipart_content_type(),
            multipart(&[
                ("request_type", b"desbloqueo"),
                ("identification", PATRICIA.as_bytes()),
                ("contact_email", b"contacto@correo.example"),
                ("description", hostile.as_bytes()),
                ("captcha", app.captcha().as_bytes()),
            ]),
            None,
        )
        .await;
    let number =
        filed.json()["Filed"].as_str().unwrap_or_else(|| panic!("filed: {}", filed.text())).to_owned();
    let opened =
        app.call("/api/agentes/ventanilla/caso", FORM, form(&[("number", &number)]), Some(&supervisor)).await;
    assert_eq!(opened.json()["description"], json!(hostile), "kept as the text typed");
    let reason = format!("Rechazado: {SCRIPT} {IMG}");
    let decided = app
        .call(
            "/api/agentes/ventanilla/decidir",
            FORM,
            form(&[("number", &number), ("approve", "false"), ("reason", &reason)]),
            Some(&supervisor),
        )
        .await;
    assert_eq!(decided.text(), r#""Decided""#);
    let closed =
        app.call("/api/agentes/ventanilla/caso", FORM, form(&[("number", &number)]), Some(&supervisor)).await;
    assert_eq!(closed.json()["reason"], json!(reason));
    let user_agent = format!("{SCRIPT}{IMG} Chrome/120.0 Android");
    app.with_clave(ROSA).await;
    let login = app.log_in(ROSA, PASSWORD, Some(&user_agent)).await;
    assert_eq!(login.text(), r#""LoggedIn""#);
    let stored: Vec<(String,)> =
        app.db.rows("SELECT user_agent FROM security_events WHERE user_agent IS NOT NULL").await;
    assert!(stored.iter().any(|(ua,)| *ua == user_agent), "kept as sent: {stored:?}");

    // No page and no email shows any of it as markup.
    let session = login.cookie("clave_sesion");
    let cookie = cookies(&[&session, &supervisor]);
    for path in page_paths(&number) {
        let page = app.get(&path, Some(&cookie)).await;
        assert!(!live_markup(&page.text()), "GET {path} shows markup it was sent:\n{}", page.text());
    }
    // The emails are plain text (an HTML part, if one is ever added, must escape it).
    let mails: Vec<(String, String, Option<String>)> =
        app.db.rows("SELECT subject, text_body, html_body FROM outbox").await;
    let rejection =
        mails.iter().find(|(subject, ..)| subject.contains(&number) && subject.contains("rechaz"));
    let (_, text, _) = rejection.unwrap_or_else(|| panic!("the rejection email of {number}: {mails:#?}"));
    assert!(text.contains(&reason), "the reason, as text: {text}");
    for (subject, _, html) in &mails {
        assert!(!live_markup(html.as_deref().unwrap_or_default()), "{subject}: {html:?}");
    }
}
