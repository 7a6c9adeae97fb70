//! Ventanilla Virtual (DESIGN §2.5): `/ventanilla` files a case with three documents and
//! `/ventanilla/estado` shows its status from the case number and the identification.

pub mod api;
mod form;
mod status;

pub use form::Ventanilla;
pub use status::VentanillaStatus;
