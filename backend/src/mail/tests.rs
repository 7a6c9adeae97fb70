use std::time::Duration;

use super::*;
use crate::config::{MailSettings, MailTransportKind, SmtpSecurity};

fn mail_settings(initial: u64, max: u64) -> MailSettings {
    MailSettings {
        retry_initial: Duration::from_secs(initial),
        retry_max: Duration::from_secs(max),
        ..MailSettings::default()
    }
}

fn message() -> OutgoingMail {
    OutgoingMail {
        to: Email::parse("juana.perez@correo.example").expect("email"),
        subject: "Desbloqueo de su clave".into(),
        text: "Abra https://clave.example.ec/desbloquear#token-secreto".into(),
        html: Some("<a href=\"https://clave.example.ec/desbloquear#token-secreto\">Desbloquear</a>".into()),
    }
}

#[test]
fn the_retry_delay_doubles_after_each_failure_up_to_the_maximum() {
    let settings = mail_settings(5, 60);
    let delays: Vec<u64> = (0..6).map(|n| retry_delay(n, &settings).as_secs()).collect();
    assert_eq!(delays, [5, 10, 20, 40, 60, 60]);
}

#[test]
fn the_retry_delay_stays_at_the_maximum_however_many_failures() {
    let settings = mail_settings(5, 600);
    assert_eq!(retry_delay(31, &settings), Duration::from_secs(600));
    assert_eq!(retry_delay(32, &settings), Duration::from_secs(600));
    assert_eq!(retry_delay(u32::MAX, &settings), Duration::from_secs(600));
}

#[test]
fn a_message_prints_its_masked_recipient_and_subject_but_never_its_bodies() {
    let printed = format!("{:?}", message());
    assert!(printed.contains("j***@correo.example"), "{printed}");
    assert!(printed.contains("Desbloqueo de su clave"), "{printed}");
    assert!(!printed.contains("token-secreto"), "{printed}");
    assert!(!printed.contains("juana.perez"), "{printed}");
}

#[test]
fn the_smtp_transport_never_prints_its_password() {
    let mut settings = MailSettings { transport: MailTransportKind::Smtp, ..MailSettings::default() };
    settings.smtp.host = "smtp.example.ec".into();
    settings.smtp.security = SmtpSecurity::Plain;
    settings.smtp.username = Some("clave".into());
    settings.smtp.password = Some("smtp-pass-456".into());
    let smtp = Smtp::from_settings(&settings).expect("transport");
    let printed = format!("{smtp:?}");
    assert!(printed.contains("smtp.example.ec"), "{printed}");
    assert!(!printed.contains("smtp-pass-456"), "{printed}");
}

#[test]
fn an_invalid_from_address_stops_the_smtp_transport_from_being_built() {
    let mut settings = MailSettings { from: "no es una dirección".into(), ..MailSettings::default() };
    settings.smtp.host = "smtp.example.ec".into();
    assert!(matches!(Smtp::from_settings(&settings), Err(TransportSetupError::From(_))));
}

#[test]
fn every_security_mode_builds_an_smtp_transport() {
    for security in [SmtpSecurity::Starttls, SmtpSecurity::Tls, SmtpSecurity::Plain] {
        let mut settings = MailSettings::default();
        settings.smtp.host = "smtp.example.ec".into();
        settings.smtp.security = security;
        assert!(Smtp::from_settings(&settings).is_ok(), "{security:?}");
    }
}
