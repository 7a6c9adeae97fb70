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
