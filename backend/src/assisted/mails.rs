//! The emails of the assisted channels (DESIGN §5.10): each names the channel staff acted on and
//! carries a "No fui yo" link when there is a clave to protect.

use clave_domain::{Contacts, Email, routes};

use super::Authority;
use crate::{
    clock::institute_time_text,
    config::Settings,
    mail::{OutgoingMail, SIGNATURE, not_me_paragraph, page},
    recovery::assisted::AssistedLink,
};

/// The channel an action came through, as the email names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Channel {
    Presencial,
    Videollamada,
    Ventanilla,
}

impl Channel {
    pub(super) fn of(authority: Authority<'_>) -> Self {
        match authority {
            Authority::Presencial { .. } => Self::Presencial,
            Authority::Videollamada { .. } => Self::Videollamada,
            Authority::VentanillaCase { .. } => Self::Ventanilla,
        }
    }

    fn words(self) -> &'static str {
        match self {
            Self::Presencial => "en un Centro de Atención Universal (CAU), de forma presencial",
            Self::Videollamada => "por videollamada con un agente del IESS",
            Self::Ventanilla => "por la Ventanilla Virtual, tras revisar los documentos que usted envió",
        }
    }
}

/// The clave was unlocked by staff: the link to set a new password online.
pub(super) fn unlocked(
    settings: &Settings,
    channel: Channel,
    link: &AssistedLink,
    not_me: &str,
) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Su clave fue desbloqueada {channel}.\n\n\
         Para terminar, cree una clave nueva en línea con este enlace:\n\n{url}\n\n\
         El enlace sirve una sola vez y es válido hasta el {until}. Nadie del IESS le pedirá su \
         clave: escríbala usted mismo en la página del enlace. Más información: {help}\n\n\
         {not_me}{SIGNATURE}\n",
        channel = channel.words(),
        url = link.url,
        until = institute_time_text(link.expires_at),
        help = page(settings, routes::HELP),
        not_me = not_me_paragraph(not_me),
    );
    OutgoingMail {
        to: link.email.clone(),
        subject: "Clave IESS: su clave fue desbloqueada; cree una clave nueva".into(),
        text,
        html: None,
    }
}

/// The generation and recovery blocks were cleared by staff.
pub(super) fn blocks_cleared(settings: &Settings, to: Email, channel: Channel) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Se quitaron los bloqueos de los procesos «Generar clave» y «Recuperar clave» de su número \
         de identificación, {channel}. Ya puede usarlos otra vez en {home}\n\n\
         Si usted no lo pidió, comuníquese con el IESS: {help}\n\n{SIGNATURE}\n",
        channel = channel.words(),
        home = page(settings, "/"),
        help = page(settings, routes::HELP),
    );
    OutgoingMail { to, subject: "Clave IESS: se quitaron los bloqueos de su clave".into(), text, html: None }
}

/// To the **old** address: the contact data was changed by staff.
pub(super) fn contacts_changed(
    to: Email,
    contacts: &Contacts,
    channel: Channel,
    not_me: &str,
) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Sus datos de contacto fueron actualizados {channel}. Ahora están registrados el correo \
         {email} y el celular {mobile}.\n\n{not_me}{SIGNATURE}\n",
        channel = channel.words(),
        email = contacts.email.masked(),
        mobile = contacts.mobile.masked(),
        not_me = not_me_paragraph(not_me),
    );
    OutgoingMail { to, subject: "Clave IESS: sus datos de contacto cambiaron".into(), text, html: None }
}

/// To the **new** address: it now receives the notices of the clave.
pub(super) fn new_address(to: Email, channel: Channel) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Este correo fue registrado {channel} para recibir los avisos de su clave del IESS.\n\n{SIGNATURE}\n",
        channel = channel.words(),
    );
    OutgoingMail { to, subject: "Clave IESS: correo registrado".into(), text, html: None }
}

/// To a foreigner's address: the first generation was enabled at a CAU.
pub(super) fn foreigner_enabled(settings: &Settings, to: Email) -> OutgoingMail {
    let text = format!(
        "Estimado/a afiliado/a:\n\n\
         Su código de identificación de extranjero fue habilitado en un Centro de Atención Universal \
         (CAU). Ya puede generar su clave en línea en {generate}\n\n{SIGNATURE}\n",
        generate = page(settings, routes::GENERATE),
    );
    OutgoingMail { to, subject: "Clave IESS: ya puede generar su clave".into(), text, html: None }
}
