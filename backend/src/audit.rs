//! The security activity (DESIGN §2.3 "Mi cuenta", §3 audit log): every security event is appended
//! to a table the database refuses to change, with the browser it came from.

use chrono::{DateTime, Utc};

use crate::store::{AccountStore, NewEvent, StoreError};

/// Where a request came from, as recorded with an event and named in security emails.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    pub ip: Option<String>,
    pub user_agent: Option<String>,
}

impl ClientInfo {
    /// Longest user agent kept: enough to name the browser, bounded against junk.
    const MAX_USER_AGENT: usize = 256;

    pub fn new(ip: Option<String>, user_agent: Option<&str>) -> Self {
        let user_agent = user_agent
            .map(|ua| ua.chars().filter(|c| !c.is_control()).take(Self::MAX_USER_AGENT).collect::<String>());
        Self { ip, user_agent: user_agent.filter(|ua| !ua.is_empty()) }
    }

    /// The IP for an email or a page ("desconocida" when there is none).
    pub fn ip_or_unknown(&self) -> &str {
        self.ip.as_deref().unwrap_or("desconocida")
    }

    /// A short name of the browser for an email ("Chrome en Android"), from its user agent.
    pub fn browser_name(&self) -> String {
        describe_user_agent(self.user_agent.as_deref())
    }
}

/// The client's address. A request from one of the `trusted` reverse proxies carries it in
/// `X-Forwarded-For` (each proxy appends the address it received from): the client is the
/// rightmost address that is not a trusted proxy. From any other peer the header is ignored, since
/// a client can send whatever it likes.
pub fn client_ip<'a>(
    peer: std::net::IpAddr,
    forwarded_for: impl Iterator<Item = &'a str>,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<std::net::IpAddr> =
        forwarded_for.flat_map(|value| value.split(',')).filter_map(|hop| hop.trim().parse().ok()).collect();
    hops.into_iter().rev().find(|hop| !trusted.contains(hop)).unwrap_or(peer)
}

/// Names a browser from its user agent in a few words a person recognises.
pub fn describe_user_agent(user_agent: Option<&str>) -> String {
    let Some(ua) = user_agent else { return "navegador desconocido".to_owned() };
    let browser = [
        ("Edg/", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(marker, _)| ua.contains(marker))
    .map_or("Navegador", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("Windows", "Windows"),
        ("Mac OS X", "Mac"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(marker, _)| ua.contains(marker))
    .map(|(_, name)| name);
    match system {
        Some(system) => format!("{browser} en {system}"),
        None => browser.to_owned(),
    }
}

pub use clave_domain::audit::EventKind;

/// Who acted.
pub const ACTOR_AFFILIATE: &str = "afiliado";
pub const ACTOR_SYSTEM: &str = "sistema";

/// Appends an event done by the affiliate (or by the system on their behalf) from `client`.
pub async fn record(
    store: &dyn AccountStore,
    affiliate_id: i64,
    kind: EventKind,
    actor: &str,
    client: &ClientInfo,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    store.append_event(&NewEvent::new(kind, actor, client).affiliate(affiliate_id), now).await
}

impl NewEvent {
    /// An event of `kind` done by `actor` from `client`; the builder methods add the rest.
    pub fn new(kind: EventKind, actor: &str, client: &ClientInfo) -> Self {
        Self {
            actor: actor.to_owned(),
            kind: kind.as_str().to_owned(),
            ip: client.ip.clone(),
            user_agent: client.user_agent.clone(),
            ..Self::default()
        }
    }

    /// The affiliate the event is about.
    pub fn affiliate(self, affiliate_id: i64) -> Self {
        Self { affiliate_id: Some(affiliate_id), ..self }
    }

    /// The case it belongs to: a Ventanilla case number, `CAU-n` or `VID-n`.
    pub fn case(self, case_number: impl Into<String>) -> Self {
        Self { case_number: Some(case_number.into()), ..self }
    }

    /// Why a staff member did it.
    pub fn reason(self, reason: &str) -> Self {
        Self { reason: Some(reason.to_owned()), ..self }
    }
}

#[cfg(test)]
mod tests {
    use std::net::IpAddr;

    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn the_client_address_is_read_from_x_forwarded_for_only_behind_a_trusted_proxy() {
        let proxy = ip("10.0.0.2");
        let trusted = [proxy, ip("10.0.0.3")];
        // Straight from the client: whatever it writes in the header is ignored.
        assert_eq!(client_ip(ip("198.51.100.4"), ["1.2.3.4"].into_iter(), &trusted), ip("198.51.100.4"));
        // Through nginx: the address nginx appended, not the one the client made up before it.
        assert_eq!(client_ip(proxy, ["1.2.3.4, 198.51.100.4"].into_iter(), &trusted), ip("198.51.100.4"));
        // Through two trusted proxies, in two headers.
        assert_eq!(
            client_ip(proxy, ["1.2.3.4, 198.51.100.4", "10.0.0.3"].into_iter(), &trusted),
            ip("198.51.100.4")
        );
        // A trusted proxy that sent no usable header is itself the client.
        assert_eq!(client_ip(proxy, ["basura"].into_iter(), &trusted), proxy);
        assert_eq!(client_ip(proxy, std::iter::empty(), &[]), proxy);
    }

    #[test]
    fn browsers_are_named_in_plain_words() {
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) \
                       Chrome/126.0 Mobile Safari/537.36";
        assert_eq!(describe_user_agent(Some(android)), "Chrome en Android");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/126.0 Safari/537.36 Edg/126.0";
        assert_eq!(describe_user_agent(Some(edge)), "Edge en Windows");
        assert_eq!(describe_user_agent(Some("curl/8.0")), "Navegador");
        assert_eq!(describe_user_agent(None), "navegador desconocido");
    }

    #[test]
    fn a_user_agent_is_bounded_and_stripped_of_control_characters() {
        let client = ClientInfo::new(None, Some(&format!("a\nb{}", "x".repeat(1000))));
        let ua = client.user_agent.expect("kept");
        assert!(ua.starts_with("ab") && ua.chars().count() == ClientInfo::MAX_USER_AGENT);
        assert_eq!(ClientInfo::new(None, Some("\n")).user_agent, None);
    }
}
