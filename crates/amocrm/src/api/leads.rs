//! `/api/v4/leads`.

use reqwest::Method;

use crate::Error;
use crate::api::tasks::no_content;
use crate::api::write::{Answer, Write, with_request_ids};
use crate::api::{MAX_PAGE_LIMIT, check_limit, post_links};
use crate::client::{AmoClient, Call};
use crate::models::{
    ComplexCreated, ComplexLead, Created, EntityLink, Lead, LeadUpdate, LossReason, NewLead,
    Updated,
};
use crate::page::{List, Page};

const LIST: List = List::new("GET /api/v4/leads", "leads");
const GET_ONE: &str = "GET /api/v4/leads/{id}";
const CREATE: &str = "POST /api/v4/leads";
const UPDATE: &str = "PATCH /api/v4/leads";
const UPDATE_ONE: &str = "PATCH /api/v4/leads/{id}";
const LOSS_REASONS: List = List::new("GET /api/v4/leads/loss_reasons", "loss_reasons");
const COMPLEX: &str = "POST /api/v4/leads/complex";
const LINK: &str = "POST /api/v4/leads/{id}/link";
const UNLINK: &str = "POST /api/v4/leads/{id}/unlink";

/// What leads to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeadsQuery {
    /// Only these leads (`filter[id][]`).
    pub ids: Vec<i64>,
    /// Only leads in these pipelines (`filter[pipeline_id][]`).
    pub pipeline_ids: Vec<i64>,
    /// Only leads in these `(pipeline_id, status_id)` stages (`filter[statuses][i][…]`).
    pub statuses: Vec<(i64, i64)>,
    /// Also return each lead's linked contacts (`with=contacts`).
    pub with_contacts: bool,
    /// Page size, at most 250.
    pub limit: Option<u32>,
    /// The page to fetch, from 1 (for [`LeadsApi::list`]).
    pub page: Option<u32>,
    /// Full-text search.
    pub query: Option<String>,
}

impl LeadsQuery {
    /// The leads with these ids.
    pub fn by_ids(ids: impl IntoIterator<Item = i64>) -> LeadsQuery {
        LeadsQuery {
            ids: ids.into_iter().collect(),
            ..LeadsQuery::default()
        }
    }

    fn pairs(&self, default_limit: Option<u32>) -> Result<Vec<(String, String)>, Error> {
        check_limit(self.limit, MAX_PAGE_LIMIT)?;
        let mut pairs = Vec::new();
        if self.with_contacts {
            pairs.push(("with".to_owned(), "contacts".to_owned()));
        }
        if let Some(query) = &self.query {
            pairs.push(("query".to_owned(), query.clone()));
        }
        for id in &self.ids {
            pairs.push(("filter[id][]".to_owned(), id.to_string()));
        }
        for id in &self.pipeline_ids {
            pairs.push(("filter[pipeline_id][]".to_owned(), id.to_string()));
        }
        for (i, (pipeline_id, status_id)) in self.statuses.iter().enumerate() {
            pairs.push((
                format!("filter[statuses][{i}][pipeline_id]"),
                pipeline_id.to_string(),
            ));
            pairs.push((
                format!("filter[statuses][{i}][status_id]"),
                status_id.to_string(),
            ));
        }
        if let Some(limit) = self.limit.or(default_limit) {
            pairs.push(("limit".to_owned(), limit.to_string()));
        }
        if let Some(page) = self.page {
            pairs.push(("page".to_owned(), page.to_string()));
        }
        Ok(pairs)
    }
}

/// Leads; see [`AmoClient::leads`].
#[derive(Debug, Clone, Copy)]
pub struct LeadsApi<'a> {
    client: &'a AmoClient,
}

impl<'a> LeadsApi<'a> {
    pub(crate) fn new(client: &'a AmoClient) -> Self {
        LeadsApi { client }
    }

    /// One page of leads. No match is an empty page (amoCRM answers 204).
    pub async fn list(&self, query: &LeadsQuery) -> Result<Page<Lead>, Error> {
        let url = self.client.url("/api/v4/leads", &query.pairs(None)?);
        self.client.fetch_page(&LIST, url).await
    }

    /// Every matching lead, following `_links.next` (250 per page unless `limit` says
    /// otherwise).
    pub async fn list_all(&self, query: &LeadsQuery) -> Result<Vec<Lead>, Error> {
        let url = self
            .client
            .url("/api/v4/leads", &query.pairs(Some(MAX_PAGE_LIMIT))?);
        self.client.fetch_all(&LIST, url).await
    }

    /// Like [`list_all`](Self::list_all), but the query is asked for only when the request has its limiter slot:
    /// callers merging several readers' ids into one call can keep adding ids while it waits.
    pub async fn list_all_deferred(
        &self,
        query: impl FnOnce() -> LeadsQuery + Send,
    ) -> Result<Vec<Lead>, Error> {
        let client = self.client;
        self.client
            .fetch_all_deferred(
                &LIST,
                Box::new(move || {
                    let query = query();
                    Ok(client.url("/api/v4/leads", &query.pairs(Some(MAX_PAGE_LIMIT))?))
                }),
            )
            .await
    }

    /// One lead; `None` when it does not exist (404 or 204).
    pub async fn get(&self, id: i64, with_contacts: bool) -> Result<Option<Lead>, Error> {
        let path = format!("/api/v4/leads/{id}");
        self.client
            .fetch_one(GET_ONE, &path, with_contacts.then_some("contacts"))
            .await
    }

    /// Creates leads (at most 250, sent in chunks of 50). Every item is sent with a
    /// `request_id` (generated when absent); the results are in input order.
    pub async fn create(&self, leads: &[NewLead]) -> Result<Vec<Created>, Error> {
        let write = Write {
            method: Method::POST,
            endpoint: CREATE,
            url: self.client.url("/api/v4/leads", &[]),
            answer: Answer::Embedded("leads"),
        };
        self.client
            .write_in_chunks(write, &with_request_ids(leads))
            .await
    }

    /// Changes leads (at most 250, sent in chunks of 50).
    pub async fn update(&self, updates: &[LeadUpdate]) -> Result<Vec<Updated>, Error> {
        let write = Write {
            method: Method::PATCH,
            endpoint: UPDATE,
            url: self.client.url("/api/v4/leads", &[]),
            answer: Answer::Embedded("leads"),
        };
        self.client.write_in_chunks(write, updates).await
    }

    /// Creates leads together with a new contact and company each (at most 250, sent in chunks
    /// of 50, amoCRM's limit for this endpoint).
    pub async fn create_complex(
        &self,
        leads: &[ComplexLead],
    ) -> Result<Vec<ComplexCreated>, Error> {
        let write = Write {
            method: Method::POST,
            endpoint: COMPLEX,
            url: self.client.url("/api/v4/leads/complex", &[]),
            answer: Answer::Array,
        };
        self.client
            .write_in_chunks(write, &with_request_ids(leads))
            .await
    }

    /// Links the lead to existing contacts, companies or catalog elements.
    pub async fn link(&self, lead_id: i64, links: &[EntityLink]) -> Result<(), Error> {
        self.post_links(LINK, &format!("/api/v4/leads/{lead_id}/link"), links)
            .await
    }

    /// Removes links of the lead.
    pub async fn unlink(&self, lead_id: i64, links: &[EntityLink]) -> Result<(), Error> {
        self.post_links(UNLINK, &format!("/api/v4/leads/{lead_id}/unlink"), links)
            .await
    }

    async fn post_links(
        &self,
        endpoint: &'static str,
        path: &str,
        links: &[EntityLink],
    ) -> Result<(), Error> {
        post_links(self.client, endpoint, path, links).await
    }

    /// Changes one lead (`PATCH /api/v4/leads/{id}`). Send only the fields that change: amoCRM
    /// refuses some unchanged values, such as the stage of an incoming lead.
    pub async fn update_one(&self, update: &LeadUpdate) -> Result<Updated, Error> {
        let url = self
            .client
            .url(&format!("/api/v4/leads/{}", update.id), &[]);
        let call = Call::with_json(Method::PATCH, UPDATE_ONE, url, update)?;
        self.client
            .fetch(&call)
            .await?
            .ok_or_else(|| no_content(UPDATE_ONE))
    }

    /// The account's loss reasons, in amoCRM's order (empty when it has none).
    pub async fn loss_reasons(&self) -> Result<Vec<LossReason>, Error> {
        let query = [("limit".to_owned(), MAX_PAGE_LIMIT.to_string())];
        let url = self.client.url("/api/v4/leads/loss_reasons", &query);
        let mut reasons: Vec<LossReason> = self.client.fetch_all(&LOSS_REASONS, url).await?;
        reasons.sort_by_key(|r| r.sort);
        Ok(reasons)
    }
}
