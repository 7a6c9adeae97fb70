//! The public paths the server links to from emails and the pages serve: one list, so an emailed
//! link and the route it opens cannot drift apart.

/// "Generar clave por primera vez".
pub const GENERATE: &str = "/clave/generar";
/// The page the generation email links to (the token travels in the fragment).
pub const ACTIVATE: &str = "/clave/activar";
/// The page a "No fui yo" link opens (the token travels in the fragment).
pub const NOT_ME: &str = "/no-fui-yo";
/// Help and the assisted channels.
pub const HELP: &str = "/ayuda";
/// "Ingresar".
pub const LOGIN: &str = "/ingresar";
/// "Mi cuenta", behind the login.
pub const ACCOUNT: &str = "/mi-cuenta";
/// "Desbloqueo de clave": asks for the emailed link.
pub const UNLOCK: &str = "/clave/desbloquear";
/// The page the unlock email links to (the token travels in the fragment).
pub const UNLOCK_CONFIRM: &str = "/clave/desbloquear/confirmar";
/// "Recuperar clave".
pub const RECOVER: &str = "/clave/recuperar";
/// The page the recovery email links to (the token travels in the fragment).
pub const RESET: &str = "/clave/restablecer";
/// Ventanilla Virtual: filing a case with documents.
pub const VENTANILLA: &str = "/ventanilla";
/// Ventanilla Virtual: the status of a case from its number and the identification.
pub const VENTANILLA_STATUS: &str = "/ventanilla/estado";
