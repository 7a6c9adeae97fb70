//! Two server instances on loopback sharing one database (DESIGN §9): every piece of state a
//! request depends on lives in the database, so a load balancer may send each request of one
//! person to either instance. Each test serves the whole app twice (two `Services`, each on its
//! own store with its own connection pool over the same data, each router behind its own
//! `axum::serve` on `127.0.0.1:0`) and talks to both through a real HTTP client. It proves that
//!
//! - wrong-password logins sent to both instances at once lock the clave at exactly 5 failures and
//!   once (§5.5: the counter changes atomically in the database; counters kept per instance would
//!   let up to 10 through and lock twice), for the lock of unknown browsers and for the full lock
//!   a trusted browser's failures set;
//! - an emailed link spent on one instance is refused on the other, in both directions and when
//!   both receive it at the same moment (§5.4: one atomic `UPDATE`), and nothing changes then;
//! - a wizard started on one instance continues on the other, step by step (§2: the flow row,
//!   keyed by the HttpOnly cookie), down to the activation and a login.
//!
//! The "No soy un robot" proofs are solved for a challenge from one instance and accepted by the
//! other (the signing key is shared through the database). On the default test run both
//! instances open one SQLite file (two processes on one file is a legitimate deployment too); in
//! the PostgreSQL run of the test command they share a PostgreSQL schema, the deployment of §9.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use axum::{
    body::Bytes,
    http::{Request, StatusCode, header},
};
use clave_backend::{
    Services,
    clock::{Clock as _, ManualClock},
    config::{HashingSettings, RateLimit, RateLimitSettings, Settings},
    registry::seed_demo_if_empty,
    store::Store,
    testing::{self, TestDb},
    tokens::PlainToken,
};
use clave_domain::{
    Identification,
    captcha::{Challenge, Solution, solve},
};
use futures_util::future::join_all;
use http_body_util::{BodyExt as _, Full};
use hyper_util::{
    client::legacy::{Client, connect::HttpConnector},
    rt::TokioExecutor,
};
use leptos::prelude::LeptosOptions;
use secrecy::SecretString;
use serde_json::{Value, json};

/// The public origin of both instances: they stand behind one address.
const ORIGIN: &str = "http://127.0.0.1:3000";
const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";
/// María Fernanda, of the demo registry: a fingerprint record (she may unlock online), an
/// employer, a first contribution and a mobile number (the facts of the generation challenge).
const MARIA: &str = "1701234567";
const PASSWORD: &str = "Tortuga7Verde2Montaña";
const WRONG: &str = "Tortuga7Verde2Montana";
const LOGGED_IN: &str = r#""LoggedIn""#;
const REFUSED: &str = r#"{"Refused":{"max_failures":5}}"#;
const LOCK_MAIL: &str = "Clave IESS: su clave fue bloqueada";
const UNLOCK_LINK_MAIL: &str = "Clave IESS: desbloquee su clave";
const UNLOCKED_MAIL: &str = "Clave IESS: su clave fue desbloqueada";
const UNLOCKED: &str = r#""Unlocked""#;
const NOT_VALID: &str = r#""NotValid""#;
/// Wrong passwords sent at once: more than twice the limit of 5, so a counter per instance
/// would let more than 5 through.
const PARALLEL_FAILURES: usize = 12;

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// One server instance: its own services and store, served on its own port.
struct Instance {
    name: &'static str,
    url: String,
    services: Services,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl Instance {
    async fn start(name: &'static str, store: Arc<dyn Store>, clock: Arc<ManualClock>) -> Self {
        let settings = Settings {
            hashing: HashingSettings {
                memory_kib: 256,
                iterations: 1,
                max_waiting: 1024,
                max_wait: Duration::from_secs(30),
                ..HashingSettings::default()
            },
            // The rate limits have tests of their own (also across instances); here they must
            // never be what refuses a request.
            rate_limits: RateLimitSettings {
                per_ip: RateLimit { requests: 10_000, window: Duration::from_secs(60) },
                per_identification: RateLimit { requests: 10_000, window: Duration::from_secs(60) },
            },
            ..Settings::default()
        };
        let services = Services::new(settings, store, clock).await.expect("services");
        let leptos = LeptosOptions::builder().output_name("clave").build();
        let app = super::router(services.clone(), leptos, crate::telemetry::metrics());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port on loopback");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        // Served as `startup::serve` does: the peer address reaches the audit trail.
        let server = tokio::spawn(async move {
            axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
                .await
                .expect("serve");
        });
        Self { name, url, services, server }
    }
}

/// What an instance answered.
#[derive(Debug)]
struct Answer {
    status: StatusCode,
    /// The `name=value` of every cookie set.
    cookies: Vec<String>,
    body: String,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// The `name=value` pair of the cookie `name` this answer set.
    fn cookie(&self, name: &str) -> String {
        let prefix = format!("{name}=");
        self.cookies
            .iter()
            .find(|c| c.starts_with(&prefix))
            .unwrap_or_else(|| panic!("no {name} cookie in {:?}", self.cookies))
            .clone()
    }
}

/// Two instances on one database, and a client for both.
struct Cluster {
    db: TestDb,
    a: Instance,
    b: Instance,
    http: HttpClient,
}

impl Cluster {
    async fn start() -> Self {
        let db = TestDb::pooled(8).await;
        let clock = Arc::new(ManualClock::at_institute_time(2026, 11, 23, 10, 0, 0));
        seed_demo_if_empty(&*db.store, clock.now()).await.expect("demo registry");
        let a = Instance::start("A", db.store.clone(), clock.clone()).await;
        let b = Instance::start("B", db.second_store(8).await, clock).await;
        assert_ne!(a.url, b.url);
        let http = Client::builder(TokioExecutor::new()).build_http();
        Self { db, a, b, http }
    }

    /// Instance A for even `i`, B for odd: requests spread as a round-robin balancer does.
    fn alternate(&self, i: usize) -> &Instance {
        if i.is_multiple_of(2) { &self.a } else { &self.b }
    }

    /// A server function call from the site itself, over HTTP, with an optional cookie header.
    async fn call(
        &self,
        at: &Instance,
        path: &str,
        content_type: &str,
        body: String,
        cookie: Option<&str>,
    ) -> Answer {
        let mut request = Request::post(format!("{}{path}", at.url))
            .header(header::CONTENT_TYPE, content_type)
            .header(header::ORIGIN, ORIGIN);
        if let Some(cookie) = cookie {
            request = request.header(header::COOKIE, cookie);
        }
        let request = request.body(Full::new(Bytes::from(body))).expect("request");
        let response = self
            .http
            .request(request)
            .await
            .unwrap_or_else(|e| panic!("instance {} answers {path}: {e}", at.name));
        let status = response.status();
        let cookies = response
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .map(str::to_owned)
            .collect();
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        let answer = Answer { status, cookies, body: String::from_utf8_lossy(&bytes).into_owned() };
        assert_eq!(answer.status, StatusCode::OK, "{path} on instance {}: {answer:?}", at.name);
        answer
    }

    /// A "No soy un robot" proof for a challenge that instance `from` issued, solved like the
    /// browser does.
    async fn captcha(&self, from: &Instance) -> String {
        let answer = self.call(from, "/api/captcha/reto", FORM, String::new(), None).await;
        let challenge: Challenge = serde_json::from_str(&answer.body).expect("a challenge");
        let number = solve(&challenge.challenge, &challenge.salt, challenge.maxnumber).expect("solvable");
        Solution::new(&challenge, number).to_base64()
    }

    /// "Ingresar" as María on `at`, with the browser's cookie header if it has one.
    async fn log_in(&self, at: &Instance, password: &str, cookie: Option<&str>) -> Answer {
        let form = form_urlencoded::Serializer::new(String::new())
            .append_pair("identification", MARIA)
            .append_pair("password", password)
            .finish();
        self.call(at, "/api/ingresar", FORM, form, cookie).await
    }

    /// Gives María a clave with [`PASSWORD`] (her registry contacts on file); returns her
    /// affiliate id.
    async fn with_clave(&self) -> i64 {
        let services = &self.a.services;
        let hash = services.hasher.hash(SecretString::from(PASSWORD)).await.expect("hash");
        let id = Identification::parse(MARIA).expect("cédula");
        testing::give_clave(&*services.store, &id, hash, services.clock.now()).await
    }

    async fn count(&self, sql: &str) -> i64 {
        self.db.scalar(sql).await
    }

    async fn events(&self, affiliate: i64, kind: &str) -> i64 {
        self.count(&format!(
            "SELECT COUNT(*) FROM security_events WHERE affiliate_id = {affiliate} AND kind = '{kind}'"
        ))
        .await
    }

    async fn mails(&self, subject: &str) -> i64 {
        self.count(&format!("SELECT COUNT(*) FROM outbox WHERE subject = '{subject}'")).await
    }

    /// The token of the newest mail with `subject`, from its link to `path`.
    async fn newest_token(&self, subject: &str, path: &str) -> String {
        let texts: Vec<(String,)> = self
            .db
            .rows(&format!("SELECT text_body FROM outbox WHERE subject = '{subject}' ORDER BY id DESC"))
            .await;
        let text = &texts.first().unwrap_or_else(|| panic!("a mail «{subject}»")).0;
        let start = text.find(&format!("{path}#")).expect("the link") + path.len() + 1;
        let token = &text[start..start + 43];
        assert!(PlainToken::parse(token).is_some(), "{token}");
        token.to_owned()
    }

    /// (unknown-browser failures, unknown-browser lock set, full lock set) of a profile.
    async fn lock_state(&self, affiliate: i64) -> (i64, bool, bool) {
        let (failures, unknown_locked_at, locked_at): (i64, Option<i64>, Option<i64>) = self
            .db
            .rows(&format!(
                "SELECT unknown_failures, unknown_locked_at, locked_at FROM security_profiles \
                 WHERE affiliate_id = {affiliate}"
            ))
            .await
            .pop()
            .expect("the profile");
        (failures, unknown_locked_at.is_some(), locked_at.is_some())
    }

    /// Sends [`PARALLEL_FAILURES`] wrong passwords at once, alternating between the instances;
    /// every one is refused like any other refusal.
    async fn parallel_failures(&self, cookie: Option<&str>) {
        let attempts = (0..PARALLEL_FAILURES).map(|i| self.log_in(self.alternate(i), WRONG, cookie));
        for answer in join_all(attempts).await {
            assert_eq!(answer.body, REFUSED);
            assert!(answer.cookies.is_empty(), "no session: {answer:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_logins_sent_to_both_instances_at_once_lock_unknown_browsers_at_exactly_five() {
    let c = Cluster::start().await;
    let maria = c.with_clave().await;
    // María logs in once on A: her browser becomes a trusted device.
    let first = c.log_in(&c.a, PASSWORD, None).await;
    assert_eq!(first.body, LOGGED_IN);
    let device = first.cookie("clave_dispositivo");

    // Strangers' browsers (no device cookie) send 12 wrong passwords at once to both instances.
    c.parallel_failures(None).await;
    assert_eq!(c.lock_state(maria).await, (5, true, false), "counted to 5; unknown browsers locked");
    assert_eq!(c.events(maria, "login_failed").await, 5, "exactly 5 failures counted");
    assert_eq!(c.events(maria, "locked").await, 1, "locked once");
    assert_eq!(c.mails(LOCK_MAIL).await, 1, "one lock email");

    // The right password from an unknown browser is refused by both instances...
    for at in [&c.a, &c.b] {
        assert_eq!(c.log_in(at, PASSWORD, None).await.body, REFUSED, "instance {}", at.name);
    }
    // ...while María's own browser still logs in, on the other instance too.
    let own = c.log_in(&c.b, PASSWORD, Some(&device)).await;
    assert_eq!(own.body, LOGGED_IN);
    assert_eq!(c.lock_state(maria).await, (5, true, false), "nothing counted after the lock");
    assert_eq!(c.events(maria, "login_failed").await, 5);
    assert_eq!(c.events(maria, "locked").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_logins_from_a_trusted_browser_on_both_instances_lock_the_clave_at_exactly_five() {
    let c = Cluster::start().await;
    let maria = c.with_clave().await;
    let first = c.log_in(&c.b, PASSWORD, None).await;
    assert_eq!(first.body, LOGGED_IN);
    let device = first.cookie("clave_dispositivo");

    // 12 wrong passwords at once from the trusted browser (someone at María's computer).
    c.parallel_failures(Some(&device)).await;
    let device_failures: Vec<(i64,)> =
        c.db.rows(&format!("SELECT failures FROM trusted_devices WHERE affiliate_id = {maria}")).await;
    assert_eq!(device_failures, [(5,)], "the trusted browser's failures counted to exactly 5");
    assert_eq!(c.lock_state(maria).await, (0, false, true), "the whole clave is locked");
    assert_eq!(c.events(maria, "login_failed").await, 5, "exactly 5 failures counted");
    assert_eq!(c.events(maria, "locked").await, 1, "locked once");
    assert_eq!(c.mails(LOCK_MAIL).await, 1, "one lock email");

    // The right password is refused everywhere, from the trusted browser too.
    for at in [&c.a, &c.b] {
        for cookie in [Some(device.as_str()), None] {
            let answer = c.log_in(at, PASSWORD, cookie).await;
            assert_eq!(answer.body, REFUSED, "instance {} with {cookie:?}", at.name);
        }
    }
    assert_eq!(c.events(maria, "login_failed").await, 5);
    assert_eq!(c.events(maria, "login_succeeded").await, 1, "only the first login");
}

/// Asks `from` for an unlock link for María (with a captcha issued by the other instance);
/// returns the token of the emailed link.
async fn request_unlock(c: &Cluster, from: &Instance, captcha_from: &Instance) -> String {
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("identification", MARIA)
        .append_pair("captcha", &c.captcha(captcha_from).await)
        .finish();
    let answer = c.call(from, "/api/desbloquear/solicitar", FORM, form, None).await;
    assert_eq!(answer.body, r#""Sent""#);
    c.newest_token(UNLOCK_LINK_MAIL, "/clave/desbloquear/confirmar").await
}

/// Locks María's whole clave, as "No fui yo" does.
async fn lock(c: &Cluster) {
    let id = Identification::parse(MARIA).expect("cédula");
    assert!(c.a.services.store.lock_profile(&id, c.a.services.clock.now()).await.expect("db"));
}

async fn link_is_live(c: &Cluster, at: &Instance, token: &str) -> bool {
    let form = form_urlencoded::Serializer::new(String::new()).append_pair("token", token).finish();
    let answer = c.call(at, "/api/desbloquear/estado", FORM, form, None).await;
    answer.json().as_bool().expect("a boolean")
}

async fn confirm_unlock(c: &Cluster, at: &Instance, token: &str) -> String {
    let form = form_urlencoded::Serializer::new(String::new()).append_pair("token", token).finish();
    c.call(at, "/api/desbloquear/confirmar", FORM, form, None).await.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlock_link_spent_on_one_instance_is_refused_on_the_other() {
    let c = Cluster::start().await;
    let maria = c.with_clave().await;

    // Requested on A, spent on A: B sees the link live before and spent after.
    lock(&c).await;
    let token = request_unlock(&c, &c.a, &c.b).await;
    assert!(link_is_live(&c, &c.b, &token).await, "B sees the link A issued");
    assert_eq!(confirm_unlock(&c, &c.a, &token).await, UNLOCKED);
    assert!(!link_is_live(&c, &c.b, &token).await);
    assert_eq!(confirm_unlock(&c, &c.b, &token).await, NOT_VALID, "B refuses the link spent on A");
    assert_eq!(c.events(maria, "unlocked").await, 1, "B changed nothing");
    assert_eq!(c.mails(UNLOCKED_MAIL).await, 1);
    assert_eq!(c.lock_state(maria).await, (0, false, false));

    // The other way round: requested and spent on B, refused on A, which changes nothing (the
    // clave locked again meanwhile stays locked).
    lock(&c).await;
    let token = request_unlock(&c, &c.b, &c.a).await;
    assert_eq!(confirm_unlock(&c, &c.b, &token).await, UNLOCKED);
    lock(&c).await;
    assert!(!link_is_live(&c, &c.a, &token).await);
    assert_eq!(confirm_unlock(&c, &c.a, &token).await, NOT_VALID, "A refuses the link spent on B");
    assert_eq!(c.lock_state(maria).await, (0, false, true), "still locked");
    assert_eq!(c.events(maria, "unlocked").await, 2);
    assert_eq!(c.mails(UNLOCKED_MAIL).await, 2);

    // One link sent to both instances at the same moment, 8 times: it unlocks exactly once.
    let token = request_unlock(&c, &c.a, &c.a).await;
    let answers = join_all((0..8).map(|i| confirm_unlock(&c, c.alternate(i), &token))).await;
    assert_eq!(answers.iter().filter(|a| *a == UNLOCKED).count(), 1, "{answers:?}");
    assert_eq!(answers.iter().filter(|a| *a == NOT_VALID).count(), 7, "{answers:?}");
    assert_eq!(c.events(maria, "unlocked").await, 3);
    assert_eq!(c.mails(UNLOCKED_MAIL).await, 3);
    assert_eq!(c.count("SELECT COUNT(*) FROM tokens WHERE purpose = 'unlock' AND used_at IS NULL").await, 0);

    assert_eq!(c.log_in(&c.b, PASSWORD, None).await.body, LOGGED_IN, "unlocked for every instance");
}

/// The options a person who knows their registry facts picks, for a challenge view as JSON.
async fn right_answers(c: &Cluster, view: &Value) -> String {
    let id = Identification::parse(MARIA).expect("cédula");
    let affiliate = c.a.services.store.find_affiliate(&id).await.expect("db").expect("demo person");
    let choices: Vec<(String, String)> = view["questions"]
        .as_array()
        .expect("questions")
        .iter()
        .map(|q| {
            let question = q["id"].as_str().expect("id");
            let truth = match question {
                "employer" => affiliate.employer.clone().expect("employer"),
                "first-contribution-year" => {
                    affiliate.first_contribution.expect("contribution").format("%Y").to_string()
                }
                "mobile-ending" => {
                    let mobile = affiliate.mobile.as_ref().expect("mobile").as_str().to_owned();
                    mobile[mobile.len() - 3..].to_owned()
                }
                other => panic!("unexpected question {other}"),
            };
            let options = q["options"].as_array().expect("options");
            let option =
                options.iter().find(|o| o["label"] == truth.as_str()).expect("the truth is an option");
            (question.to_owned(), option["id"].as_str().expect("option id").to_owned())
        })
        .collect();
    let date = |format: &str| affiliate.birth_date.format(format).to_string();
    json!({ "day": date("%d"), "month": date("%m"), "year": date("%Y"), "choices": choices }).to_string()
}

/// Step 3 of the wizard as JSON.
const STEP_3: &str = r#"{"email":"maria.ejemplo@correo.example","mobile":"0991234567","landline":"022345678",
    "questions":[["primera-mascota","Firulais"],["escuela-primaria","Escuela Simón Bolívar"],
    ["libro-favorito","Huasipungo"]],"image":"perro"}"#;
const GENERATION_LINK_MAIL: &str = "Clave IESS: continúe con la generación de su clave";
/// A password the policy accepts for María.
const NEW_PASSWORD: &str = "Tortuga-verde-Galápagos-58";

/// The generation step `at` shows for the flow of this cookie header.
async fn generation_step(c: &Cluster, at: &Instance, cookie: &str) -> Value {
    c.call(at, "/api/generar/estado", FORM, String::new(), Some(cookie)).await.json()
}

async fn activation_state(c: &Cluster, at: &Instance, token: &str) -> Value {
    let form = form_urlencoded::Serializer::new(String::new()).append_pair("token", token).finish();
    c.call(at, "/api/activar/estado", FORM, form, None).await.json()
}

async fn activate(c: &Cluster, at: &Instance, token: &str) -> String {
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("token", token)
        .append_pair("accepted_terms", "true")
        .append_pair("password", NEW_PASSWORD)
        .append_pair("confirmation", NEW_PASSWORD)
        .finish();
    c.call(at, "/api/activar/generar", FORM, form, None).await.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generation_flow_started_on_one_instance_continues_on_the_other() {
    let c = Cluster::start().await;

    // Step 1 on A, with a captcha B issued: the flow cookie and the challenge.
    let form = form_urlencoded::Serializer::new(String::new())
        .append_pair("identification", MARIA)
        .append_pair("captcha", &c.captcha(&c.b).await)
        .finish();
    let started = c.call(&c.a, "/api/generar/buscar", FORM, form, None).await;
    let cookie = started.cookie("clave_generar");
    let view = started.json()["Step"]["Challenge"]["view"].clone();
    assert!(view["questions"].as_array().is_some_and(|q| q.len() >= 2), "{}", started.body);

    // B knows the flow: the same step, the same questions.
    let on_b = generation_step(&c, &c.b, &cookie).await;
    assert_eq!(on_b, json!({ "Challenge": { "view": view, "retry": null } }));

    // Step 2 answered on B: A shows step 3.
    let answers = right_answers(&c, &view).await;
    let passed = c.call(&c.b, "/api/generar/desafio", JSON, answers, Some(&cookie)).await;
    assert_eq!(passed.json(), json!({ "Step": "PersonalData" }));
    assert_eq!(generation_step(&c, &c.a, &cookie).await, json!("PersonalData"));

    // Step 3 on A: B shows step 4, and the link was emailed once.
    let sent = c.call(&c.a, "/api/generar/datos", JSON, STEP_3.into(), Some(&cookie)).await;
    assert!(sent.json()["Step"]["EmailSent"].is_object(), "{}", sent.body);
    assert!(generation_step(&c, &c.b, &cookie).await["EmailSent"].is_object());
    assert_eq!(c.mails(GENERATION_LINK_MAIL).await, 1);

    // Step 5 from the emailed link: B shows the form, A spends the link, B then refuses it.
    let token = c.newest_token(GENERATION_LINK_MAIL, "/clave/activar").await;
    assert!(activation_state(&c, &c.b, &token).await["Ready"].is_object());
    assert_eq!(activate(&c, &c.a, &token).await, r#""Done""#);
    assert_eq!(activation_state(&c, &c.b, &token).await, json!("NotValid"));
    assert_eq!(activate(&c, &c.b, &token).await, r#""NotValid""#, "B refuses the link spent on A");
    assert_eq!(c.count("SELECT COUNT(*) FROM security_profiles").await, 1);
    for at in [&c.a, &c.b] {
        let step = generation_step(&c, at, &cookie).await;
        assert_eq!(step, json!({ "Identification": { "expired": true } }), "the flow ended, on {}", at.name);
    }

    // The new clave works on B.
    assert_eq!(c.log_in(&c.b, NEW_PASSWORD, None).await.body, LOGGED_IN);
}
