//! Logging in, the lockout with its trusted-browser exemption, sessions and "Mi cuenta", on the
//! demo registry with a manual clock.

use std::time::Duration;

use super::*;
use crate::test_support::{World, ident};

const MARIA: &str = "1701234567";
const PASSWORD: &str = "Tortuga7Verde2Montaña";
/// A valid cédula that is not in the demo registry.
const UNKNOWN: &str = "1710034065";
const MINUTE: Duration = Duration::from_secs(60);

fn accounts(world: &World) -> Accounts {
    Accounts::new(
        world.store.clone(),
        world.clock.clone(),
        world.settings.clone(),
        world.hasher.clone(),
        world.mailer.clone(),
    )
}

fn client() -> ClientInfo {
    ClientInfo::new(Some("190.152.10.20".into()), Some("Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile"))
}

async fn login(accounts: &Accounts, id: &str, password: &str, device: Option<&DeviceId>) -> LoginOutcome {
    let place = accounts.hasher.reserve().expect("place");
    accounts.login(place, &ident(id), SecretString::from(password), device, &client()).await.expect("login")
}

/// Logs in and returns the session and the browser id.
async fn logged_in(accounts: &Accounts, device: Option<&DeviceId>) -> (SessionId, DeviceId) {
    match login(accounts, MARIA, PASSWORD, device).await {
        LoginOutcome::LoggedIn { session, device } => (session, device),
        LoginOutcome::Refused => panic!("the right password must log in"),
    }
}

fn refused(outcome: &LoginOutcome) -> bool {
    matches!(outcome, LoginOutcome::Refused)
}

#[tokio::test]
async fn the_right_password_logs_in_with_a_fresh_session_and_salir_ends_it() {
    let world = World::in_memory().await;
    let affiliate = world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    let (first, device) = logged_in(&accounts, None).await;
    let (second, same_device) = logged_in(&accounts, Some(&device)).await;
    assert_ne!(first, second, "every login gets a new session id");
    assert_eq!(device, same_device, "a browser keeps its id");
    assert_eq!(accounts.session(&first).await.expect("db").map(|s| s.affiliate_id), Some(affiliate));
    accounts.logout(&first).await.expect("logout");
    assert_eq!(accounts.session(&first).await.expect("db"), None);
    assert!(accounts.session(&second).await.expect("db").is_some(), "only that session ended");
    assert_eq!(world.event_kinds(affiliate).await, ["login_succeeded", "login_succeeded"]);
}

#[tokio::test]
async fn unknown_numbers_wrong_passwords_and_locked_claves_get_the_same_refusal() {
    let world = World::in_memory().await;
    let affiliate = world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    assert!(refused(&login(&accounts, UNKNOWN, PASSWORD, None).await));
    assert!(refused(&login(&accounts, "0902345677", PASSWORD, None).await), "registered, without a clave");
    assert!(refused(&login(&accounts, MARIA, "Tortuga7Verde2Montana", None).await));
    world.store.lock_profile(&ident(MARIA), world.clock.now()).await.expect("db");
    assert!(refused(&login(&accounts, MARIA, PASSWORD, None).await), "locked: even the right password");
    assert_eq!(world.event_kinds(affiliate).await, ["login_failed"], "a locked clave counts nothing");
}

#[tokio::test]
async fn the_fifth_consecutive_failure_locks_and_a_success_before_it_resets_the_count() {
    let world = World::in_memory().await;
    let affiliate = world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    for _ in 0..4 {
        assert!(refused(&login(&accounts, MARIA, "wrong", None).await));
    }
    logged_in(&accounts, None).await;
    for _ in 0..4 {
        assert!(refused(&login(&accounts, MARIA, "wrong", None).await));
    }
    assert!(world.mails().await.is_empty(), "4 failures after a success lock nothing");
    assert!(refused(&login(&accounts, MARIA, "wrong", None).await));
    assert!(refused(&login(&accounts, MARIA, PASSWORD, None).await), "locked for unknown browsers");

    let mails = world.mails().await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let (to, subject, text) = &mails[0];
    assert_eq!(
        (to.as_str(), subject.as_str()),
        ("maria.ejemplo@correo.example", "Clave IESS: su clave fue bloqueada")
    );
    for part in
        ["190.152.10.20", "Chrome en Android", "02/03/2026 10:00", "/clave/desbloquear", "/no-fui-yo#"]
    {
        assert!(text.contains(part), "the lock email names {part}: {text}");
    }
    let kinds = world.event_kinds(affiliate).await;
    assert_eq!(kinds.iter().filter(|k| *k == "login_failed").count(), 9);
    assert_eq!(kinds.last().map(String::as_str), Some("locked"));
}

/// DESIGN §5.10: a lock its owner is not told about must not exist. With the outbox refusing
/// every insert, the failure that would set the lock fails whole: no lock, no count, no event,
/// no "No fui yo" token. Once the outbox takes mail again, the next failure locks and emails.
#[tokio::test]
async fn a_lock_whose_email_cannot_be_queued_is_not_set() {
    let world = World::in_memory().await;
    let affiliate = world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    for _ in 0..4 {
        assert!(refused(&login(&accounts, MARIA, "wrong", None).await));
    }
    let repair = world.refuse_inserts("outbox").await;
    let place = accounts.hasher.reserve().expect("place");
    let fifth = accounts.login(place, &ident(MARIA), SecretString::from("wrong"), None, &client()).await;
    assert!(fifth.is_err(), "the fifth failure cannot be recorded without its email");
    let state: Vec<(i64, Option<i64>)> = world
        .db
        .rows(&format!(
            "SELECT unknown_failures, unknown_locked_at FROM security_profiles WHERE affiliate_id = {affiliate}"
        ))
        .await;
    assert_eq!(state, [(4, None)], "neither counted nor locked");
    assert_eq!(world.event_kinds(affiliate).await, ["login_failed"; 4]);
    let tokens: i64 = world.db.scalar("SELECT COUNT(*) FROM tokens WHERE purpose = 'not-me'").await;
    assert_eq!(tokens, 0, "no \"No fui yo\" token");

    world.db.execute(&repair).await.expect("repair");
    assert!(refused(&login(&accounts, MARIA, "wrong", None).await));
    assert!(refused(&login(&accounts, MARIA, PASSWORD, None).await), "locked now");
    let mails = world.mails().await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert_eq!(mails[0].1, "Clave IESS: su clave fue bloqueada");
    let kinds = world.event_kinds(affiliate).await;
    assert_eq!(kinds[4..], ["login_failed", "locked"]);
}

/// A session exists only with its `login_succeeded` event: with the audit trail refusing every
/// insert, the right clave opens nothing and trusts no browser; once it takes events again, the
/// login opens one session and records it.
#[tokio::test]
async fn a_login_whose_event_cannot_be_recorded_opens_no_session() {
    let world = World::in_memory().await;
    let affiliate = world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    let repair = world.refuse_inserts("security_events").await;
    let place = accounts.hasher.reserve().expect("place");
    let refused = accounts.login(place, &ident(MARIA), SecretString::from(PASSWORD), None, &client()).await;
    assert!(refused.is_err(), "no login without its event");
    let count = |table: &str| format!("SELECT COUNT(*) FROM {table} WHERE affiliate_id = {affiliate}");
    assert_eq!(world.db.scalar::<i64>(&count("sessions")).await, 0, "no session");
    assert_eq!(world.db.scalar::<i64>(&count("trusted_devices")).await, 0, "no trusted browser");

    world.db.execute(&repair).await.expect("repair");
    assert!(matches!(login(&accounts, MARIA, PASSWORD, None).await, LoginOutcome::LoggedIn { .. }));
    assert_eq!(world.db.scalar::<i64>(&count("sessions")).await, 1);
    assert_eq!(world.event_kinds(affiliate).await, ["login_succeeded"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_parallel_wrong_logins_lock_at_exactly_the_fifth_and_email_once() {
    let world = World::on_file(crate::test_support::cheap_hashing()).await;
    let affiliate = world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    let jobs: Vec<_> = (0..100)
        .map(|_| {
            let accounts = accounts.clone();
            tokio::spawn(async move { refused(&login(&accounts, MARIA, "wrong", None).await) })
        })
        .collect();
    for job in jobs {
        assert!(job.await.expect("join"));
    }
    let failures: i64 = world
        .db
        .scalar(&format!("SELECT unknown_failures FROM security_profiles WHERE affiliate_id = {affiliate}"))
        .await;
    assert_eq!(failures, 5, "counting stops at the lock");
    let kinds = world.event_kinds(affiliate).await;
    assert_eq!(kinds.iter().filter(|k| *k == "locked").count(), 1);
    assert_eq!(kinds.iter().filter(|k| *k == "login_failed").count(), 5);
    assert_eq!(world.mails().await.len(), 1, "one lock email");
}

#[tokio::test]
async fn strangers_cannot_lock_the_owner_out_of_a_browser_where_they_logged_in() {
    let world = World::in_memory().await;
    world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    let (_, home) = logged_in(&accounts, None).await;
    let stranger = DeviceId::generate();
    for _ in 0..5 {
        assert!(refused(&login(&accounts, MARIA, "wrong", Some(&stranger)).await));
    }
    assert!(refused(&login(&accounts, MARIA, PASSWORD, Some(&stranger)).await), "locked for the stranger");
    assert!(refused(&login(&accounts, MARIA, PASSWORD, None).await), "and for any other unknown browser");
    logged_in(&accounts, Some(&home)).await;
}

#[tokio::test]
async fn five_failures_on_a_trusted_browser_lock_the_clave_everywhere_and_end_its_sessions() {
    let world = World::in_memory().await;
    let affiliate = world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    let (session, home) = logged_in(&accounts, None).await;
    let (_, office) = logged_in(&accounts, None).await;
    for _ in 0..5 {
        assert!(refused(&login(&accounts, MARIA, "wrong", Some(&home)).await));
    }
    assert!(refused(&login(&accounts, MARIA, PASSWORD, Some(&office)).await), "another trusted browser too");
    assert!(refused(&login(&accounts, MARIA, PASSWORD, Some(&home)).await));
    assert_eq!(accounts.session(&session).await.expect("db"), None);
    assert_eq!(world.store.live_sessions(affiliate, world.clock.now()).await.expect("db"), 0);
    assert!(world.mails().await[0].2.contains("en todos los navegadores"));
}

#[tokio::test]
async fn a_browser_id_that_never_logged_in_for_this_person_is_not_trusted() {
    let world = World::in_memory().await;
    world.with_clave(MARIA, PASSWORD).await;
    world.with_clave("0103456786", PASSWORD).await;
    let accounts = accounts(&world);
    // Rosa's browser is trusted for Rosa only.
    let rosa = match login(&accounts, "0103456786", PASSWORD, None).await {
        LoginOutcome::LoggedIn { device, .. } => device,
        LoginOutcome::Refused => panic!("Rosa logs in"),
    };
    for _ in 0..5 {
        login(&accounts, MARIA, "wrong", Some(&rosa)).await;
    }
    assert!(refused(&login(&accounts, MARIA, PASSWORD, Some(&rosa)).await));
    let forged = DeviceId::parse(&"A".repeat(43)).expect("shape");
    assert!(refused(&login(&accounts, MARIA, PASSWORD, Some(&forged)).await));
}

#[tokio::test]
async fn a_session_ends_after_15_idle_minutes_and_after_8_hours_whatever_the_activity() {
    let world = World::in_memory().await;
    world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    let (session, _) = logged_in(&accounts, None).await;
    world.clock.advance(14 * MINUTE + Duration::from_secs(59));
    assert!(accounts.session(&session).await.expect("db").is_some(), "14:59 idle: still live, and renewed");
    for _ in 0..33 {
        world.clock.advance(14 * MINUTE);
        assert!(accounts.session(&session).await.expect("db").is_some());
    }
    // 8 h minus a little after the login, active all along: the absolute limit ends it.
    world.clock.advance(12 * MINUTE);
    assert_eq!(accounts.session(&session).await.expect("db"), None, "past 8 h");

    let (idle, _) = logged_in(&accounts, None).await;
    world.clock.advance(15 * MINUTE + Duration::from_secs(1));
    assert_eq!(accounts.session(&idle).await.expect("db"), None, "15:01 idle");
}

#[tokio::test]
async fn a_password_change_checks_the_current_one_and_ends_every_other_session() {
    let world = World::in_memory().await;
    let affiliate = world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    let (mine, device) = logged_in(&accounts, None).await;
    let (elsewhere, _) = logged_in(&accounts, None).await;
    let change = |current: &str, password: &str, confirmation: &str| PasswordChange {
        current: current.into(),
        password: password.into(),
        confirmation: confirmation.into(),
    };
    let new = "Colibrí9Nevado4Río";

    let wrong = accounts.change_password(&mine, Some(&device), change("nope", new, new), &client()).await;
    assert!(matches!(wrong.expect("db"), ChangeOutcome::Invalid(p) if p[0].field == "current"));
    let weak = accounts
        .change_password(&mine, Some(&device), change(PASSWORD, "Fernanda1975", "Fernanda1975"), &client())
        .await;
    assert!(matches!(weak.expect("db"), ChangeOutcome::Invalid(p) if p[0].field == "password"));
    let mismatch =
        accounts.change_password(&mine, Some(&device), change(PASSWORD, new, "other"), &client()).await;
    assert!(matches!(mismatch.expect("db"), ChangeOutcome::Invalid(p) if p[0].field == "confirmation"));
    assert!(world.mails().await.is_empty(), "refused changes change nothing");

    let done = accounts.change_password(&mine, Some(&device), change(PASSWORD, new, new), &client()).await;
    let ChangeOutcome::Done { session: Some(renewed) } = done.expect("db") else { panic!("changed") };
    assert_eq!(accounts.session(&mine).await.expect("db"), None, "the old id is gone");
    assert_eq!(accounts.session(&elsewhere).await.expect("db"), None, "every other session ended");
    assert!(accounts.session(&renewed).await.expect("db").is_some());
    assert_eq!(world.store.live_sessions(affiliate, world.clock.now()).await.expect("db"), 1);
    assert!(refused(&login(&accounts, MARIA, PASSWORD, Some(&device)).await));
    let (_, _) = match login(&accounts, MARIA, new, Some(&device)).await {
        LoginOutcome::LoggedIn { session, device } => (session, device),
        LoginOutcome::Refused => panic!("the new password works"),
    };
    let mails = world.mails().await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].1.contains("cambiada") && mails[0].2.contains("/no-fui-yo#"));
    assert!(world.event_kinds(affiliate).await.contains(&"password_changed".to_owned()));
}

#[tokio::test]
async fn a_wrong_current_password_counts_toward_the_lock_and_the_fifth_ends_the_session() {
    let world = World::in_memory().await;
    world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    let (session, device) = logged_in(&accounts, None).await;
    let change = || ContactChange {
        current: "wrong".into(),
        email: "nueva@correo.example".into(),
        mobile: "0991234567".into(),
        landline: String::new(),
    };
    for _ in 0..4 {
        let outcome = accounts.change_contacts(&session, Some(&device), change(), &client()).await;
        assert!(matches!(outcome.expect("db"), ChangeOutcome::Invalid(_)));
    }
    let outcome = accounts.change_contacts(&session, Some(&device), change(), &client()).await;
    assert!(matches!(outcome.expect("db"), ChangeOutcome::SessionEnded));
    assert_eq!(accounts.session(&session).await.expect("db"), None);
}

#[tokio::test]
async fn a_contact_change_needs_the_password_and_tells_the_old_address() {
    let world = World::in_memory().await;
    let affiliate = world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    let (session, device) = logged_in(&accounts, None).await;
    let change = |email: &str, mobile: &str| ContactChange {
        current: PASSWORD.into(),
        email: email.into(),
        mobile: mobile.into(),
        landline: "022345678".into(),
    };
    let bad =
        accounts.change_contacts(&session, Some(&device), change("no-es-correo", "123"), &client()).await;
    let ChangeOutcome::Invalid(problems) = bad.expect("db") else { panic!("refused") };
    let fields: Vec<_> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["email", "mobile"]);

    let done = accounts
        .change_contacts(
            &session,
            Some(&device),
            change("maria.nueva@correo.example", "0998887776"),
            &client(),
        )
        .await;
    assert!(matches!(done.expect("db"), ChangeOutcome::Done { session: None }));
    let profile = world.store.profile(&ident(MARIA)).await.expect("db").expect("profile");
    assert_eq!(profile.email.as_str(), "maria.nueva@correo.example");
    let mails = world.mails().await;
    assert_eq!(mails[0].0, "maria.ejemplo@correo.example", "the old address is told first");
    assert!(mails[0].2.contains("/no-fui-yo#") && mails[0].2.contains("m***@correo.example"));
    assert_eq!(mails[1].0, "maria.nueva@correo.example");
    let view = accounts.overview(&session, 10).await.expect("db").expect("live");
    assert_eq!((view.email_masked.as_str(), view.names.as_str()), ("m***@correo.example", "María Fernanda"));
    assert!(world.event_kinds(affiliate).await.contains(&"contacts_changed".to_owned()));
}

#[tokio::test]
async fn ending_the_other_sessions_keeps_this_one_and_the_activity_lists_what_happened() {
    let world = World::in_memory().await;
    world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    login(&accounts, MARIA, "wrong", None).await;
    let (mine, _) = logged_in(&accounts, None).await;
    let (other, _) = logged_in(&accounts, None).await;
    let before = accounts.overview(&mine, 10).await.expect("db").expect("live");
    assert_eq!(before.open_sessions, 2);
    assert_eq!(accounts.end_other_sessions(&mine, &client()).await.expect("db"), Some(1));
    assert_eq!(accounts.session(&other).await.expect("db"), None);
    assert!(accounts.session(&mine).await.expect("db").is_some());
    let activity = accounts.overview(&mine, 10).await.expect("db").expect("live").activity;
    let kinds: Vec<_> = activity.iter().map(|a| a.kind).collect();
    assert_eq!(
        kinds,
        [
            EventKind::SessionsEnded,
            EventKind::LoginSucceeded,
            EventKind::LoginSucceeded,
            EventKind::LoginFailed
        ]
    );
    assert_eq!(
        (activity[0].ip.as_deref(), activity[0].browser.as_str()),
        (Some("190.152.10.20"), "Chrome en Android")
    );
}

#[tokio::test]
async fn the_audit_trail_refuses_to_be_changed_or_deleted() {
    let world = World::in_memory().await;
    let affiliate = world.with_clave(MARIA, PASSWORD).await;
    login(&accounts(&world), MARIA, "wrong", None).await;
    for sql in ["UPDATE security_events SET kind = 'nothing'", "DELETE FROM security_events"] {
        let refused = world.db.execute(sql).await;
        assert!(refused.is_err_and(|e| e.to_string().contains("append-only")), "{sql}");
    }
    assert_eq!(world.event_kinds(affiliate).await, ["login_failed"]);
}

#[tokio::test]
async fn no_fui_yo_locks_everywhere_ends_every_session_and_is_recorded() {
    let world = World::in_memory().await;
    let affiliate = world.with_clave(MARIA, PASSWORD).await;
    let accounts = accounts(&world);
    let (session, home) = logged_in(&accounts, None).await;
    let now = world.clock.now();
    let link =
        crate::reports::not_me_link(&*world.store, &world.settings, &ident(MARIA), now).await.expect("db");
    let token = crate::tokens::PlainToken::parse(link.rsplit('#').next().expect("fragment")).expect("token");
    let reports = crate::reports::Reports::new(world.store.clone(), world.clock.clone());
    assert_eq!(reports.confirm(&token, &client()).await.expect("db"), crate::reports::NotMeOutcome::Locked);
    assert_eq!(accounts.session(&session).await.expect("db"), None);
    assert!(refused(&login(&accounts, MARIA, PASSWORD, Some(&home)).await), "even the trusted browser");
    assert!(world.event_kinds(affiliate).await.contains(&"not_me_reported".to_owned()));
}
