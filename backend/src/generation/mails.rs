//! The emails of the generation flow, in Spanish like every text the affiliate reads. Links carry
//! their token in the fragment (DESIGN §5.4), so it never reaches a server log or a `Referer`.

use clave_domain::{Email, routes};

use crate::{
    config::Settings,
    mail::{OutgoingMail, SIGNATURE},
    registry::Affiliate,
};

/// A notice to the registry's address of a registered person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Notice {
    /// Someone passed the challenge, but a clave exists already.
    ClaveExists,
    /// The last allowed attempt failed: the process is blocked until staff clear it.
    ProcessBlocked,
    /// A foreigner started a first generation that no CAU agent enabled yet.
    ForeignerNotEnabled,
}

/// The "Clic para continuar" email of step 4.
pub(super) fn activation_link(to: Email, link: &str, minutes: u64) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Para continuar con la generación de su clave, abra este enlace (clic para continuar):\n\n\
         {link}\n\n\
         El enlace es válido durante {minutes} minutos y sirve una sola vez. Si pidió que se lo \
         reenviáramos, use solo el último correo: los enlaces anteriores ya no funcionan.\n\n\
         Si usted no está generando su clave, ignore este mensaje.\n\n{SIGNATURE}\n"
    );
    OutgoingMail {
        to,
        subject: "Clave IESS: continúe con la generación de su clave".into(),
        text,
        html: None,
    }
}

/// The confirmation once the clave exists.
pub(super) fn clave_created(affiliate: &Affiliate, to: Email, not_me: &str) -> OutgoingMail {
    let text = format!(
        "Estimado/a {names}:\n\n\
         Su clave de afiliado fue generada correctamente. Ya puede ingresar a los servicios en línea \
         del IESS con su número de identificación y su nueva clave.\n\n\
         Si usted NO generó esta clave, abra este enlace para bloquearla de inmediato (No fui yo):\n\
         {not_me}\n\n{SIGNATURE}\n",
        names = affiliate.names,
    );
    OutgoingMail { to, subject: "Clave IESS: su clave fue generada".into(), text, html: None }
}

/// To the registry's address when the clave was generated with another email.
pub(super) fn clave_created_elsewhere(
    affiliate: &Affiliate,
    on_file: Email,
    new_email: &Email,
    not_me: &str,
) -> OutgoingMail {
    let text = format!(
        "Estimado/a {names}:\n\n\
         Se generó una clave de afiliado con su número de identificación y se registró el correo \
         {masked} para recibir los avisos.\n\n\
         Si fue usted, no necesita hacer nada. Si usted NO lo hizo, abra este enlace para bloquear \
         la clave de inmediato (No fui yo) y acuda a un Centro de Atención Universal o use la \
         Ventanilla Virtual:\n{not_me}\n\n{SIGNATURE}\n",
        names = affiliate.names,
        masked = new_email.masked(),
    );
    OutgoingMail {
        to: on_file,
        subject: "Clave IESS: se generó una clave con otro correo".into(),
        text,
        html: None,
    }
}

/// A notice to the registry's address; `not_me` when the person has a clave to lock.
pub(super) fn notice(
    settings: &Settings,
    notice: Notice,
    affiliate: &Affiliate,
    to: Email,
    not_me: Option<&str>,
) -> OutgoingMail {
    let not_me = not_me.map(crate::mail::not_me_paragraph).unwrap_or_default();
    let (subject, body) = match notice {
        Notice::ClaveExists => (
            "Clave IESS: intento de generar una clave que ya existe",
            format!(
                "Alguien respondió correctamente las preguntas para generar una clave con su número de \
                 identificación, pero usted ya tiene una clave. No se cambió nada.\n\n\
                 Si fue usted y no recuerda su clave, use la opción «Recuperar clave» en {home}\n\n",
                home = crate::mail::page(settings, "/"),
            ),
        ),
        Notice::ProcessBlocked => (
            "Clave IESS: el proceso de generación de clave fue bloqueado",
            format!(
                "Se agotaron los intentos para responder las preguntas de generación de clave con su \
                 número de identificación, y el proceso quedó bloqueado.\n\n\
                 Para desbloquearlo, acuda con su documento de identidad a un Centro de Atención \
                 Universal (CAU) del IESS o use la Ventanilla Virtual. Más información: {help}\n\n",
                help = crate::mail::page(settings, routes::HELP),
            ),
        ),
        Notice::ForeignerNotEnabled => (
            "Clave IESS: habilite su código de extranjero en un CAU",
            format!(
                "Alguien intentó generar una clave con su código de identificación de extranjero. Antes \
                 de generar su primera clave, acuda a un Centro de Atención Universal (CAU) del IESS \
                 con su pasaporte o visa: un agente verificará su documento y habilitará la generación \
                 en línea. Más información: {help}\n\n",
                help = crate::mail::page(settings, routes::HELP),
            ),
        ),
    };
    let text = format!("Estimado/a {names}:\n\n{body}{not_me}{SIGNATURE}\n", names = affiliate.names);
    OutgoingMail { to, subject: subject.into(), text, html: None }
}
