//! The domain's own types: what the block shows and what the actions take, free of either API's wire JSON.

use serde::{Deserialize, Serialize};

use crate::store::ConnectionId;

/// A user of the amoCRM account, by id, with a name when the account lets us read users.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRef {
    /// The amoCRM user id.
    pub id: i64,
    /// The user's name; `None` when users are not readable (the users API is admin-only).
    pub name: Option<String>,
}

/// A contact as the block shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactView {
    /// The amoCRM contact id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its phones as written in amoCRM.
    pub phones: Vec<String>,
    /// Its e-mails as written in amoCRM.
    pub emails: Vec<String>,
    /// Its responsible user.
    pub responsible: Option<UserRef>,
    /// Last change, unix seconds.
    pub updated_at: i64,
    /// The contact's page in amoCRM.
    pub url: String,
    /// Whether this contact is the one linked to the Usedesk client.
    pub linked: bool,
    /// Which of the client's identifiers matched (normalised), for the agent to see why it is shown.
    pub matched_by: Vec<String>,
    /// The contact's deals, newest first.
    pub deals: Vec<DealView>,
    /// The contact's company, when it has one and is the only contact shown (read beside its deals).
    #[serde(default)]
    pub company: Option<CompanyRef>,
    /// The contact's own open tasks, soonest due first (read beside its deals).
    #[serde(default)]
    pub tasks: crate::tasks::OpenTasks,
}

/// A company as the block names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyRef {
    /// The amoCRM company id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// The company's page in amoCRM.
    pub url: String,
    /// Its deals that are not the contact's, as read: open ones first, each group newest first.
    #[serde(default)]
    pub deals: Vec<DealView>,
    /// How many of its deals that are not the contact's were not read (beyond the bound, or amoCRM failed).
    #[serde(default)]
    pub unread_deals: usize,
}

/// Whether a deal is still being worked on, or closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DealKind {
    /// In a regular or incoming stage.
    Open,
    /// In the system stage 142.
    Won,
    /// In the system stage 143.
    Lost,
}

impl DealKind {
    /// The kind of a deal in stage `status_id`.
    pub fn of_status(status_id: i64) -> Self {
        match status_id {
            142 => Self::Won,
            143 => Self::Lost,
            _ => Self::Open,
        }
    }
}

/// A pipeline stage with what the block needs to draw it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageView {
    /// The stage (status) id.
    pub id: i64,
    /// Its name; the id as text when unknown.
    pub name: String,
    /// Its colour, `#rrggbb`, validated (anything else becomes a neutral grey).
    pub color: String,
}

/// A deal as the block shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealView {
    /// The amoCRM lead id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its price, in the account's currency.
    pub price: Option<i64>,
    /// The pipeline's id and name.
    pub pipeline: (i64, String),
    /// The stage.
    pub stage: StageView,
    /// Open, won or lost.
    pub kind: DealKind,
    /// Its responsible user.
    pub responsible: Option<UserRef>,
    /// Created, unix seconds.
    pub created_at: i64,
    /// Last change, unix seconds.
    pub updated_at: i64,
    /// The values of the fields chosen for this view, in the chosen order.
    pub fields: Vec<FieldShown>,
    /// The deal's page in amoCRM.
    pub url: String,
    /// An open deal's open tasks, soonest due first (read beside the deals; none on closed deals).
    #[serde(default)]
    pub tasks: crate::tasks::OpenTasks,
}

/// One chosen field's label and value, ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldShown {
    /// The field.
    pub key: crate::FieldKey,
    /// The field's name in amoCRM, or a built-in key's name left to the view to translate.
    pub label: FieldLabel,
    /// The value as text; `None` when empty.
    pub value: Option<FieldText>,
}

/// A field's label: a built-in field (translated by the view) or a custom field's own name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldLabel {
    /// A built-in field, by key.
    Builtin(String),
    /// A custom field's name as set in amoCRM.
    Custom(String),
}

/// A value shown to the agent: plain text, or something the view formats in the agent's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldText {
    /// Text as it is.
    Text(String),
    /// A date or time, unix seconds.
    Date(i64),
    /// A yes/no value.
    Flag(bool),
    /// An amount of the account's currency.
    Money(i64),
    /// A link.
    Url(String),
}

/// The client of the ticket, as Usedesk sent it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct TicketClient {
    /// The Usedesk ticket id.
    pub ticket_id: Option<i64>,
    /// The Usedesk client id.
    pub client_id: Option<i64>,
    /// The client's name.
    pub name: Option<String>,
    /// Phones as Usedesk sent them.
    pub phones: Vec<String>,
    /// E-mails as Usedesk sent them.
    pub emails: Vec<String>,
}

/// The account-wide facts the views need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    /// The account's name.
    pub name: String,
    /// ISO currency code, e.g. `RUB`.
    pub currency: String,
    /// The currency's symbol, e.g. `₽`.
    pub currency_symbol: Option<String>,
    /// The account's time zone as amoCRM reports it: an IANA name (`Europe/Moscow`), or its offset (`+03:00`)
    /// when the name is missing or unknown; `None` when the account reports neither.
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// What the block shows for a ticket once a connection exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockData {
    /// The connection (Integration ID).
    pub connection_id: ConnectionId,
    /// The account.
    pub account: AccountView,
    /// The ticket's client.
    pub client: TicketClient,
    /// The normalised identifiers searched.
    pub identifiers: Vec<String>,
    /// Matching contacts: the linked one alone when linked, else all, most recently updated first.
    pub contacts: Vec<ContactView>,
    /// Whether the contacts shown come from a link.
    pub linked: bool,
    /// When the data is not fresh: the unix time it was fetched (amoCRM was slow, busy or down).
    pub stale_as_of: Option<i64>,
    /// How many of the client's distinct phones and e-mails were not searched (beyond the per-block cap).
    #[serde(default)]
    pub not_searched: usize,
    /// Which load produced this data: equal ids mean equal data (a render served from the cache), so a
    /// caller may keep what it made from it.
    #[serde(default)]
    pub render_id: u64,
    /// What the block says once above the data (never part of cached data: each notice is handed out once).
    #[serde(default)]
    pub notices: Vec<BlockNotice>,
    /// The stages the open deals shown can be moved to in place, for each pipeline one of them is in (from the
    /// metadata the render loaded anyway).
    #[serde(default)]
    pub pipelines: Vec<PipelineStages>,
}

/// A pipeline's regular stages (not incoming, not won or lost), in amoCRM's order: where the block moves a deal of
/// that pipeline in place. Won and lost are the same two stages in every pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineStages {
    /// The pipeline id.
    pub id: i64,
    /// Its regular stages.
    pub stages: Vec<StageView>,
}

/// Something a connection's block says once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BlockNotice {
    /// Another Usedesk account connected to this connection's amoCRM account.
    OtherAccountConnected {
        /// That account.
        account: crate::login::UsedeskAccountLabel,
        /// When, unix seconds.
        at: i64,
    },
}

/// A created contact or deal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedRef {
    /// The amoCRM id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Its page in amoCRM.
    pub url: String,
}

/// A contact's page in amoCRM, under the account's base URL (no trailing slash).
pub(crate) fn contact_url(base: &str, id: i64) -> String {
    format!("{base}/contacts/detail/{id}")
}

/// A company's page in amoCRM, under the account's base URL (no trailing slash).
pub(crate) fn company_url(base: &str, id: i64) -> String {
    format!("{base}/companies/detail/{id}")
}

/// A deal's page in amoCRM, under the account's base URL (no trailing slash).
pub(crate) fn deal_url(base: &str, id: i64) -> String {
    format!("{base}/leads/detail/{id}")
}
