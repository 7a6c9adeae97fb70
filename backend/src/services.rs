//! The services container: built once at start, shared by every request through Leptos context
//! and axum state. Cheap to clone.

use std::sync::Arc;

use crate::{
    accounts::Accounts,
    assisted::Assisted,
    captcha::Captcha,
    clock::Clock,
    config::Settings,
    generation::Generation,
    hashing::{HashError, PasswordHasher},
    mail::Mailer,
    rate_limits::RateLimits,
    recovery::Recovery,
    reports::Reports,
    secret::SecretKey,
    staff::Staff,
    store::{Store, StoreError},
    unlock::Unlocking,
    ventanilla::Ventanilla,
};

/// Everything a request handler needs.
#[derive(Clone)]
pub struct Services {
    pub settings: Arc<Settings>,
    pub store: Arc<dyn Store>,
    pub clock: Arc<dyn Clock>,
    pub hasher: PasswordHasher,
    pub secret: SecretKey,
    pub mailer: Mailer,
    pub captcha: Captcha,
    pub rate_limits: RateLimits,
    pub generation: Generation,
    pub recovery: Recovery,
    pub reports: Reports,
    pub accounts: Accounts,
    pub unlocking: Unlocking,
    pub staff: Staff,
    pub assisted: Assisted,
    pub ventanilla: Ventanilla,
}

/// Why the services could not be built.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Hashing(#[from] HashError),
}

impl Services {
    /// Wires the services over an opened store.
    pub async fn new(
        settings: Settings,
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, StartError> {
        let settings = Arc::new(settings);
        let secret = SecretKey::resolve(settings.security.secret_key.as_ref(), &*store).await?;
        let hasher = PasswordHasher::new(&settings.hashing)?;
        let mailer = Mailer::new(store.clone(), clock.clone(), settings.clone());
        let captcha = Captcha::new(&secret, &settings.captcha);
        let rate_limits =
            RateLimits::new(store.clone(), clock.clone(), &secret, settings.rate_limits.clone());
        let generation = Generation::new(
            store.clone(),
            clock.clone(),
            &secret,
            settings.clone(),
            hasher.clone(),
            mailer.clone(),
        );
        let recovery = Recovery::new(
            store.clone(),
            clock.clone(),
            &secret,
            settings.clone(),
            hasher.clone(),
            mailer.clone(),
        );
        let reports = Reports::new(store.clone(), clock.clone());
        let accounts =
            Accounts::new(store.clone(), clock.clone(), settings.clone(), hasher.clone(), mailer.clone());
        let unlocking = Unlocking::new(store.clone(), clock.clone(), settings.clone(), mailer.clone());
        let staff = Staff::new(store.clone(), clock.clone(), settings.clone(), hasher.clone());
        let assisted = Assisted::new(
            store.clone(),
            clock.clone(),
            settings.clone(),
            hasher.clone(),
            mailer.clone(),
            generation.clone(),
            recovery.clone(),
        );
        let ventanilla =
            Ventanilla::new(store.clone(), clock.clone(), settings.clone(), mailer.clone(), assisted.clone());
        Ok(Self {
            settings,
            store,
            clock,
            hasher,
            secret,
            mailer,
            captcha,
            rate_limits,
            generation,
            recovery,
            reports,
            accounts,
            unlocking,
            staff,
            assisted,
            ventanilla,
        })
    }
}
