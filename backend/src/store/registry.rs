use async_trait::async_trait;
use chrono::{DateTime, Utc};
use clave_domain::Identification;

use super::StoreError;
use crate::registry::Affiliate;

/// What an upsert did to one registry row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpsertOutcome {
    Inserted,
    Updated,
    Unchanged,
}

/// The affiliate registry imported by the operator.
#[async_trait]
pub trait RegistryStore: Send + Sync {
    /// Upserts every row in one transaction: all or nothing. With `dry_run` the transaction is
    /// rolled back, so the outcomes are exact and nothing changes.
    async fn upsert_affiliates(
        &self,
        rows: &[Affiliate],
        now: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<Vec<UpsertOutcome>, StoreError>;

    async fn count_affiliates(&self) -> Result<u64, StoreError>;

    async fn find_affiliate(&self, id: &Identification) -> Result<Option<Affiliate>, StoreError>;
}
