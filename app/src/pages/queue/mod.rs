//! The Ventanilla queue of the staff console (DESIGN §3): `/agentes/ventanilla` lists the open
//! cases oldest first, `/agentes/ventanilla/{case}` shows one with its documents and takes the
//! decision. Every server function checks the staff session on the server.

pub mod api;
mod case;
mod list;

pub use case::QueueCase;
pub use list::Queue;

/// The address of a document, served by the server's staff-only document route.
pub fn document_path(number: &str, slot: clave_domain::ventanilla::Slot) -> String {
    format!("/agentes/documentos/{number}/{}", slot.as_str())
}
