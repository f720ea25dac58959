//! Companies: the company of the contact a block shows as the client (the linked one, or the only one found), with
//! its own deals; and a company for a contact created from the block (`companies/attach.rs`).
//!
//! The company is read `with=leads` beside the contacts' deals (the block's second round trip), and not at all
//! while several contacts are shown. Its deals that are not the contact's — the newest, bounded like a contact's —
//! are read in one more batched leads call, which happens only when there are such deals: a company whose deals
//! are all the contact's adds no call. Which deals a company has is remembered (for the metadata's time to live),
//! so a later block reads them beside the company, in the same round trip; only deals the company gained since
//! are read after it. A failure leaves the company (or only its deals) out rather than the block.

use std::collections::BTreeSet;

use amocrm::{AmoClient, CompaniesQuery, Company, Contact, Lead};

use crate::metadata::CoreMeta;
use crate::model::{CompanyRef, DealKind, company_url};
use crate::service::Domain;
use crate::store::ConnectionId;

pub(crate) mod attach;

/// The company of the one contact shown, as read, with the deals of its own that were read.
pub(crate) struct ShownCompany {
    company: Company,
    /// Its deals that are not the contact's, as read (empty when reading them failed).
    deals: Vec<Lead>,
    /// How many of its deals that are not the contact's were beyond the bound, or not read.
    unread: usize,
}

/// The newest of the company's deals (`company_leads`) that are not the contact's, at most `bound`, and how many
/// are left over.
fn own_deal_ids(company_leads: &[i64], contact: &Contact, bound: usize) -> (BTreeSet<i64>, usize) {
    let mut ids: Vec<i64> = company_leads
        .iter()
        .copied()
        .filter(|id| !contact.leads.contains(id))
        .collect();
    ids.sort_unstable_by(|a, b| b.cmp(a));
    ids.dedup();
    let over = ids.len().saturating_sub(bound);
    ids.truncate(bound);
    (ids.into_iter().collect(), over)
}

impl Domain {
    /// The company of the one contact shown, read `with=leads` in one call, then its own deals in one batched call
    /// when it has deals the contact doesn't; `None` when several contacts are shown, when the contact has no
    /// company, or when amoCRM did not answer.
    pub(crate) async fn company_of(
        &self,
        connection_id: ConnectionId,
        client: &AmoClient,
        contacts: &[(Contact, Vec<String>)],
    ) -> Option<ShownCompany> {
        let [(contact, _)] = contacts else {
            return None;
        };
        let id = contact.company_id()?;
        let bound = self.config().max_deals_per_contact;
        let remembered = (connection_id, id);
        // The deals the company had last time are read beside it; it says which it has now.
        let hinted = match self.inner.company_leads.peek(&remembered).await {
            Some(known) => own_deal_ids(&known.value, contact, bound).0,
            None => BTreeSet::new(),
        };
        let query = CompaniesQuery {
            with_leads: true,
            ..CompaniesQuery::by_ids([id])
        };
        let (read, early) = tokio::join!(
            crate::retry::read(|| async { client.companies().list(&query).await }),
            self.inner.lead_batches.leads(connection_id, client, hinted)
        );
        let company = match read {
            Ok(page) => page
                .items
                .into_iter()
                .find(|c| c.id == id && !c.is_deleted)?,
            Err(e) => {
                tracing::warn!(error = %crate::Report(&e), company = id, "the contact's company could not be read; it is left out");
                return None;
            }
        };
        self.inner
            .company_leads
            .put(&remembered, company.leads.clone())
            .await;
        let (ids, over) = own_deal_ids(&company.leads, contact, bound);
        let mut deals: Vec<Lead> = early
            .unwrap_or_default()
            .into_iter()
            .filter(|l| ids.contains(&l.id))
            .collect();
        let missing: BTreeSet<i64> = ids
            .iter()
            .copied()
            .filter(|id| !deals.iter().any(|l| l.id == *id))
            .collect();
        let asked = missing.len();
        match self
            .inner
            .lead_batches
            .leads(connection_id, client, missing.clone())
            .await
        {
            Ok(late) => deals.extend(late.into_iter().filter(|l| missing.contains(&l.id))),
            Err(e) => {
                tracing::warn!(error = %crate::Report(&e), company = id, "the company's deals could not be read; they are left out");
                return Some(ShownCompany {
                    company,
                    deals,
                    unread: over + asked,
                });
            }
        }
        Some(ShownCompany {
            company,
            deals,
            unread: over,
        })
    }
}

/// The company of contact `contact_id` (`_embedded.companies`, which amoCRM sends without `with`), for a new deal
/// to be linked to both; `None` without a contact, when it has no company, or when it is gone (the deal's own
/// create then says so).
pub(crate) async fn company_of_contact(
    client: &AmoClient,
    contact_id: Option<i64>,
) -> Result<Option<i64>, crate::Error> {
    let Some(id) = contact_id else {
        return Ok(None);
    };
    let contact = crate::retry::read(|| async { client.contacts().get(id, false).await }).await?;
    Ok(contact
        .filter(|c| !c.is_deleted)
        .and_then(|c| c.company_id()))
}

/// The contact's company as the block shows it, with its own deals (not the contact's, not deleted), newest first.
pub(crate) fn company_ref(
    contact: &Contact,
    shown: Option<&ShownCompany>,
    core: &CoreMeta,
) -> Option<CompanyRef> {
    let shown = shown.filter(|s| contact.company_id() == Some(s.company.id))?;
    let company = &shown.company;
    let name = company.name.trim();
    let mut deals: Vec<_> = shown
        .deals
        .iter()
        .filter(|l| !l.is_deleted && !contact.leads.contains(&l.id))
        .map(|lead| crate::render::deal_view(lead, core, &[], &[]))
        .collect();
    deals.sort_by(|a, b| {
        (a.kind != DealKind::Open)
            .cmp(&(b.kind != DealKind::Open))
            .then(b.created_at.cmp(&a.created_at))
            .then(b.id.cmp(&a.id))
    });
    Some(CompanyRef {
        id: company.id,
        name: if name.is_empty() {
            format!("#{}", company.id)
        } else {
            name.to_owned()
        },
        url: company_url(&core.base_url, company.id),
        deals,
        unread_deals: shown.unread,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn company(leads: &[i64]) -> Company {
        serde_json::from_value(serde_json::json!({
            "id": 5001,
            "_embedded": { "leads": leads.iter().map(|id| serde_json::json!({ "id": id })).collect::<Vec<_>>() }
        }))
        .expect("a company")
    }

    fn contact(leads: &[i64]) -> Contact {
        serde_json::from_value(serde_json::json!({
            "id": 3001,
            "_embedded": { "leads": leads.iter().map(|id| serde_json::json!({ "id": id })).collect::<Vec<_>>() }
        }))
        .expect("a contact")
    }

    #[test]
    fn a_company_whose_deals_are_all_the_contacts_asks_for_none() {
        let (ids, over) = own_deal_ids(
            &company(&[7001, 7002]).leads,
            &contact(&[7002, 7001, 7003]),
            50,
        );
        assert!(ids.is_empty());
        assert_eq!(over, 0);
    }

    #[test]
    fn the_newest_of_the_companys_own_deals_are_asked_for_within_the_bound() {
        let (ids, over) = own_deal_ids(
            &company(&[7001, 7101, 7103, 7102, 7104]).leads,
            &contact(&[7001]),
            3,
        );
        assert_eq!(ids.into_iter().collect::<Vec<_>>(), vec![7102, 7103, 7104]);
        assert_eq!(over, 1);
    }
}
