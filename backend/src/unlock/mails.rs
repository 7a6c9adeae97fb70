//! The emails of "Desbloqueo de clave", in Spanish. The link carries its token in the fragment.

use std::time::Duration;

use chrono::{DateTime, Utc};
use clave_domain::{Email, routes};

use crate::{
    audit::ClientInfo,
    config::Settings,
    mail::{OutgoingMail, SIGNATURE, not_me_paragraph, origin_lines, page},
};

/// The link that opens "Desbloquear mi cuenta".
pub(super) fn unlock_link(to: Email, link: &str, ttl: Duration) -> OutgoingMail {
    let minutes = ttl.as_secs().div_ceil(60);
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Para desbloquear su clave, abra este enlace y presione «Desbloquear mi cuenta»:\n\n\
         {link}\n\n\
         El enlace es válido durante {minutes} minutos y sirve una sola vez. Si pidió más de un \
         correo, use solo el último.\n\n\
         Si usted no pidió desbloquear su clave, ignore este mensaje: su clave seguirá bloqueada.\n\n\
         {SIGNATURE}\n"
    );
    OutgoingMail { to, subject: "Clave IESS: desbloquee su clave".into(), text, html: None }
}

/// The person may not unlock online (no fingerprint record): the channels they can use.
pub(super) fn other_channels(settings: &Settings, to: Email) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Recibimos un pedido para desbloquear su clave en línea. El desbloqueo en línea solo está \
         disponible para quienes actualizaron sus datos en persona con registro de huella dactilar.\n\n\
         Puede desbloquear su clave por estos canales:\n\
         - Ventanilla Virtual: suba una foto de su cédula por ambos lados y una foto suya \
           sosteniéndola, en {ventanilla}\n\
         - Videollamada con un agente, de lunes a viernes de 08:00 a 17:00 (hora de Ecuador).\n\
         - En persona, con su cédula original, en cualquier Centro de Atención Universal (CAU).\n\n\
         Más información: {help}\n\n\
         Si usted no pidió desbloquear su clave, ignore este mensaje.\n\n{SIGNATURE}\n",
        ventanilla = page(settings, "/ventanilla"),
        help = page(settings, routes::HELP),
    );
    OutgoingMail { to, subject: "Clave IESS: cómo desbloquear su clave".into(), text, html: None }
}

/// The clave is not locked: nothing to unlock.
pub(super) fn not_locked(settings: &Settings, to: Email) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Recibimos un pedido para desbloquear su clave, pero su clave no está bloqueada: puede \
         ingresar con ella en {login}\n\n\
         Si no la recuerda, use «Recuperar clave» en {recover}\n\n\
         Si usted no hizo este pedido, ignore este mensaje.\n\n{SIGNATURE}\n",
        login = page(settings, routes::LOGIN),
        recover = page(settings, routes::RECOVER),
    );
    OutgoingMail { to, subject: "Clave IESS: su clave no está bloqueada".into(), text, html: None }
}

/// The clave was unlocked from the emailed link.
pub(super) fn unlocked(to: Email, client: &ClientInfo, at: DateTime<Utc>, not_me: &str) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Su clave ha sido desbloqueada. Ya puede ingresar con ella.\n\n\
         {origin}{not_me}{SIGNATURE}\n",
        origin = origin_lines(client, at),
        not_me = not_me_paragraph(not_me),
    );
    OutgoingMail { to, subject: "Clave IESS: su clave fue desbloqueada".into(), text, html: None }
}
