//! Step 3: the contact data on file, masked, confirmed as it is or updated. A replaced email gets
//! the link and the address on file a notice with "No fui yo" (DESIGN §2.2), and the page says
//! so before the person sends it.

use clave_domain::recovery::MaskedContacts;
use leptos::{ev::SubmitEvent, prelude::*};

use super::{
    api,
    steps::{RestartButton, wizard},
};
use crate::{
    components::{field::TextField, form::FormValues},
    i18n::{t_string, use_i18n},
};

/// What is on file, and the fields to replace it, shown on request.
#[component]
pub(super) fn Contacts(on_file: MaskedContacts) -> impl IntoView {
    let i18n = use_i18n();
    let wizard = wizard();
    let confirm = ServerAction::<api::ConfirmContacts>::new();
    Effect::new(move || {
        if let Some(reply) = confirm.value().get() {
            wizard.apply(reply);
        }
    });
    let updating = RwSignal::new(false);
    let has_landline = on_file.landline.is_some();
    let on_submit = move |ev: SubmitEvent| {
        let form = FormValues::take(&ev);
        confirm.dispatch(api::ConfirmContacts {
            email: form.get("email"),
            mobile: form.get("mobile"),
            landline: form.get("landline"),
            remove_landline: !form.get("remove-landline").is_empty(),
        });
    };
    let landline_on_file = on_file.landline.clone();
    view! {
        <p>{tr!(i18n, rec_contacts_intro)}</p>
        <dl class="rec-on-file">
            <div>
                <dt>{tr!(i18n, gen_email)}</dt>
                <dd>{on_file.email}</dd>
            </div>
            <div>
                <dt>{tr!(i18n, gen_mobile)}</dt>
                <dd>{on_file.mobile}</dd>
            </div>
            <div>
                <dt>{tr!(i18n, rec_landline)}</dt>
                <dd>{move || landline_on_file.clone().unwrap_or_else(|| t_string!(i18n, rec_landline_none).to_owned())}</dd>
            </div>
        </dl>
        <form class="form" on:submit=on_submit novalidate>
            <button
                type="button"
                class="button button-secondary rec-toggle"
                aria-expanded=move || updating.get().to_string()
                aria-controls="rec-update"
                on:click=move |_| updating.update(|open| *open = !*open)
            >
                {tr!(i18n, rec_update_toggle)}
            </button>
            <div id="rec-update" class="form-section rec-update">
                <Show when=move || updating.get()>
                    <p class="field-hint">{tr!(i18n, rec_update_hint)}</p>
                    <TextField
                        name="email"
                        label=Signal::derive(move || t_string!(i18n, rec_new_email).to_owned())
                        hint=Signal::derive(move || Some(t_string!(i18n, rec_new_email_hint).to_owned()))
                        error=wizard.problem("email")
                        input_type="email"
                        autocomplete="email"
                        maxlength=254
                    />
                    <TextField
                        name="mobile"
                        label=Signal::derive(move || t_string!(i18n, rec_new_mobile).to_owned())
                        hint=Signal::derive(move || Some(t_string!(i18n, gen_mobile_hint).to_owned()))
                        error=wizard.problem("mobile")
                        input_type="tel"
                        autocomplete="tel-national"
                        inputmode="tel"
                        maxlength=15
                    />
                    <TextField
                        name="landline"
                        label=Signal::derive(move || t_string!(i18n, rec_new_landline).to_owned())
                        hint=Signal::derive(move || Some(t_string!(i18n, gen_landline_hint).to_owned()))
                        error=wizard.problem("landline")
                        input_type="tel"
                        autocomplete="off"
                        inputmode="tel"
                        maxlength=15
                    />
                    {has_landline.then(|| view! {
                        <div class="field field-check">
                            <input type="checkbox" id="remove-landline" name="remove-landline" value="si" />
                            <label for="remove-landline">{tr!(i18n, rec_remove_landline)}</label>
                        </div>
                    })}
                </Show>
            </div>
            <button type="submit" class="button" disabled=move || confirm.pending().get()>
                {tr!(i18n, rec_confirm)}
            </button>
        </form>
        <RestartButton />
    }
}
