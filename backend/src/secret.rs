//! The server's secret key and the per-purpose keys derived from it.

use hmac::{Hmac, Mac as _};
use rand::RngCore as _;
use secrecy::{ExposeSecret as _, SecretString};
use sha2::Sha256;

use crate::store::{SettingsStore, StoreError};

/// HMAC-SHA256 keyed with `key`, the one keyed hash every derived key feeds.
pub(crate) fn hmac(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256>>::new_from_slice(key).unwrap_or_else(|_| unreachable!("HMAC takes any key length"))
}

/// The master key. Never printed; only derived keys leave this type.
#[derive(Clone)]
pub struct SecretKey(Vec<u8>);

impl std::fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretKey([REDACTED])")
    }
}

impl SecretKey {
    /// The configured key, or the one kept in the database (generated on first start, so every
    /// instance on the same database shares it).
    pub async fn resolve(
        configured: Option<&SecretString>,
        store: &dyn SettingsStore,
    ) -> Result<Self, StoreError> {
        if let Some(key) = configured {
            return Ok(Self(key.expose_secret().as_bytes().to_vec()));
        }
        let mut candidate = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut candidate);
        let stored = store.secret_or_insert("secret_key", &hex::encode(candidate)).await?;
        Ok(Self(stored.into_bytes()))
    }

    /// A key for a single purpose (`"captcha"`, `"image-decoys"`, …), so one leaked derived key
    /// says nothing about the others.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        let mut mac = hmac(&self.0);
        mac.update(purpose.as_bytes());
        mac.finalize().into_bytes().into()
    }

    #[cfg(test)]
    pub fn for_tests() -> Self {
        Self(b"test-secret-key-test-secret-key-0123".to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDb;

    #[tokio::test]
    async fn the_generated_key_is_stored_once_and_shared() {
        let db = TestDb::new().await;
        let a = SecretKey::resolve(None, &*db.store).await.expect("key");
        let b = SecretKey::resolve(None, &*db.store).await.expect("key");
        assert_eq!(a.derive("captcha"), b.derive("captcha"));
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_the_key_never_prints() {
        let k = SecretKey::for_tests();
        assert_ne!(k.derive("captcha"), k.derive("image-decoys"));
        assert!(!format!("{k:?}").contains("test-secret"));
    }
}
