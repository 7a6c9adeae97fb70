//! The emails of the Ventanilla Virtual, in Spanish, to the contact email of the case: one for
//! every change of status.

use clave_domain::{
    Email, routes,
    ventanilla::{CaseNumber, RequestType},
};

use crate::{
    config::Settings,
    mail::{OutgoingMail, SIGNATURE, page},
};

/// The case was filed: its number and where to follow it.
pub(super) fn received(
    settings: &Settings,
    to: Email,
    number: &CaseNumber,
    kind: RequestType,
) -> OutgoingMail {
    let text = format!(
        "Estimado/a usuario/a:\n\n\
         Recibimos su trámite de Ventanilla Virtual «{kind}».\n\n\
         Número de trámite: {number}\n\n\
         Guarde este número. Un agente revisará sus documentos y le escribiremos a este correo cuando \
         el trámite sea aprobado o rechazado. Puede consultar el estado con el número de trámite y su \
         cédula en:\n{status}\n\n\
         Si usted no hizo este trámite, ignore este mensaje.\n\n\
         {SIGNATURE}\n",
        kind = kind.label_es(),
        status = page(settings, routes::VENTANILLA_STATUS),
    );
    OutgoingMail { to, subject: format!("Clave IESS: recibimos su trámite {number}"), text, html: None }
}

/// An agent opened the case: its documents are being reviewed.
pub(super) fn in_review(
    settings: &Settings,
    to: Email,
    number: &CaseNumber,
    kind: RequestType,
) -> OutgoingMail {
    let text = format!(
        "Estimado/a usuario/a:\n\n\
         Un agente del IESS está revisando su trámite {number} «{kind}».\n\n\
         No tiene que hacer nada por ahora: le escribiremos a este correo cuando el trámite sea \
         aprobado o rechazado. Puede consultar el estado en:\n{status}\n\n\
         {SIGNATURE}\n",
        kind = kind.label_es(),
        status = page(settings, routes::VENTANILLA_STATUS),
    );
    OutgoingMail {
        to,
        subject: format!("Clave IESS: su trámite {number} está en revisión"),
        text,
        html: None,
    }
}

/// The case was approved and its action done: what happens next.
pub(super) fn approved(
    settings: &Settings,
    to: Email,
    number: &CaseNumber,
    kind: RequestType,
) -> OutgoingMail {
    let next = match kind {
        RequestType::Desbloqueo | RequestType::Recuperacion => {
            "Le enviamos a su correo registrado un enlace para crear una clave nueva. Ábralo y siga \
             los pasos; el personal del IESS nunca conoce ni le pide su clave."
        }
        RequestType::ActualizacionCorreo => {
            "Su correo electrónico registrado ahora es esta dirección. Desde ahora los avisos de su \
             clave llegarán aquí."
        }
    };
    let text = format!(
        "Estimado/a usuario/a:\n\n\
         Su trámite {number} «{kind}» fue APROBADO.\n\n\
         {next}\n\n\
         Consulte el estado en: {status}\n\n\
         {SIGNATURE}\n",
        kind = kind.label_es(),
        status = page(settings, routes::VENTANILLA_STATUS),
    );
    OutgoingMail { to, subject: format!("Clave IESS: su trámite {number} fue aprobado"), text, html: None }
}

/// The case was rejected, with the reviewer's reason.
pub(super) fn rejected(settings: &Settings, to: Email, number: &CaseNumber, reason: &str) -> OutgoingMail {
    let text = format!(
        "Estimado/a usuario/a:\n\n\
         Su trámite {number} fue RECHAZADO.\n\n\
         Motivo: {reason}\n\n\
         Puede presentar un trámite nuevo en {ventanilla} con documentos legibles, o acudir con su \
         cédula a un Centro de Atención Universal (CAU).\n\n\
         {SIGNATURE}\n",
        ventanilla = page(settings, routes::VENTANILLA),
    );
    OutgoingMail { to, subject: format!("Clave IESS: su trámite {number} fue rechazado"), text, html: None }
}
