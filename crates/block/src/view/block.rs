//! The block: every state of [`BlockView`], as the inner HTML Usedesk puts in the ticket card.

use askama::Template;
use domain::Degradation;
use domain::model::{AccountView, BlockData, BlockNotice, ContactView, DealKind, DealView};
use i18n::Arg;

use super::model::{BlockActions, BlockView, ContactActions};
use super::style::{FormTarget, Pill, action_href, safe_href};
use super::text::{FieldLine, PhoneShown, Tr};

/// How many open deals a contact shows before "Show all": a sidebar must stay one screen.
const VISIBLE_OPEN_DEALS: usize = 5;

/// The example account address shown where the block asks for one.
const EXAMPLE_HOST: &str = "https://yourcompany.amocrm.ru";
/// The example Kommo address shown beside it.
const EXAMPLE_KOMMO_HOST: &str = "https://yourcompany.kommo.com";

/// A setup problem: what to do, the POST parameter or addresses to use, and a hint for the administrator.
#[derive(Template)]
#[template(path = "block/setup.html")]
struct Setup {
    t: Tr,
    paragraphs: Vec<String>,
    /// POST parameters or addresses to copy: an optional parameter name and its value.
    code: Vec<(Option<&'static str>, String)>,
    hint: Option<String>,
    /// "For your administrator: reference …", where the problem was logged.
    reference: Option<String>,
}

/// "Login to amoCRM".
#[derive(Template)]
#[template(path = "block/login.html")]
struct Login {
    t: Tr,
    message: String,
    login: Option<String>,
}

/// No data at all: why, with the reference for the administrator.
#[derive(Template)]
#[template(path = "block/degraded.html")]
struct Degraded {
    t: Tr,
    severity: &'static str,
    message: String,
    reference: Option<String>,
    /// The account's home page in amoCRM: the way out while the block cannot show data.
    amo: Option<String>,
}

/// No data yet: it is being fetched in the background; the block reloads itself when it should be ready.
#[derive(Template)]
#[template(path = "block/preparing.html")]
struct Preparing {
    t: Tr,
    message: String,
    seconds: u64,
    /// When to reload, in milliseconds (the estimate plus a little, so the data is there).
    millis: u64,
}

/// Contacts and their deals.
#[derive(Template)]
#[template(path = "block/data.html")]
struct Data {
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
    contacts: Vec<ContactItem>,
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

/// One contact as the block shows it.
struct ContactItem {
    name: String,
    amo: Option<String>,
    linked: bool,
    /// Created from the block moments ago.
    fresh: bool,
    open: bool,
    phones: Vec<PhoneShown>,
    emails: Vec<String>,
    responsible: Option<String>,
    matched: Option<String>,
    /// "3 deals" in the head; `None` when there are none (the body says so).
    deals_count: Option<String>,
    link: Option<FormTarget>,
    unlink: Option<FormTarget>,
    new_deal: Option<String>,
    /// Whether the contact has no deal at all.
    no_deals: bool,
    /// The sum of the open deals' budgets.
    open_budget: Option<String>,
    /// The open deals shown at once, most recently changed first.
    open_deals: Vec<DealItem>,
    /// "Show all N open deals", when there are more than fit.
    show_all: Option<String>,
    /// The open deals beyond the first few.
    more_open: Vec<DealItem>,
    /// "N closed", when there are won or lost deals.
    closed_label: Option<String>,
    /// Won and lost deals, most recently changed first, folded.
    closed: Vec<DealItem>,
    /// "Add +44 20 7946 0958 to this contact", one form per value the contact lacks (`block/contact_values.html`).
    add_values: Vec<AddValue>,
    /// The contact's tasks page, and the same page with a call-back task prefilled (`block/tasks.html`).
    tasks: Option<String>,
    call_back: Option<String>,
    /// The contact's edit form (`block/tasks.html`).
    edit: Option<String>,
    /// The contact's company: its name and its page in amoCRM (`block/company.html`).
    company: Option<(String, Option<String>)>,
}

/// One of the client's values the contact lacks, with the form that adds it.
struct AddValue {
    form: FormTarget,
    field: &'static str,
    value: String,
    label: String,
}

/// One deal in a contact's list.
pub(crate) struct DealItem {
    pub name: String,
    pub card: Option<String>,
    pub amo: Option<String>,
    pub price: Option<String>,
    pub pipeline: String,
    pub stage: Pill,
    pub kind: String,
    pub kind_class: &'static str,
    pub responsible: Option<String>,
    pub fields: Vec<FieldLine>,
    /// The quick comment form (in place).
    pub comment: Option<FormTarget>,
    /// The link "Change" to an open deal's edit page.
    pub change: Option<String>,
    /// Why "Change" is off (writes are paused).
    pub change_off: Option<String>,
    /// Created from the block moments ago.
    pub fresh: bool,
}

impl DealItem {
    /// A deal with its chosen fields; `card` is where its name leads.
    pub(crate) fn new(
        tr: &Tr,
        deal: &DealView,
        account: &AccountView,
        card: Option<String>,
    ) -> Self {
        let (kind, kind_class) = kind(tr, deal.kind);
        Self {
            name: deal.name.clone(),
            card,
            amo: safe_href(&deal.url),
            price: deal.price.map(|p| tr.money(p, account)),
            pipeline: deal.pipeline.1.clone(),
            stage: Pill::new(&deal.stage.name, &deal.stage.color),
            kind,
            kind_class,
            responsible: deal.responsible.as_ref().map(|u| tr.user(u)),
            fields: deal
                .fields
                .iter()
                .map(|f| FieldLine::of(tr, f, account))
                .collect(),
            comment: None,
            change: None,
            change_off: None,
            fresh: false,
        }
    }
}

/// The words and the class of a deal's open, won or lost marker.
pub(crate) fn kind(tr: &Tr, kind: DealKind) -> (String, &'static str) {
    match kind {
        DealKind::Open => (tr.t("deal-status-open"), "open"),
        DealKind::Won => (tr.t("deal-status-won"), "won"),
        DealKind::Lost => (tr.t("deal-status-lost"), "lost"),
    }
}

/// The last resort when a template cannot render: a block that still says something.
#[derive(Template)]
#[template(path = "block/fallback.html")]
struct Fallback {
    t: Tr,
}

pub(crate) fn render(tr: Tr, view: &BlockView) -> String {
    let rendered = match view {
        BlockView::MissingHost => Setup {
            t: tr,
            paragraphs: vec![tr.t("setup-missing-host")],
            code: vec![(Some("amo_base_host"), EXAMPLE_HOST.to_owned())],
            hint: None,
            reference: None,
        }
        .render(),
        BlockView::RefusedHost { host, reference } => Setup {
            t: tr,
            paragraphs: vec![
                tr.arg("state-refused-host", "host", host),
                tr.t("setup-allowed-hosts"),
            ],
            code: vec![
                (None, EXAMPLE_HOST.to_owned()),
                (None, EXAMPLE_KOMMO_HOST.to_owned()),
            ],
            hint: None,
            reference: admin_reference(&tr, reference),
        }
        .render(),
        BlockView::OAuthNotConfigured { reference } => Setup {
            t: tr,
            paragraphs: vec![tr.t("state-oauth-not-configured")],
            code: Vec::new(),
            hint: Some(tr.t("setup-oauth-hint")),
            reference: admin_reference(&tr, reference),
        }
        .render(),
        BlockView::BadSecret => Setup {
            t: tr,
            paragraphs: vec![tr.t("state-bad-secret")],
            code: Vec::new(),
            hint: Some(tr.t("setup-bad-secret-hint")),
            reference: None,
        }
        .render(),
        BlockView::MissingUsedeskToken => Setup {
            t: tr,
            paragraphs: vec![tr.t("setup-missing-token")],
            code: vec![(Some("usedesk_api_token"), "…".to_owned())],
            hint: None,
            reference: None,
        }
        .render(),
        BlockView::NeedsLogin { login_url, expired } => Login {
            t: tr,
            message: tr.t(if *expired {
                "state-login-expired"
            } else {
                "state-needs-login"
            }),
            login: safe_href(login_url),
        }
        .render(),
        BlockView::Data {
            data,
            actions,
            stale_reason,
        } => data_view(tr, data, actions, stale_reason.as_ref()).render(),
        BlockView::Degraded {
            reason: Degradation::Preparing { seconds },
            ..
        } => Preparing {
            message: tr.args("state-preparing", &[seconds_arg(*seconds)]),
            t: tr,
            seconds: *seconds,
            millis: seconds.saturating_mul(1000).saturating_add(500),
        }
        .render(),
        BlockView::Degraded {
            reason,
            reference,
            account_url,
        } => degraded(tr, reason, reference, account_url.as_deref()).render(),
    };
    rendered.unwrap_or_else(|_| Fallback { t: tr }.render().unwrap_or_default())
}

fn degraded(tr: Tr, reason: &Degradation, reference: &str, account_url: Option<&str>) -> Degraded {
    let (severity, message) = match reason {
        Degradation::Busy { until: Some(until) } => (
            "warning",
            tr.arg("state-busy-until", "until", &tr.moment_with_zone(*until)),
        ),
        Degradation::Busy { until: None } => ("warning", tr.t("state-busy")),
        // Our own queue, not amoCRM, is what delays the data: the agent is told when it will come.
        Degradation::Queued { seconds } => {
            ("warning", tr.args("state-queued", &[seconds_arg(*seconds)]))
        }
        // Rendered by its own template above; kept here so every reason has a sentence.
        Degradation::Preparing { seconds } => {
            ("info", tr.args("state-preparing", &[seconds_arg(*seconds)]))
        }
        Degradation::Timeout => ("warning", tr.t("state-timeout")),
        Degradation::Unavailable => ("warning", tr.t("state-upstream-error")),
        Degradation::Blocked { until: Some(until) } => (
            "danger",
            tr.arg("state-blocked-until", "until", &tr.moment_with_zone(*until)),
        ),
        Degradation::Blocked { until: None } => ("danger", tr.t("state-blocked")),
        Degradation::PaymentRequired => ("danger", tr.t("state-payment-required")),
        Degradation::Internal => ("danger", tr.arg("state-internal-error", "ref", reference)),
    };
    // The internal error already quotes the reference in its sentence.
    let reference = (!matches!(reason, Degradation::Internal))
        .then(|| admin_reference(&tr, reference))
        .flatten();
    Degraded {
        t: tr,
        severity,
        message,
        reference,
        amo: account_url.and_then(safe_href),
    }
}

/// "For your administrator: reference …", when there is one.
fn admin_reference(tr: &Tr, reference: &str) -> Option<String> {
    (!reference.is_empty()).then(|| tr.arg("block-admin-reference", "ref", reference))
}

/// The `seconds` variable of the queued-requests messages.
fn seconds_arg(seconds: u64) -> (&'static str, Arg) {
    (
        "seconds",
        Arg::from(i64::try_from(seconds).unwrap_or(i64::MAX)),
    )
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

fn data_view(
    tr: Tr,
    data: &BlockData,
    actions: &BlockActions,
    reason: Option<&Degradation>,
) -> Data {
    let paused = writes_paused(&tr, data, reason);
    let contacts: Vec<ContactItem> = data
        .contacts
        .iter()
        .enumerate()
        .map(|(index, contact)| {
            let acts = actions.contacts.iter().find(|a| a.contact_id == contact.id);
            let shown = Shown {
                account: &data.account,
                first: index == 0,
                several: data.contacts.len() > 1,
                fresh: actions.new_contacts.contains(&contact.id),
                new_deals: &actions.new_deals,
                paused: paused.as_deref(),
            };
            contact_item(&tr, contact, acts, &shown)
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
        search: FormTarget::of(&actions.search),
        search_first,
    }
}

/// How one contact is shown among the others.
struct Shown<'a> {
    account: &'a AccountView,
    /// The first contact is unfolded.
    first: bool,
    /// Several contacts are shown: each says why.
    several: bool,
    /// The contact was created from the block moments ago.
    fresh: bool,
    /// The deals created from the block moments ago.
    new_deals: &'a [i64],
    /// Why amoCRM takes no writes now, when it does not: the quick comments are left out, "Change" is off.
    paused: Option<&'a str>,
}

fn contact_item(
    tr: &Tr,
    contact: &ContactView,
    actions: Option<&ContactActions>,
    shown: &Shown<'_>,
) -> ContactItem {
    let Shown {
        account,
        first,
        several,
        ..
    } = *shown;
    let name = contact.name.trim();
    let deal_item = |deal: &DealView| {
        let card = actions
            .and_then(|a| a.deals.iter().find(|(id, _)| *id == deal.id))
            .and_then(|(_, action)| action_href(action));
        let mut item = DealItem::new(tr, deal, account, card);
        item.comment = actions
            .filter(|_| shown.paused.is_none())
            .and_then(|a| a.comments.iter().find(|(id, _)| *id == deal.id))
            .and_then(|(_, action)| FormTarget::of(action));
        item.fresh = shown.new_deals.contains(&deal.id);
        // The edit page is the card's page with `edit=1`: the card's token serves both.
        if deal.kind == DealKind::Open
            && let Some(card) = &item.card
        {
            match shown.paused {
                Some(paused) => item.change_off = Some(paused.to_owned()),
                None => item.change = Some(format!("{card}&edit=1")),
            }
        }
        // A chosen field this deal leaves empty would only add a dash line to every deal.
        item.fields.retain(|f| f.value.is_some());
        item
    };
    let by_recent_change = |deals: &mut Vec<&DealView>| {
        deals.sort_by(|a, b| b.updated_at.cmp(&a.updated_at).then(b.id.cmp(&a.id)));
    };
    let (mut open, mut closed): (Vec<&DealView>, Vec<&DealView>) =
        contact.deals.iter().partition(|d| d.kind == DealKind::Open);
    by_recent_change(&mut open);
    by_recent_change(&mut closed);
    let budget: i64 = open.iter().filter_map(|d| d.price).sum();
    let mut open_deals: Vec<DealItem> = open.iter().map(|d| deal_item(d)).collect();
    let more_open = if open_deals.len() > VISIBLE_OPEN_DEALS {
        open_deals.split_off(VISIBLE_OPEN_DEALS)
    } else {
        Vec::new()
    };
    ContactItem {
        name: if name.is_empty() {
            tr.t("contact-unnamed")
        } else {
            name.to_owned()
        },
        amo: safe_href(&contact.url),
        linked: contact.linked,
        fresh: shown.fresh,
        open: first || shown.fresh,
        phones: contact.phones.iter().map(|p| tr.phone(p)).collect(),
        emails: contact.emails.clone(),
        responsible: contact.responsible.as_ref().map(|u| tr.user(u)),
        // Why a contact is shown matters when several are: it tells the agent which one is the client.
        matched: (several && !contact.matched_by.is_empty())
            .then(|| tr.arg("contact-matched-by", "ids", &contact.matched_by.join(", "))),
        deals_count: (!contact.deals.is_empty())
            .then(|| tr.count("deals-count", contact.deals.len())),
        link: actions
            .and_then(|a| a.link.as_ref())
            .and_then(FormTarget::of),
        unlink: actions
            .and_then(|a| a.unlink.as_ref())
            .and_then(FormTarget::of),
        new_deal: actions.and_then(|a| action_href(&a.new_deal)),
        no_deals: contact.deals.is_empty(),
        open_budget: (budget > 0)
            .then(|| tr.arg("deals-open-budget", "amount", &tr.money(budget, account))),
        show_all: (!more_open.is_empty()).then(|| tr.count("deals-show-all", open.len())),
        more_open,
        open_deals,
        closed_label: (!closed.is_empty()).then(|| tr.count("deals-closed", closed.len())),
        closed: closed.iter().map(|d| deal_item(d)).collect(),
        add_values: actions
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
            .collect(),
        company: contact
            .company
            .as_ref()
            .map(|c| (c.name.clone(), safe_href(&c.url))),
        edit: actions.and_then(|a| a.edit.as_ref()).and_then(action_href),
        tasks: actions.and_then(|a| a.tasks.as_ref()).and_then(action_href),
        call_back: actions
            .and_then(|a| a.tasks.as_ref())
            .and_then(action_href)
            .map(|href| format!("{href}&call=1")),
    }
}
