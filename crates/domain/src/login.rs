//! Who is logging in: how a Usedesk account is named on the login confirmation, which Usedesk accounts the
//! operator lets connect to which amoCRM accounts, and the notices the other connections of an amoCRM account
//! receive when one more Usedesk account connects to it.

use std::time::Duration;

use amocrm::AccountHost;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

use crate::model::BlockNotice;
use crate::service::Domain;
use crate::store::{Connection, ConnectionId, ConnectionNotice};

/// How many hex digits of the account hash name a Usedesk account on pages and in pins.
pub const FINGERPRINT_LEN: usize = 12;
/// The most e-mail domains a label names.
const MAX_DOMAINS: usize = 3;
/// How long the login confirmation waits for Usedesk to list the account's agents.
const DESCRIBE_TIMEOUT: Duration = Duration::from_secs(3);
/// The notice kind written when another Usedesk account connects to the same amoCRM account.
const OTHER_ACCOUNT_CONNECTED: &str = "other_account_connected";

/// A Usedesk account as people can recognise it: the e-mail domains and number of its agents (when Usedesk
/// answered), and always the short fingerprint of its identity (what login pins name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsedeskAccountLabel {
    /// The first [`FINGERPRINT_LEN`] hex digits of the account's identity hash.
    pub fingerprint: String,
    /// The agents' e-mail domains, most common first (at most three); empty when unknown.
    #[serde(default)]
    pub domains: Vec<String>,
    /// How many agents the account has; `None` when Usedesk did not say.
    #[serde(default)]
    pub agents: Option<usize>,
}

impl UsedeskAccountLabel {
    /// The label of an account known only by its identity hash.
    pub fn unnamed(usedesk_account: &str) -> Self {
        Self {
            fingerprint: fingerprint(usedesk_account),
            domains: Vec::new(),
            agents: None,
        }
    }
}

/// The short fingerprint of a Usedesk account's identity hash.
pub fn fingerprint(usedesk_account: &str) -> String {
    usedesk_account.chars().take(FINGERPRINT_LEN).collect()
}

/// The operator's rule "this Usedesk account may connect to these amoCRM accounts". When any pin is
/// configured, a login for a pair no pin names is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginPin {
    /// The account's fingerprint as the confirmation page shows it (or its whole identity hash); a leading
    /// `#` is ignored.
    pub usedesk_account: String,
    /// The amoCRM accounts it may connect to, e.g. `https://hogwarts.amocrm.ru`.
    pub amo_hosts: Vec<String>,
}

impl LoginPin {
    /// The fingerprint as compared: lower case, without `#` and spaces.
    fn account(&self) -> String {
        self.usedesk_account
            .trim()
            .trim_start_matches('#')
            .to_ascii_lowercase()
    }

    /// Why this pin can never match anything, if so (for `check-config`).
    pub fn problem(&self) -> Option<String> {
        let account = self.account();
        if account.len() < FINGERPRINT_LEN || !account.chars().all(|c| c.is_ascii_hexdigit()) {
            return Some(format!(
                "usedesk_account {:?} is not a fingerprint of {FINGERPRINT_LEN} or more hex digits",
                self.usedesk_account
            ));
        }
        if self.amo_hosts.is_empty() {
            return Some(format!(
                "the pin of {:?} names no amo_hosts",
                self.usedesk_account
            ));
        }
        None
    }
}

/// Whether `pins` let the Usedesk account (identity hash) connect to `host`; `parse` normalises a pinned host.
fn pinned(
    pins: &[LoginPin],
    usedesk_account: &str,
    host: &AccountHost,
    parse: impl Fn(&str) -> Option<AccountHost>,
) -> bool {
    pins.is_empty()
        || pins.iter().any(|pin| {
            let account = pin.account();
            account.len() >= FINGERPRINT_LEN
                && usedesk_account.starts_with(&account)
                && pin
                    .amo_hosts
                    .iter()
                    .filter_map(|h| parse(h))
                    .any(|h| h.as_str() == host.as_str())
        })
}

/// The label of an account from its agents' e-mail addresses.
fn label_from_agents<'a>(
    usedesk_account: &str,
    emails: impl Iterator<Item = Option<&'a str>>,
) -> UsedeskAccountLabel {
    let mut count = 0usize;
    let mut domains: Vec<(String, usize)> = Vec::new();
    for email in emails {
        count += 1;
        let Some(domain) = email
            .and_then(|e| e.trim().rsplit_once('@'))
            .map(|(_, d)| d.trim().to_ascii_lowercase())
            .filter(|d| !d.is_empty() && d.len() <= 100)
        else {
            continue;
        };
        match domains.iter_mut().find(|(d, _)| *d == domain) {
            Some((_, n)) => *n += 1,
            None => domains.push((domain, 1)),
        }
    }
    // Most common first; ties in alphabetical order, so the label is stable.
    domains.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    UsedeskAccountLabel {
        fingerprint: fingerprint(usedesk_account),
        domains: domains
            .into_iter()
            .take(MAX_DOMAINS)
            .map(|(d, _)| d)
            .collect(),
        agents: Some(count),
    }
}

/// What a notice of the kind `other_account_connected` carries.
#[derive(Serialize, Deserialize)]
struct OtherAccountDetail {
    account: UsedeskAccountLabel,
}

impl Domain {
    /// The Usedesk account behind `token`, named by its agents (`POST /users`, with a short timeout); only its
    /// fingerprint when Usedesk does not answer.
    pub async fn describe_usedesk_account(&self, token: &SecretString) -> UsedeskAccountLabel {
        let account = Self::usedesk_account(token);
        let timeout = DESCRIBE_TIMEOUT.min(self.config().request_timeout);
        let client = self.usedesk_client(token).with_timeout(timeout);
        match tokio::time::timeout(timeout, client.users()).await {
            Ok(Ok(users)) => label_from_agents(&account, users.iter().map(|u| u.email.as_deref())),
            Ok(Err(e)) => {
                tracing::info!(error = %crate::Report(&e), "Usedesk did not list the account's agents");
                UsedeskAccountLabel::unnamed(&account)
            }
            Err(_) => {
                tracing::info!("Usedesk did not list the account's agents in time");
                UsedeskAccountLabel::unnamed(&account)
            }
        }
    }

    /// Whether the operator's login pins let the Usedesk account behind `token` connect to `host` (always, when
    /// no pin is configured).
    pub fn login_allowed(&self, token: &SecretString, host: &AccountHost) -> bool {
        pinned(
            &self.config().login_pins,
            &Self::usedesk_account(token),
            host,
            |raw| self.parse_host(raw).ok(),
        )
    }

    /// Tells the other connections of the new connection's amoCRM account that `account` connected to it.
    pub(crate) async fn notify_other_connections(
        &self,
        connection: &Connection,
        account: &UsedeskAccountLabel,
    ) {
        let detail = serde_json::to_string(&OtherAccountDetail {
            account: account.clone(),
        })
        .expect("a label always serialises");
        match self
            .store()
            .add_host_notice(
                &connection.amo_host,
                connection.id,
                OTHER_ACCOUNT_CONNECTED,
                &detail,
                crate::now(),
            )
            .await
        {
            Ok(0) => {}
            Ok(reached) => {
                tracing::info!(
                    connection = %connection.id,
                    reached,
                    "the other connections of this amoCRM account are told of the new one"
                );
                self.inner.notice_flags.invalidate(|_| true);
            }
            Err(e) => {
                tracing::error!(error = %crate::Report(&e), connection = %connection.id, "could not record the connection notices");
            }
        }
    }

    /// The notices a block of this connection shows now: each is returned once, then it is seen. The store is
    /// asked only when it said recently that there are some (or did not say for a few seconds).
    pub(crate) async fn take_notices(&self, id: ConnectionId) -> Vec<BlockNotice> {
        let pending = self
            .inner
            .notice_flags
            .get_or_load(
                &id,
                || async { self.store().has_unseen_notices(id).await },
                |_| false,
            )
            .await;
        match pending {
            Ok(flag) if *flag.value => {}
            Ok(_) => return Vec::new(),
            Err(e) => {
                tracing::warn!(error = %crate::Report(&e), "could not read the connection notices");
                return Vec::new();
            }
        }
        self.inner.notice_flags.invalidate(|k| *k == id);
        match self.store().take_unseen_notices(id, crate::now()).await {
            Ok(notices) => notices.iter().filter_map(block_notice).collect(),
            Err(e) => {
                tracing::warn!(error = %crate::Report(&e), "could not take the connection notices");
                Vec::new()
            }
        }
    }
}

/// A stored notice as the block shows it; notices of unknown kinds are skipped.
fn block_notice(notice: &ConnectionNotice) -> Option<BlockNotice> {
    match notice.kind.as_str() {
        OTHER_ACCOUNT_CONNECTED => {
            let detail: OtherAccountDetail = serde_json::from_str(&notice.detail).ok()?;
            Some(BlockNotice::OtherAccountConnected {
                account: detail.account,
                at: notice.created_at,
            })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(raw: &str) -> Option<AccountHost> {
        AccountHost::parse(raw, &amocrm::HostPolicy::default()).ok()
    }

    #[test]
    fn an_account_is_labelled_by_its_agents_domains_most_common_first() {
        let emails = [
            Some("a@Hogwarts.example"),
            Some("b@hogwarts.example"),
            Some("c@gmail.com"),
            None,
            Some("not-an-address"),
        ];

        let label = label_from_agents("a1b2c3d4e5f6a7b8", emails.into_iter());

        assert_eq!(label.fingerprint, "a1b2c3d4e5f6");
        assert_eq!(label.domains, vec!["hogwarts.example", "gmail.com"]);
        assert_eq!(label.agents, Some(5));
    }

    #[test]
    fn without_pins_every_pair_may_connect_and_with_pins_only_the_pinned_ones() {
        let account = "a1b2c3d4e5f6a7b8c9d0";
        let hogwarts = host("https://hogwarts.amocrm.ru").unwrap();
        let durmstrang = host("durmstrang.amocrm.ru").unwrap();
        let pins = vec![LoginPin {
            usedesk_account: "#A1B2C3D4E5F6".into(),
            amo_hosts: vec!["hogwarts.amocrm.ru".into()],
        }];

        assert!(pinned(&[], account, &durmstrang, host));
        assert!(pinned(&pins, account, &hogwarts, host));
        assert!(!pinned(&pins, account, &durmstrang, host));
        assert!(!pinned(&pins, "ffffffffffffffff", &hogwarts, host));
    }

    #[test]
    fn a_pin_with_a_short_fingerprint_matches_nothing_and_says_why() {
        let pin = LoginPin {
            usedesk_account: "a1b2".into(),
            amo_hosts: vec!["hogwarts.amocrm.ru".into()],
        };
        let hogwarts = host("hogwarts.amocrm.ru").unwrap();

        assert!(!pinned(
            std::slice::from_ref(&pin),
            "a1b2c3d4e5f6",
            &hogwarts,
            host
        ));
        assert!(pin.problem().is_some());
    }
}
