//! HTTP tests of the Ventanilla: the upload's own body limit, and the staff-only document route.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use axum::{
    Router,
    body::{Body, Bytes},
    http::{Request, Response, StatusCode, header},
};
use clave_backend::{
    Services,
    audit::ClientInfo,
    clock::ManualClock,
    config::{HashingSettings, Settings},
    staff::{NewStaffMember, StaffCreation, StaffLoginOutcome, StaffRole, totp},
    testing::TestDb,
    ventanilla::FilingForm,
};
use clave_domain::{Identification, ventanilla::Slot};
use leptos::prelude::LeptosOptions;
use secrecy::SecretString;
use tower::ServiceExt as _;

const ORIGIN: &str = "http://127.0.0.1:3000";
const UPLOAD: &str = "/api/ventanilla/presentar";
const BOUNDARY: &str = "limite-de-prueba";

async fn app() -> (Router, Services) {
    let db = TestDb::new().await;
    let clock = ManualClock::at_institute_time(2026, 11, 23, 10, 0, 0);
    let settings = Settings {
        hashing: HashingSettings { memory_kib: 256, iterations: 1, ..HashingSettings::default() },
        ..Settings::default()
    };
    let services = Services::new(settings, db.store.clone(), Arc::new(clock)).await.expect("services");
    clave_backend::registry::seed_demo_if_empty(&*db.store, services.clock.now()).await.expect("demo");
    let leptos = LeptosOptions::builder().output_name("clave").build();
    (super::router(services.clone(), leptos, crate::telemetry::metrics()), services)
}

async fn send(router: &Router, request: Request<Body>) -> Response<Body> {
    router.clone().oneshot(request).await.expect("infallible")
}

/// A body of `chunks` chunks of 64 KiB that counts how many bytes the server pulled from it.
fn counted_body(head: &'static [u8], chunks: usize, pulled: Arc<AtomicUsize>) -> Body {
    let chunk = Bytes::from(vec![b'x'; 64 * 1024]);
    let parts = std::iter::once(Bytes::from_static(head)).chain(std::iter::repeat_n(chunk, chunks));
    // `stream::iter` takes the next chunk only when the server polls for it.
    let stream = futures_util::stream::iter(parts.map(move |bytes| {
        pulled.fetch_add(bytes.len(), Ordering::SeqCst);
        Ok::<_, std::io::Error>(bytes)
    }));
    Body::from_stream(stream)
}

fn upload(body: Body, length: Option<usize>) -> Request<Body> {
    let mut r = Request::post(UPLOAD)
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={BOUNDARY}"));
    if let Some(length) = length {
        r = r.header(header::CONTENT_LENGTH, length);
    }
    r.body(body).expect("request")
}

const FILE_HEAD: &[u8] = b"--limite-de-prueba\r\nContent-Disposition: form-data; name=\"anverso\"; \
    filename=\"cedula.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n";

#[tokio::test]
async fn an_upload_declaring_more_than_its_limit_is_refused_before_its_body_is_read() {
    let (router, _) = app().await;
    let limit = 3 * 1_048_576 + 64 * 1024;
    let pulled = Arc::new(AtomicUsize::new(0));
    let response = send(&router, upload(counted_body(FILE_HEAD, 60, pulled.clone()), Some(limit + 1))).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(pulled.load(Ordering::SeqCst), 0, "not a byte of the body was read");
}

#[tokio::test]
async fn an_upload_without_a_declared_length_is_cut_off_at_its_limit() {
    let (router, services) = app().await;
    let limit = 3 * 1_048_576 + 64 * 1024;
    let pulled = Arc::new(AtomicUsize::new(0));
    // 64 MiB on offer; the server must stop pulling shortly after the limit.
    let response = send(&router, upload(counted_body(FILE_HEAD, 1024, pulled.clone()), None)).await;
    let body = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
    assert!(
        String::from_utf8_lossy(&body).contains("Invalid"),
        "refused: {}",
        String::from_utf8_lossy(&body)
    );
    let read = pulled.load(Ordering::SeqCst);
    assert!(read <= limit + 2 * 64 * 1024, "read {read} bytes of a body past the {limit}-byte limit");
    assert_eq!(services.ventanilla.open_cases().await.expect("db").len(), 0, "nothing filed");
}

#[tokio::test]
async fn only_the_upload_gets_the_larger_limit() {
    let (router, _) = app().await;
    let two_mb = 2 * 1_048_576;
    let pulled = Arc::new(AtomicUsize::new(0));
    let elsewhere = Request::post("/api/ayuda/videollamada")
        .header(header::ORIGIN, ORIGIN)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::CONTENT_LENGTH, two_mb)
        .body(counted_body(b"", 32, pulled.clone()))
        .expect("request");
    assert_eq!(send(&router, elsewhere).await.status(), StatusCode::PAYLOAD_TOO_LARGE);

    // The same size reaches the upload function, which answers (here: no captcha) normally.
    let mut body = FILE_HEAD.to_vec();
    body.extend(std::iter::repeat_n(b'x', two_mb));
    body.extend_from_slice(b"\r\n--limite-de-prueba--\r\n");
    let length = body.len();
    let response = send(&router, upload(Body::from(body), Some(length))).await;
    assert_eq!(response.status(), StatusCode::OK);
    let text = axum::body::to_bytes(response.into_body(), 1 << 20).await.expect("body");
    assert!(String::from_utf8_lossy(&text).contains("captcha"));
}

/// A case with a JPEG and a PDF, and a logged-in agent's staff cookie.
async fn case_and_agent(services: &Services) -> (String, String) {
    let jpeg = {
        let picture = image_pixels();
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new(&mut out).encode_image(&picture).expect("jpeg");
        out
    };
    let pdf = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n".to_vec();
    let form = FilingForm {
        request_type: "desbloqueo".into(),
        contact_email: "contacto@correo.example".into(),
        description: "Clave bloqueada".into(),
        files: vec![
            (Slot::CedulaAnverso, Ok(jpeg)),
            (Slot::CedulaReverso, Ok(pdf.clone())),
            (Slot::Selfie, Ok(pdf)),
        ],
    };
    let filing = services.ventanilla.check(form).await.expect("db").expect("valid");
    let id = Identification::parse("1307654325").expect("id");
    let number = services.ventanilla.file(&id, filing, &ClientInfo::default()).await.expect("filed");

    let member = NewStaffMember {
        username: "agente.uno".into(),
        display_name: "Agente Uno".into(),
        role: StaffRole::Agente,
        password: "Ventanilla-Prueba-2026!".into(),
    };
    let StaffCreation::Created(enrolment) = services.staff.create(member).await.expect("db") else {
        panic!("staff member not created")
    };
    let unix = u64::try_from(services.clock.now().timestamp()).expect("after 1970");
    let code = totp::code_at(&enrolment.secret, unix).expect("code");
    let outcome = services
        .staff
        .login(
            services.hasher.reserve().expect("place"),
            "agente.uno",
            SecretString::from("Ventanilla-Prueba-2026!"),
            &code,
            &ClientInfo::default(),
        )
        .await
        .expect("db");
    let StaffLoginOutcome::LoggedIn { session, .. } = outcome else { panic!("not logged in") };
    (number.to_string(), format!("{}={}", app::server::cookies::STAFF, session.expose()))
}

fn image_pixels() -> image::RgbImage {
    image::RgbImage::from_fn(8, 8, |x, y| image::Rgb([x as u8 * 30, y as u8 * 30, 0]))
}

fn document(path: &str, cookie: Option<&str>) -> Request<Body> {
    let mut r = Request::get(path);
    if let Some(cookie) = cookie {
        r = r.header(header::COOKIE, cookie);
    }
    r.body(Body::empty()).expect("request")
}

#[tokio::test]
async fn a_document_is_served_only_to_a_live_staff_session_sandboxed_and_uncached() {
    let (router, services) = app().await;
    let (number, staff_cookie) = case_and_agent(&services).await;
    let jpeg = format!("/agentes/documentos/{number}/anverso");
    let pdf = format!("/agentes/documentos/{number}/reverso");

    for cookie in [None, Some("clave_agente=no-es-una-sesion"), Some("clave_sesion=abc")] {
        assert_eq!(
            send(&router, document(&jpeg, cookie)).await.status(),
            StatusCode::NOT_FOUND,
            "{cookie:?}"
        );
    }
    let unknown = "/agentes/documentos/VV-2026-000999/anverso";
    assert_eq!(send(&router, document(unknown, Some(&staff_cookie))).await.status(), StatusCode::NOT_FOUND);
    let bad_slot = format!("/agentes/documentos/{number}/otro");
    assert_eq!(send(&router, document(&bad_slot, Some(&staff_cookie))).await.status(), StatusCode::NOT_FOUND);

    let image = send(&router, document(&jpeg, Some(&staff_cookie))).await;
    assert_eq!(image.status(), StatusCode::OK);
    let h = image.headers();
    assert_eq!(h[header::CONTENT_TYPE], "image/jpeg");
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::CONTENT_SECURITY_POLICY], "sandbox; default-src 'none'");
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    assert!(h.get(header::CONTENT_DISPOSITION).is_none(), "an image shows inline");

    let download = send(&router, document(&pdf, Some(&staff_cookie))).await;
    assert_eq!(download.headers()[header::CONTENT_TYPE], "application/pdf");
    let disposition = download.headers()[header::CONTENT_DISPOSITION].to_str().expect("ascii");
    assert!(disposition.starts_with("attachment;"), "{disposition}");
}

#[tokio::test]
async fn an_upload_that_is_not_multipart_with_a_boundary_is_refused_before_the_decoder() {
    let (router, services) = app().await;
    for content_type in ["multipart/form-data", "multipart/form-data; boundary=", "application/json"] {
        let request = Request::post(UPLOAD)
            .header(header::ORIGIN, ORIGIN)
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(FILE_HEAD))
            .expect("request");
        assert_eq!(
            send(&router, request).await.status(),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type}"
        );
    }
    assert_eq!(services.ventanilla.open_cases().await.expect("db").len(), 0, "nothing filed");
}
