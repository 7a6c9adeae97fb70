//! HTTP tests: the router called in-process, on a private test database (SQLite, or PostgreSQL in
//! the second run of the test command) and a manual clock.

use std::sync::Arc;

use axum::{
    Router,
    body::Body,
    http::{Request, Response, StatusCode, header},
};
use clave_backend::{
    Services,
    clock::ManualClock,
    config::{MailTransportKind, Settings},
    testing::TestDb,
};
use http_body_util::BodyExt as _;
use leptos::prelude::LeptosOptions;
use tower::ServiceExt as _;

const ORIGIN: &str = "http://127.0.0.1:3000";

struct TestApp {
    router: Router,
    db: TestDb,
    services: Services,
}

async fn app_with(settings: Settings, clock: ManualClock) -> TestApp {
    let db = TestDb::new().await;
    let services = Services::new(settings, db.store.clone(), Arc::new(clock)).await.expect("services");
    let leptos = LeptosOptions::builder().output_name("clave").build();
    let router = super::router(services.clone(), leptos, crate::telemetry::metrics());
    TestApp { router, db, services }
}

async fn app() -> TestApp {
    app_with(Settings::default(), ManualClock::at_institute_time(2026, 11, 23, 10, 0, 0)).await
}

async fn send(app: &TestApp, request: Request<Body>) -> Response<Body> {
    app.router.clone().oneshot(request).await.expect("infallible")
}

async fn body_text(response: Response<Body>) -> String {
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).expect("request")
}

fn server_fn(path: &str, origin: Option<&str>) -> Request<Body> {
    let mut r = Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(o) = origin {
        r = r.header(header::ORIGIN, o);
    }
    r.body(Body::empty()).expect("request")
}

fn nonce_of(csp: &str) -> String {
    let start = csp.find("'nonce-").expect("nonce in CSP") + "'nonce-".len();
    csp[start..].split('\'').next().expect("nonce end").to_owned()
}

/// Routers are built while pages are being rendered: by every test of this process, and by a
/// second instance in the instances tests. leptos generates the route list under a process-wide
/// flag that leaves every resource starting meanwhile waiting forever (leptos issue 4773); the
/// list is generated once per process, so a page always finishes.
#[tokio::test]
async fn a_page_finishes_while_other_routers_are_being_built() {
    use std::sync::atomic::{AtomicBool, Ordering};
    /// Stops the building thread when dropped, also when an assertion below fails.
    struct Stop(Arc<AtomicBool>);
    impl Drop for Stop {
        fn drop(&mut self) {
            self.0.store(true, Ordering::Relaxed);
        }
    }
    let app = app().await;
    let stop = Stop(Arc::new(AtomicBool::new(false)));
    let building = std::thread::spawn({
        let stop = stop.0.clone();
        move || {
            let mut built = 0_u32;
            while !stop.load(Ordering::Relaxed) {
                assert!(!super::routes().is_empty());
                built += 1;
            }
            built
        }
    });
    for _ in 0..20 {
        // The login form is rendered once its resource (the keyboard policy) has loaded.
        let page = tokio::time::timeout(std::time::Duration::from_secs(10), async {
            body_text(send(&app, get("/ingresar")).await).await
        })
        .await
        .expect("the login page never finished");
        assert!(page.contains(r#"id="password""#), "{page}");
    }
    drop(stop);
    assert!(building.join().expect("the building thread") > 0);
}

#[tokio::test]
async fn the_home_page_is_served_in_spanish_with_every_security_header() {
    let app = app().await;
    let response = send(&app, get("/")).await;
    assert_eq!(response.status(), StatusCode::OK);
    let h = response.headers().clone();
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii");
    for directive in
        ["default-src 'self'", "frame-ancestors 'none'", "object-src 'none'", "'wasm-unsafe-eval'"]
    {
        assert!(csp.contains(directive), "{directive} missing in {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::REFERRER_POLICY], "no-referrer");
    assert_eq!(h[header::X_FRAME_OPTIONS], "DENY");
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    assert!(!h.contains_key(header::STRICT_TRANSPORT_SECURITY), "no HSTS over plain http");
    let html = body_text(response).await;
    assert!(html.contains("Su clave de afiliado, en línea y segura"), "{html}");
    assert!(html.contains("lang=\"es\""), "the document declares Spanish");
}

#[tokio::test]
async fn every_inline_script_carries_the_nonce_of_its_own_response() {
    let app = app().await;
    let first = send(&app, get("/")).await;
    let nonce = nonce_of(first.headers()[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii"));
    let html = body_text(first).await;
    // An empty `<script></script>` (a hydration placeholder of leptos_i18n) never runs: browsers
    // skip inline scripts without text before any CSP check.
    let scripts = html.matches("<script").count() - html.matches("<script></script>").count();
    assert!(scripts >= 2, "{html}");
    let with_nonce = html.matches(&format!("<script nonce=\"{nonce}\">")).count()
        + html.matches(&format!("<script type=\"module\" nonce=\"{nonce}\">")).count();
    assert_eq!(with_nonce, scripts, "{html}");

    let second = send(&app, get("/")).await;
    let other = nonce_of(second.headers()[header::CONTENT_SECURITY_POLICY].to_str().expect("ascii"));
    assert_ne!(nonce, other, "a nonce is never reused");
    assert!(nonce.len() >= 22, "at least 128 bits");
}

#[tokio::test]
async fn hsts_is_sent_when_the_site_is_served_over_tls() {
    let mut settings = Settings::default();
    settings.server.base_url = "https://clave.example.ec".parse().expect("url");
    let app = app_with(settings, ManualClock::at_institute_time(2026, 11, 23, 10, 0, 0)).await;
    let response = send(&app, get("/")).await;
    assert!(
        response.headers()[header::STRICT_TRANSPORT_SECURITY].to_str().expect("ascii").contains("max-age=")
    );
}

#[tokio::test]
async fn a_server_function_answers_calls_from_the_site_itself() {
    let app = app().await;
    let response = send(&app, server_fn("/api/ayuda/videollamada", Some(ORIGIN))).await;
    assert_eq!(response.status(), StatusCode::OK);
    // Monday 10:00 in Guayaquil: the desk is open.
    assert_eq!(body_text(response).await, "true");
}

#[tokio::test]
async fn pages_are_compressed_and_replies_shorter_than_a_packet_are_not() {
    let app = app().await;
    let mut page = get("/");
    page.headers_mut().insert(header::ACCEPT_ENCODING, "br, gzip".parse().expect("header"));
    let response = send(&app, page).await;
    assert_eq!(response.headers().get(header::CONTENT_ENCODING).map(|v| v.as_bytes()), Some(&b"gzip"[..]));
    let mut reply = server_fn("/api/ayuda/videollamada", Some(ORIGIN));
    reply.headers_mut().insert(header::ACCEPT_ENCODING, "br, gzip".parse().expect("header"));
    let response = send(&app, reply).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers().get(header::CONTENT_ENCODING).is_none(), "a 4-byte reply is sent as it is");
    assert_eq!(body_text(response).await, "true");
}

#[tokio::test]
async fn server_functions_read_the_injected_clock() {
    let app = app_with(Settings::default(), ManualClock::at_institute_time(2026, 11, 21, 10, 0, 0)).await;
    let response = send(&app, server_fn("/api/ayuda/videollamada", Some(ORIGIN))).await;
    assert_eq!(body_text(response).await, "false", "Saturday: closed");
}

#[tokio::test]
async fn a_server_function_refuses_a_foreign_or_missing_origin() {
    let app = app().await;
    for origin in [Some("https://evil.example"), Some("http://127.0.0.1:3001"), Some("null"), None] {
        let response = send(&app, server_fn("/api/ayuda/videollamada", origin)).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{origin:?}");
    }
}

#[tokio::test]
async fn a_server_function_refuses_get() {
    let app = app().await;
    let request = Request::get("/api/ayuda/videollamada").header(header::ORIGIN, ORIGIN).body(Body::empty());
    let response = send(&app, request.expect("request")).await;
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
}

#[tokio::test]
async fn an_oversized_body_is_refused_before_it_is_read() {
    let app = app().await;
    let big = "x".repeat(Settings::default().server.body_limit_bytes + 1);
    let request = Request::post("/api/ayuda/videollamada")
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, big.len())
        .body(Body::from(big))
        .expect("request");
    assert_eq!(send(&app, request).await.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn an_unknown_address_is_a_404_page() {
    let app = app().await;
    let response = send(&app, get("/no/existe")).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(body_text(response).await.contains("No encontramos esta página"));
}

#[tokio::test]
async fn health_reports_the_database() {
    let app = app().await;
    let response = send(&app, get("/health")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body_text(response).await, r#"{"status":"ok"}"#);

    app.db.close().await;
    let response = send(&app, get("/health")).await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn the_dev_mailbox_exists_only_when_it_is_the_transport() {
    let app = app().await;
    let response = send(&app, server_fn("/api/dev/correo", Some(ORIGIN))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body_text(response).await, "[]");

    let mut settings = Settings::default();
    settings.mail.transport = MailTransportKind::Smtp;
    settings.mail.smtp.host = "smtp.example.ec".into();
    let smtp = app_with(settings, ManualClock::at_institute_time(2026, 11, 23, 10, 0, 0)).await;
    let response = send(&smtp, server_fn("/api/dev/correo", Some(ORIGIN))).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let page = send(&smtp, get("/dev/correo")).await;
    assert_eq!(page.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn metrics_count_requests_by_route_template() {
    let app = app().await;
    send(&app, get("/ayuda")).await;
    let text = body_text(send(&app, get("/metrics")).await).await;
    assert!(text.contains("clave_http_requests_total"), "{text}");
    assert!(text.contains("route=\"/ayuda\""), "{text}");
    assert!(text.contains("clave_hashing_slots"), "{text}");
}

/// A server function call with a body, from the site itself, with an optional cookie.
fn call(path: &str, content_type: &str, body: String, cookie: Option<&str>) -> Request<Body> {
    let mut r = Request::post(path).header(header::CONTENT_TYPE, content_type).header(header::ORIGIN, ORIGIN);
    if let Some(c) = cookie {
        r = r.header(header::COOKIE, c);
    }
    r.body(Body::from(body)).expect("request")
}

/// A proof for the "No soy un robot" check, solved like the browser does.
fn captcha_proof(app: &TestApp) -> String {
    use clave_domain::captcha::{Solution, solve};
    let challenge = app.services.captcha.challenge(app.services.clock.now());
    let number = solve(&challenge.challenge, &challenge.salt, challenge.maxnumber).expect("solvable");
    Solution::new(&challenge, number).to_base64()
}

/// The url-encoded body of step 1.
fn search_form(identification: &str, captcha: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("identification", identification)
        .append_pair("captcha", captcha)
        .finish()
}

const STEP_3: &str = r#"{"email":"intruso@correo.example","mobile":"0991234567","landline":"",
    "questions":[["primera-mascota","a"],["escuela-primaria","b"],["libro-favorito","c"]],"image":"perro"}"#;

async fn outbox_len(app: &TestApp) -> i64 {
    app.db.scalar("SELECT COUNT(*) FROM outbox").await
}

#[tokio::test]
async fn generation_steps_called_out_of_order_change_nothing_and_answer_the_real_step() {
    let app = app().await;
    clave_backend::registry::seed_demo_if_empty(&*app.db.store, app.services.clock.now())
        .await
        .expect("demo");
    let json = "application/json";

    let no_flow = send(&app, call("/api/generar/datos", json, STEP_3.into(), None)).await;
    assert_eq!(no_flow.status(), StatusCode::OK);
    assert!(body_text(no_flow).await.contains(r#"{"Step":{"Identification":{"expired":true}}}"#));

    let form = search_form("1701234567", &captcha_proof(&app));
    let started =
        send(&app, call("/api/generar/buscar", "application/x-www-form-urlencoded", form, None)).await;
    assert_eq!(started.status(), StatusCode::OK);
    let set_cookie = started.headers()[header::SET_COOKIE].to_str().expect("ascii").to_owned();
    for flag in ["clave_generar=", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(set_cookie.contains(flag), "{flag} missing in {set_cookie}");
    }
    assert!(!set_cookie.contains("Secure"), "the test site is plain http");
    assert!(body_text(started).await.contains(r#"{"Step":{"Challenge""#));
    let cookie = set_cookie.split(';').next().expect("pair").to_owned();

    // Step 3 and "reenviar" before passing the challenge: refused, the challenge is shown again.
    for (path, body) in [("/api/generar/datos", STEP_3.to_owned()), ("/api/generar/reenviar", String::new())]
    {
        let early = send(&app, call(path, json, body, Some(&cookie))).await;
        assert!(body_text(early).await.contains(r#"{"Step":{"Challenge""#), "{path}");
    }
    assert_eq!(outbox_len(&app).await, 0, "nothing was sent");
    let step = send(&app, call("/api/generar/estado", json, String::new(), Some(&cookie))).await;
    assert!(body_text(step).await.contains(r#"{"Challenge""#), "the flow is still at step 2");

    // Another flow's id, or a malformed one, finds nothing.
    let forged = format!("clave_generar={}", clave_backend::flows::FlowId::generate().expose());
    for other in [forged.as_str(), "clave_generar=' OR 1=1 --"] {
        let answer = send(&app, call("/api/generar/datos", json, STEP_3.into(), Some(other))).await;
        assert!(body_text(answer).await.contains(r#"{"Identification":{"expired":true}}"#), "{other}");
    }
    assert_eq!(outbox_len(&app).await, 0);
}

#[tokio::test]
async fn a_captcha_proof_opens_one_flow_only() {
    let app = app().await;
    let form = search_form("1710034065", &captcha_proof(&app));
    let first =
        send(&app, call("/api/generar/buscar", "application/x-www-form-urlencoded", form.clone(), None))
            .await;
    assert!(body_text(first).await.contains("Challenge"));
    let replay =
        send(&app, call("/api/generar/buscar", "application/x-www-form-urlencoded", form, None)).await;
    assert!(!replay.headers().contains_key(header::SET_COOKIE));
    let text = body_text(replay).await;
    assert!(text.contains(r#""field":"captcha""#) && text.contains("ya se usó"), "{text}");
}

/// Every staff server function with a body its arguments parse from.
const STAFF_FUNCTIONS: [(&str, &str); 11] = [
    ("/api/agentes/yo", ""),
    ("/api/agentes/buscar", "identification=1709876542"),
    ("/api/agentes/presencial", "affiliate_id=1&document_checked=true&fingerprint_registered=true"),
    (
        "/api/agentes/accion",
        "affiliate_id=1&action=unlock&authority=presencial&authority_id=999&reason=Motivo+de+prueba+largo&email=&mobile=",
    ),
    ("/api/agentes/videollamada", "affiliate_id=1"),
    ("/api/agentes/videollamada/respuestas", "call=999&answers[0]=a&answers[1]=b&answers[2]=c&answers[3]=d"),
    ("/api/agentes/auditoria", "identification=&actor=&kind=&from=&to=&page=0"),
    ("/api/agentes/ventanilla/casos", ""),
    ("/api/agentes/ventanilla/caso", "number=VV-2026-000001"),
    ("/api/agentes/ventanilla/decidir", "number=VV-2026-000999&approve=false&reason=Motivo+de+prueba+largo"),
    // Last: it ends the session it is called with.
    ("/api/agentes/salir", ""),
];

/// A staff member of `role`, logged in: the cookie header of their session.
async fn staff_cookie(app: &TestApp, username: &str, role: clave_backend::staff::StaffRole) -> String {
    use clave_backend::staff::{NewStaffMember, StaffCreation, StaffLoginOutcome, totp};
    let member = NewStaffMember {
        username: username.into(),
        display_name: "Personal de Prueba".into(),
        role,
        password: "Cóndor-Andino-Vuela-2026".into(),
    };
    let StaffCreation::Created(enrolment) = app.services.staff.create(member).await.expect("create") else {
        panic!("not created")
    };
    let now = u64::try_from(app.services.clock.now().timestamp()).expect("time");
    let code = totp::code_at(&enrolment.secret, now).expect("code");
    let password = secrecy::SecretString::from("Cóndor-Andino-Vuela-2026");
    let place = app.services.hasher.reserve().expect("place");
    let outcome =
        app.services.staff.login(place, username, password, &code, &Default::default()).await.expect("login");
    let StaffLoginOutcome::LoggedIn { session, .. } = outcome else { panic!("refused") };
    format!("clave_agente={}", session.expose())
}

/// A live affiliate session id (a profile and a session written straight to the database).
async fn affiliate_session(app: &TestApp) -> String {
    let id = clave_backend::accounts::SessionId::generate();
    let far = 4_102_444_800_000_i64;
    app.db
        .execute(
            "INSERT INTO security_profiles (affiliate_id, id_number, email, mobile, image, password_hash, \
                 password_changed_at, created_at) \
             VALUES (1, '1701234567', 'a@b.example', '0991234567', 'perro', 'x', 0, 0)",
        )
        .await
        .expect("profile");
    let hash = id.hash().as_hex();
    app.db
        .execute(&format!(
            "INSERT INTO sessions (id_hash, affiliate_id, created_at, last_seen_at, idle_expires_at, expires_at) \
             VALUES ('{hash}', 1, 0, 0, {far}, {far})"
        ))
        .await
        .expect("session");
    id.expose().to_owned()
}

#[tokio::test]
async fn every_staff_function_refuses_without_a_staff_session_and_the_audit_refuses_an_agent() {
    use clave_backend::staff::StaffRole;
    let app = app().await;
    clave_backend::registry::seed_demo_if_empty(&*app.db.store, app.services.clock.now())
        .await
        .expect("demo");
    let form = "application/x-www-form-urlencoded";
    let affiliate = affiliate_session(&app).await;
    let refusals = [
        None,
        Some(format!("clave_sesion={affiliate}")),
        // An affiliate's session id under the staff cookie's name is no staff session either.
        Some(format!("clave_agente={affiliate}")),
    ];
    for (path, body) in STAFF_FUNCTIONS {
        for cookie in &refusals {
            let response = send(&app, call(path, form, body.into(), cookie.as_deref())).await;
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path} with {cookie:?}");
        }
    }

    let agent = staff_cookie(&app, "ana.agente", StaffRole::Agente).await;
    for (path, body) in STAFF_FUNCTIONS {
        let response = send(&app, call(path, form, body.into(), Some(&agent))).await;
        let expected = if path == "/api/agentes/auditoria" { StatusCode::FORBIDDEN } else { StatusCode::OK };
        assert_eq!(response.status(), expected, "{path} as an agent: {}", body_text(response).await);
    }
    let after_logout = send(&app, call("/api/agentes/yo", form, String::new(), Some(&agent))).await;
    assert_eq!(after_logout.status(), StatusCode::UNAUTHORIZED, "Salir ended the session");

    let supervisor = staff_cookie(&app, "sofia.sup", StaffRole::Supervisor).await;
    let (path, body) = STAFF_FUNCTIONS[6];
    let response = send(&app, call(path, form, body.into(), Some(&supervisor))).await;
    assert_eq!(response.status(), StatusCode::OK, "a supervisor reads the audit log");
    let text = body_text(response).await;
    assert!(text.contains("staff_login_succeeded") && text.contains("ana.agente"), "{text}");
}

/// An app whose clock the test moves, with `settings`.
async fn app_with_clock(settings: Settings) -> (TestApp, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::at_institute_time(2026, 11, 23, 10, 0, 0));
    let db = TestDb::new().await;
    let services = Services::new(settings, db.store.clone(), clock.clone()).await.expect("services");
    let leptos = LeptosOptions::builder().output_name("clave").build();
    let router = super::router(services.clone(), leptos, crate::telemetry::metrics());
    (TestApp { router, db, services }, clock)
}

fn limited(per_ip: u32, per_identification: u32) -> Settings {
    use clave_backend::config::RateLimit;
    let mut settings = Settings::default();
    settings.rate_limits.per_ip = RateLimit { requests: per_ip, window: std::time::Duration::from_secs(600) };
    settings.rate_limits.per_identification =
        RateLimit { requests: per_identification, window: std::time::Duration::from_secs(60) };
    settings
}

/// A login call from `peer`, with an optional `X-Forwarded-For`.
fn login_from(peer: &str, forwarded_for: Option<&str>, identification: &str) -> Request<Body> {
    let body = format!("identification={identification}&password=Incorrecta1");
    let mut request = call("/api/ingresar", "application/x-www-form-urlencoded", body, None);
    let addr: std::net::SocketAddr = format!("{peer}:50000").parse().expect("address");
    request.extensions_mut().insert(axum::extract::ConnectInfo(addr));
    if let Some(value) = forwarded_for {
        request.headers_mut().insert("x-forwarded-for", value.parse().expect("header"));
    }
    request
}

#[tokio::test]
async fn past_the_limit_for_a_number_the_first_step_answers_429_with_retry_after_and_spends_nothing() {
    let (app, clock) = app_with_clock(limited(100, 2)).await;
    clave_backend::registry::seed_demo_if_empty(&*app.db.store, app.services.clock.now())
        .await
        .expect("demo");
    let form = "application/x-www-form-urlencoded";
    for _ in 0..2 {
        let ok = send(
            &app,
            call("/api/generar/buscar", form, search_form("1710034065", &captcha_proof(&app)), None),
        )
        .await;
        assert_eq!(ok.status(), StatusCode::OK);
    }
    clock.advance(std::time::Duration::from_secs(15));
    let proof = captcha_proof(&app);
    let refused =
        send(&app, call("/api/generar/buscar", form, search_form("1710034065", &proof), None)).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()[header::RETRY_AFTER], "45");
    assert!(!refused.headers().contains_key(header::SET_COOKIE), "no flow was opened");
    let text = body_text(refused).await;
    assert!(text.contains("TooManyRequests"), "{text}");

    // The refused request spent nothing: after the window its captcha proof still works.
    clock.advance(std::time::Duration::from_secs(45));
    let later = send(&app, call("/api/generar/buscar", form, search_form("1710034065", &proof), None)).await;
    assert_eq!(later.status(), StatusCode::OK);
    assert!(later.headers().contains_key(header::SET_COOKIE));
}

/// An app with a single hashing place, no waiting room, and two attempts per number or staff name.
async fn app_with_one_hashing_place() -> TestApp {
    let mut settings = limited(100, 2);
    settings.hashing.max_concurrent = 1;
    settings.hashing.max_waiting = 0;
    let (app, _clock) = app_with_clock(settings).await;
    clave_backend::registry::seed_demo_if_empty(&*app.db.store, app.services.clock.now())
        .await
        .expect("demo");
    app
}

/// With the only hashing place held, three `login`s are answered 503 + `Retry-After` at once;
/// once it is free, the subject still has both of its attempts: the refusals counted against no
/// rate limit.
async fn refused_before_the_rate_limit(app: &TestApp, login: impl Fn() -> Request<Body>) {
    let held = app.services.hasher.reserve().expect("the only place");
    for _ in 0..3 {
        let busy = send(app, login()).await;
        assert_eq!(busy.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(busy.headers().contains_key(header::RETRY_AFTER));
        let text = body_text(busy).await;
        assert!(text.contains("Busy"), "{text}");
    }
    drop(held);
    for expected in [StatusCode::OK, StatusCode::OK, StatusCode::TOO_MANY_REQUESTS] {
        assert_eq!(send(app, login()).await.status(), expected);
    }
}

#[tokio::test]
async fn with_every_hashing_place_taken_a_login_answers_503_at_once_and_counts_against_no_limit() {
    let app = app_with_one_hashing_place().await;
    refused_before_the_rate_limit(&app, || login_from("198.51.100.7", None, "1701234567")).await;
}

#[tokio::test]
async fn with_every_hashing_place_taken_a_staff_login_answers_503_at_once_and_counts_against_no_limit() {
    let app = app_with_one_hashing_place().await;
    refused_before_the_rate_limit(&app, || {
        let body = "username=ana.agente&password=Incorrecta-larga-1&code=123456".to_owned();
        let mut request = call("/api/agentes/ingresar", "application/x-www-form-urlencoded", body, None);
        let addr: std::net::SocketAddr = "198.51.100.8:50000".parse().expect("address");
        request.extensions_mut().insert(axum::extract::ConnectInfo(addr));
        request
    })
    .await;
}

#[tokio::test]
async fn the_limit_per_address_counts_the_client_behind_a_trusted_proxy_and_ignores_the_header_otherwise() {
    let mut settings = limited(2, 100);
    settings.server.trusted_proxies = vec!["127.0.0.1".parse().expect("address")];
    let (app, _clock) = app_with_clock(settings).await;
    clave_backend::registry::seed_demo_if_empty(&*app.db.store, app.services.clock.now())
        .await
        .expect("demo");
    let ids = ["1701234567", "0912345675", "1710034065", "1709876542"];

    // Through the proxy, two clients get their own two requests each.
    for client in ["198.51.100.1", "198.51.100.2"] {
        for id in &ids[..2] {
            let response = send(&app, login_from("127.0.0.1", Some(client), id)).await;
            assert_eq!(response.status(), StatusCode::OK, "{client}");
        }
        let third = send(&app, login_from("127.0.0.1", Some(client), ids[2])).await;
        assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS, "{client}");
        assert_eq!(third.headers()[header::RETRY_AFTER], "600");
    }
    // A client that is not the proxy cannot pick a fresh address with the header.
    for (n, id) in ids.iter().enumerate() {
        let spoofed = format!("203.0.113.{n}");
        let response = send(&app, login_from("192.0.2.9", Some(&spoofed), id)).await;
        let expected = if n < 2 { StatusCode::OK } else { StatusCode::TOO_MANY_REQUESTS };
        assert_eq!(response.status(), expected, "request {n}");
    }
}
