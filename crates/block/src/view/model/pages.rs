//! The view models of the pages that have their own struct: search, tasks, the gear's trigger-secret section and
//! connection page, and the page that shows a new trigger secret once.

use domain::FieldError;
use secrecy::SecretString;

use super::{Action, Problem};

/// The search page.
#[derive(Debug, Clone)]
pub struct SearchPage {
    /// Where the search form goes (GET, with `q`).
    pub form: Action,
    /// What was typed, as typed.
    pub query: String,
    /// What was found; `None` before a search (or when the query was refused).
    pub results: Option<Box<domain::search::SearchResults>>,
    /// The "Link" form of each contact found that can be linked, by contact id.
    pub links: Vec<(i64, Action)>,
    /// Why no search was made.
    pub problem: Option<SearchProblem>,
}

/// The tasks page of a contact.
#[derive(Debug, Clone)]
pub struct TasksPage {
    /// The tasks and what the create form offers.
    pub tasks: Box<domain::tasks::ContactTasks>,
    /// The complete form of each task, by task id.
    pub complete: Vec<(i64, Action)>,
    /// Where the create form posts.
    pub create: Action,
    /// The create form's values: type id, text, due (`YYYY-MM-DDTHH:MM`), responsible id.
    pub draft: domain::tasks::NewTaskInput,
    /// Errors of a refused create.
    pub errors: Vec<FieldError>,
    /// Whether a task was just created.
    pub created: bool,
}

/// Why a search was not made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchProblem {
    /// Nothing was typed.
    Empty,
    /// The query is longer than a search takes.
    TooLong,
}

/// The gear's trigger-secret section. The secret itself is never here: only its hash is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerSecretSection {
    /// Whether the connection has a secret.
    pub set: bool,
    /// When it was created, unix seconds, when known.
    pub created_at: Option<i64>,
    /// Whether this server refuses triggers without a secret.
    pub required: bool,
    /// The "Create trigger secret" / "Rotate trigger secret" button (a POST).
    pub create: Action,
    /// The absolute URL triggers post to (`…/api/freeCreateLead`).
    pub endpoint: String,
}

/// The gear's connection page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionPage {
    /// What the service knows about the connection.
    pub details: domain::ConnectionDetails,
    /// The stage-comments form (its token says which way it switches).
    pub stage_comments: Action,
    /// The Disconnect form.
    pub disconnect: Action,
    /// "Reconnect as another amoCRM user": a login link, when the Usedesk token is stored.
    pub reconnect: Option<String>,
    /// What was just done: `None`, or whether a disconnect kept the settings.
    pub disconnected: Option<bool>,
}

/// The page that shows a new trigger secret once.
pub struct TriggerSecretPage {
    /// The secret.
    pub secret: SecretString,
    /// Whether it replaced an earlier one (which stopped working).
    pub replaced: bool,
    /// The Integration ID (`amoClientId`) of the connection.
    pub integration_id: String,
    /// The absolute URL of `POST /api/freeCreateLead`.
    pub endpoint: String,
    /// The ticket the gear was opened from: the page's test request uses it.
    pub ticket_id: Option<i64>,
    /// Whether this server refuses triggers without a secret.
    pub required: bool,
}

impl Clone for TriggerSecretPage {
    fn clone(&self) -> Self {
        Self {
            secret: SecretString::from(
                secrecy::ExposeSecret::expose_secret(&self.secret).to_owned(),
            ),
            replaced: self.replaced,
            integration_id: self.integration_id.clone(),
            endpoint: self.endpoint.clone(),
            ticket_id: self.ticket_id,
            required: self.required,
        }
    }
}

impl std::fmt::Debug for TriggerSecretPage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TriggerSecretPage")
            .field("secret", &"[REDACTED]")
            .field("replaced", &self.replaced)
            .field("integration_id", &self.integration_id)
            .field("endpoint", &self.endpoint)
            .field("ticket_id", &self.ticket_id)
            .field("required", &self.required)
            .finish()
    }
}

/// The deal's edit page: the deal as it is (or as typed, after a refused submit) and what can be chosen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DealEditPage {
    /// Where the form posts.
    pub submit: Action,
    /// The deal's card, to go back to.
    pub card: Action,
    /// The deal and the choices.
    pub edit: domain::DealEdit,
    /// The chosen stage.
    pub stage: domain::StageRef,
    /// The values shown, by field key (`price`, `responsible`, `loss_reason`, `cf:<id>`).
    pub values: Vec<(String, Vec<String>)>,
    /// Errors of a refused submit.
    pub errors: Vec<FieldError>,
    /// Why amoCRM did not take the submit, when it did not: the form comes back with the values kept.
    pub problem: Option<Problem>,
}
