//! `/api/v4/leads/{id}/notes` and `/api/v4/contacts/{id}/notes`.

use reqwest::Method;

use crate::Error;
use crate::api::MAX_PAGE_LIMIT;
use crate::api::write::{Answer, Write, with_request_ids};
use crate::client::AmoClient;
use crate::models::{Created, NewNote, Note};
use crate::page::List;

const LIST: List = List::new("GET /api/v4/leads/{id}/notes", "notes");
const CREATE: &str = "POST /api/v4/leads/{id}/notes";
const CREATE_FOR_CONTACT: &str = "POST /api/v4/contacts/{id}/notes";

/// Notes of leads and contacts; see [`AmoClient::notes`].
#[derive(Debug, Clone, Copy)]
pub struct NotesApi<'a> {
    client: &'a AmoClient,
}

impl<'a> NotesApi<'a> {
    pub(crate) fn new(client: &'a AmoClient) -> Self {
        NotesApi { client }
    }

    /// Every note of the lead, all pages.
    pub async fn list_for_lead(&self, lead_id: i64) -> Result<Vec<Note>, Error> {
        let query = [("limit".to_owned(), MAX_PAGE_LIMIT.to_string())];
        let url = self
            .client
            .url(&format!("/api/v4/leads/{lead_id}/notes"), &query);
        self.client.fetch_all(&LIST, url).await
    }

    /// Adds notes to the lead (at most 250, sent in chunks of 50), each with a `request_id`.
    pub async fn create_for_lead(
        &self,
        lead_id: i64,
        notes: &[NewNote],
    ) -> Result<Vec<Created>, Error> {
        let write = Write {
            method: Method::POST,
            endpoint: CREATE,
            url: self
                .client
                .url(&format!("/api/v4/leads/{lead_id}/notes"), &[]),
            answer: Answer::Embedded("notes"),
        };
        self.client
            .write_in_chunks(write, &with_request_ids(notes))
            .await
    }

    /// Adds notes to the contact (at most 250, sent in chunks of 50), each with a `request_id`.
    pub async fn create_for_contact(
        &self,
        contact_id: i64,
        notes: &[NewNote],
    ) -> Result<Vec<Created>, Error> {
        let write = Write {
            method: Method::POST,
            endpoint: CREATE_FOR_CONTACT,
            url: self
                .client
                .url(&format!("/api/v4/contacts/{contact_id}/notes"), &[]),
            answer: Answer::Embedded("notes"),
        };
        self.client
            .write_in_chunks(write, &with_request_ids(notes))
            .await
    }
}
