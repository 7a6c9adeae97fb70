use async_trait::async_trait;
use chrono::{DateTime, Utc};
use clave_domain::{
    contact::Email,
    ventanilla::{CaseNumber, CaseStatus, DocumentKind, RequestType, Slot},
};

use super::{NewEvent, StoreError};
use crate::mail::OutgoingMail;

/// A case to file, with its checked documents.
#[derive(Clone)]
pub struct NewCase<'a> {
    /// The year of the number (Ecuador time).
    pub year: i32,
    pub request_type: RequestType,
    pub id_number: &'a str,
    pub affiliate_id: Option<i64>,
    pub contact_email: &'a Email,
    pub description: &'a str,
    pub documents: &'a [(Slot, DocumentKind, Vec<u8>)],
    /// The filing's audit event, written with the case under its number.
    pub event: &'a NewEvent,
    /// The receipt for the contact email, given the case's number, queued with the case: a case
    /// is never filed without it.
    pub receipt: &'a (dyn Fn(&CaseNumber) -> OutgoingMail + Send + Sync),
}

/// One stored document, without its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentMeta {
    pub slot: Slot,
    pub kind: DocumentKind,
    pub size: u64,
}

/// A case as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    pub number: CaseNumber,
    pub request_type: RequestType,
    pub id_number: String,
    pub affiliate_id: Option<i64>,
    pub contact_email: Email,
    pub description: String,
    pub status: CaseStatus,
    pub decision_reason: Option<String>,
    pub reviewer: Option<String>,
    pub filed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Empty once the retention time after closing has passed.
    pub documents: Vec<DocumentMeta>,
}

/// A line of the staff queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseSummary {
    pub number: CaseNumber,
    pub request_type: RequestType,
    pub status: CaseStatus,
    pub filed_at: DateTime<Utc>,
}

/// Ventanilla Virtual cases and their documents.
#[async_trait]
pub trait VentanillaStore: Send + Sync {
    /// In one transaction: takes the next number of `case.year`, stores the case and its
    /// documents. All or nothing; parallel filings get different numbers.
    async fn insert_case(&self, case: &NewCase<'_>, now: DateTime<Utc>) -> Result<CaseNumber, StoreError>;

    async fn case_by_number(&self, number: &CaseNumber) -> Result<Option<CaseRecord>, StoreError>;

    /// Open cases, oldest first, at most `limit`.
    async fn open_cases(&self, limit: u32) -> Result<Vec<CaseSummary>, StoreError>;

    /// The bytes of one document, while kept.
    async fn case_document(
        &self,
        number: &CaseNumber,
        slot: Slot,
    ) -> Result<Option<(DocumentKind, Vec<u8>)>, StoreError>;

    /// `recibido` → `en_revision` by `reviewer`; `false` when the case was not `recibido`.
    async fn start_review(
        &self,
        number: &CaseNumber,
        reviewer: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Closes an open case with `status` (one conditional statement): `false` when it was not
    /// open, so of racing decisions exactly one closes it.
    async fn close_case(
        &self,
        number: &CaseNumber,
        status: CaseStatus,
        reason: &str,
        reviewer: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Undoes [`Self::close_case`] by `reviewer` when the approved action then failed: the
    /// case is `en_revision` again.
    async fn reopen_case(
        &self,
        number: &CaseNumber,
        reviewer: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Deletes the documents of cases closed at or before `closed_before`; returns how many.
    async fn purge_case_documents(&self, closed_before: DateTime<Utc>) -> Result<u64, StoreError>;
}
