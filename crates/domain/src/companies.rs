//! The company of the contact a block shows as the client (the linked one, or the only one found): read beside
//! its deals (the block's second round trip), never in a round trip of its own, and not at all while several
//! contacts are shown — a block's requests stay within its searches plus one, plus this one only when the one
//! contact shown has a company. A failure leaves the company out rather than the block.

use amocrm::{AmoClient, CompaniesQuery, Company, Contact};

use crate::metadata::CoreMeta;
use crate::model::{CompanyRef, company_url};

/// The company of the one contact shown, in one call; empty when several are shown, when it has none, or when
/// amoCRM did not answer.
pub(crate) async fn companies_of(
    client: &AmoClient,
    contacts: &[(Contact, Vec<String>)],
) -> Vec<Company> {
    if contacts.len() != 1 {
        return Vec::new();
    }
    let mut ids: Vec<i64> = contacts
        .iter()
        .filter_map(|(c, _)| c.company_id())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.truncate(250);
    if ids.is_empty() {
        return Vec::new();
    }
    let query = CompaniesQuery {
        limit: Some(250),
        ..CompaniesQuery::by_ids(ids)
    };
    match crate::retry::read(|| async { client.companies().list(&query).await }).await {
        Ok(page) => page.items,
        Err(e) => {
            tracing::warn!(error = %crate::Report(&e), "the contacts' companies could not be read; they are left out");
            Vec::new()
        }
    }
}

/// The contact's company as the block names it, when it has one that was read.
pub(crate) fn company_ref(
    contact: &Contact,
    companies: &[Company],
    core: &CoreMeta,
) -> Option<CompanyRef> {
    let id = contact.company_id()?;
    let company = companies.iter().find(|c| c.id == id && !c.is_deleted)?;
    let name = company.name.trim();
    Some(CompanyRef {
        id,
        name: if name.is_empty() {
            format!("#{id}")
        } else {
            name.to_owned()
        },
        url: company_url(&core.base_url, id),
    })
}
