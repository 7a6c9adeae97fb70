//! The security emails of logging in and "Mi cuenta" (DESIGN §5.10): each says when, from where
//! and from which browser, and carries a "No fui yo" link.

use chrono::{DateTime, Utc};
use clave_domain::{Contacts, Email, routes};

use crate::{
    audit::ClientInfo,
    config::Settings,
    mail::{OutgoingMail, SIGNATURE, not_me_paragraph, origin_lines, page},
};

/// The clave was locked by consecutive failed logins.
pub(super) fn locked(
    settings: &Settings,
    to: Email,
    client: &ClientInfo,
    at: DateTime<Utc>,
    everywhere: bool,
    not_me: &str,
) -> OutgoingMail {
    let scope = if everywhere {
        "Su clave quedó bloqueada en todos los navegadores."
    } else {
        "Su clave quedó bloqueada en los navegadores donde usted nunca ingresó. En los navegadores \
         donde ya ingresó antes con su clave puede seguir ingresando con normalidad."
    };
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Hubo {max} intentos seguidos de ingreso con una clave incorrecta y su número de \
         identificación. {scope}\n\n\
         Último intento:\n{origin}\
         Para desbloquearla, use «Desbloquear clave» en {unlock} (recibirá un enlace válido por \
         pocos minutos). Si no recuerda su clave, use «Recuperar clave» en {recover}.\n\n\
         {not_me}{SIGNATURE}\n",
        max = settings.login.max_failures,
        origin = origin_lines(client, at),
        unlock = page(settings, routes::UNLOCK),
        recover = page(settings, routes::RECOVER),
        not_me = not_me_paragraph(not_me),
    );
    OutgoingMail { to, subject: "Clave IESS: su clave fue bloqueada".into(), text, html: None }
}

/// The password was changed from "Mi cuenta".
pub(super) fn password_changed(
    to: Email,
    client: &ClientInfo,
    at: DateTime<Utc>,
    not_me: &str,
) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Su clave fue cambiada desde «Mi cuenta». Se cerraron todas sus sesiones abiertas en otros \
         dispositivos.\n\n{origin}{not_me}{SIGNATURE}\n",
        origin = origin_lines(client, at),
        not_me = not_me_paragraph(not_me),
    );
    OutgoingMail { to, subject: "Clave IESS: su clave fue cambiada".into(), text, html: None }
}

/// To the **old** address when the contact data changed.
pub(super) fn contacts_changed(
    to: Email,
    contacts: &Contacts,
    client: &ClientInfo,
    at: DateTime<Utc>,
    not_me: &str,
) -> OutgoingMail {
    let landline = contacts.landline.as_ref().map_or_else(|| "ninguno".to_owned(), |l| l.masked());
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Sus datos de contacto fueron actualizados desde «Mi cuenta». Los avisos de seguridad se \
         enviarán desde ahora a:\n\
         Correo: {email}\nCelular: {mobile}\nTeléfono convencional: {landline}\n\n\
         {origin}{not_me}{SIGNATURE}\n",
        email = contacts.email.masked(),
        mobile = contacts.mobile.masked(),
        origin = origin_lines(client, at),
        not_me = not_me_paragraph(not_me),
    );
    OutgoingMail { to, subject: "Clave IESS: sus datos de contacto cambiaron".into(), text, html: None }
}

/// To the new address, so its owner knows it now receives the security emails.
pub(super) fn new_address(to: Email) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Este correo quedó registrado para recibir los avisos de seguridad de su clave del IESS.\n\n\
         Si usted no hizo este cambio, comuníquese con el IESS por la Ventanilla Virtual o en un \
         Centro de Atención Universal.\n\n{SIGNATURE}\n"
    );
    OutgoingMail { to, subject: "Clave IESS: correo registrado".into(), text, html: None }
}
