//! The company of the contact shown as the client (`block/company.html`): its name and amoCRM link, and under it
//! the company's own open deals (not the contact's) compactly — name to the deal card, stage, budget — up to five,
//! with "N more" to the company in amoCRM; won and lost ones only counted.

use domain::model::{AccountView, CompanyRef, DealKind};

use super::model::ContactActions;
use super::style::{Pill, action_href, safe_href};
use super::text::Tr;

/// How many of the company's open deals the block lists: the contact's own deals come first.
const VISIBLE_COMPANY_DEALS: usize = 5;

/// The company line and its deals.
pub(crate) struct CompanyItem<'a> {
    pub name: &'a str,
    /// The company's page in amoCRM.
    pub href: Option<String>,
    /// Its open deals shown, newest first, and what the list is called for screen readers.
    pub deals: Vec<CompanyDeal<'a>>,
    pub deals_label: String,
    /// "N more": open deals beyond the ones shown, and deals not read, in amoCRM.
    pub more: Option<String>,
    /// "N closed deals" of the company's own, not listed.
    pub closed: Option<String>,
}

/// One open deal of the company.
pub(crate) struct CompanyDeal<'a> {
    pub name: &'a str,
    /// Its card (signed), where its name leads.
    pub card: Option<String>,
    pub stage: Pill,
    pub price: Option<String>,
}

impl<'a> CompanyItem<'a> {
    pub(crate) fn new(
        tr: &Tr,
        company: &'a CompanyRef,
        actions: Option<&ContactActions>,
        account: &AccountView,
    ) -> Self {
        let (open, closed): (Vec<_>, Vec<_>) =
            company.deals.iter().partition(|d| d.kind == DealKind::Open);
        let more = open.len().saturating_sub(VISIBLE_COMPANY_DEALS) + company.unread_deals;
        Self {
            name: &company.name,
            href: safe_href(&company.url),
            deals: open
                .into_iter()
                .take(VISIBLE_COMPANY_DEALS)
                .map(|deal| CompanyDeal {
                    name: &deal.name,
                    card: actions.and_then(|a| a.card(deal.id)).and_then(action_href),
                    stage: Pill::new(&deal.stage.name, &deal.stage.color),
                    price: deal.price.filter(|p| *p > 0).map(|p| tr.money(p, account)),
                })
                .collect(),
            deals_label: tr.arg("company-deals-of", "name", &company.name),
            more: (more > 0).then(|| tr.count("company-deals-more", more)),
            closed: (!closed.is_empty()).then(|| tr.count("deals-closed", closed.len())),
        }
    }
}
