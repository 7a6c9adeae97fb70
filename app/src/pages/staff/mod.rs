//! The staff console (DESIGN §3): `/agentes` (login with TOTP), `/agentes/consola` (search,
//! presencial, videollamada) and `/agentes/auditoria` (the audit log, supervisors and admins).
//! Desktop first; usable at 360 px.

pub mod api;
mod audit;
mod console;
pub mod layout;
mod login;
mod video;

pub use audit::AuditLog;
pub use console::Console;
pub use login::StaffLogin;

/// The console's paths.
pub mod paths {
    pub const LOGIN: &str = "/agentes";
    pub const CONSOLE: &str = "/agentes/consola";
    pub const QUEUE: &str = "/agentes/ventanilla";
    pub const AUDIT: &str = "/agentes/auditoria";
}
