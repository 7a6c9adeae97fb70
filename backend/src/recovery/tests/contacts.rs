//! Steps 3–4: the contact data confirmed or replaced, the emailed link and "reenviar".

use super::*;

fn replace_email(email: &str) -> ContactForm {
    ContactForm { email: Some(email.into()), ..ContactForm::confirm() }
}

#[tokio::test]
async fn confirmed_contacts_send_the_link_to_the_email_on_file_and_nothing_else() {
    let h = Harness::new().await;
    let flow = h.at_contacts().await;
    let Some(CurrentStep::Contacts(shown)) = h.recovery.current(&flow).await.expect("db") else {
        panic!("a reload shows step 3")
    };
    assert_eq!(shown.email, "m***@correo.example");

    let ContactOutcome::Sent(sent) =
        h.recovery.contacts(&flow, ContactForm::confirm(), &client()).await.expect("step 3")
    else {
        panic!("sent")
    };
    assert_eq!(sent.email_masked, "m***@correo.example");
    assert_eq!(sent.expires_at, h.world.clock.now() + chrono::Duration::minutes(15));
    assert_eq!((sent.resends_left, sent.next_resend_at), (3, None));
    assert_eq!(h.recovery.current(&flow).await.expect("db"), Some(CurrentStep::EmailSent(sent)));

    let mails = h.mails().await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    let (to, _, text) = &mails[0];
    assert_eq!(to, MARIA_EMAIL);
    assert!(text.contains("/clave/restablecer#") && text.contains("15 minutos"));
    let token = token_in(&mails, MARIA_EMAIL, clave_domain::routes::RESET);
    assert!(h.recovery.reset_view(&token).await.expect("db").is_some());
}

#[tokio::test]
async fn a_replaced_email_gets_the_link_and_the_old_one_a_notice_with_not_me() {
    let h = Harness::new().await;
    let new_email = "nueva.maria@otro.example";
    let (flow, token) = h.at_link(replace_email(new_email)).await;
    let Some(CurrentStep::EmailSent(sent)) = h.recovery.current(&flow).await.expect("db") else {
        panic!("step 4")
    };
    assert_eq!(sent.email_masked, "n***@otro.example");

    let mails = h.mails().await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    let links: Vec<_> = mails.iter().filter(|(_, _, t)| t.contains("/clave/restablecer#")).collect();
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].0, new_email, "the link goes to the new address only");
    let (to, subject, text) =
        mails.iter().find(|(to, _, _)| to == MARIA_EMAIL).expect("a notice to the old one");
    assert_eq!(to, MARIA_EMAIL);
    assert!(subject.contains("otro correo") && text.contains("n***@otro.example"), "{subject}\n{text}");
    assert!(text.contains("/no-fui-yo#") && text.contains("190.152.10.20"));
    assert!(!text.contains(new_email), "the new address is masked");

    assert!(h.recovery.reset_view(&token).await.expect("db").is_some());
    assert_eq!(h.profile(MARIA).await.email.as_str(), MARIA_EMAIL, "nothing is written before the reset");
}

#[tokio::test]
async fn wrong_contact_fields_are_reported_at_their_fields_and_nothing_is_sent() {
    let h = Harness::new().await;
    let flow = h.at_contacts().await;
    let bad =
        ContactForm { email: Some("maria@".into()), mobile: Some("12".into()), landline: Some("abc".into()) };
    let ContactOutcome::Invalid(problems) = h.recovery.contacts(&flow, bad, &client()).await.expect("db")
    else {
        panic!("refused")
    };
    assert_eq!(
        problems.iter().map(|p| p.field.as_str()).collect::<Vec<_>>(),
        ["email", "mobile", "landline"]
    );
    assert!(h.mails().await.is_empty(), "nothing was sent");
    assert!(matches!(h.recovery.current(&flow).await.expect("db"), Some(CurrentStep::Contacts(_))));
    assert!(matches!(
        h.recovery.contacts(&flow, ContactForm::confirm(), &client()).await,
        Ok(ContactOutcome::Sent(_))
    ));
}

#[tokio::test]
async fn steps_called_out_of_order_or_twice_are_refused_and_change_nothing() {
    let h = Harness::new().await;
    let (flow, _) = h.recovery.start(&ident(MARIA)).await.expect("start");
    let early = h.recovery.contacts(&flow, replace_email("intruso@correo.example"), &client()).await;
    assert!(matches!(early, Err(ServiceError::FlowNotFound)), "step 3 before passing step 2");
    assert!(matches!(h.recovery.resend(&flow).await, Err(ServiceError::FlowNotFound)), "step 4 before 3");
    let (flow, _) = h.recovery.start(&ident(UNKNOWN)).await.expect("start");
    assert!(matches!(
        h.recovery.contacts(&flow, ContactForm::confirm(), &client()).await,
        Err(ServiceError::FlowNotFound)
    ));
    assert!(h.mails().await.is_empty());

    let flow = h.at_contacts().await;
    assert!(matches!(h.recovery.resend(&flow).await, Err(ServiceError::FlowNotFound)));
    assert!(matches!(
        h.recovery.contacts(&flow, ContactForm::confirm(), &client()).await,
        Ok(ContactOutcome::Sent(_))
    ));
    let twice = h.recovery.contacts(&flow, replace_email("intruso@correo.example"), &client()).await;
    assert!(matches!(twice, Err(ServiceError::FlowNotFound)), "step 3 twice");
    assert_eq!(h.mails().await.len(), 1);
    assert!(h.mails().await.iter().all(|(to, _, _)| to == MARIA_EMAIL));
}

#[tokio::test]
async fn a_resend_replaces_the_link_at_most_three_times_an_hour() {
    let h = Harness::new().await;
    let (flow, first) = h.at_link(ContactForm::confirm()).await;
    h.world.clock.advance(Duration::from_secs(20 * 60)); // the first link has expired
    let mut tokens = vec![first];
    for left in [2, 1, 0] {
        let ResendOutcome::Sent(sent) = h.recovery.resend(&flow).await.expect("resend") else {
            panic!("resends are allowed")
        };
        assert_eq!(
            (sent.resends_left, sent.expires_at),
            (left, h.world.clock.now() + chrono::Duration::minutes(15))
        );
        tokens.push(token_in(&h.mails().await, MARIA_EMAIL, clave_domain::routes::RESET));
        h.world.clock.advance(Duration::from_secs(60));
    }
    let ResendOutcome::Limit(limit) = h.recovery.resend(&flow).await.expect("resend") else {
        panic!("a 4th resend within the hour is refused")
    };
    let first_resend = h.world.clock.now() - chrono::Duration::minutes(3);
    assert_eq!(limit.next_resend_at, Some(first_resend + chrono::Duration::hours(1)));
    assert_eq!(h.mails().await.len(), 4, "nothing was sent for the refused press");

    for old in &tokens[..3] {
        assert!(h.recovery.reset_view(old).await.expect("db").is_none(), "an earlier link stopped working");
    }
    h.world.clock.set(first_resend + chrono::Duration::hours(1) + chrono::Duration::seconds(1));
    assert!(
        matches!(h.recovery.resend(&flow).await.expect("resend"), ResendOutcome::Sent(_)),
        "an hour later"
    );
    let newest = token_in(&h.mails().await, MARIA_EMAIL, clave_domain::routes::RESET);
    assert!(h.recovery.reset_view(&tokens[3]).await.expect("db").is_none());
    assert!(h.recovery.reset_view(&newest).await.expect("db").is_some());
}

#[tokio::test]
async fn a_resend_goes_to_the_replaced_address_and_warns_the_old_one_no_more() {
    let h = Harness::new().await;
    let new_email = "nueva.maria@otro.example";
    let (flow, _) = h.at_link(replace_email(new_email)).await;
    assert!(matches!(h.recovery.resend(&flow).await.expect("resend"), ResendOutcome::Sent(_)));
    let mails = h.mails().await;
    assert_eq!(mails.iter().filter(|(to, _, _)| to == new_email).count(), 2);
    assert_eq!(mails.iter().filter(|(to, _, _)| to == MARIA_EMAIL).count(), 1);
}

#[tokio::test]
async fn only_the_newest_link_opens_the_reset_even_if_an_older_one_was_never_revoked() {
    let h = Harness::new().await;
    let (flow, first) = h.at_link(ContactForm::confirm()).await;
    assert!(matches!(h.recovery.resend(&flow).await.expect("resend"), ResendOutcome::Sent(_)));
    let second = token_in(&h.mails().await, MARIA_EMAIL, clave_domain::routes::RESET);
    h.world
        .db
        .execute("UPDATE tokens SET used_at = NULL WHERE purpose = 'recovery'")
        .await
        .expect("unrevoke");
    assert!(h.recovery.reset_view(&first).await.expect("db").is_none());
    let form = ResetForm {
        accepted_terms: true,
        password: "Tortuga-verde-Galápagos-58".into(),
        ..Default::default()
    };
    let form = ResetForm { confirmation: form.password.clone(), ..form };
    assert_eq!(h.recovery.reset(&first, form, &client()).await.expect("db"), ResetOutcome::LinkNotValid);
    assert!(h.recovery.reset_view(&second).await.expect("db").is_some());
}
