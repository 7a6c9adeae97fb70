//! The staff console's rules, on the demo registry with a manual clock.

mod actions;
mod foreigner;
mod videollamada;

use secrecy::SecretString;

use super::*;
use crate::{
    audit::ClientInfo,
    clock::Clock as _,
    generation::Generation,
    recovery::Recovery,
    secret::SecretKey,
    staff::{Staff, StaffActor, StaffRole, tests as staff_tests},
    test_support::{World, ident},
};

const GABRIELA: &str = "1709876542";
const JORGE: &str = "0908765431";
const PASSWORD: &str = "Tortuga7Verde2Montaña";

struct Desk {
    world: World,
    assisted: Assisted,
    generation: Generation,
    recovery: Recovery,
    staff: Staff,
}

impl Desk {
    async fn new() -> Self {
        Self::on(World::in_memory().await)
    }

    fn on(world: World) -> Self {
        let secret = SecretKey::for_tests();
        let (store, clock, settings) = (world.store.clone(), world.clock.clone(), world.settings.clone());
        let generation = Generation::new(
            store.clone(),
            clock.clone(),
            &secret,
            settings.clone(),
            world.hasher.clone(),
            world.mailer.clone(),
        );
        let recovery = Recovery::new(
            store.clone(),
            clock.clone(),
            &secret,
            settings.clone(),
            world.hasher.clone(),
            world.mailer.clone(),
        );
        let staff = Staff::new(store.clone(), clock.clone(), settings.clone(), world.hasher.clone());
        let assisted = Assisted::new(
            store,
            clock,
            settings,
            world.hasher.clone(),
            world.mailer.clone(),
            generation.clone(),
            recovery.clone(),
        );
        Self { world, assisted, generation, recovery, staff }
    }

    /// A logged-in staff member.
    async fn agent(&self, username: &str) -> StaffActor {
        let secret = staff_tests::create(&self.staff, username, StaffRole::Agente).await;
        let session = staff_tests::log_in(&self.world, &self.staff, username, &secret).await;
        self.staff.session(&session).await.expect("db").expect("live")
    }

    async fn row(&self, id: &str) -> i64 {
        self.world.store.affiliate_row(&ident(id)).await.expect("db").expect("registered")
    }

    /// The demo person with a clave, locked for every browser, and three registered answers.
    async fn locked_with_clave(&self, id: &str) -> i64 {
        let affiliate_id = self.world.with_clave(id, PASSWORD).await;
        for (question, answer) in [
            ("primera-mascota", "firulais"),
            ("escuela-primaria", "escuela simon bolivar"),
            ("libro-favorito", "huasipungo"),
        ] {
            let hash = self.world.hasher.hash(SecretString::from(answer)).await.expect("hash");
            let sql = format!(
                "INSERT INTO security_answers (affiliate_id, question, answer_hash) \
                 VALUES ({affiliate_id}, '{question}', '{hash}')"
            );
            self.world.db.execute(&sql).await.expect("answer");
        }
        let now = self.world.clock.now();
        self.world.store.lock_profile(&ident(id), now).await.expect("lock");
        affiliate_id
    }

    async fn profile(&self, id: &str) -> crate::store::ProfileRecord {
        self.world.store.profile(&ident(id)).await.expect("db").expect("profile")
    }

    /// The events of the person with their actor, case and reason, oldest first.
    async fn events(&self, affiliate_id: i64) -> Vec<(String, String, Option<String>, Option<String>)> {
        let mut events: Vec<_> = self
            .world
            .store
            .events_of(affiliate_id, 100)
            .await
            .expect("db")
            .into_iter()
            .map(|e| (e.kind, e.actor, e.case_number, e.reason))
            .collect();
        events.reverse();
        events
    }
}
