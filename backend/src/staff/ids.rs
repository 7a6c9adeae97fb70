use crate::tokens::PlainToken;

/// A staff session's id (the `clave_agente` cookie): a new one on every login; only its SHA-256
/// is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffSessionId(PlainToken);

crate::tokens::cookie_id!(StaffSessionId);
