use std::time::Duration;

use crate::{
    clock::Clock as _,
    store::{ActivationLink, Contacts, PasswordReset},
    test_support::{World, ident},
};

#[tokio::test]
async fn a_reset_is_refused_when_the_clave_was_locked_during_the_flow() {
    let world = World::in_memory().await;
    let affiliate_id = world.with_clave("1701234567", "Tortuga7Verde2Montaña").await;
    let confirmed_at = world.clock.now();
    world.clock.advance(Duration::from_secs(60));
    world.store.lock_profile(&ident("1701234567"), world.clock.now()).await.expect("db");
    let profile = world.store.profile(&ident("1701234567")).await.expect("db").expect("profile");
    let contacts = Contacts { email: profile.email, mobile: profile.mobile, landline: profile.landline };
    let (token, flow) = world.live_link("recovery").await;
    let token_hash = token.hash();
    let reset = |since| PasswordReset {
        link: ActivationLink { token: &token_hash, purpose: "recovery", flow: &flow, flow_version: 0 },
        affiliate_id,
        password_hash: "$argon2id$new",
        contacts: &contacts,
        unless_locked_since: since,
    };
    let now = world.clock.now();
    assert!(!world.store.reset_password(reset(confirmed_at), now).await.expect("db"), "locked since");
    let unchanged = world.store.profile(&ident("1701234567")).await.expect("db").expect("profile");
    assert!(unchanged.locked_at.is_some() && unchanged.password_hash != "$argon2id$new", "nothing written");
    assert!(world.store.live_token_subject(&token.hash(), "recovery", now).await.expect("db").is_some());
    // A lock from before the flow (the reason to recover) is lifted.
    assert!(world.store.reset_password(reset(now + chrono::Duration::seconds(1)), now).await.expect("db"));
    let reset_profile = world.store.profile(&ident("1701234567")).await.expect("db").expect("profile");
    assert_eq!((reset_profile.locked_at, reset_profile.password_hash.as_str()), (None, "$argon2id$new"));
}
