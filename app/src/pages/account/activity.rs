//! "Actividad de seguridad": the latest security events, and how instants are written on the
//! page (Ecuador's time, day first).

use clave_domain::audit::EventKind;
use leptos::prelude::*;
use leptos_i18n::I18nContext;

use super::{
    api::{ACTIVITY_SHOWN, LocalTime},
    page,
};
use crate::i18n::{Locale, t_string, use_i18n};

/// `{day} de {month} de {year}, {time}` with the month's name from a comma-separated list.
fn format_long(at: LocalTime, months: &str, template: &str) -> String {
    let month = months
        .split(',')
        .nth(at.month.saturating_sub(1) as usize)
        .map_or_else(|| at.month.to_string(), |name| name.trim().to_owned());
    template
        .replace("{day}", &at.day.to_string())
        .replace("{month}", &month)
        .replace("{year}", &at.year.to_string())
        .replace("{time}", &format!("{:02}:{:02}", at.hour, at.minute))
}

/// An instant in words, in the page's language ("30 de septiembre de 2026, 14:05").
pub(super) fn long_date(i18n: I18nContext<Locale>, at: LocalTime) -> String {
    format_long(at, t_string!(i18n, months), t_string!(i18n, acct_date_long))
}

/// The event's name in the page's language (also the staff console's).
pub(crate) fn kind_text(i18n: I18nContext<Locale>, kind: EventKind) -> &'static str {
    match kind {
        EventKind::LoginSucceeded => t_string!(i18n, acct_event_login_succeeded),
        EventKind::LoginFailed => t_string!(i18n, acct_event_login_failed),
        EventKind::Locked => t_string!(i18n, acct_event_locked),
        EventKind::Unlocked => t_string!(i18n, acct_event_unlocked),
        EventKind::UnlockRequested => t_string!(i18n, acct_event_unlock_requested),
        EventKind::PasswordSet => t_string!(i18n, acct_event_password_set),
        EventKind::PasswordChanged => t_string!(i18n, acct_event_password_changed),
        EventKind::PasswordReset => t_string!(i18n, acct_event_password_reset),
        EventKind::ContactsChanged => t_string!(i18n, acct_event_contacts_changed),
        EventKind::SessionsEnded => t_string!(i18n, acct_event_sessions_ended),
        EventKind::NotMeReported => t_string!(i18n, acct_event_not_me_reported),
        EventKind::RecoveryBlocked => t_string!(i18n, acct_event_recovery_blocked),
        EventKind::StaffLoginSucceeded => t_string!(i18n, acct_event_staff_login_succeeded),
        EventKind::StaffLoginFailed => t_string!(i18n, acct_event_staff_login_failed),
        EventKind::StaffLocked => t_string!(i18n, acct_event_staff_locked),
        EventKind::StaffLoggedOut => t_string!(i18n, acct_event_staff_logged_out),
        EventKind::InPersonVerified => t_string!(i18n, acct_event_in_person_verified),
        EventKind::VideoCallVerified => t_string!(i18n, acct_event_video_call_verified),
        EventKind::VideoCallFailed => t_string!(i18n, acct_event_video_call_failed),
        EventKind::BlocksCleared => t_string!(i18n, acct_event_blocks_cleared),
        EventKind::ForeignerGenerationEnabled => t_string!(i18n, acct_event_foreigner_generation_enabled),
        EventKind::VentanillaFiled => t_string!(i18n, acct_event_ventanilla_filed),
        EventKind::VentanillaApproved => t_string!(i18n, acct_event_ventanilla_approved),
        EventKind::VentanillaRejected => t_string!(i18n, acct_event_ventanilla_rejected),
    }
}

/// The table of events, newest first.
#[component]
pub(super) fn ActivityTable() -> impl IntoView {
    let i18n = use_i18n();
    let page = page();
    let caption = move || t_string!(i18n, acct_activity_caption).replace("{n}", &ACTIVITY_SHOWN.to_string());
    let rows = move || {
        let events = page.summary.with(|s| s.activity.clone());
        if events.is_empty() {
            return view! { <tr><td colspan="4">{tr!(i18n, acct_activity_empty)}</td></tr> }.into_any();
        }
        events
            .into_iter()
            .map(|event| {
                let ip = event.ip.clone();
                // `data-label`: on a phone each row is a block, every cell labelled by its column.
                view! {
                    <tr>
                        <td class="acct-when" data-label=tr!(i18n, acct_activity_when)>
                            {event.at.short()}
                        </td>
                        <td data-label=tr!(i18n, acct_activity_what)>
                            {move || kind_text(i18n, event.kind)}
                        </td>
                        <td class="acct-ip" data-label=tr!(i18n, acct_activity_ip)>
                            {move || ip.clone().unwrap_or_else(|| t_string!(i18n, acct_ip_unknown).to_owned())}
                        </td>
                        <td data-label=tr!(i18n, acct_activity_browser)>{event.browser}</td>
                    </tr>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <section class="panel acct-activity" aria-labelledby="acct-activity-title">
            <h2 id="acct-activity-title">{tr!(i18n, acct_activity_title)}</h2>
            <p>{tr!(i18n, acct_activity_intro)}</p>
            <table class="activity-table">
                <caption>{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr!(i18n, acct_activity_when)}</th>
                        <th scope="col">{tr!(i18n, acct_activity_what)}</th>
                        <th scope="col">{tr!(i18n, acct_activity_ip)}</th>
                        <th scope="col">{tr!(i18n, acct_activity_browser)}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AT: LocalTime = LocalTime { year: 2026, month: 9, day: 3, hour: 7, minute: 5 };

    #[test]
    fn a_long_date_names_the_month_and_puts_the_day_first() {
        let months = "enero, febrero, marzo, abril, mayo, junio, julio, agosto, septiembre, octubre, noviembre, diciembre";
        assert_eq!(
            format_long(AT, months, "{day} de {month} de {year}, {time}"),
            "3 de septiembre de 2026, 07:05"
        );
    }

    #[test]
    fn a_short_date_is_day_month_year_with_padded_numbers() {
        assert_eq!(AT.short(), "03/09/2026 07:05");
    }

    #[test]
    fn a_month_outside_the_list_is_written_as_its_number() {
        let at = LocalTime { month: 13, ..AT };
        assert_eq!(format_long(at, "enero", "{day} {month}"), "3 13");
    }
}
