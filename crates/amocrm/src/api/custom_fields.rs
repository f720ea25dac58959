//! `GET /api/v4/{entity}/custom_fields`.

use crate::Error;
use crate::api::MAX_PAGE_LIMIT;
use crate::client::AmoClient;
use crate::models::{CustomField, EntityType};
use crate::page::List;

/// Custom field definitions of one entity type; see [`AmoClient::custom_fields`].
#[derive(Debug, Clone, Copy)]
pub struct CustomFieldsApi<'a> {
    client: &'a AmoClient,
    entity: EntityType,
}

impl<'a> CustomFieldsApi<'a> {
    pub(crate) fn new(client: &'a AmoClient, entity: EntityType) -> Self {
        CustomFieldsApi { client, entity }
    }

    /// Every field definition, all pages (amoCRM may return as few as 50 per page whatever
    /// limit is asked).
    pub async fn list_all(&self) -> Result<Vec<CustomField>, Error> {
        let endpoint = match self.entity {
            EntityType::Leads => "GET /api/v4/leads/custom_fields",
            EntityType::Contacts => "GET /api/v4/contacts/custom_fields",
            EntityType::Companies => "GET /api/v4/companies/custom_fields",
            EntityType::Customers => "GET /api/v4/customers/custom_fields",
        };
        let path = format!("/api/v4/{}/custom_fields", self.entity.as_str());
        let query = [("limit".to_owned(), MAX_PAGE_LIMIT.to_string())];
        let url = self.client.url(&path, &query);
        self.client
            .fetch_all(&List::new(endpoint, "custom_fields"), url)
            .await
    }
}
