//! A contact's deals as the block lists them: open deals first, the five most recently changed unfolded and the
//! rest behind "Show all", won and lost ones folded, the open budget summed.
//!
//! Only the deals shown unfolded offer a quick comment and the stage select in the block ([`unfolded`]): the HTTP
//! layer signs their tokens for those alone, and a folded deal is commented on (and changed from) its card, one click
//! away.

use std::borrow::Cow;

use domain::model::{AccountView, ContactView, DealKind, DealView};

use super::deal_words::DealWords;
use super::style::{FormTarget, Pill, safe_href};
use super::task_lines::TaskLines;
use super::text::{FieldLine, Tr};

/// How many open deals a contact shows before "Show all": a sidebar must stay one screen.
const VISIBLE_OPEN_DEALS: usize = 5;

/// One deal in a contact's list.
pub(crate) struct DealItem<'a> {
    pub name: &'a str,
    pub card: Option<String>,
    pub amo: Option<String>,
    pub price: Option<String>,
    pub pipeline: &'a str,
    pub stage: Pill,
    pub kind: Cow<'static, str>,
    pub kind_class: &'static str,
    pub responsible: Option<Cow<'a, str>>,
    pub fields: Vec<FieldLine<'a>>,
    /// The quick comment form (in place), on the deals shown unfolded.
    pub comment: Option<FormTarget>,
    /// The stage select (in place), on the same deals.
    pub stage_move: Option<super::stage_move::StageMove>,
    /// The link "Change" to an open deal's edit page.
    pub change: Option<String>,
    /// Why "Change" is off (writes are paused).
    pub change_off: Option<String>,
    /// Created from the block moments ago.
    pub fresh: bool,
    /// An open deal's open tasks (`macros.html`, `task_lines`).
    pub tasks: Option<TaskLines>,
}

impl<'a> DealItem<'a> {
    /// A deal with the chosen fields it fills (one it leaves empty would only add a dash line to every deal);
    /// `card` is where its name leads.
    pub(crate) fn new(
        tr: &Tr,
        deal: &'a DealView,
        account: &AccountView,
        words: &DealWords,
        card: Option<String>,
    ) -> Self {
        let (kind, kind_class) = words.kind(deal.kind);
        Self {
            name: &deal.name,
            card,
            amo: safe_href(&deal.url),
            price: deal.price.map(|p| tr.money(p, account)),
            pipeline: &deal.pipeline.1,
            stage: Pill::new(&deal.stage.name, &deal.stage.color),
            kind,
            kind_class,
            responsible: deal.responsible.as_ref().map(|u| tr.user_name(u)),
            fields: deal
                .fields
                .iter()
                .filter(|f| f.value.is_some())
                .map(|f| FieldLine::of(tr, f, account))
                .collect(),
            comment: None,
            stage_move: None,
            change: None,
            change_off: None,
            fresh: false,
            tasks: None,
        }
    }
}

/// The words and the class of a deal's open, won or lost marker.
pub(crate) fn kind(tr: &Tr, kind: DealKind) -> (Cow<'static, str>, &'static str) {
    match kind {
        DealKind::Open => (tr.word("deal-status-open"), "open"),
        DealKind::Won => (tr.word("deal-status-won"), "won"),
        DealKind::Lost => (tr.word("deal-status-lost"), "lost"),
    }
}

/// A contact's deals, as the block lists them.
pub(crate) struct DealsList<'a> {
    /// "3 deals" in the contact's head; `None` when there are none (the body says so).
    pub count: Option<String>,
    /// The sum of the open deals' budgets.
    pub open_budget: Option<String>,
    /// The open deals shown at once, most recently changed first.
    pub open: Vec<DealItem<'a>>,
    /// "Show all N open deals", when there are more than fit.
    pub show_all: Option<String>,
    /// The open deals beyond the first few.
    pub more_open: Vec<DealItem<'a>>,
    /// "N closed", when there are won or lost deals.
    pub closed_label: Option<String>,
    /// Won and lost deals, most recently changed first, folded.
    pub closed: Vec<DealItem<'a>>,
}

/// A contact's open deals and its won and lost ones, each most recently changed first.
fn open_and_closed(contact: &ContactView) -> (Vec<&DealView>, Vec<&DealView>) {
    let by_recent_change = |deals: &mut Vec<&DealView>| {
        deals.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id)));
    };
    let (mut open, mut closed): (Vec<&DealView>, Vec<&DealView>) =
        contact.deals.iter().partition(|d| d.kind == DealKind::Open);
    by_recent_change(&mut open);
    by_recent_change(&mut closed);
    (open, closed)
}

/// The deals a contact shows unfolded, by id: its most recently changed open deals, up to five.
pub(crate) fn unfolded(contact: &ContactView) -> Vec<i64> {
    let (open, _) = open_and_closed(contact);
    open.iter().take(VISIBLE_OPEN_DEALS).map(|d| d.id).collect()
}

impl<'a> DealsList<'a> {
    /// The list of `contact`'s deals; `item` makes each one, told whether it is shown unfolded.
    pub(crate) fn of(
        tr: &Tr,
        contact: &'a ContactView,
        account: &AccountView,
        item: impl Fn(&'a DealView, bool) -> DealItem<'a>,
    ) -> Self {
        let (open, closed) = open_and_closed(contact);
        let budget: i64 = open.iter().filter_map(|d| d.price).sum();
        let shown = open.len().min(VISIBLE_OPEN_DEALS);
        let more = open.len() > VISIBLE_OPEN_DEALS;
        Self {
            count: (!contact.deals.is_empty())
                .then(|| tr.count("deals-count", contact.deals.len())),
            open_budget: (budget > 0)
                .then(|| tr.arg("deals-open-budget", "amount", &tr.money(budget, account))),
            open: open[..shown].iter().map(|d| item(d, true)).collect(),
            show_all: more.then(|| tr.count("deals-show-all", open.len())),
            more_open: open[shown..].iter().map(|d| item(d, false)).collect(),
            closed_label: (!closed.is_empty()).then(|| tr.count("deals-closed", closed.len())),
            closed: closed.iter().map(|d| item(d, false)).collect(),
        }
    }
}
