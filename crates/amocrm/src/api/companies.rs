//! `/api/v4/companies`.

use reqwest::Method;

use crate::Error;
use crate::api::write::{Answer, Write, with_request_ids};
use crate::api::{MAX_PAGE_LIMIT, check_limit, post_links, with_list};
use crate::client::AmoClient;
use crate::models::{Company, CompanyDraft, Created, EntityLink};
use crate::page::{List, Page};

const LIST: List = List::new("GET /api/v4/companies", "companies");
const GET_ONE: &str = "GET /api/v4/companies/{id}";
const CREATE: &str = "POST /api/v4/companies";
const LINK: &str = "POST /api/v4/companies/{id}/link";

/// What companies to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompaniesQuery {
    /// Search over the name and custom field values; amoCRM matches loosely.
    pub query: Option<String>,
    /// Only these companies (`filter[id][]`).
    pub ids: Vec<i64>,
    /// Also return the ids of each company's leads (`with=leads`).
    pub with_leads: bool,
    /// Also return the ids of each company's contacts (`with=contacts`).
    pub with_contacts: bool,
    /// Page size, at most 250.
    pub limit: Option<u32>,
    /// The page to fetch, from 1 (for [`CompaniesApi::list`]).
    pub page: Option<u32>,
}

impl CompaniesQuery {
    /// A search for `text`.
    pub fn search(text: impl Into<String>) -> CompaniesQuery {
        CompaniesQuery {
            query: Some(text.into()),
            ..CompaniesQuery::default()
        }
    }

    /// The companies with these ids.
    pub fn by_ids(ids: impl IntoIterator<Item = i64>) -> CompaniesQuery {
        CompaniesQuery {
            ids: ids.into_iter().collect(),
            ..CompaniesQuery::default()
        }
    }

    fn with(&self) -> Option<String> {
        let mut parts = Vec::new();
        if self.with_leads {
            parts.push("leads");
        }
        if self.with_contacts {
            parts.push("contacts");
        }
        with_list(parts)
    }

    fn pairs(&self, default_limit: Option<u32>) -> Result<Vec<(String, String)>, Error> {
        check_limit(self.limit, MAX_PAGE_LIMIT)?;
        let mut pairs = Vec::new();
        if let Some(with) = self.with() {
            pairs.push(("with".to_owned(), with));
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
        Ok(pairs)
    }
}

/// Companies; see [`AmoClient::companies`].
#[derive(Debug, Clone, Copy)]
pub struct CompaniesApi<'a> {
    client: &'a AmoClient,
}

impl<'a> CompaniesApi<'a> {
    pub(crate) fn new(client: &'a AmoClient) -> Self {
        CompaniesApi { client }
    }

    /// One page of companies. No match is an empty page (amoCRM answers 204).
    pub async fn list(&self, query: &CompaniesQuery) -> Result<Page<Company>, Error> {
        let url = self.client.url("/api/v4/companies", &query.pairs(None)?);
        self.client.fetch_page(&LIST, url).await
    }

    /// Every matching company, following `_links.next`.
    pub async fn list_all(&self, query: &CompaniesQuery) -> Result<Vec<Company>, Error> {
        let pairs = query.pairs(Some(MAX_PAGE_LIMIT))?;
        let url = self.client.url("/api/v4/companies", &pairs);
        self.client.fetch_all(&LIST, url).await
    }

    /// One company, with its lead ids when `with_leads`; `None` when it does not exist.
    pub async fn get(&self, id: i64, with_leads: bool) -> Result<Option<Company>, Error> {
        let path = format!("/api/v4/companies/{id}");
        self.client
            .fetch_one(GET_ONE, &path, with_leads.then_some("leads"))
            .await
    }

    /// Creates companies (at most 250, sent in chunks of 50), each with a `request_id`.
    pub async fn create(&self, companies: &[CompanyDraft]) -> Result<Vec<Created>, Error> {
        if companies.iter().any(|c| c.name.trim().is_empty()) {
            return Err(Error::InvalidArgument("a company needs a name".to_owned()));
        }
        let write = Write {
            method: Method::POST,
            endpoint: CREATE,
            url: self.client.url("/api/v4/companies", &[]),
            answer: Answer::Embedded("companies"),
        };
        self.client
            .write_in_chunks(write, &with_request_ids(companies))
            .await
    }

    /// Links the company to existing contacts or leads.
    pub async fn link(&self, company_id: i64, links: &[EntityLink]) -> Result<(), Error> {
        let path = format!("/api/v4/companies/{company_id}/link");
        post_links(self.client, LINK, &path, links).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_with_parts_are_sent_in_one_parameter() {
        let query = CompaniesQuery {
            with_leads: true,
            with_contacts: true,
            ..CompaniesQuery::default()
        };
        assert_eq!(query.with().as_deref(), Some("leads,contacts"));
    }
}
