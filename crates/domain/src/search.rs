//! The agent's own search from the block: by name, phone, e-mail or company.
//!
//! A query that is a phone or an e-mail is normalised as in matching and amoCRM's full-text hits are confirmed
//! exactly, so only real matches come back. Any other text is sent to amoCRM's search of contacts and of
//! companies (a company's contacts are its hits); those hits cannot be confirmed and are marked as possible.

use std::collections::BTreeMap;

use amocrm::{CompaniesQuery, Contact, ContactsQuery};
use serde::{Deserialize, Serialize};

use crate::Error;
use crate::fields::{required, too_long};
use crate::identity::{Identifier, normalize_email, normalize_phone};
use crate::keys::FieldKey;
use crate::model::ContactView;
use crate::service::{ActionContext, Domain};
use crate::store::FieldChoices;

/// The longest query accepted.
pub const SEARCH_QUERY_MAX: usize = 100;

/// The most contacts one search shows (amoCRM is asked for a few more, some of which are dropped).
pub const SEARCH_RESULTS_MAX: usize = 20;

/// The most companies whose contacts a text search shows.
const COMPANIES_MAX: u32 = 5;

/// What the agent typed, as the search understood it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SearchKind {
    /// A phone, normalised to E.164.
    Phone(String),
    /// An e-mail, normalised.
    Email(String),
    /// A name or a company (or anything else).
    Text,
}

impl SearchKind {
    /// How a query is understood: an e-mail when it is one, a phone when it is only digits and the punctuation
    /// of phone numbers (at least six digits), otherwise text.
    pub fn of(query: &str, default_country: Option<&str>) -> SearchKind {
        let query = query.trim();
        if query.contains('@')
            && let Some(email) = normalize_email(query)
        {
            return SearchKind::Email(email);
        }
        let digits = query.chars().filter(char::is_ascii_digit).count();
        let phone_like = query
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c));
        if phone_like
            && digits >= 6
            && let Some(phone) = normalize_phone(query, default_country)
        {
            return SearchKind::Phone(phone);
        }
        SearchKind::Text
    }

    fn identifier(&self) -> Option<Identifier> {
        match self {
            SearchKind::Phone(p) => Some(Identifier::Phone(p.clone())),
            SearchKind::Email(e) => Some(Identifier::Email(e.clone())),
            SearchKind::Text => None,
        }
    }
}

/// One contact found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchHit {
    /// The contact, as the block shows matched contacts (`matched_by` holds the confirmed identifier).
    pub contact: ContactView,
    /// Whether the contact really has the phone or e-mail searched; `false` for name and company hits, which
    /// are possible matches only.
    pub confirmed: bool,
    /// The company through which it was found, when it was found through one.
    pub company: Option<String>,
}

/// What a search found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    /// The query, trimmed.
    pub query: String,
    /// How it was understood.
    pub kind: SearchKind,
    /// The contacts, confirmed ones first, then by last change.
    pub hits: Vec<SearchHit>,
    /// Whether more contacts matched than are shown.
    pub truncated: bool,
}

/// The query, trimmed and checked.
fn checked(query: &str) -> Result<String, Error> {
    let query = query.trim();
    if query.is_empty() {
        return Err(Error::Validation(vec![required(FieldKey::Name)]));
    }
    if query.chars().count() > SEARCH_QUERY_MAX {
        return Err(Error::Validation(vec![too_long(FieldKey::Name)]));
    }
    Ok(query.to_owned())
}

impl Domain {
    /// Searches the connection's contacts for what the agent typed. Reads only.
    pub async fn search(&self, ctx: &ActionContext, query: &str) -> Result<SearchResults, Error> {
        let query = checked(query)?;
        let kind = SearchKind::of(&query, self.config().default_country.as_deref());
        let (_, client) = self.session(ctx.connection_id).await?;
        let store = self.store();
        let (core, link, found) = tokio::join!(
            self.core_meta(ctx.connection_id, &client),
            async {
                match ctx.client_id {
                    Some(client_id) => store.get_link(ctx.connection_id, client_id).await,
                    None => Ok(None),
                }
            },
            self.search_hits(ctx.connection_id, &client, &query, &kind)
        );
        let (core, link, found) = (core?, link?, found?);
        let truncated = found.len() > SEARCH_RESULTS_MAX;
        let found: Vec<_> = found.into_iter().take(SEARCH_RESULTS_MAX).collect();
        let pairs: Vec<(Contact, Vec<String>)> = found
            .iter()
            .map(|(contact, matched, _)| (contact.clone(), matched.clone()))
            .collect();
        let leads = self.deals_of(ctx.connection_id, &client, &pairs).await?;
        let choices = FieldChoices::default();
        let core = &core.value;
        let hits = found
            .into_iter()
            .map(|(contact, matched_by, company)| {
                let deals = crate::render::deal_views(&contact, &leads, core, &choices, None);
                let linked = link == Some(contact.id);
                let confirmed = !matched_by.is_empty();
                SearchHit {
                    contact: crate::render::contact_view(contact, matched_by, linked, core, deals),
                    confirmed,
                    company,
                }
            })
            .collect();
        Ok(SearchResults {
            query,
            kind,
            hits,
            truncated,
        })
    }

    /// The contacts found, each with the identifiers that confirm it and the company it came through.
    async fn search_hits(
        &self,
        connection: crate::store::ConnectionId,
        client: &amocrm::AmoClient,
        query: &str,
        kind: &SearchKind,
    ) -> Result<Vec<(Contact, Vec<String>, Option<String>)>, Error> {
        if let Some(id) = kind.identifier() {
            let found = self.search_contacts(connection, client, &[id]).await?;
            return Ok(found
                .into_iter()
                .map(|(contact, matched)| (contact, matched, None))
                .collect());
        }
        let limit = u32::try_from(SEARCH_RESULTS_MAX + 1).unwrap_or(u32::MAX);
        let contacts_query = ContactsQuery {
            with_leads: true,
            limit: Some(limit),
            ..ContactsQuery::search(query)
        };
        let companies_query = CompaniesQuery {
            with_contacts: true,
            limit: Some(COMPANIES_MAX),
            ..CompaniesQuery::search(query)
        };
        let (contacts, companies) = tokio::join!(
            crate::retry::read(|| async { client.contacts().list(&contacts_query).await }),
            crate::retry::read(|| async { client.companies().list(&companies_query).await }),
        );
        let (contacts, companies) = (contacts?.items, companies?.items);
        let mut found: BTreeMap<i64, (Contact, Vec<String>, Option<String>)> = contacts
            .into_iter()
            .filter(|c| !c.is_deleted)
            .map(|c| (c.id, (c, Vec::new(), None)))
            .collect();
        let mut via_company: BTreeMap<i64, String> = BTreeMap::new();
        for company in companies.iter().filter(|c| !c.is_deleted) {
            for id in &company.contacts {
                via_company
                    .entry(*id)
                    .or_insert_with(|| company.name.clone());
            }
        }
        let missing: Vec<i64> = via_company
            .keys()
            .filter(|id| !found.contains_key(id))
            .copied()
            .take(SEARCH_RESULTS_MAX + 1)
            .collect();
        if !missing.is_empty() {
            let query = ContactsQuery {
                with_leads: true,
                limit: Some(limit),
                ..ContactsQuery::by_ids(missing)
            };
            let extra = crate::retry::read(|| async { client.contacts().list(&query).await })
                .await?
                .items;
            for contact in extra.into_iter().filter(|c| !c.is_deleted) {
                found.insert(contact.id, (contact, Vec::new(), None));
            }
        }
        for (id, name) in via_company {
            if let Some(entry) = found.get_mut(&id) {
                entry.2 = Some(name);
            }
        }
        let mut found: Vec<_> = found.into_values().collect();
        found.sort_by(|a, b| {
            b.0.updated_at
                .cmp(&a.0.updated_at)
                .then(b.0.id.cmp(&a.0.id))
        });
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_written_any_way_is_understood_as_the_same_phone() {
        for written in ["+7 (916) 123-45-67", "8 916 123 45 67", "9161234567"] {
            assert_eq!(
                SearchKind::of(written, Some("7")),
                SearchKind::Phone("+79161234567".to_owned()),
                "{written}"
            );
        }
    }

    #[test]
    fn an_email_is_understood_case_insensitively() {
        assert_eq!(
            SearchKind::of(" Harry.Potter@Hogwarts.example ", None),
            SearchKind::Email("harry.potter@hogwarts.example".to_owned())
        );
    }

    #[test]
    fn names_companies_and_short_numbers_are_text() {
        for text in ["Harry Potter", "Ministry", "12-34", "Room 101"] {
            assert_eq!(SearchKind::of(text, Some("7")), SearchKind::Text, "{text}");
        }
    }

    #[test]
    fn an_empty_or_overlong_query_is_refused_before_anything_is_sent() {
        assert!(matches!(checked("   "), Err(Error::Validation(_))));
        let long = "x".repeat(SEARCH_QUERY_MAX + 1);
        assert!(matches!(checked(&long), Err(Error::Validation(_))));
        assert_eq!(checked("  Harry ").expect("accepted"), "Harry");
    }
}
