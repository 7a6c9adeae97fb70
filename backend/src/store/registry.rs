use std::ops::RangeInclusive;

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

    /// The smallest and largest row id of the registry; `None` when it is empty.
    async fn affiliate_id_range(&self) -> Result<Option<RangeInclusive<i64>>, StoreError>;

    /// For each probe, the employer of the first affiliate whose row id is at least the probe
    /// and whose employer is not blank, wrapping around to the smallest id past the end. One
    /// primary-key lookup per probe, so employers are sampled in proportion to their affiliates
    /// however large the registry. Empty when no affiliate has an employer.
    async fn employers_near(&self, probes: &[i64]) -> Result<Vec<String>, StoreError>;
}
