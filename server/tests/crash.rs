//! Faults, part 1: the real binary killed with SIGKILL in the middle of each flow, then started
//! again on the same database (a SQLite file, or a schema of the run's PostgreSQL server).
//!
//! What is proved, on both databases:
//! - **Login failures**: failed logins sent in parallel and cut off by the kill are never
//!   un-counted; after the restart the failure count is at least every refusal the client saw
//!   and at most the attempts sent, and the clave locks at exactly 5 failures in total, crash
//!   included (one lock, one lock email), after which the right password is refused too.
//! - **Generation wizard**: a flow started before the kill (cookie only in the browser, state in
//!   the database) continues after the restart at the step it was at; the challenge attempts
//!   spent before the kill, a submission cut off by the kill included, stay spent: the daily
//!   limit still comes at the third wrong answer of the day.
//! - **Emailed link**: an unlock link requested before the kill, whose mail could not be sent yet
//!   (the SMTP server refused), is still in the outbox after the kill; the restarted server
//!   delivers it (dev mailbox) without anyone asking again, and the link then works exactly once.
//! - **Ventanilla filing**: uploads cut off by the kill (mid-body or mid-filing) leave no half
//!   case: every case has its three documents, the case-number sequence equals the number of
//!   cases, every number a client was given is filed, and the next filing gets the next number.
//!
//! After every kill: SQLite's `PRAGMA integrity_check` is `ok` and no reference dangles.
//!
//! A mail the sender had claimed when the server died goes out soon after the restart (its lease
//! is sized for one send). On PostgreSQL, a kill while the failure that sets a lock waits to queue
//! its email leaves neither: the lock, its events and its email are one transaction.

#![cfg(unix)]

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::{JSON, PASSWORD, Server, assert_integrity, count, database, eventually, give_clave};

/// María Fernanda (demo registry): fingerprint on record, so she may unlock online.
const MARIA: &str = "1701234567";
/// Carlos Andrés (demo registry), born 1985-11-03: no clave, generates one.
const CARLOS: &str = "1104567894";
/// Patricia Isabel (demo registry): files Ventanilla cases.
const PATRICIA: &str = "1307654325";

async fn wrong_login(address: &str) -> Result<support::Reply, String> {
    let body = form_urlencoded::Serializer::new(String::new())
        .append_pair("identification", MARIA)
        .append_pair("password", "Incorrecta-2026")
        .finish();
    support::send(address, "POST", "/api/ingresar", &support::form_headers(None), body.into_bytes()).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_failures_survive_a_sigkill_and_the_clave_still_locks_at_exactly_five() {
    let db = database().await;
    let affiliate = give_clave(&db, MARIA).await;
    let failures_sql =
        format!("SELECT unknown_failures FROM security_profiles WHERE affiliate_id = {affiliate}");
    let locked_sql = format!(
        "SELECT COUNT(*) FROM security_profiles WHERE affiliate_id = {affiliate} AND unknown_locked_at IS NOT NULL"
    );
    let mut server = Server::start(&db.url(), &[]);

    // Four wrong logins at once; the kill comes as soon as the first refusal is back, while
    // the others are being checked or counted.
    let sent = 4;
    let (refused, replies) = tokio::sync::mpsc::unbounded_channel();
    let mut calls = Vec::new();
    for _ in 0..sent {
        let (address, refused) = (server.address.clone(), refused.clone());
        calls.push(tokio::spawn(async move {
            let reply = wrong_login(&address).await;
            if let Ok(reply) = &reply {
                assert_eq!(reply.status, 200, "{}", reply.body);
                assert_eq!(reply.json(), json!({"Refused": {"max_failures": 5}}));
                let _ = refused.send(());
            }
            reply.is_ok()
        }));
    }
    drop(refused);
    let mut replies = replies;
    assert!(replies.recv().await.is_some(), "no login was answered: {}", server.logs());
    server.kill();
    let mut answered = 0;
    for call in calls {
        answered += i64::from(call.await.expect("task"));
    }

    assert_integrity(&db).await;
    let at_kill: i64 = db.scalar(&failures_sql).await;
    assert!(at_kill >= answered, "{answered} refusals seen, {at_kill} counted after the kill");
    assert_eq!(count(&db, &locked_sql).await, 0, "fewer than 5 failures: not locked");

    let server = Server::start(&db.url(), &[]);
    // On PostgreSQL a statement the dead process had already sent may still commit after the
    // kill: the count can only have gone up, never beyond what was sent.
    let counted: i64 = db.scalar(&failures_sql).await;
    eprintln!("login: {answered} refusals seen, {sent} sent, {at_kill} counted at the kill, {counted} after");
    assert!((at_kill..=sent).contains(&counted), "a restart resets nothing: {at_kill} then {counted}");
    // One failure at a time up to the fifth: the lock comes with the fifth, not before.
    for failure in counted + 1..=5 {
        assert_eq!(count(&db, &locked_sql).await, 0, "locked before failure {failure}");
        let reply = wrong_login(&server.address).await.expect("answered");
        assert_eq!(reply.json(), json!({"Refused": {"max_failures": 5}}), "failure {failure}");
        assert_eq!(db.scalar::<i64>(&failures_sql).await, failure);
    }
    assert_eq!(count(&db, &locked_sql).await, 1, "locked at the fifth failure");

    // Locked: the right password is refused too, and counts nothing more.
    let right =
        server.form("/api/ingresar", &[("identification", MARIA), ("password", PASSWORD)], None).await;
    assert_eq!(right.json(), json!({"Refused": {"max_failures": 5}}));
    assert_eq!(db.scalar::<i64>(&failures_sql).await, 5);
    let lock_mails = "SELECT COUNT(*) FROM outbox WHERE subject = 'Clave IESS: su clave fue bloqueada'";
    assert_eq!(count(&db, lock_mails).await, 1, "one lock, one email");
    let locks =
        format!("SELECT COUNT(*) FROM security_events WHERE affiliate_id = {affiliate} AND kind = 'locked'");
    assert_eq!(count(&db, &locks).await, 1);
    assert_integrity(&db).await;
}

/// A wrong answer to the generation challenge shown in `step`.
fn wrong_answers(step: &Value) -> String {
    let questions = step["Step"]["Challenge"]["view"]["questions"]
        .as_array()
        .or_else(|| step["Challenge"]["view"]["questions"].as_array())
        .unwrap_or_else(|| panic!("a challenge: {step}"));
    // The first option of each question, and a birth date that is not Carlos's.
    let choices: Vec<(String, String)> = questions
        .iter()
        .map(|q| {
            (
                q["id"].as_str().expect("id").to_owned(),
                q["options"][0]["id"].as_str().expect("option").to_owned(),
            )
        })
        .collect();
    json!({"day": "1", "month": "1", "year": "1950", "choices": choices}).to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generation_flow_continues_after_a_sigkill_at_its_step_with_its_attempts_still_spent() {
    let db = database().await;
    let attempts = "SELECT day_count, total FROM attempt_counters WHERE process = 'generation'";
    let mut server = Server::start(&db.url(), &[]);

    let captcha = server.captcha().await;
    let started =
        server.form("/api/generar/buscar", &[("identification", CARLOS), ("captcha", &captcha)], None).await;
    let cookie = started.cookie("clave_generar").expect("the flow's cookie");
    let first = started.json();
    let retry = server.call("/api/generar/desafio", JSON, &wrong_answers(&first), Some(&cookie)).await;
    let retry = retry.json();
    assert_eq!(retry["Step"]["Challenge"]["retry"], json!({"today": 2, "total": 8}), "{retry}");

    // A second wrong answer on its way when the server dies.
    let (address, body, in_flight_cookie) = (server.address.clone(), wrong_answers(&retry), cookie.clone());
    let in_flight = tokio::spawn(async move {
        let mut headers = support::form_headers(Some(&in_flight_cookie));
        headers[0].1 = JSON.to_owned();
        support::send(&address, "POST", "/api/generar/desafio", &headers, body.into_bytes()).await
    });
    tokio::time::sleep(Duration::from_millis(5)).await;
    server.kill();
    let answered = in_flight.await.expect("task").is_ok();

    assert_integrity(&db).await;
    let at_kill: Vec<(i64, i64)> = db.rows(attempts).await;
    let [(_, at_kill)] = at_kill[..] else { panic!("one counter: {at_kill:?}") };
    assert_eq!(count(&db, "SELECT COUNT(*) FROM flows WHERE kind = 'generation'").await, 1);

    let server = Server::start(&db.url(), &[]);
    // The same browser, the same flow, the same step.
    let step = server.call("/api/generar/estado", JSON, "", Some(&cookie)).await;
    let step = step.json();
    assert!(step["Challenge"]["view"]["questions"].is_array(), "still at the challenge: {step}");
    // The cut-off answer's attempt may be spent (on PostgreSQL even after the kill, by a
    // statement sent before it); none comes back.
    let spent: Vec<(i64, i64)> = db.rows(attempts).await;
    let [(today, total)] = spent[..] else { panic!("one counter: {spent:?}") };
    eprintln!(
        "generation: {at_kill} attempts spent at the kill, {total} after; cut-off answer answered: {answered}"
    );
    assert_eq!(today, total);
    let least = if answered { 2 } else { at_kill };
    assert!((least..=2).contains(&total), "{total} spent ({at_kill} at the kill), answered: {answered}");

    // The attempts left go on from where they were: the third wrong answer today is the limit.
    let mut step = step;
    for n in total + 1..=3 {
        let reply = server.call("/api/generar/desafio", JSON, &wrong_answers(&step), Some(&cookie)).await;
        step = reply.json();
        if n < 3 {
            assert_eq!(step["Step"]["Challenge"]["retry"], json!({"today": 3 - n, "total": 9 - n}), "{step}");
        } else {
            assert_eq!(step, json!({"Step": "DailyLimit"}), "the third wrong answer of the day");
        }
    }
    assert_eq!(db.rows::<(i64, i64)>(attempts).await, vec![(3, 3)]);
    let again = server.call("/api/generar/desafio", JSON, &wrong_answers(&retry), Some(&cookie)).await;
    assert_eq!(again.json(), json!({"Step": "DailyLimit"}), "no fourth attempt today");
    assert_eq!(db.rows::<(i64, i64)>(attempts).await, vec![(3, 3)]);
    assert_integrity(&db).await;
}

/// The token of the unlock link in a mail's text.
fn unlock_token(text: &str) -> String {
    let start =
        text.find("/clave/desbloquear/confirmar#").expect("the link") + "/clave/desbloquear/confirmar#".len();
    text[start..].split_whitespace().next().expect("token").to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unlock_link_mailed_before_a_sigkill_is_delivered_after_the_restart_and_works_once() {
    let db = database().await;
    let affiliate = give_clave(&db, MARIA).await;
    db.execute(&format!(
        "UPDATE security_profiles SET unknown_failures = 5, unknown_locked_at = 1 WHERE affiliate_id = {affiliate}"
    ))
    .await
    .expect("locked");
    // A port nothing listens on: the first server's SMTP relay is down, so the mail waits.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port();
    let closed = closed.to_string();
    let smtp = [
        ("CLAVE_MAIL__TRANSPORT", "smtp"),
        ("CLAVE_MAIL__SMTP__HOST", "127.0.0.1"),
        ("CLAVE_MAIL__SMTP__PORT", closed.as_str()),
        ("CLAVE_MAIL__SMTP__SECURITY", "plain"),
    ];
    let mut server = Server::start(&db.url(), &smtp);

    let captcha = server.captcha().await;
    let sent = server
        .form("/api/desbloquear/solicitar", &[("identification", MARIA), ("captcha", &captcha)], None)
        .await;
    assert_eq!(sent.json(), json!("Sent"), "{}", sent.body);
    let waiting = "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL AND attempts >= 1 AND locked_until IS NULL \
                   AND subject = 'Clave IESS: desbloquee su clave'";
    eventually(Duration::from_secs(10), "the SMTP attempt failed and was recorded", || async {
        count(&db, waiting).await == 1
    })
    .await;
    server.kill();

    assert_integrity(&db).await;
    let queued: Vec<(String, String)> =
        db.rows("SELECT recipient, text_body FROM outbox WHERE sent_at IS NULL").await;
    assert_eq!(queued.len(), 1, "the mail is still in the outbox: {queued:?}");
    assert_eq!(queued[0].0, "maria.ejemplo@correo.example");
    let token = unlock_token(&queued[0].1);
    assert_eq!(count(&db, "SELECT COUNT(*) FROM dev_mailbox").await, 0);

    // Restarted with the development mailbox as transport: the waiting mail goes out by itself.
    let server = Server::start(&db.url(), &[]);
    eventually(Duration::from_secs(10), "the queued mail is delivered", || async {
        count(&db, "SELECT COUNT(*) FROM dev_mailbox WHERE subject = 'Clave IESS: desbloquee su clave'").await
            == 1
    })
    .await;
    let delivered: String = db.scalar("SELECT text_body FROM dev_mailbox").await;
    assert_eq!(unlock_token(&delivered), token);
    // Delivered, then marked sent: two commits, so the mark may follow a moment later.
    eventually(Duration::from_secs(5), "the outbox row is marked sent", || async {
        count(&db, "SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL").await == 0
    })
    .await;

    let live = server.form("/api/desbloquear/estado", &[("token", &token)], None).await;
    assert_eq!(live.json(), json!(true), "the link still works");
    let confirmed = server.form("/api/desbloquear/confirmar", &[("token", &token)], None).await;
    assert_eq!(confirmed.json(), json!("Unlocked"));
    let twice = server.form("/api/desbloquear/confirmar", &[("token", &token)], None).await;
    assert_eq!(twice.json(), json!("NotValid"), "exactly once");
    let login =
        server.form("/api/ingresar", &[("identification", MARIA), ("password", PASSWORD)], None).await;
    assert_eq!(login.json(), json!("LoggedIn"), "unlocked");
    eventually(Duration::from_secs(10), "the unlock confirmation is delivered", || async {
        count(&db, "SELECT COUNT(*) FROM dev_mailbox").await == 2
    })
    .await;
    assert_integrity(&db).await;
}

const BOUNDARY: &str = "limite-de-prueba-de-fallas";

/// A JPEG of noise (costly to decode and re-encode, so the kill can find the server at it).
fn jpeg(seed: u32) -> Vec<u8> {
    let mut state = seed.wrapping_mul(2_654_435_761).max(1);
    let picture = image::RgbImage::from_fn(640, 480, |_, _| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [r, g, b, _] = state.to_le_bytes();
        image::Rgb([r, g, b])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80).encode_image(&picture).expect("jpeg");
    assert!(out.len() < 1_000_000, "under the 1 MB limit: {}", out.len());
    out
}

/// The multipart body of a complete Ventanilla filing.
fn filing(captcha: &str, seed: u32) -> Vec<u8> {
    let mut body = Vec::new();
    let mut text = |name: &str, value: &str| {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                .as_bytes(),
        );
    };
    text("request_type", "desbloqueo");
    text("identification", PATRICIA);
    text("contact_email", "patricia.boceto@correo.example");
    text("description", "Mi clave quedó bloqueada.");
    text("captcha", captcha);
    let pdf = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n".to_vec();
    for (slot, name, bytes) in [
        ("anverso", "anverso.jpg", jpeg(seed)),
        ("reverso", "reverso.pdf", pdf),
        ("selfie", "selfie.jpg", jpeg(seed + 1)),
    ] {
        let kind = if name.ends_with(".pdf") { "application/pdf" } else { "image/jpeg" };
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{slot}\"; filename=\"{name}\"\r\nContent-Type: {kind}\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(&bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn upload_headers() -> Vec<(&'static str, String)> {
    vec![
        ("Content-Type", format!("multipart/form-data; boundary={BOUNDARY}")),
        ("Origin", support::ORIGIN.to_owned()),
    ]
}

/// Every case with its document count, and the sequence of the year, checked for consistency;
/// returns the case numbers.
async fn consistent_cases(db: &clave_backend::testing::TestDb) -> Vec<String> {
    assert_integrity(db).await;
    let cases: Vec<(String, i64)> = db
        .rows(
            "SELECT c.number, (SELECT COUNT(*) FROM ventanilla_documents d WHERE d.case_id = c.id) \
             FROM ventanilla_cases c ORDER BY c.number",
        )
        .await;
    for (number, documents) in &cases {
        assert_eq!(*documents, 3, "case {number} has all three documents");
    }
    let documents = count(db, "SELECT COUNT(*) FROM ventanilla_documents").await;
    assert_eq!(documents, 3 * cases.len() as i64, "no document without its case");
    let wrong_sizes = "SELECT COUNT(*) FROM ventanilla_documents WHERE size <> LENGTH(content) OR size = 0";
    assert_eq!(count(db, wrong_sizes).await, 0, "every document whole");
    let sequences: Vec<(i64,)> = db.rows("SELECT last FROM ventanilla_sequences").await;
    let last = sequences.first().map_or(0, |s| s.0);
    assert!(sequences.len() <= 1, "one year");
    assert_eq!(last, cases.len() as i64, "the sequence counts exactly the filed cases");
    let numbers: Vec<String> = cases.into_iter().map(|(n, _)| n).collect();
    let expected: Vec<String> = (1..=last).map(|n| format!("VV-{}-{n:06}", number_year(&numbers))).collect();
    assert_eq!(numbers, expected, "numbers without gaps or repeats");
    let receipts: Vec<(String,)> =
        db.rows("SELECT subject FROM outbox WHERE subject LIKE 'Clave IESS: recibimos su trámite %'").await;
    assert_eq!(receipts.len(), numbers.len(), "every case has its receipt, and only cases: {receipts:?}");
    let events: Vec<(Option<String>,)> = db
        .rows("SELECT case_number FROM security_events WHERE kind = 'ventanilla_filed' ORDER BY case_number")
        .await;
    let events: Vec<String> = events.into_iter().filter_map(|e| e.0).collect();
    assert_eq!(events, numbers, "every case has its filing event");
    numbers
}

fn number_year(numbers: &[String]) -> String {
    numbers.first().map_or_else(String::new, |n| n[3..7].to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_during_ventanilla_uploads_leaves_no_half_filed_case() {
    let db = database().await;
    let mut server = Server::start(&db.url(), &[]);

    // One upload whose body stops half-way: the server is waiting for the rest when it dies.
    let captcha = server.captcha().await;
    let body = filing(&captcha, 99);
    let host = server.address.trim_start_matches("http://").to_owned();
    let mut stalled = tokio::net::TcpStream::connect(&host).await.expect("connect");
    let mut head =
        format!("POST /api/ventanilla/presentar HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in upload_headers() {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    tokio::io::AsyncWriteExt::write_all(&mut stalled, head.as_bytes()).await.expect("head");
    tokio::io::AsyncWriteExt::write_all(&mut stalled, &body[..body.len() / 2]).await.expect("half");

    // Four complete uploads at once; the kill comes when the first case number is back.
    let (filed, mut numbers) = tokio::sync::mpsc::unbounded_channel();
    let mut uploads = Vec::new();
    for seed in 0..4 {
        let captcha = server.captcha().await;
        let (address, filed, body) = (server.address.clone(), filed.clone(), filing(&captcha, seed));
        uploads.push(tokio::spawn(async move {
            let reply =
                support::send(&address, "POST", "/api/ventanilla/presentar", &upload_headers(), body).await;
            if let Ok(reply) = reply {
                assert_eq!(reply.status, 200, "{}", reply.body);
                let number =
                    reply.json()["Filed"].as_str().unwrap_or_else(|| panic!("{}", reply.body)).to_owned();
                let _ = filed.send(number);
            }
        }));
    }
    drop(filed);
    let first = tokio::time::timeout(Duration::from_secs(20), numbers.recv())
        .await
        .expect("a case was filed in time")
        .unwrap_or_else(|| panic!("no upload was answered: {}", server.logs()));
    server.kill();
    drop(stalled);
    for upload in uploads {
        upload.await.expect("task");
    }
    let mut answered = vec![first];
    while let Ok(number) = numbers.try_recv() {
        answered.push(number);
    }

    let filed_before = consistent_cases(&db).await;
    eprintln!("ventanilla: {} cases filed at the kill, {} answered", filed_before.len(), answered.len());
    for number in &answered {
        assert!(filed_before.contains(number), "{number} was given to a client and is filed");
    }
    assert!(filed_before.len() <= 4, "the stalled upload filed nothing: {filed_before:?}");

    // After the restart the next filing gets the next number, and an old case is found. (On
    // PostgreSQL a commit the dead process had already sent may land after the kill: whole.)
    let server = Server::start(&db.url(), &[]);
    let settled = consistent_cases(&db).await;
    assert!(settled.starts_with(&filed_before) && settled.len() <= 4, "{filed_before:?} then {settled:?}");
    let captcha = server.captcha().await;
    let reply =
        server.request("POST", "/api/ventanilla/presentar", &upload_headers(), filing(&captcha, 7)).await;
    let number = reply.json()["Filed"].as_str().unwrap_or_else(|| panic!("{}", reply.body)).to_owned();
    let filed_after = consistent_cases(&db).await;
    assert_eq!(filed_after.len(), settled.len() + 1);
    assert_eq!(filed_after.last(), Some(&number), "a new number, after every earlier one");
    let captcha = server.captcha().await;
    let status = server
        .form(
            "/api/ventanilla/consultar",
            &[("number", &answered[0]), ("identification", PATRICIA), ("captcha", &captcha)],
            None,
        )
        .await;
    assert_eq!(status.json()["Found"]["status"], json!("Recibido"), "{}", status.body);
}

/// A mail claimed by the sender when the server dies stays leased to the dead process until the
/// lease lapses. The sender claims one message at a time, with a lease of three SMTP timeouts
/// (30 s by default), so a 3-minute unlock link still arrives alive (DESIGN §8: "a 3-minute link
/// is useless if it arrives after 2"); here, with a 2 s SMTP timeout, within seconds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mail_being_sent_when_the_server_dies_is_delivered_soon_after_the_restart() {
    let db = database().await;
    let affiliate = give_clave(&db, MARIA).await;
    db.execute(&format!(
        "UPDATE security_profiles SET unknown_failures = 5, unknown_locked_at = 1 WHERE affiliate_id = {affiliate}"
    ))
    .await
    .expect("locked");
    // An SMTP server that accepts and never answers: the sender is mid-send when the kill comes.
    let stalled = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = stalled.local_addr().expect("address").port().to_string();
    let smtp = [
        ("CLAVE_MAIL__TRANSPORT", "smtp"),
        ("CLAVE_MAIL__SMTP__HOST", "127.0.0.1"),
        ("CLAVE_MAIL__SMTP__PORT", port.as_str()),
        ("CLAVE_MAIL__SMTP__SECURITY", "plain"),
        ("CLAVE_MAIL__SMTP__TIMEOUT", "2s"),
    ];
    let mut server = Server::start(&db.url(), &smtp);
    let captcha = server.captcha().await;
    let sent = server
        .form("/api/desbloquear/solicitar", &[("identification", MARIA), ("captcha", &captcha)], None)
        .await;
    assert_eq!(sent.json(), json!("Sent"));
    eventually(Duration::from_secs(10), "the sender claimed the mail", || async {
        count(&db, "SELECT COUNT(*) FROM outbox WHERE locked_until IS NOT NULL AND sent_at IS NULL").await
            == 1
    })
    .await;
    server.kill();
    drop(stalled);

    let _server = Server::start(&db.url(), &[]);
    eventually(Duration::from_secs(20), "the unlock link is delivered soon after the restart", || async {
        count(&db, "SELECT COUNT(*) FROM dev_mailbox").await == 1
    })
    .await;
}

/// The fifth failure sets the lock, records it and queues its email in one transaction. The kill
/// lands while that transaction waits for the outbox, which the test holds locked (PostgreSQL
/// only: it needs `LOCK TABLE`). After the restart the clave is not locked and the failure not
/// counted (its request never answered); the next failure locks it and the email goes out. A
/// lock without its email (DESIGN §2.3, §5.10) never exists.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_cut_short_by_a_sigkill_is_never_left_without_its_email() {
    let db = database().await;
    if !db.is_postgres() {
        eprintln!("PostgreSQL only: it needs LOCK TABLE");
        return;
    }
    let affiliate = give_clave(&db, MARIA).await;
    db.execute(&format!(
        "UPDATE security_profiles SET unknown_failures = 4 WHERE affiliate_id = {affiliate}"
    ))
    .await
    .expect("four failures");
    let mut server = Server::start(&db.url(), &[]);
    let other = sqlx::PgPool::connect(&db.url()).await.expect("another connection");
    let mut held = other.begin().await.expect("begin");
    sqlx::query("LOCK TABLE outbox IN EXCLUSIVE MODE").execute(&mut *held).await.expect("lock the outbox");
    let address = server.address.clone();
    let fifth = tokio::spawn(async move { wrong_login(&address).await });
    eventually(Duration::from_secs(10), "the fifth failure waits for the outbox", || async {
        count(&db, support::WAITING_OUTBOX_INSERTS).await == 1
    })
    .await;
    let locked = "SELECT COUNT(*) FROM security_profiles WHERE unknown_locked_at IS NOT NULL";
    assert_eq!(count(&db, locked).await, 0, "the lock is not seen before its email is queued");
    server.kill();
    let _ = fifth.await;
    held.rollback().await.expect("release the outbox");

    let server = Server::start(&db.url(), &[]);
    let failures = format!("SELECT unknown_failures FROM security_profiles WHERE affiliate_id = {affiliate}");
    assert_eq!(
        (count(&db, locked).await, count(&db, &failures).await),
        (0, 4),
        "the cut failure left nothing"
    );
    wrong_login(&server.address).await.expect("the next failure is answered");
    assert_eq!(count(&db, locked).await, 1, "the next failure locks");
    eventually(Duration::from_secs(10), "the lock email is delivered", || async {
        count(&db, "SELECT COUNT(*) FROM dev_mailbox WHERE subject = 'Clave IESS: su clave fue bloqueada'")
            .await
            == 1
    })
    .await;
}
