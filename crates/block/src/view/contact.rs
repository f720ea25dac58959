//! One contact of the block: its head (name, badges, deals count), phones, e-mails, responsible, company, the
//! client's values it lacks, why it is shown, Link / Unlink, its deals (each open one with its open tasks), its own
//! open tasks, the tasks links and "New deal".

use domain::model::{AccountView, ContactView, DealKind, DealView};

use super::company::CompanyItem;
use super::deal_words::DealWords;
use super::deals_list::{DealItem, DealsList};
use super::model::ContactActions;
use super::stage_move::StageMove;
use super::style::{FormTarget, action_href, deal_edit_href, safe_href};
use super::task_lines::TaskLines;
use super::text::{PhoneShown, Tr};

/// One contact as the block shows it.
pub(crate) struct ContactItem<'a> {
    pub name: String,
    pub amo: Option<String>,
    pub linked: bool,
    /// Created from the block moments ago.
    pub fresh: bool,
    pub open: bool,
    pub phones: Vec<PhoneShown>,
    pub emails: Vec<String>,
    pub responsible: Option<String>,
    pub matched: Option<String>,
    pub link: Option<FormTarget>,
    pub unlink: Option<FormTarget>,
    pub new_deal: Option<String>,
    /// Its deals: open ones first, the rest folded (`block/deals.html`).
    pub deals: DealsList<'a>,
    /// "Add +44 20 7946 0958 to this contact", one form per value the contact lacks (`block/contact_values.html`).
    pub add_values: Vec<AddValue>,
    /// The contact's own open tasks (`block/tasks.html`).
    pub open_tasks: Option<TaskLines>,
    /// "Open tasks could not be read just now", when the block was loaded without them.
    pub tasks_not_read: Option<String>,
    /// The contact's tasks page, and the same page with a call-back task prefilled (`block/tasks.html`).
    pub tasks: Option<String>,
    pub call_back: Option<String>,
    /// The contact's edit form (`block/tasks.html`).
    pub edit: Option<String>,
    /// The contact's company, its page in amoCRM and its own open deals (`block/company.html`).
    pub company: Option<CompanyItem<'a>>,
}

/// One of the client's values the contact lacks, with the form that adds it.
pub(crate) struct AddValue {
    pub form: FormTarget,
    pub field: &'static str,
    pub value: String,
    pub label: String,
}

/// How one contact is shown among the others.
pub(crate) struct Shown<'a> {
    pub account: &'a AccountView,
    /// The words every deal repeats.
    pub words: &'a DealWords,
    /// The first contact is unfolded.
    pub first: bool,
    /// Several contacts are shown: each says why.
    pub several: bool,
    /// The contact was created from the block moments ago.
    pub fresh: bool,
    /// The deals created from the block moments ago.
    pub new_deals: &'a [i64],
    /// Why amoCRM takes no writes now, when it does not: the quick comments and stage selects are left out,
    /// "Change" is off.
    pub paused: Option<&'a str>,
    /// The stage select's options of each pipeline, built once per render.
    pub stages: &'a [std::sync::Arc<super::stage_move::StageOptions>],
}

impl<'a> ContactItem<'a> {
    pub(crate) fn new(
        tr: &Tr,
        contact: &'a ContactView,
        actions: Option<&ContactActions>,
        shown: &Shown<'_>,
    ) -> Self {
        let name = contact.name.trim();
        let tasks = actions.and_then(|a| a.tasks.as_ref()).and_then(action_href);
        // While amoCRM takes no writes the tasks are listed without their Done.
        let done = actions
            .filter(|_| shown.paused.is_none())
            .map_or(&[][..], |a| a.complete_tasks.as_slice());
        Self {
            name: if name.is_empty() {
                tr.t("contact-unnamed")
            } else {
                name.to_owned()
            },
            amo: safe_href(&contact.url),
            linked: contact.linked,
            fresh: shown.fresh,
            open: shown.first || shown.fresh,
            phones: contact.phones.iter().map(|p| tr.phone(p)).collect(),
            emails: contact.emails.clone(),
            responsible: contact.responsible.as_ref().map(|u| tr.user(u)),
            // Why a contact is shown matters when several are: it tells the agent which one is the client.
            matched: (shown.several && !contact.matched_by.is_empty())
                .then(|| tr.arg("contact-matched-by", "ids", &contact.matched_by.join(", "))),
            link: actions
                .and_then(|a| a.link.as_ref())
                .and_then(FormTarget::of),
            unlink: actions
                .and_then(|a| a.unlink.as_ref())
                .and_then(FormTarget::of),
            new_deal: actions.and_then(|a| action_href(&a.new_deal)),
            deals: DealsList::of(tr, contact, shown.account, |deal, unfolded| {
                let mut item = deal_item(tr, deal, actions, shown, unfolded);
                // Like the quick comment, on the deals shown unfolded: a folded one's tasks are on the tasks page.
                if unfolded {
                    item.tasks = TaskLines::of(tr, &deal.tasks, done, tasks.as_deref());
                }
                item
            }),
            open_tasks: TaskLines::of(tr, &contact.tasks, done, tasks.as_deref()),
            tasks_not_read: contact.tasks.not_read.then(|| tr.t("block-tasks-not-read")),
            add_values: add_values(tr, actions),
            company: contact
                .company
                .as_ref()
                .map(|c| CompanyItem::new(tr, c, actions, shown.account)),
            edit: actions.and_then(|a| a.edit.as_ref()).and_then(action_href),
            call_back: tasks.as_ref().map(|href| format!("{href}&call=1")),
            tasks,
        }
    }
}

/// One deal of the contact, with its card's link and, when it is shown unfolded and amoCRM takes writes, its quick
/// comment and stage select.
fn deal_item<'a>(
    tr: &Tr,
    deal: &'a DealView,
    actions: Option<&ContactActions>,
    shown: &Shown<'_>,
    unfolded: bool,
) -> DealItem<'a> {
    let card = actions.and_then(|a| a.card(deal.id)).and_then(action_href);
    let mut item = DealItem::new(tr, deal, shown.account, shown.words, card);
    item.comment = actions
        .filter(|_| shown.paused.is_none() && unfolded)
        .and_then(|a| a.comments.iter().find(|(id, _)| *id == deal.id))
        .and_then(|(_, action)| FormTarget::of(action));
    item.stage_move = actions
        .filter(|_| shown.paused.is_none() && unfolded && deal.kind == DealKind::Open)
        .and_then(|a| a.moves.iter().find(|(id, _)| *id == deal.id))
        .and_then(|(_, action)| FormTarget::of(action))
        .and_then(|form| StageMove::of(deal, form, shown.stages));
    item.fresh = shown.new_deals.contains(&deal.id);
    // The edit page is the card's page with `edit=1`: the card's token serves both.
    if deal.kind == DealKind::Open
        && let Some(card) = &item.card
    {
        match shown.paused {
            Some(paused) => item.change_off = Some(paused.to_owned()),
            None => item.change = Some(deal_edit_href(card)),
        }
    }
    item
}

/// The forms adding the client's values the contact lacks.
fn add_values(tr: &Tr, actions: Option<&ContactActions>) -> Vec<AddValue> {
    actions
        .map(|a| a.add_values.as_slice())
        .unwrap_or_default()
        .iter()
        .filter_map(|v| {
            let shown = if v.field == "phone" {
                tr.phone(&v.value).text
            } else {
                v.value.clone()
            };
            Some(AddValue {
                form: FormTarget::of(&v.action)?,
                field: v.field,
                value: v.value.clone(),
                label: tr.arg("button-add-value", "value", &shown),
            })
        })
        .collect()
}
