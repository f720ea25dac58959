//! The search page: the form, how the query was understood, and each contact found with its summary, "Link"
//! and "open in amoCRM".

use std::borrow::Cow;

use askama::Template;
use domain::model::{DealKind, DealView};
use domain::search::{SEARCH_QUERY_MAX, SEARCH_RESULTS_MAX, SearchHit, SearchKind};

use super::deals_list::kind;
use super::model::{SearchPage, SearchProblem};
use super::style::{FormTarget, Pill, safe_href};
use super::text::{PhoneShown, Tr};

/// The page.
#[derive(Template)]
#[template(path = "page/search.html")]
struct Search {
    t: Tr,
    title: String,
    form: Option<FormTarget>,
    query: String,
    problem: Option<String>,
    outcome: Option<String>,
    understood: Option<String>,
    truncated: Option<String>,
    hits: Vec<Hit>,
}

/// One contact found.
struct Hit {
    name: String,
    amo: Option<String>,
    linked: bool,
    confirmed: bool,
    phones: Vec<PhoneShown>,
    emails: Vec<String>,
    responsible: Option<String>,
    company: Option<String>,
    matched: Option<String>,
    deals: Vec<Deal>,
    link: Option<FormTarget>,
}

/// One open deal of a contact found.
struct Deal {
    name: String,
    amo: Option<String>,
    stage: Pill,
    kind: Cow<'static, str>,
    kind_class: &'static str,
}

fn deal(tr: &Tr, deal: &DealView) -> Deal {
    let (kind, kind_class) = kind(tr, deal.kind);
    Deal {
        name: deal.name.clone(),
        amo: safe_href(&deal.url),
        stage: Pill::new(&deal.stage.name, &deal.stage.color),
        kind,
        kind_class,
    }
}

fn hit(tr: &Tr, hit: &SearchHit, page: &SearchPage) -> Hit {
    let contact = &hit.contact;
    let name = contact.name.trim();
    Hit {
        name: if name.is_empty() {
            tr.t("contact-unnamed")
        } else {
            name.to_owned()
        },
        amo: safe_href(&contact.url),
        linked: contact.linked,
        confirmed: hit.confirmed,
        phones: contact.phones.iter().map(|p| tr.phone(p)).collect(),
        emails: contact.emails.clone(),
        responsible: contact.responsible.as_ref().map(|u| tr.user(u)),
        company: hit
            .company
            .as_deref()
            .map(|c| tr.arg("search-via-company", "company", c)),
        matched: (!contact.matched_by.is_empty())
            .then(|| tr.arg("contact-matched-by", "ids", &contact.matched_by.join(", "))),
        deals: contact
            .deals
            .iter()
            .filter(|d| d.kind == DealKind::Open)
            .map(|d| deal(tr, d))
            .collect(),
        link: page
            .links
            .iter()
            .find(|(id, _)| *id == contact.id)
            .and_then(|(_, action)| FormTarget::of(action)),
    }
}

pub(crate) fn render(tr: Tr, page: &SearchPage) -> askama::Result<String> {
    let problem = page.problem.map(|p| match p {
        SearchProblem::Empty => tr.t("search-empty"),
        SearchProblem::TooLong => tr.args(
            "search-too-long",
            &[(
                "max",
                i18n::Arg::from(i64::try_from(SEARCH_QUERY_MAX).unwrap_or(i64::MAX)),
            )],
        ),
    });
    let results = page.results.as_deref();
    let outcome = results.map(|r| {
        if r.hits.is_empty() {
            tr.arg("search-nothing", "query", &r.query)
        } else {
            let count = i64::try_from(r.hits.len()).unwrap_or(i64::MAX);
            tr.args(
                "search-found",
                &[
                    ("count", i18n::Arg::from(count)),
                    ("query", i18n::Arg::from(r.query.as_str())),
                ],
            )
        }
    });
    let understood = results.and_then(|r| match &r.kind {
        SearchKind::Phone(p) => Some(tr.arg("search-as-phone", "phone", &tr.phone(p).text)),
        SearchKind::Email(e) => Some(tr.arg("search-as-email", "email", e)),
        SearchKind::Text => None,
    });
    let truncated = results.filter(|r| r.truncated).map(|_| {
        tr.args(
            "search-truncated",
            &[(
                "count",
                i18n::Arg::from(i64::try_from(SEARCH_RESULTS_MAX).unwrap_or(i64::MAX)),
            )],
        )
    });
    let hits = results
        .map(|r| r.hits.iter().map(|h| hit(&tr, h, page)).collect())
        .unwrap_or_default();
    Search {
        t: tr,
        title: tr.t("search-title"),
        form: FormTarget::of(&page.form),
        query: page.query.clone(),
        problem,
        outcome,
        understood,
        truncated,
        hits,
    }
    .render()
}
