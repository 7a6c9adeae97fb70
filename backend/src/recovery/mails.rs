//! The emails of "Recuperar clave", in Spanish like every text the affiliate reads. Links carry
//! their token in the fragment (DESIGN §5.4), so it never reaches a server log or a `Referer`.

use clave_domain::{Email, routes};

use crate::{
    audit::ClientInfo,
    config::Settings,
    mail::{OutgoingMail, SIGNATURE, not_me_paragraph, page},
};

/// The link of step 4 ("Clic para continuar").
pub(super) fn reset_link(to: Email, link: &str, minutes: u64) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Para crear una nueva clave, abra este enlace (clic para continuar):\n\n\
         {link}\n\n\
         El enlace es válido durante {minutes} minutos y sirve una sola vez. Si pidió que se lo \
         reenviáramos, use solo el último correo: los enlaces anteriores ya no funcionan.\n\n\
         Si usted no está recuperando su clave, ignore este mensaje: su clave actual no cambia.\n\n\
         {SIGNATURE}\n"
    );
    OutgoingMail { to, subject: "Clave IESS: cree su nueva clave".into(), text, html: None }
}

/// To the address on file when the person gave another one at step 3: the link went there.
pub(super) fn email_replaced(
    to: Email,
    new_email: &Email,
    client: &ClientInfo,
    not_me: &str,
) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Alguien respondió las preguntas para recuperar la clave de su número de identificación y \
         pidió que el enlace para crear la nueva clave se enviara a otro correo: {masked}. Si \
         termina el trámite, ese correo reemplazará a este en su perfil.\n\n\
         Dirección IP: {ip}\nNavegador: {browser}\n\n\
         Si fue usted, no necesita hacer nada. Si no fue usted, el enlace de abajo bloquea su \
         clave y el trámite ya no podrá terminarse; después acuda a un Centro de Atención \
         Universal (CAU) o use la Ventanilla Virtual.\n\n{not_me}{SIGNATURE}\n",
        masked = new_email.masked(),
        ip = client.ip_or_unknown(),
        browser = client.browser_name(),
        not_me = not_me_paragraph(not_me),
    );
    OutgoingMail {
        to,
        subject: "Clave IESS: se pidió recuperar su clave con otro correo".into(),
        text,
        html: None,
    }
}

/// The last allowed attempt failed: recovery is blocked until staff clear it. `not_me` when the
/// person has a clave to lock.
pub(super) fn process_blocked(settings: &Settings, to: Email, not_me: Option<&str>) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Se agotaron los intentos para responder las preguntas de «Recuperar clave» con su número \
         de identificación, y el proceso quedó bloqueado. Su clave actual no cambió.\n\n\
         Para desbloquearlo, acuda con su documento de identidad a un Centro de Atención \
         Universal (CAU) del IESS o use la Ventanilla Virtual. Más información: {help}\n\n\
         {not_me}{SIGNATURE}\n",
        help = page(settings, routes::HELP),
        not_me = not_me.map(not_me_paragraph).unwrap_or_default(),
    );
    OutgoingMail {
        to,
        subject: "Clave IESS: el proceso de recuperación de clave fue bloqueado".into(),
        text,
        html: None,
    }
}

/// The confirmation once the new clave is set, to the address now on file.
pub(super) fn password_reset(to: Email, client: &ClientInfo, not_me: &str) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Su clave fue restablecida con «Recuperar clave». Se cerraron todas sus sesiones abiertas \
         y se desbloqueó su clave. Ya puede ingresar con su número de identificación y su nueva \
         clave.\n\n\
         Dirección IP: {ip}\nNavegador: {browser}\n\n{not_me}{SIGNATURE}\n",
        ip = client.ip_or_unknown(),
        browser = client.browser_name(),
        not_me = not_me_paragraph(not_me),
    );
    OutgoingMail { to, subject: "Clave IESS: su clave fue restablecida".into(), text, html: None }
}
