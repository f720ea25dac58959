//! Signed action tokens: what every link and form of the block carries in its field `t`.
//!
//! A token is `base64url(JSON claims) "." base64url(HMAC-SHA256(claims))`. The claims hold every
//! identity the action touches — connection, ticket, client, and the contact or deal — so a form
//! field can never redirect an action to another ticket or another tenant. Tokens expire; the
//! ones that authorise a write carry a nonce that the store lets through once.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::ActionContext;
use domain::store::ConnectionId;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::Error;
use crate::keys;

/// What a token allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ActionKind {
    /// Open the new-contact form.
    AddContact,
    /// Create the contact the form describes (a write).
    CreateContact,
    /// Link the client to the subject contact (a write).
    Link,
    /// Remove the client's link (a write).
    Unlink,
    /// Open the new-deal form for the subject contact.
    NewDeal,
    /// Create the deal the form describes, for the subject contact (a write).
    CreateDeal,
    /// Open the subject deal's card.
    Deal,
    /// Post a comment on the subject deal (a write).
    Comment,
    /// Open the field settings.
    Settings,
    /// Save the field settings (a write).
    SaveSettings,
    /// Create or rotate the connection's trigger secret, and show it once (a write).
    TriggerSecret,
    /// Open the connection's page: amoCRM account and user, webhook, Disconnect and Reconnect.
    Connection,
    /// Disconnect: delete the tokens, unsubscribe the webhook, keep the settings only when asked (a write).
    Disconnect,
    /// Turn the stage-change comments in tickets on or off (a write; the subject is 1 for on, 0 for off).
    StageComments,
    /// Search the account's contacts by name, phone, e-mail or company (a page; reads only).
    Search,
    /// Add one of the client's phones or e-mails to the subject contact (a write).
    AddContactValue,
    /// Open the subject contact's tasks (a page; `call=1` prefills a call-back task).
    Tasks,
    /// Create a task on the subject contact (a write).
    CreateTask,
    /// Complete the subject task with a result (a write).
    CompleteTask,
    /// Open the subject contact's edit form (name, responsible).
    EditContact,
    /// Save the subject contact's name and responsible user (a write).
    SaveContact,
    /// Change the subject deal's stage, budget, responsible user and fields (a write).
    ChangeDeal,
    /// Move the subject deal to another stage and change nothing else: the block's stage select (a write).
    MoveDeal,
}

impl ActionKind {
    /// The path of the route the token is for, under the public URL: a kind names its route once, so a link
    /// and its kind can never disagree.
    pub(crate) fn path(self) -> &'static str {
        match self {
            Self::AddContact | Self::CreateContact => "action/contact",
            Self::Link => "action/link",
            Self::Unlink => "action/unlink",
            Self::NewDeal | Self::CreateDeal => "action/deal",
            Self::Deal => "deal",
            Self::Comment => "action/comment",
            Self::Settings | Self::SaveSettings => "action/settings",
            Self::TriggerSecret => "action/trigger-secret",
            Self::Connection => "action/connection",
            Self::Disconnect => "action/disconnect",
            Self::StageComments => "action/stage-comments",
            Self::Search => "action/search",
            Self::AddContactValue => "action/contact-value",
            Self::Tasks | Self::CreateTask => "action/tasks",
            Self::CompleteTask => "action/task-complete",
            Self::EditContact | Self::SaveContact => "action/contact-edit",
            Self::ChangeDeal => "action/deal-change",
            Self::MoveDeal => "action/deal-stage",
        }
    }

    /// Whether the token carries the agent's name: the actions that create something leave a note naming who
    /// created it. The many per-deal and per-contact tokens of a block stay short without it.
    fn carries_agent(self) -> bool {
        !matches!(
            self,
            Self::Link
                | Self::Unlink
                | Self::Deal
                | Self::Settings
                | Self::SaveSettings
                | Self::TriggerSecret
                | Self::ChangeDeal
                | Self::MoveDeal
        )
    }

    /// Whether the token travels in a GET link's query — where browser history and proxy logs keep it — and
    /// opens a page that shows something or hands out further tokens. Such links live shorter.
    pub(crate) fn is_page_link(self) -> bool {
        matches!(
            self,
            Self::AddContact
                | Self::NewDeal
                | Self::Deal
                | Self::Settings
                | Self::Connection
                | Self::Search
                | Self::Tasks
                | Self::EditContact
        )
    }
}

/// Who an action is for: the part of the claims every token of one block shares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scope {
    /// The connection.
    pub(crate) connection: ConnectionId,
    /// The Usedesk ticket.
    pub(crate) ticket: Option<i64>,
    /// The Usedesk client.
    pub(crate) client: Option<i64>,
    /// The agent's language.
    pub(crate) lang: i18n::Lang,
    /// The time zone the block showed times in (typed dates are read in it, pages show it).
    pub(crate) zone: Option<String>,
    /// The agent, as the block request named them.
    pub(crate) agent: Option<String>,
}

/// A token's content.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Claims {
    #[serde(rename = "c")]
    pub(crate) connection: ConnectionId,
    #[serde(rename = "t", default, skip_serializing_if = "Option::is_none")]
    pub(crate) ticket: Option<i64>,
    #[serde(rename = "u", default, skip_serializing_if = "Option::is_none")]
    pub(crate) client: Option<i64>,
    #[serde(rename = "k")]
    pub(crate) kind: ActionKind,
    #[serde(rename = "s", default, skip_serializing_if = "Option::is_none")]
    pub(crate) subject: Option<i64>,
    /// The contact a deal's card was opened from: the card reads it beside the deal.
    #[serde(rename = "o", default, skip_serializing_if = "Option::is_none")]
    pub(crate) contact: Option<i64>,
    #[serde(rename = "l")]
    pub(crate) lang: String,
    #[serde(rename = "z", default, skip_serializing_if = "Option::is_none")]
    pub(crate) zone: Option<String>,
    #[serde(rename = "a", default, skip_serializing_if = "Option::is_none")]
    pub(crate) agent: Option<String>,
    #[serde(rename = "e")]
    pub(crate) exp: i64,
    #[serde(rename = "n")]
    pub(crate) nonce: String,
}

impl Claims {
    /// The scope the claims were made for.
    pub(crate) fn scope(&self) -> Scope {
        Scope {
            connection: self.connection,
            ticket: self.ticket,
            client: self.client,
            lang: self.lang(),
            zone: self.zone.clone(),
            agent: self.agent.clone(),
        }
    }

    /// The zone the token's pages show times in: the block's, else the operator's or UTC.
    pub(crate) fn zone(&self, domain: &domain::Domain) -> &'static domain::Zone {
        domain.zone(self.zone.as_deref(), None).shared()
    }

    /// The agent's language.
    pub(crate) fn lang(&self) -> i18n::Lang {
        i18n::Lang::from_code(&self.lang).unwrap_or_default()
    }

    /// Who acts and from where, for the domain.
    pub(crate) fn context(&self) -> ActionContext {
        ActionContext {
            connection_id: self.connection,
            ticket_id: self.ticket,
            client_id: self.client,
            actor: "agent".into(),
            lang: self.lang(),
            time_zone: self.zone.clone(),
            agent: self.agent.clone(),
        }
    }
}

/// Signs and verifies tokens with the action key.
pub(crate) struct Signer {
    key: [u8; 32],
}

impl Signer {
    pub(crate) fn new(key: [u8; 32]) -> Self {
        Self { key }
    }

    fn mac(&self) -> Hmac<Sha256> {
        <Hmac<Sha256> as Mac>::new_from_slice(&self.key).expect("HMAC accepts a 32-byte key")
    }

    /// A token for `kind` (about `subject`, when the action has one, and for a deal's card the `contact` it was
    /// opened from) valid until `exp`.
    pub(crate) fn sign(
        &self,
        scope: &Scope,
        kind: ActionKind,
        (subject, contact): (Option<i64>, Option<i64>),
        exp: i64,
    ) -> String {
        let claims = Claims {
            connection: scope.connection,
            ticket: scope.ticket,
            client: scope.client,
            kind,
            subject,
            contact,
            lang: scope.lang.code().to_owned(),
            zone: scope.zone.clone(),
            agent: scope.agent.clone().filter(|_| kind.carries_agent()),
            exp,
            nonce: keys::nonce(),
        };
        let json = serde_json::to_vec(&claims).expect("claims always serialise");
        let payload = URL_SAFE_NO_PAD.encode(json);
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{payload}.{signature}")
    }

    /// The claims of a genuine, unexpired token of one of `kinds`.
    ///
    /// The signature is checked first, in constant time, so nothing of a forged token is read.
    pub(crate) fn verify(
        &self,
        token: &str,
        kinds: &[ActionKind],
        now: i64,
    ) -> Result<Claims, Error> {
        let (payload, signature) = token
            .trim()
            .split_once('.')
            .ok_or(Error::TokenInvalid("not a token"))?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| Error::TokenInvalid("signature is not base64url"))?;
        let mut mac = self.mac();
        mac.update(payload.as_bytes());
        mac.verify_slice(&signature)
            .map_err(|_| Error::TokenInvalid("bad signature"))?;
        let json = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| Error::TokenInvalid("payload is not base64url"))?;
        let claims: Claims =
            serde_json::from_slice(&json).map_err(|_| Error::TokenInvalid("unreadable claims"))?;
        if !kinds.contains(&claims.kind) {
            return Err(Error::TokenInvalid("token is for another action"));
        }
        if claims.exp <= now {
            return Err(Error::TokenExpired);
        }
        Ok(claims)
    }
}
