//! "Desbloqueo de clave": the 3-minute link, single use, only with a fingerprint record.

use std::time::Duration;

use secrecy::SecretString;

use super::*;
use crate::{
    accounts::{Accounts, LoginOutcome},
    test_support::{World, ident},
};

/// María has `huella_registrada`; José has not.
const MARIA: &str = "1701234567";
const JOSE: &str = "0902345677";
const UNKNOWN: &str = "1710034065";
const PASSWORD: &str = "Tortuga7Verde2Montaña";

fn unlocking(world: &World) -> Unlocking {
    Unlocking::new(world.store.clone(), world.clock.clone(), world.settings.clone(), world.mailer.clone())
}

fn client() -> ClientInfo {
    ClientInfo::new(Some("190.152.10.20".into()), Some("Mozilla/5.0 (Windows NT 10.0) Firefox/128.0"))
}

/// The token of the newest unlock link in the outbox.
async fn newest_link(world: &World) -> PlainToken {
    let mails = world.mails().await;
    let text = &mails.iter().rev().find(|m| m.1 == "Clave IESS: desbloquee su clave").expect("link mail").2;
    let start =
        text.find("/clave/desbloquear/confirmar#").expect("link") + "/clave/desbloquear/confirmar#".len();
    PlainToken::parse(&text[start..start + 43]).expect("token")
}

async fn locked(world: &World, id: &str) -> i64 {
    let affiliate = world.with_clave(id, PASSWORD).await;
    world.store.lock_profile(&ident(id), world.clock.now()).await.expect("db");
    affiliate
}

async fn can_log_in(world: &World, id: &str) -> bool {
    let accounts = Accounts::new(
        world.store.clone(),
        world.clock.clone(),
        world.settings.clone(),
        world.hasher.clone(),
        world.mailer.clone(),
    );
    let place = world.hasher.reserve().expect("place");
    let outcome = accounts
        .login(place, &ident(id), SecretString::from(PASSWORD), None, &client())
        .await
        .expect("login");
    matches!(outcome, LoginOutcome::LoggedIn { .. })
}

#[tokio::test]
async fn the_link_unlocks_at_2_59_only_on_confirmation_and_only_once() {
    let world = World::in_memory().await;
    let affiliate = locked(&world, MARIA).await;
    let unlocking = unlocking(&world);
    unlocking.request(&ident(MARIA), &client()).await.expect("request");
    let token = newest_link(&world).await;

    world.clock.advance(Duration::from_secs(2 * 60 + 59));
    assert!(unlocking.link_is_live(&token).await.expect("db"));
    assert!(unlocking.link_is_live(&token).await.expect("db"), "opening the page spends nothing");
    assert!(!can_log_in(&world, MARIA).await, "still locked until confirmed");
    assert_eq!(unlocking.confirm(&token, &client()).await.expect("db"), UnlockOutcome::Unlocked);
    assert!(can_log_in(&world, MARIA).await);
    assert_eq!(unlocking.confirm(&token, &client()).await.expect("db"), UnlockOutcome::LinkNotValid);
    assert!(!unlocking.link_is_live(&token).await.expect("db"));

    let confirmation = world.mails().await.pop().expect("mail");
    assert_eq!(confirmation.1, "Clave IESS: su clave fue desbloqueada");
    assert!(confirmation.2.contains("/no-fui-yo#") && confirmation.2.contains("Firefox en Windows"));
    let kinds = world.event_kinds(affiliate).await;
    assert_eq!(kinds, ["unlock_requested", "unlocked", "login_succeeded"]);
}

#[tokio::test]
async fn the_link_fails_at_3_01() {
    let world = World::in_memory().await;
    locked(&world, MARIA).await;
    let unlocking = unlocking(&world);
    unlocking.request(&ident(MARIA), &client()).await.expect("request");
    let token = newest_link(&world).await;
    world.clock.advance(Duration::from_secs(3 * 60 + 1));
    assert!(!unlocking.link_is_live(&token).await.expect("db"));
    assert_eq!(unlocking.confirm(&token, &client()).await.expect("db"), UnlockOutcome::LinkNotValid);
    assert!(!can_log_in(&world, MARIA).await);
}

#[tokio::test]
async fn only_the_newest_link_works() {
    let world = World::in_memory().await;
    locked(&world, MARIA).await;
    let unlocking = unlocking(&world);
    unlocking.request(&ident(MARIA), &client()).await.expect("request");
    let first = newest_link(&world).await;
    unlocking.request(&ident(MARIA), &client()).await.expect("request");
    let second = newest_link(&world).await;
    assert_eq!(unlocking.confirm(&first, &client()).await.expect("db"), UnlockOutcome::LinkNotValid);
    assert_eq!(unlocking.confirm(&second, &client()).await.expect("db"), UnlockOutcome::Unlocked);
}

#[tokio::test]
async fn without_a_fingerprint_record_the_email_names_the_other_channels_and_carries_no_link() {
    let world = World::in_memory().await;
    locked(&world, JOSE).await;
    unlocking(&world).request(&ident(JOSE), &client()).await.expect("request");
    let mails = world.mails().await;
    assert_eq!(mails.len(), 1);
    let (to, subject, text) = &mails[0];
    assert_eq!(
        (to.as_str(), subject.as_str()),
        ("jose.prueba@correo.example", "Clave IESS: cómo desbloquear su clave")
    );
    for channel in ["Ventanilla Virtual", "Videollamada", "Centro de Atención Universal"] {
        assert!(text.contains(channel), "{channel}");
    }
    assert!(!text.contains('#'), "no link");
    let tokens: i64 = world.db.scalar("SELECT COUNT(*) FROM tokens WHERE purpose = 'unlock'").await;
    assert_eq!(tokens, 0);
}

#[tokio::test]
async fn a_clave_that_is_not_locked_or_does_not_exist_gets_no_link() {
    let world = World::in_memory().await;
    world.with_clave(MARIA, PASSWORD).await;
    let unlocking = unlocking(&world);
    unlocking.request(&ident(MARIA), &client()).await.expect("request");
    unlocking.request(&ident(UNKNOWN), &client()).await.expect("the same answer for an unknown number");
    unlocking.request(&ident("0103456786"), &client()).await.expect("and for one without a clave");
    let mails = world.mails().await;
    assert_eq!(mails.len(), 1, "only the person with a clave hears of it");
    assert_eq!(mails[0].1, "Clave IESS: su clave no está bloqueada");
}

#[tokio::test]
async fn a_link_of_another_purpose_does_not_unlock() {
    let world = World::in_memory().await;
    let affiliate = locked(&world, MARIA).await;
    let now = world.clock.now();
    let token = tokens::issue(&*world.store, "not-me", &affiliate.to_string(), Duration::from_secs(60), now)
        .await
        .expect("token");
    let unlocking = unlocking(&world);
    assert_eq!(unlocking.confirm(&token, &client()).await.expect("db"), UnlockOutcome::LinkNotValid);
    assert!(world.store.profile(&ident(MARIA)).await.expect("db").expect("profile").locked_at.is_some());
}
