//! Server-side core of Clave. Everything here is `ssr`-only: the browser never links it.
//!
//! Services own the rules and get a [`store::Store`] and a [`clock::Clock`] injected, so every
//! time rule is tested by moving a clock instead of sleeping.

pub mod accounts;
pub mod assisted;
pub mod audit;
pub mod captcha;
pub mod challenge;
pub mod channels;
pub mod clock;
pub mod config;
pub mod emailed_link;
pub mod flows;
pub mod generation;
pub mod hashing;
pub mod mail;
pub mod password_policy;
pub mod purge;
pub mod rate_limits;
pub mod recovery;
pub mod registry;
pub mod reports;
pub mod secret;
pub mod service_error;
pub mod services;
pub mod staff;
pub mod store;
#[cfg(test)]
pub(crate) mod test_support;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod tokens;
pub mod unlock;
pub mod ventanilla;

pub use services::Services;
