//! The block with data: the account's head, what is said above the contacts (stale data, paused writes, notices,
//! no contact found with "Add to amoCRM"), the contacts and the search form.

use askama::Template;
use domain::Degradation;
use domain::model::{BlockData, BlockNotice};
use i18n::Arg;

use super::block::seconds_arg;
use super::contact::{ContactItem, Shown};
use super::deal_words::DealWords;
use super::model::BlockActions;
use super::style::{FormTarget, action_href};
use super::text::Tr;

/// Contacts and their deals.
#[derive(Template)]
#[template(path = "block/data.html")]
pub(super) struct Data<'a> {
    t: Tr,
    account: Option<String>,
    settings: Option<String>,
    stale: Option<String>,
    /// What the block says once (another Usedesk account connected, …).
    notices: Vec<String>,
    notice: Option<Notice>,
    add: Option<AddContact>,
    /// Why writes are off while the block shows last known data (amoCRM refuses them): every write button is
    /// disabled and says so; "Open in amoCRM" stays.
    paused: Option<String>,
    summary: Option<String>,
    link_hint: Option<String>,
    /// Says that some of the client's phones and e-mails were not searched.
    not_searched: Option<String>,
    contacts: Vec<ContactItem<'a>>,
    /// The words every deal repeats (`block/deals.html`).
    deal_words: DealWords,
    /// The search form (`block/search.html`).
    search: Option<FormTarget>,
    /// Whether the search is offered first, in the notice (no contact found), rather than below the contacts.
    search_first: bool,
}

/// What is said above the contacts when there are none.
struct Notice {
    title: String,
    hint: Option<String>,
    searched: Option<String>,
}

/// "Add to amoCRM" in one click: the form creating the contact from the client's data in hidden fields, and
/// the link to the prefilled form to edit it first.
struct AddContact {
    form: FormTarget,
    edit: Option<String>,
    name: Option<String>,
    phones: Vec<String>,
    emails: Vec<String>,
}

/// The notices of the connection, as sentences.
fn notices(tr: &Tr, data: &BlockData) -> Vec<String> {
    data.notices
        .iter()
        .map(|notice| match notice {
            BlockNotice::OtherAccountConnected { account, at } => tr.args2(
                "block-notice-other-account",
                ("account", &tr.usedesk_account_short(account)),
                ("time", &tr.moment(*at)),
            ),
        })
        .collect()
}

/// The warning above last known data: why it is not fresh, and when it was fetched.
fn stale_message(tr: &Tr, data: &BlockData, reason: Option<&Degradation>) -> Option<String> {
    let as_of = data.stale_as_of?;
    let id = match reason {
        Some(Degradation::Queued { seconds }) => {
            let time = tr.moment(as_of);
            return Some(tr.args(
                "state-stale-queued",
                &[("time", Arg::from(time.as_str())), seconds_arg(*seconds)],
            ));
        }
        Some(Degradation::Preparing { seconds }) => {
            let time = tr.moment(as_of);
            return Some(tr.args(
                "state-stale-preparing",
                &[("time", Arg::from(time.as_str())), seconds_arg(*seconds)],
            ));
        }
        Some(
            Degradation::Busy { until: Some(until) } | Degradation::Blocked { until: Some(until) },
        ) => {
            let id = if matches!(reason, Some(Degradation::Busy { .. })) {
                "state-stale-busy-until"
            } else {
                "state-stale-blocked-until"
            };
            return Some(tr.args2(
                id,
                ("until", &tr.moment_with_zone(*until)),
                ("time", &tr.moment(as_of)),
            ));
        }
        Some(Degradation::Busy { until: None }) => "state-stale-busy",
        Some(Degradation::Blocked { until: None }) => "state-stale-blocked",
        Some(Degradation::PaymentRequired) => "state-stale-payment",
        _ => "state-stale",
    };
    Some(tr.arg(id, "time", &tr.moment(as_of)))
}

/// Why writes are off, when amoCRM refuses them and the block shows last known data.
fn writes_paused(tr: &Tr, data: &BlockData, reason: Option<&Degradation>) -> Option<String> {
    data.stale_as_of?;
    matches!(
        reason,
        Some(Degradation::Blocked { .. } | Degradation::PaymentRequired)
    )
    .then(|| tr.t("block-writes-paused"))
}

/// The prefilled contact form's address: the client's name, phones and e-mails in the query.
fn edit_first(
    action: &super::model::Action,
    name: Option<&str>,
    phones: &[String],
    emails: &[String],
) -> Option<String> {
    let mut href = action_href(action)?;
    let fields = name
        .map(|n| ("name", n))
        .into_iter()
        .chain(phones.iter().map(|p| ("phone", p.as_str())))
        .chain(emails.iter().map(|e| ("email", e.as_str())));
    for (key, value) in fields {
        href.push('&');
        href.push_str(key);
        href.push('=');
        href.extend(url::form_urlencoded::byte_serialize(value.as_bytes()));
    }
    Some(href)
}

pub(super) fn data_view<'a>(
    tr: Tr,
    data: &'a BlockData,
    actions: &BlockActions,
    reason: Option<&Degradation>,
) -> Data<'a> {
    let paused = writes_paused(&tr, data, reason);
    let deal_words = DealWords::new(&tr);
    let stages = super::stage_move::StageOptions::all(&data.pipelines);
    let contacts: Vec<ContactItem<'a>> = data
        .contacts
        .iter()
        .enumerate()
        .map(|(index, contact)| {
            let acts = actions.contacts.iter().find(|a| a.contact_id == contact.id);
            let shown = Shown {
                account: &data.account,
                words: &deal_words,
                first: index == 0,
                several: data.contacts.len() > 1,
                fresh: actions.new_contacts.contains(&contact.id),
                new_deals: &actions.new_deals,
                paused: paused.as_deref(),
                stages: &stages,
            };
            ContactItem::new(&tr, contact, acts, &shown)
        })
        .collect();
    let client = &data.client;
    let searched = (!data.identifiers.is_empty())
        .then(|| tr.arg("contact-searched-by", "ids", &data.identifiers.join(", ")));
    let (notice, add) = if contacts.is_empty() {
        let notice = if data.identifiers.is_empty() {
            Notice {
                title: tr.t("contact-no-identifiers"),
                hint: None,
                searched: None,
            }
        } else {
            Notice {
                title: tr.t("state-no-contact"),
                hint: Some(tr.t("state-no-contact-hint")),
                searched,
            }
        };
        let name = client
            .name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let add = FormTarget::of(&actions.create_contact).map(|form| AddContact {
            form,
            edit: edit_first(&actions.add_contact, name, &client.phones, &client.emails),
            name: name.map(str::to_owned),
            phones: client.phones.clone(),
            emails: client.emails.clone(),
        });
        (Some(notice), add)
    } else {
        (None, None)
    };
    let several = data.contacts.len() > 1 && !data.linked;
    let account = data.account.name.trim();
    let search_first = notice.is_some();
    Data {
        t: tr,
        account: (!account.is_empty()).then(|| account.to_owned()),
        settings: action_href(&actions.settings),
        stale: stale_message(&tr, data, reason),
        notices: notices(&tr, data),
        notice,
        add,
        paused,
        summary: several.then(|| tr.count("contacts-found", data.contacts.len())),
        link_hint: several
            .then(|| tr.t("contact-link-hint"))
            .filter(|_| contacts.iter().any(|c| c.link.is_some())),
        not_searched: (data.not_searched > 0)
            .then(|| tr.count("contact-not-searched", data.not_searched)),
        contacts,
        deal_words,
        search: FormTarget::of(&actions.search),
        search_first,
    }
}
