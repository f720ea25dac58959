//! The block: every state of [`BlockView`], as the inner HTML Usedesk puts in the ticket card.

use askama::Template;
use domain::Degradation;
use domain::model::{AccountView, BlockData, BlockNotice, ContactView, DealKind, DealView};

use super::model::{BlockActions, BlockView, ContactActions};
use super::style::{FormTarget, Pill, action_href, safe_href};
use super::text::{FieldLine, Tr};

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
    summary: Option<String>,
    link_hint: Option<String>,
    contacts: Vec<ContactItem>,
}

/// What is said above the contacts when there are none.
struct Notice {
    title: String,
    hint: Option<String>,
    searched: Option<String>,
}

/// The "Add to amoCRM" form with the client's data in hidden fields.
struct AddContact {
    form: FormTarget,
    name: Option<String>,
    phones: Vec<String>,
    emails: Vec<String>,
}

/// One contact as the block shows it.
struct ContactItem {
    name: String,
    amo: Option<String>,
    linked: bool,
    open: bool,
    phones: Vec<String>,
    emails: Vec<String>,
    responsible: Option<String>,
    matched: Option<String>,
    deals_count: String,
    link: Option<FormTarget>,
    unlink: Option<FormTarget>,
    new_deal: Option<String>,
    deals: Vec<DealItem>,
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
            amo: safe_href(&deal.url).map(str::to_owned),
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
        }
        .render(),
        BlockView::RefusedHost { host } => Setup {
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
        }
        .render(),
        BlockView::OAuthNotConfigured => Setup {
            t: tr,
            paragraphs: vec![tr.t("state-oauth-not-configured")],
            code: Vec::new(),
            hint: Some(tr.t("setup-oauth-hint")),
        }
        .render(),
        BlockView::BadSecret => Setup {
            t: tr,
            paragraphs: vec![tr.t("state-bad-secret")],
            code: Vec::new(),
            hint: Some(tr.t("setup-bad-secret-hint")),
        }
        .render(),
        BlockView::MissingUsedeskToken => Setup {
            t: tr,
            paragraphs: vec![tr.t("setup-missing-token")],
            code: vec![(Some("usedesk_api_token"), "…".to_owned())],
            hint: None,
        }
        .render(),
        BlockView::NeedsLogin { login_url, expired } => Login {
            t: tr,
            message: tr.t(if *expired {
                "state-login-expired"
            } else {
                "state-needs-login"
            }),
            login: safe_href(login_url).map(str::to_owned),
        }
        .render(),
        BlockView::Data {
            data,
            actions,
            stale_reason,
        } => data_view(tr, data, actions, stale_reason.as_ref()).render(),
        BlockView::Degraded { reason, reference } => degraded(tr, reason, reference).render(),
    };
    rendered.unwrap_or_else(|_| Fallback { t: tr }.render().unwrap_or_default())
}

fn degraded(tr: Tr, reason: &Degradation, reference: &str) -> Degraded {
    let (severity, message) = match reason {
        Degradation::Busy => ("warning", tr.t("state-busy")),
        Degradation::Timeout => ("warning", tr.t("state-timeout")),
        Degradation::Unavailable => ("warning", tr.t("state-upstream-error")),
        Degradation::Blocked => ("danger", tr.t("state-blocked")),
        Degradation::PaymentRequired => ("danger", tr.t("state-payment-required")),
        Degradation::Internal => ("danger", tr.arg("state-internal-error", "ref", reference)),
    };
    // The internal error already quotes the reference in its sentence.
    let reference = (!matches!(reason, Degradation::Internal) && !reference.is_empty())
        .then(|| tr.arg("block-reference", "ref", reference));
    Degraded {
        t: tr,
        severity,
        message,
        reference,
    }
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
        Some(Degradation::Busy) => "state-stale-busy",
        Some(Degradation::Blocked) => "state-stale-blocked",
        Some(Degradation::PaymentRequired) => "state-stale-payment",
        _ => "state-stale",
    };
    Some(tr.arg(id, "time", &tr.moment(as_of)))
}

fn data_view(
    tr: Tr,
    data: &BlockData,
    actions: &BlockActions,
    reason: Option<&Degradation>,
) -> Data {
    let contacts: Vec<ContactItem> = data
        .contacts
        .iter()
        .enumerate()
        .map(|(index, contact)| {
            let acts = actions.contacts.iter().find(|a| a.contact_id == contact.id);
            contact_item(
                &tr,
                contact,
                acts,
                &data.account,
                index == 0,
                data.contacts.len() > 1,
            )
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
        let add = FormTarget::of(&actions.add_contact).map(|form| AddContact {
            form,
            name: client
                .name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned),
            phones: client.phones.clone(),
            emails: client.emails.clone(),
        });
        (Some(notice), add)
    } else {
        (None, None)
    };
    let several = data.contacts.len() > 1 && !data.linked;
    let account = data.account.name.trim();
    Data {
        t: tr,
        account: (!account.is_empty()).then(|| account.to_owned()),
        settings: action_href(&actions.settings),
        stale: stale_message(&tr, data, reason),
        notices: notices(&tr, data),
        notice,
        add,
        summary: several.then(|| tr.count("contacts-found", data.contacts.len())),
        link_hint: several
            .then(|| tr.t("contact-link-hint"))
            .filter(|_| contacts.iter().any(|c| c.link.is_some())),
        contacts,
    }
}

fn contact_item(
    tr: &Tr,
    contact: &ContactView,
    actions: Option<&ContactActions>,
    account: &AccountView,
    first: bool,
    several: bool,
) -> ContactItem {
    let name = contact.name.trim();
    let deals = contact
        .deals
        .iter()
        .map(|deal| {
            let card = actions
                .and_then(|a| a.deals.iter().find(|(id, _)| *id == deal.id))
                .and_then(|(_, action)| action_href(action));
            DealItem::new(tr, deal, account, card)
        })
        .collect();
    ContactItem {
        name: if name.is_empty() {
            tr.t("contact-unnamed")
        } else {
            name.to_owned()
        },
        amo: safe_href(&contact.url).map(str::to_owned),
        linked: contact.linked,
        open: first,
        phones: contact.phones.clone(),
        emails: contact.emails.clone(),
        responsible: contact.responsible.as_ref().map(|u| tr.user(u)),
        // Why a contact is shown matters when several are: it tells the agent which one is the client.
        matched: (several && !contact.matched_by.is_empty())
            .then(|| tr.arg("contact-matched-by", "ids", &contact.matched_by.join(", "))),
        deals_count: tr.count("deals-count", contact.deals.len()),
        link: actions
            .and_then(|a| a.link.as_ref())
            .and_then(FormTarget::of),
        unlink: actions
            .and_then(|a| a.unlink.as_ref())
            .and_then(FormTarget::of),
        new_deal: actions.and_then(|a| action_href(&a.new_deal)),
        deals,
    }
}
