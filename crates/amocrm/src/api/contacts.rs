//! `/api/v4/contacts`.

use reqwest::Method;

use crate::Error;
use crate::api::tasks::no_content;
use crate::api::write::{Answer, Write, with_request_ids};
use crate::api::{MAX_PAGE_LIMIT, check_limit, post_links};
use crate::client::{AmoClient, Call};
use crate::models::{Contact, ContactUpdate, Created, EntityLink, NewContact, Updated};
use crate::page::{List, Page};

const LIST: List = List::new("GET /api/v4/contacts", "contacts");
const GET_ONE: &str = "GET /api/v4/contacts/{id}";
const CREATE: &str = "POST /api/v4/contacts";
const UPDATE: &str = "PATCH /api/v4/contacts";
const UPDATE_ONE: &str = "PATCH /api/v4/contacts/{id}";
const LINK: &str = "POST /api/v4/contacts/{id}/link";

/// What contacts to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactsQuery {
    /// Full-text search over the name and every filled field (phones, e-mails). amoCRM matches
    /// loosely: confirm hits against the values.
    pub query: Option<String>,
    /// Only these contacts (`filter[id][]`).
    pub ids: Vec<i64>,
    /// Also return the ids of each contact's leads (`with=leads`).
    pub with_leads: bool,
    /// Page size, at most 250.
    pub limit: Option<u32>,
    /// The page to fetch, from 1 (for [`ContactsApi::list`]).
    pub page: Option<u32>,
    /// Most recently updated first (`order[updated_at]=desc`).
    pub order_updated_desc: bool,
}

impl ContactsQuery {
    /// A full-text search for `text`.
    pub fn search(text: impl Into<String>) -> ContactsQuery {
        ContactsQuery {
            query: Some(text.into()),
            ..ContactsQuery::default()
        }
    }

    /// The contacts with these ids.
    pub fn by_ids(ids: impl IntoIterator<Item = i64>) -> ContactsQuery {
        ContactsQuery {
            ids: ids.into_iter().collect(),
            ..ContactsQuery::default()
        }
    }

    fn pairs(&self, default_limit: Option<u32>) -> Result<Vec<(String, String)>, Error> {
        check_limit(self.limit, MAX_PAGE_LIMIT)?;
        let mut pairs = Vec::new();
        if self.with_leads {
            pairs.push(("with".to_owned(), "leads".to_owned()));
        }
        if let Some(query) = &self.query {
            pairs.push(("query".to_owned(), query.clone()));
        }
        for id in &self.ids {
            pairs.push(("filter[id][]".to_owned(), id.to_string()));
        }
        if let Some(limit) = self.limit.or(default_limit) {
            pairs.push(("limit".to_owned(), limit.to_string()));
        }
        if let Some(page) = self.page {
            pairs.push(("page".to_owned(), page.to_string()));
        }
        if self.order_updated_desc {
            pairs.push(("order[updated_at]".to_owned(), "desc".to_owned()));
        }
        Ok(pairs)
    }
}

/// Contacts; see [`AmoClient::contacts`].
#[derive(Debug, Clone, Copy)]
pub struct ContactsApi<'a> {
    client: &'a AmoClient,
}

impl<'a> ContactsApi<'a> {
    pub(crate) fn new(client: &'a AmoClient) -> Self {
        ContactsApi { client }
    }

    /// One page of contacts. No match is an empty page (amoCRM answers 204).
    pub async fn list(&self, query: &ContactsQuery) -> Result<Page<Contact>, Error> {
        let url = self.client.url("/api/v4/contacts", &query.pairs(None)?);
        self.client.fetch_page(&LIST, url).await
    }

    /// Every matching contact, following `_links.next` (250 per page unless `limit` says
    /// otherwise).
    pub async fn list_all(&self, query: &ContactsQuery) -> Result<Vec<Contact>, Error> {
        let pairs = query.pairs(Some(MAX_PAGE_LIMIT))?;
        let url = self.client.url("/api/v4/contacts", &pairs);
        self.client.fetch_all(&LIST, url).await
    }

    /// One contact; `None` when it does not exist (404 or 204).
    pub async fn get(&self, id: i64, with_leads: bool) -> Result<Option<Contact>, Error> {
        let path = format!("/api/v4/contacts/{id}");
        self.client
            .fetch_one(GET_ONE, &path, with_leads.then_some("leads"))
            .await
    }

    /// Creates contacts (at most 250, sent in chunks of 50). Every item is sent with a
    /// `request_id` (generated when absent); the results are in input order.
    pub async fn create(&self, contacts: &[NewContact]) -> Result<Vec<Created>, Error> {
        let write = Write {
            method: Method::POST,
            endpoint: CREATE,
            url: self.client.url("/api/v4/contacts", &[]),
            answer: Answer::Embedded("contacts"),
        };
        self.client
            .write_in_chunks(write, &with_request_ids(contacts))
            .await
    }

    /// Changes contacts (at most 250, sent in chunks of 50).
    pub async fn update(&self, updates: &[ContactUpdate]) -> Result<Vec<Updated>, Error> {
        let write = Write {
            method: Method::PATCH,
            endpoint: UPDATE,
            url: self.client.url("/api/v4/contacts", &[]),
            answer: Answer::Embedded("contacts"),
        };
        self.client.write_in_chunks(write, updates).await
    }

    /// Changes one contact (`PATCH /api/v4/contacts/{id}`). amoCRM replaces the whole value
    /// list of every custom field sent: to add a phone, send the stored ones too (see
    /// [`Contact::field_with_added`]).
    pub async fn update_one(&self, update: &ContactUpdate) -> Result<Updated, Error> {
        let url = self
            .client
            .url(&format!("/api/v4/contacts/{}", update.id), &[]);
        let call = Call::with_json(Method::PATCH, UPDATE_ONE, url, update)?;
        self.client
            .fetch(&call)
            .await?
            .ok_or_else(|| no_content(UPDATE_ONE))
    }

    /// Links the contact to existing companies, leads or catalog elements.
    pub async fn link(&self, contact_id: i64, links: &[EntityLink]) -> Result<(), Error> {
        let path = format!("/api/v4/contacts/{contact_id}/link");
        post_links(self.client, LINK, &path, links).await
    }
}
