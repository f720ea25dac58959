//! One module per API area; each exposes a handle borrowed from [`AmoClient`].

mod account;
mod companies;
mod contacts;
mod custom_fields;
mod events;
mod leads;
mod notes;
mod pipelines;
mod tasks;
mod users;
mod webhooks;
mod write;

pub use account::AccountApi;
pub use companies::{CompaniesApi, CompaniesQuery};
pub use contacts::{ContactsApi, ContactsQuery};
pub use custom_fields::CustomFieldsApi;
pub use events::{EventEntity, EventsApi, EventsQuery, MAX_EVENT_ENTITY_IDS, MAX_EVENTS_LIMIT};
pub use leads::{LeadsApi, LeadsQuery};
pub use notes::NotesApi;
pub use pipelines::PipelinesApi;
pub use tasks::{TasksApi, TasksQuery};
pub use users::UsersApi;
pub use webhooks::{NewWebhook, Webhook, WebhooksApi};

use crate::Error;
use reqwest::Method;

use crate::client::{AmoClient, Call};
use crate::models::{EntityLink, EntityType};

/// The most entities amoCRM returns per page.
pub(crate) const MAX_PAGE_LIMIT: u32 = 250;

impl AmoClient {
    /// The account's settings.
    pub fn account(&self) -> AccountApi<'_> {
        AccountApi::new(self)
    }

    /// The account's webhook subscriptions (administrators only).
    pub fn webhooks(&self) -> WebhooksApi<'_> {
        WebhooksApi::new(self)
    }

    /// The account's users (administrators only).
    pub fn users(&self) -> UsersApi<'_> {
        UsersApi::new(self)
    }

    /// Contacts.
    pub fn contacts(&self) -> ContactsApi<'_> {
        ContactsApi::new(self)
    }

    /// Leads (deals).
    pub fn leads(&self) -> LeadsApi<'_> {
        LeadsApi::new(self)
    }

    /// Lead pipelines and their stages.
    pub fn pipelines(&self) -> PipelinesApi<'_> {
        PipelinesApi::new(self)
    }

    /// Custom field definitions of `entity`.
    pub fn custom_fields(&self, entity: EntityType) -> CustomFieldsApi<'_> {
        CustomFieldsApi::new(self, entity)
    }

    /// Notes of leads.
    pub fn notes(&self) -> NotesApi<'_> {
        NotesApi::new(self)
    }

    /// Tasks.
    pub fn tasks(&self) -> TasksApi<'_> {
        TasksApi::new(self)
    }

    /// Companies.
    pub fn companies(&self) -> CompaniesApi<'_> {
        CompaniesApi::new(self)
    }

    /// Events (the history of entities).
    pub fn events(&self) -> EventsApi<'_> {
        EventsApi::new(self)
    }
}

/// Refuses a page size amoCRM would refuse, before anything is sent.
pub(crate) fn check_limit(limit: Option<u32>, max: u32) -> Result<(), Error> {
    match limit {
        Some(0) => Err(Error::InvalidArgument(
            "limit must be at least 1".to_owned(),
        )),
        Some(limit) if limit > max => Err(Error::InvalidArgument(format!(
            "limit {limit} is above amoCRM's maximum of {max}"
        ))),
        _ => Ok(()),
    }
}

/// A comma-separated `with` value.
pub(crate) fn with_list<'a>(parts: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let joined = parts.into_iter().collect::<Vec<_>>().join(",");
    (!joined.is_empty()).then_some(joined)
}

/// Posts `links` to a `…/{id}/link` (or `unlink`) endpoint; nothing is sent for no links.
pub(crate) async fn post_links(
    client: &AmoClient,
    endpoint: &'static str,
    path: &str,
    links: &[EntityLink],
) -> Result<(), Error> {
    if links.is_empty() {
        return Ok(());
    }
    let call = Call::with_json(Method::POST, endpoint, client.url(path, &[]), links)?;
    client.execute(&call).await.map(drop)
}
