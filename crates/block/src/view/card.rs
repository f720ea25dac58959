//! The deal card page: the deal with its stage, tags and fields, its contacts (position, phones, e-mails, tags), its
//! news feed newest first, and the comment form.

use std::borrow::Cow;

use askama::Template;
use domain::model::{AccountView, StageView, UserRef};
use domain::{CardContact, DealCard, FeedItem, FeedKind, FieldError};

use super::deals_list::kind;
use super::forms::{Banner, ErrorLine, error_text};
use super::model::{Action, Problem};
use super::style::{FormTarget, Pill, action_href, deal_edit_href, safe_href};
use super::text::{FieldLine, PhoneShown, Tr};
use super::ticket_log::{self, TicketLogShown};

/// The deal card.
#[derive(Template)]
#[template(path = "page/deal_card.html")]
struct Card<'a> {
    t: Tr,
    title: String,
    name: String,
    amo: Option<String>,
    stage: Pill,
    kind: Cow<'static, str>,
    kind_class: &'static str,
    price: Option<String>,
    facts: Vec<(String, String)>,
    /// The deal's tags.
    tags: &'a [String],
    fields: Vec<FieldLine<'a>>,
    /// The deal's contacts, the main one first.
    people: Vec<Person<'a>>,
    feed: Vec<Entry>,
    comment: Option<FormTarget>,
    errors: Vec<ErrorLine>,
    problem: Option<Banner>,
    /// The comment as typed, when it comes back.
    text: String,
    /// Whether the form has "Log this ticket to the deal".
    can_log: bool,
    /// What the last press of it did, and whether that is good news.
    logged: Option<(String, bool)>,
    /// The deal's edit page.
    edit: Option<String>,
    /// Whether the deal was just changed: the card says so above everything.
    changed: bool,
}

/// A contact of the deal: its name (to amoCRM), position, phones, e-mails and tags.
struct Person<'a> {
    name: &'a str,
    amo: Option<String>,
    /// Marked "main" when the deal has several.
    main: bool,
    position: Option<&'a str>,
    phones: Vec<PhoneShown>,
    emails: &'a [String],
    tags: &'a [String],
}

impl<'a> Person<'a> {
    fn of(tr: &Tr, contact: &'a CardContact, several: bool) -> Self {
        Self {
            name: &contact.name,
            amo: safe_href(&contact.url),
            main: several && contact.is_main,
            position: contact.position.as_deref(),
            phones: contact.phones.iter().map(|p| tr.phone(p)).collect(),
            emails: &contact.emails,
            tags: &contact.tags,
        }
    }
}

/// The comment form alone, when the card itself is out of reach.
#[derive(Template)]
#[template(path = "page/comment_form.html")]
struct CommentOnly {
    t: Tr,
    title: String,
    comment: Option<FormTarget>,
    errors: Vec<ErrorLine>,
    problem: Option<Banner>,
    text: String,
}

/// The card's comment form: where it posts and what comes back in it.
pub(crate) struct Composer<'a> {
    pub(crate) comment: &'a Action,
    /// The deal's edit page, when it may be changed.
    pub(crate) edit: Option<&'a Action>,
    /// Whether the deal was just changed.
    pub(crate) changed: bool,
    pub(crate) errors: &'a [FieldError],
    pub(crate) text: &'a str,
    pub(crate) problem: Option<&'a Problem>,
    /// Whether the form offers "Log this ticket to the deal".
    pub(crate) can_log: bool,
    /// How the press of "Log this ticket to the deal" the card follows ended.
    pub(crate) logged: Option<TicketLogShown>,
}

pub(crate) fn comment_only(
    tr: Tr,
    comment: &Action,
    text: &str,
    problem: &Problem,
) -> askama::Result<String> {
    CommentOnly {
        t: tr,
        title: tr.t("comment-label"),
        comment: FormTarget::of(comment),
        errors: Vec::new(),
        problem: Some(Banner::of(&tr, problem)),
        text: text.to_owned(),
    }
    .render()
}

/// One line of the feed.
struct Entry {
    what: String,
    who: String,
    when: String,
    text: Option<String>,
    class: &'static str,
    /// A call's recording (an http(s) address), played in a new tab.
    recording: Option<String>,
}

pub(crate) fn render(tr: Tr, card: &DealCard, composer: &Composer<'_>) -> askama::Result<String> {
    let deal = &card.deal;
    let (kind, kind_class) = kind(&tr, deal.kind);
    let mut facts = vec![(tr.t("deal-pipeline"), deal.pipeline.1.clone())];
    if let Some(user) = &deal.responsible {
        facts.push((tr.t("deal-responsible"), tr.user(user)));
    }
    if deal.created_at > 0 {
        facts.push((tr.t("deal-created"), tr.datetime(deal.created_at)));
    }
    let mut feed: Vec<&FeedItem> = card.feed.iter().collect();
    // Newest first, whatever order the feed came in; equal times keep their order.
    feed.sort_by_key(|item| std::cmp::Reverse(item.at));
    let comment_label = tr.t("comment-label");
    Card {
        t: tr,
        title: deal.name.clone(),
        name: deal.name.clone(),
        amo: safe_href(&deal.url),
        stage: Pill::new(&deal.stage.name, &deal.stage.color),
        kind,
        kind_class,
        price: deal.price.map(|p| tr.money(p, &card.account)),
        facts,
        tags: &card.tags,
        people: card
            .contacts
            .iter()
            .map(|c| Person::of(&tr, c, card.contacts.len() > 1))
            .collect(),
        fields: card
            .fields
            .iter()
            .map(|f| FieldLine::of(&tr, f, &card.account))
            .collect(),
        feed: feed
            .into_iter()
            .map(|item| entry(&tr, item, &card.account))
            .collect(),
        comment: FormTarget::of(composer.comment),
        errors: composer
            .errors
            .iter()
            .map(|e| ErrorLine {
                text: error_text(&tr, e, &comment_label),
                anchor: Some("comment".to_owned()),
            })
            .collect(),
        problem: composer.problem.map(|p| Banner::of(&tr, p)),
        text: composer.text.to_owned(),
        can_log: composer.can_log,
        logged: composer
            .logged
            .map(|shown| (ticket_log::message(&tr, shown), shown.is_done())),
        edit: composer
            .edit
            .and_then(action_href)
            .map(|href| deal_edit_href(&href)),
        changed: composer.changed,
    }
    .render()
}

/// One feed entry in words. Longer than most functions here on purpose: it is one `match` over the feed's
/// kinds, each arm a line or two, and reads best as one table.
fn entry(tr: &Tr, item: &FeedItem, account: &AccountView) -> Entry {
    let who = |user: &Option<UserRef>| match user {
        Some(user) => tr.user(user),
        None => tr.t("feed-system-author"),
    };
    let stage = |stage: &Option<StageView>| {
        stage
            .as_ref()
            .map_or_else(|| "—".to_owned(), |s| s.name.clone())
    };
    let person = |user: &Option<UserRef>| {
        user.as_ref()
            .map_or_else(|| tr.t("feed-unknown-author"), |u| tr.user(u))
    };
    let money =
        |amount: &Option<i64>| amount.map_or_else(|| "—".to_owned(), |a| tr.money(a, account));
    let (what, class, text) = match &item.kind {
        FeedKind::Note { note_type, text } => {
            let what = match note_type.as_str() {
                "call_in" => tr.t("feed-call-in"),
                "call_out" => tr.t("feed-call-out"),
                "sms_in" => tr.t("feed-sms-in"),
                "sms_out" => tr.t("feed-sms-out"),
                "service_message" | "extended_service_message" => tr.t("feed-note-service"),
                "attachment" => tr.t("feed-note-attachment"),
                _ => tr.t("feed-note-title"),
            };
            let text = text
                .as_deref()
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned);
            (what, "note", text)
        }
        FeedKind::LeadAdded => (tr.t("feed-lead-added"), "event", None),
        FeedKind::StatusChanged { from, to } => (
            tr.args2(
                "feed-status-changed",
                ("from", &stage(from)),
                ("to", &stage(to)),
            ),
            "status",
            None,
        ),
        FeedKind::ResponsibleChanged { from, to } => (
            tr.args2(
                "feed-responsible-changed",
                ("from", &person(from)),
                ("to", &person(to)),
            ),
            "event",
            None,
        ),
        FeedKind::PriceChanged { from, to } => (
            tr.args2(
                "feed-price-changed",
                ("from", &money(from)),
                ("to", &money(to)),
            ),
            "event",
            None,
        ),
        FeedKind::NameChanged => (tr.t("feed-name-changed"), "event", None),
        FeedKind::FieldChanged { field } => {
            (tr.arg("feed-field-changed", "field", field), "event", None)
        }
        FeedKind::TagAdded => (tr.t("feed-tag-added"), "event", None),
        FeedKind::ChatIn => (tr.t("feed-chat-in"), "chat", None),
        FeedKind::ChatOut => (tr.t("feed-chat-out"), "chat", None),
        FeedKind::Call { .. } => (call_title(tr, &item.kind), "call", None),
        FeedKind::CallIn => (tr.t("feed-call-in"), "call", None),
        FeedKind::CallOut => (tr.t("feed-call-out"), "call", None),
        FeedKind::Other { event_type } => (
            tr.arg("feed-event-other", "type", event_type),
            "event",
            None,
        ),
    };
    let recording = match &item.kind {
        FeedKind::Call { recording, .. } => recording.as_deref().and_then(safe_href),
        _ => None,
    };
    Entry {
        what,
        who: who(&item.author),
        when: tr.moment(item.at),
        text,
        class,
        recording,
    }
}

/// "Incoming call · +7 903 555-01-01 · 3 min 12 s": the direction, then the number and the length when amoCRM
/// has them.
fn call_title(tr: &Tr, kind: &FeedKind) -> String {
    let FeedKind::Call {
        incoming,
        phone,
        duration_secs,
        ..
    } = kind
    else {
        return String::new();
    };
    let mut title = tr.t(if *incoming {
        "feed-call-in"
    } else {
        "feed-call-out"
    });
    if let Some(phone) = phone {
        title.push_str(" · ");
        title.push_str(&tr.phone(phone).text);
    }
    if let Some(secs) = duration_secs {
        let minutes = secs / 60;
        let seconds = secs % 60;
        title.push_str(" · ");
        title.push_str(&tr.args2(
            "feed-call-duration",
            ("minutes", &minutes.to_string()),
            ("seconds", &seconds.to_string()),
        ));
    }
    title
}
