//! What the HTTP layer hands to the views: domain data plus the ready-made, signed URLs of every action.
//!
//! The views never sign, fetch or decide; the HTTP layer never writes HTML. Every URL here is absolute
//! (built from the configured public URL) and already carries its signed token.

use domain::model::BlockData;
use domain::{DealCard, DealForm, Degradation, FieldError, FieldSettings, UsedeskAccountLabel};

mod pages;

pub use pages::{
    ConnectionPage, DealEditPage, SearchPage, SearchProblem, TasksPage, TriggerSecretPage,
    TriggerSecretSection,
};

/// One signed action: where a form posts (or a link points) and the token it carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Action {
    /// The absolute URL of the service's page or endpoint.
    pub url: String,
    /// The signed token, sent as the form field (or query parameter) `t`.
    pub token: String,
}

/// The actions available on one contact of the block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactActions {
    /// The contact id.
    pub contact_id: i64,
    /// Link the Usedesk client to this contact (offered when several are shown and none is linked).
    pub link: Option<Action>,
    /// Undo the link (offered on the linked contact).
    pub unlink: Option<Action>,
    /// Open the new-deal form for this contact (GET page in a new tab).
    pub new_deal: Action,
    /// Open each deal's card (GET page in a new tab), by lead id; the token names the contact, which the card
    /// reads beside the deal.
    pub deals: Vec<(i64, Action)>,
    /// Post a quick comment (in place), by lead id: only on the deals the block shows unfolded (the first open
    /// ones); the others are commented on their card.
    pub comments: Vec<(i64, Action)>,
    /// Move a deal to another stage (in place), by lead id: on the same deals as the quick comment.
    pub moves: Vec<(i64, Action)>,
    /// Add one of the client's phones or e-mails the contact lacks (POST, in place), one per value.
    pub add_values: Vec<ValueAction>,
    /// Open the contact's tasks (GET page in a new tab; with `call=1` a call-back task is prefilled).
    pub tasks: Option<Action>,
    /// Complete a task with a result (POST, in place), by task id: only the tasks the block shows.
    pub complete_tasks: Vec<(i64, Action)>,
    /// Open the contact's edit form: name and responsible (GET page in a new tab).
    pub edit: Option<Action>,
}

impl ContactActions {
    /// The card of deal `deal_id` (the contact's or its company's), when the block signed one.
    pub fn card(&self, deal_id: i64) -> Option<&Action> {
        self.deals
            .iter()
            .find(|(id, _)| *id == deal_id)
            .map(|(_, action)| action)
    }
}

/// "Add +44 20 7946 0958 to this contact": the value, the form field it goes in, and the signed action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValueAction {
    /// `phone` or `email`: the form field the value is sent in.
    pub field: &'static str,
    /// The value (a phone in E.164 form, or an e-mail).
    pub value: String,
    /// Where the form posts.
    pub action: Action,
}

/// Everything actionable in a block with data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockActions {
    /// Per contact, in the order of `BlockData::contacts`.
    pub contacts: Vec<ContactActions>,
    /// The "Add to amoCRM" form (GET page in a new tab; the client's name, phones and e-mails go as
    /// query fields `name`, `phone`, `email` — repeated — to prefill it).
    pub add_contact: Action,
    /// "Add to amoCRM" in one click: creates the contact from the client's name, phones and e-mails, sent
    /// as the hidden fields `name`, `phone`, `email` (in place, or a page in a new tab).
    pub create_contact: Action,
    /// The contacts this connection created moments ago: the block marks them as new.
    pub new_contacts: Vec<i64>,
    /// The deals this connection created moments ago: the block marks them as new.
    pub new_deals: Vec<i64>,
    /// The gear: choose fields (GET page in a new tab).
    pub settings: Action,
    /// The search form (GET page in a new tab; the query goes as `q`).
    pub search: Action,
}

/// What the block shows.
#[derive(Debug, Clone)]
pub enum BlockView {
    /// `amo_base_host` is missing from the block's POST parameters.
    MissingHost,
    /// `amo_base_host` is not an amoCRM / Kommo host we may call.
    RefusedHost {
        /// The value as sent.
        host: String,
        /// A short reference id the admin can find in the log.
        reference: String,
    },
    /// The OAuth client id/secret/redirect URI are not configured on the server.
    OAuthNotConfigured {
        /// A short reference id the admin can find in the log.
        reference: String,
    },
    /// The block's secret key is wrong or missing.
    BadSecret,
    /// `usedesk_api_token` is missing from the block's POST parameters.
    MissingUsedeskToken,
    /// No connection, or access was revoked: "Login to amoCRM" opens `login_url` in a new tab.
    NeedsLogin {
        /// `/oauth/start?...` with its sealed context.
        login_url: String,
        /// Whether a connection existed and lost access (say "access expired" rather than "not connected").
        expired: bool,
    },
    /// Contacts (possibly none) and their deals.
    Data {
        /// The data (its `stale_as_of` is set when amoCRM did not answer and this is the last known data).
        data: Box<BlockData>,
        /// The actions.
        actions: Box<BlockActions>,
        /// Why the data is stale, when it is.
        stale_reason: Option<Degradation>,
    },
    /// No data at all could be shown.
    Degraded {
        /// Why.
        reason: Degradation,
        /// A short reference id the admin can find in the log.
        reference: String,
        /// The amoCRM account's address, when known: "Open in amoCRM" stays as a way out.
        account_url: Option<String>,
    },
}

/// A standalone page (opened in a new tab from the block).
#[derive(Debug, Clone)]
pub enum PageView {
    /// Before amoCRM's consent page: which Usedesk account is about to be connected to which amoCRM account,
    /// what that means, and the button that goes on.
    LoginConfirm {
        /// The Usedesk account.
        account: UsedeskAccountLabel,
        /// The amoCRM account host.
        host: String,
        /// Where the button posts (`/oauth/start`).
        submit: String,
        /// The sealed login context the form carries back (`s`).
        sealed: String,
    },
    /// "You have successfully authorized!": both accounts, and that every agent of the Usedesk account now
    /// has access.
    OAuthSuccess {
        /// The amoCRM account host.
        host: String,
        /// The Usedesk account now connected.
        account: UsedeskAccountLabel,
        /// The amoCRM user the block's actions appear as, when known.
        user: Option<String>,
    },
    /// The OAuth flow failed: why.
    OAuthFailure(OAuthFailure),
    /// The new-contact form, prefilled; `errors` after a refused submit.
    ContactForm {
        /// Where the form posts.
        submit: Action,
        /// Prefilled name.
        name: String,
        /// Prefilled phones.
        phones: Vec<String>,
        /// Prefilled e-mails.
        emails: Vec<String>,
        /// The company's name, as typed (or prefilled).
        company: String,
        /// Several companies have exactly that name: the agent chooses one, or a new one.
        company_choice: Vec<domain::CompanyOption>,
        /// Errors of a refused submit.
        errors: Vec<FieldError>,
        /// Why amoCRM did not take the submit, when it did not: the form comes back with the values kept.
        problem: Option<Problem>,
    },
    /// The new-deal form.
    DealForm {
        /// Where the form posts.
        submit: Action,
        /// Where the form is reloaded (GET) to show the fields required by another stage.
        reload: Action,
        /// What can be chosen.
        form: Box<DealForm>,
        /// The chosen (pipeline, stage), which decides which fields are required.
        stage: Option<domain::StageRef>,
        /// The values entered so far, by field key (`name`, `price`, `responsible`, `cf:<id>`).
        values: Vec<(String, Vec<String>)>,
        /// Errors of a refused submit.
        errors: Vec<FieldError>,
        /// Why amoCRM did not take the submit, when it did not: the form comes back with the values kept.
        problem: Option<Problem>,
    },
    /// The gear: which fields the deals list and the deal card show, the Integration ID, and the trigger secret.
    Settings {
        /// Where the form posts.
        submit: Action,
        /// The fields and the current choice.
        settings: Box<FieldSettings>,
        /// Whether the choice was just saved.
        saved: bool,
        /// Whether the connection has a trigger secret, and the button that creates or rotates it.
        trigger_secret: TriggerSecretSection,
        /// The link to the connection's page (account, user, Disconnect, Reconnect).
        connection: Action,
    },
    /// A trigger secret just created or rotated, shown this once, with how to use it in a Usedesk trigger.
    TriggerSecret(Box<TriggerSecretPage>),
    /// The connection: amoCRM account and user, since when, the webhook, Disconnect and Reconnect.
    Connection(Box<ConnectionPage>),
    /// A deal's card with its feed and a comment form.
    DealCard {
        /// The card.
        card: Box<DealCard>,
        /// Where the comment form posts.
        comment: Action,
        /// The link to the deal's edit page (the card's own page with `edit=1`).
        edit: Option<Action>,
        /// Whether the deal was just changed from its edit page: the card says so.
        changed: bool,
        /// Errors of a refused comment.
        errors: Vec<FieldError>,
        /// The comment as typed, kept when it was refused or did not reach amoCRM.
        text: String,
        /// Why amoCRM did not take the comment, when it did not.
        problem: Option<Problem>,
        /// Whether the form offers "Log this ticket to the deal" (the card was opened from a ticket).
        can_log: bool,
        /// How the press of "Log this ticket to the deal" the card follows ended.
        logged: Option<super::ticket_log::TicketLogShown>,
    },
    /// The comment form alone, for when a comment did not reach amoCRM and the card cannot be shown either:
    /// the text kept, why, and a button to try again.
    CommentForm {
        /// Where the form posts (a fresh token).
        comment: Action,
        /// The comment as typed.
        text: String,
        /// Why amoCRM did not take it.
        problem: Problem,
    },
    /// The agent's search: the form and, once something was typed, what was found.
    Search(Box<SearchPage>),
    /// A contact's open tasks, each with its complete form, and the form that creates one.
    Tasks(Box<TasksPage>),
    /// A contact's name and responsible user, to change.
    ContactEdit {
        /// Where the form posts.
        submit: Action,
        /// The values shown (entered, after a refused submit) and the users to choose from.
        contact: Box<domain::edit::ContactEdit>,
        /// Errors of a refused submit.
        errors: Vec<FieldError>,
    },
    /// A deal's stage, budget, responsible user and chosen fields, to change.
    DealEdit(Box<DealEditPage>),
    /// An action succeeded: what was done, and a hint to refresh the block.
    Done(Done),
    /// An action failed: why, in the agent's words, plus a reference for the admin.
    Failed {
        /// Why.
        reason: Failure,
        /// A reference id in the log.
        reference: String,
    },
}

/// What succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Done {
    /// A contact was created.
    ContactCreated {
        /// Its name.
        name: String,
        /// Its page in amoCRM.
        url: String,
        /// Its phones, as sent.
        phones: Vec<String>,
        /// Its e-mails, as sent.
        emails: Vec<String>,
        /// The new-deal form for it (GET page).
        new_deal: Option<Action>,
        /// What became of the company asked for it, when one was.
        company: Option<domain::CompanyOutcome>,
    },
    /// The client was linked to a contact.
    Linked,
    /// The link was removed.
    Unlinked,
    /// A contact's name or responsible user was changed.
    ContactSaved,
    /// A task was created.
    TaskCreated,
    /// A task was completed.
    TaskCompleted,
    /// A phone or an e-mail was added to a contact.
    ValueAdded {
        /// The value.
        value: String,
    },
}

/// Why a write did not happen (or may not have): the form that sent it is shown again with what was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Why, in the terms of a failure.
    pub reason: Failure,
    /// A reference id in the log.
    pub reference: String,
    /// Whether the write may have reached amoCRM all the same (the answer was lost, not refused).
    pub maybe_saved: bool,
}

/// Why the OAuth flow failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OAuthFailure {
    /// The user pressed "Deny".
    Denied,
    /// The `state` was forged, tampered or expired.
    BadState,
    /// Another amoCRM account answered than the block's.
    HostMismatch {
        /// The block's account.
        expected: String,
        /// The one that answered.
        actual: String,
    },
    /// The code exchange failed.
    ExchangeFailed,
    /// The OAuth client is not configured.
    NotConfigured,
    /// The login link expired or was already used.
    LinkSpent,
    /// The operator's login pins do not let this Usedesk account connect to this amoCRM account.
    NotPinned {
        /// The Usedesk account.
        account: UsedeskAccountLabel,
        /// The amoCRM account host.
        host: String,
    },
    /// The confirmation came from another site's page, not from ours.
    CrossSite,
}

/// Why an action failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// The link's token is forged or tampered.
    TokenInvalid,
    /// The link's token expired (refresh the block).
    TokenExpired,
    /// The token was already used.
    TokenReplayed,
    /// amoCRM access was revoked: log in again from the block.
    NeedsLogin,
    /// amoCRM is rate-limiting.
    Busy,
    /// Our own limiter has too many requests for the account queued (amoCRM has not pushed back).
    Queued {
        /// In how many seconds (at least 1) trying again will work.
        seconds: u64,
    },
    /// amoCRM blocked access.
    Blocked,
    /// The subscription ended.
    PaymentRequired,
    /// amoCRM or Usedesk did not answer.
    Unavailable,
    /// Not found (a deleted contact or deal).
    NotFound,
    /// amoCRM refused the write (its explanation).
    Rejected(String),
    /// Anything else.
    Internal,
}
