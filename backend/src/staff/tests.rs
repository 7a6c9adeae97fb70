//! Staff accounts: TOTP login, one refusal, the lock at exactly 5 failures, codes used once, and
//! the short idle expiry of a staff session.

use std::time::Duration;

use clave_domain::staff::StaffRole;
use secrecy::SecretString;

use super::*;
use crate::{
    audit::ClientInfo,
    clock::Clock as _,
    test_support::{World, cheap_hashing},
};

pub(crate) const PASSWORD: &str = "Cóndor-Andino-Vuela-2026";

pub(crate) fn staff_of(world: &World) -> Staff {
    Staff::new(world.store.clone(), world.clock.clone(), world.settings.clone(), world.hasher.clone())
}

/// Creates a member and returns their TOTP secret.
pub(crate) async fn create(staff: &Staff, username: &str, role: StaffRole) -> String {
    let member = NewStaffMember {
        username: username.into(),
        display_name: "Ana Agente".into(),
        role,
        password: PASSWORD.into(),
    };
    match staff.create(member).await.expect("create") {
        StaffCreation::Created(enrolment) => enrolment.secret,
        other => panic!("not created: {other:?}"),
    }
}

/// A place in the hashing line for one login.
pub(crate) fn place(world: &World) -> crate::hashing::Place {
    world.hasher.reserve().expect("a place in the hashing line")
}

pub(crate) fn code(world: &World, secret: &str) -> String {
    let now = u64::try_from(world.clock.now().timestamp()).expect("after 1970");
    totp::code_at(secret, now).expect("code")
}

/// Logs in with the current code and returns the session.
pub(crate) async fn log_in(world: &World, staff: &Staff, username: &str, secret: &str) -> StaffSessionId {
    let outcome = staff
        .login(
            place(world),
            username,
            SecretString::from(PASSWORD),
            &code(world, secret),
            &ClientInfo::default(),
        )
        .await
        .expect("login");
    match outcome {
        StaffLoginOutcome::LoggedIn { session, .. } => session,
        StaffLoginOutcome::Refused => panic!("refused"),
    }
}

async fn staff_events(world: &World, kind: EventKind) -> i64 {
    let kind = kind.as_str();
    world
        .db
        .scalar(&format!(
            "SELECT COUNT(*) FROM security_events WHERE kind = '{kind}' AND affiliate_id IS NULL"
        ))
        .await
}

#[tokio::test]
async fn a_member_logs_in_with_password_and_code_and_the_session_names_them() {
    let world = World::in_memory().await;
    let staff = staff_of(&world);
    let secret = create(&staff, "ana.agente", StaffRole::Agente).await;
    let session = log_in(&world, &staff, "ana.agente", &secret).await;
    let actor = staff.session(&session).await.expect("db").expect("live");
    assert_eq!((actor.username.as_str(), actor.role), ("ana.agente", StaffRole::Agente));
    assert_eq!(staff_events(&world, EventKind::StaffLoginSucceeded).await, 1);
}

#[tokio::test]
async fn every_refusal_looks_the_same_and_a_wrong_code_counts_as_a_failure() {
    let world = World::in_memory().await;
    let staff = staff_of(&world);
    let secret = create(&staff, "ana.agente", StaffRole::Agente).await;
    let client = ClientInfo::default();
    let right = code(&world, &secret);
    let wrong_code = if right == "000000" { "111111" } else { "000000" };
    for (user, password, code) in [
        ("nadie", PASSWORD, right.as_str()),
        ("ana.agente", "otra-contraseña-larga", right.as_str()),
        ("ana.agente", PASSWORD, wrong_code),
        ("ana.agente", PASSWORD, ""),
    ] {
        let outcome = staff
            .login(place(&world), user, SecretString::from(password), code, &client)
            .await
            .expect("login");
        assert!(matches!(outcome, StaffLoginOutcome::Refused), "{user}");
    }
    assert_eq!(staff_events(&world, EventKind::StaffLoginFailed).await, 3, "the unknown name counts nothing");
}

#[tokio::test]
async fn a_code_is_accepted_once_and_a_replay_is_refused() {
    let world = World::in_memory().await;
    let staff = staff_of(&world);
    let secret = create(&staff, "ana.agente", StaffRole::Agente).await;
    let seen = code(&world, &secret);
    log_in(&world, &staff, "ana.agente", &secret).await;
    let client = ClientInfo::default();
    let replay = staff
        .login(place(&world), "ana.agente", SecretString::from(PASSWORD), &seen, &client)
        .await
        .expect("login");
    assert!(matches!(replay, StaffLoginOutcome::Refused), "the same code again");
    assert_eq!(staff_events(&world, EventKind::StaffLoginFailed).await, 1, "a replay is a failure");
    world.clock.advance(Duration::from_secs(totp::STEP_SECONDS));
    log_in(&world, &staff, "ana.agente", &secret).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_wrong_logins_lock_the_account_at_exactly_five() {
    let world = World::on_file(cheap_hashing()).await;
    let staff = staff_of(&world);
    let secret = create(&staff, "ana.agente", StaffRole::Agente).await;
    let session = log_in(&world, &staff, "ana.agente", &secret).await;
    world.clock.advance(Duration::from_secs(totp::STEP_SECONDS));
    let tries: Vec<_> = (0..16)
        .map(|_| {
            let staff = staff.clone();
            let place = place(&world);
            tokio::spawn(async move {
                staff
                    .login(
                        place,
                        "ana.agente",
                        SecretString::from("mala-contraseña-123"),
                        "123456",
                        &ClientInfo::default(),
                    )
                    .await
            })
        })
        .collect();
    for t in tries {
        assert!(matches!(t.await.expect("join").expect("login"), StaffLoginOutcome::Refused));
    }
    assert_eq!(staff_events(&world, EventKind::StaffLoginFailed).await, 5, "counting stops at the lock");
    assert_eq!(staff_events(&world, EventKind::StaffLocked).await, 1, "exactly one request locks");
    assert_eq!(staff.session(&session).await.expect("db"), None, "the lock ends the sessions");
    let right = code(&world, &secret);
    let locked = staff
        .login(place(&world), "ana.agente", SecretString::from(PASSWORD), &right, &ClientInfo::default())
        .await;
    assert!(
        matches!(locked.expect("login"), StaffLoginOutcome::Refused),
        "locked: even the right password and code"
    );

    let enrolment = staff.reset_totp("ana.agente").await.expect("db").expect("member");
    assert_ne!(enrolment.secret, secret);
    world.clock.advance(Duration::from_secs(totp::STEP_SECONDS));
    log_in(&world, &staff, "ana.agente", &enrolment.secret).await;
}

/// A staff session exists only with its event, and a failure or a lock only with theirs: with the
/// audit trail refusing every insert, the right password and code open nothing and spend no code,
/// and a wrong one counts nothing. Once the trail takes events again, the same code logs in.
#[tokio::test]
async fn a_login_or_a_failure_whose_event_cannot_be_recorded_writes_nothing() {
    let world = World::in_memory().await;
    let staff = staff_of(&world);
    let secret = create(&staff, "ana.agente", StaffRole::Agente).await;
    let client = ClientInfo::default();
    let right = code(&world, &secret);
    let repair = world.refuse_inserts("security_events").await;
    let login = |password: &'static str| {
        staff.login(place(&world), "ana.agente", SecretString::from(password), &right, &client)
    };
    assert!(login(PASSWORD).await.is_err(), "no staff session without its event");
    assert!(login("mala-contraseña-123").await.is_err(), "no failure without its event");
    let state: Vec<(i64, Option<i64>, i64)> = world
        .db
        .rows(
            "SELECT failures, last_totp_step, (SELECT COUNT(*) FROM staff_sessions) FROM staff \
             WHERE username = 'ana.agente'",
        )
        .await;
    assert_eq!(state, [(0, None, 0)], "no failure counted, no code spent, no session");

    world.db.execute(&repair).await.expect("repair");
    let session = log_in(&world, &staff, "ana.agente", &secret).await;
    assert!(staff.session(&session).await.expect("db").is_some());
    assert_eq!(staff_events(&world, EventKind::StaffLoginSucceeded).await, 1);
    assert_eq!(staff_events(&world, EventKind::StaffLoginFailed).await, 0);
}

#[tokio::test]
async fn a_staff_session_ends_after_ten_idle_minutes_and_after_eight_hours_in_any_case() {
    let world = World::in_memory().await;
    let staff = staff_of(&world);
    let secret = create(&staff, "ana.agente", StaffRole::Agente).await;
    let session = log_in(&world, &staff, "ana.agente", &secret).await;
    world.clock.advance(Duration::from_secs(9 * 60 + 59));
    assert!(staff.session(&session).await.expect("db").is_some(), "9:59 idle: live, and pushed on");
    world.clock.advance(Duration::from_secs(10 * 60 + 1));
    assert!(staff.session(&session).await.expect("db").is_none(), "10:01 idle: over");

    world.clock.advance(Duration::from_secs(totp::STEP_SECONDS));
    let session = log_in(&world, &staff, "ana.agente", &secret).await;
    for _ in 0..53 {
        world.clock.advance(Duration::from_secs(9 * 60));
        assert!(staff.session(&session).await.expect("db").is_some());
    }
    world.clock.advance(Duration::from_secs(9 * 60));
    assert!(staff.session(&session).await.expect("db").is_none(), "past 8 h: over however busy");
}

#[tokio::test]
async fn logging_out_ends_the_session_and_is_audited() {
    let world = World::in_memory().await;
    let staff = staff_of(&world);
    let secret = create(&staff, "ana.agente", StaffRole::Agente).await;
    let session = log_in(&world, &staff, "ana.agente", &secret).await;
    staff.logout(&session, &ClientInfo::default()).await.expect("logout");
    assert!(staff.session(&session).await.expect("db").is_none());
    assert_eq!(staff_events(&world, EventKind::StaffLoggedOut).await, 1);
}

#[tokio::test]
async fn creation_checks_the_name_and_the_staff_password_policy_and_refuses_a_taken_name() {
    let world = World::in_memory().await;
    let staff = staff_of(&world);
    let member = |username: &str, password: &str| NewStaffMember {
        username: username.into(),
        display_name: "Ana Agente".into(),
        role: StaffRole::Supervisor,
        password: password.into(),
    };
    for (username, password, field) in [
        ("Ana Agente", PASSWORD, "username"),
        ("ana", "Corta-2026!", "password"),
        ("ana", "password1234", "password"),
    ] {
        let StaffCreation::Invalid(problems) = staff.create(member(username, password)).await.expect("db")
        else {
            panic!("{username}/{password} accepted")
        };
        assert_eq!(problems[0].field, field, "{password}");
    }
    create(&staff, "ana", StaffRole::Supervisor).await;
    assert!(matches!(staff.create(member("ana", PASSWORD)).await.expect("db"), StaffCreation::UsernameTaken));
}
