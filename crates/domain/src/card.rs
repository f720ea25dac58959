//! The deal card: the deal with its chosen fields, and its news feed — events and notes merged by time,
//! with authors and stage names resolved — plus posting a comment (an amoCRM `common` note).

use amocrm::{Event, EventsQuery, NewNote, Note};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Error;
use crate::fields::{self, FieldDef};
use crate::keys::FieldKey;
use crate::metadata::CoreMeta;
use crate::model::{AccountView, DealView, FieldShown, StageView, UserRef};
use crate::render::deal_view;
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult, ConnectionId};

/// The longest comment accepted (amoCRM notes are long, agents' comments are not).
pub const COMMENT_MAX: usize = 10_000;

/// One line of a deal's news feed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedItem {
    /// When, unix seconds.
    pub at: i64,
    /// Who; `None` for the system or robots.
    pub author: Option<UserRef>,
    /// What happened.
    pub kind: FeedKind,
}

/// What happened, in terms the view translates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FeedKind {
    /// A note (comment, call, message…): its amoCRM type and text.
    Note {
        /// amoCRM's note type, e.g. `common`, `call_in`.
        note_type: String,
        /// The text, when the note has one.
        text: Option<String>,
    },
    /// The deal was created.
    LeadAdded,
    /// The stage changed.
    StatusChanged {
        /// The stage before, when known.
        from: Option<StageView>,
        /// The stage after, when known.
        to: Option<StageView>,
    },
    /// The responsible user changed.
    ResponsibleChanged {
        /// Before.
        from: Option<UserRef>,
        /// After.
        to: Option<UserRef>,
    },
    /// The price changed.
    PriceChanged {
        /// Before.
        from: Option<i64>,
        /// After.
        to: Option<i64>,
    },
    /// The name changed.
    NameChanged,
    /// A custom field changed: its name.
    FieldChanged {
        /// The field's name, or its id as text.
        field: String,
    },
    /// A tag was added.
    TagAdded,
    /// A chat message came in.
    ChatIn,
    /// A chat message went out.
    ChatOut,
    /// An incoming call.
    CallIn,
    /// An outgoing call.
    CallOut,
    /// Any other event, by its amoCRM type.
    Other {
        /// amoCRM's event type.
        event_type: String,
    },
}

/// Everything the deal card shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealCard {
    /// The deal.
    pub deal: DealView,
    /// The card's fields (the chosen ones, or every filled one by default).
    pub fields: Vec<FieldShown>,
    /// The feed, newest first.
    pub feed: Vec<FeedItem>,
    /// The account (currency).
    pub account: AccountView,
}

impl Domain {
    /// The deal card: deal ∥ events ∥ notes ∥ metadata, in one round trip.
    pub async fn deal_card(&self, id: ConnectionId, lead_id: i64) -> Result<DealCard, Error> {
        let (_, client) = self.session(id).await?;
        let events_query = EventsQuery {
            limit: Some(100),
            ..EventsQuery::for_leads([lead_id])
        };
        let (leads_api, events_api, notes_api) = (client.leads(), client.events(), client.notes());
        let (lead, events, notes, core, defs, choices) = tokio::join!(
            crate::retry::read(|| leads_api.get(lead_id, false)),
            crate::retry::read(|| events_api.list(&events_query)),
            crate::retry::read(|| notes_api.list_for_lead(lead_id)),
            self.core_meta(id, &client),
            self.deal_fields(id, &client),
            self.store().get_field_choices(id)
        );
        let lead = lead?.ok_or_else(|| Error::NotFound(format!("deal {lead_id}")))?;
        let (core, defs, choices) = (core?.value, defs?, choices?.unwrap_or_default());
        let fields = if choices.card.is_empty() {
            fields::filled_fields(&lead.custom_fields_values, &defs)
        } else {
            fields::shown_fields(&choices.card, &lead.custom_fields_values, &defs)
        };
        let feed = merge_feed(&events?, &notes?, &core, &defs);
        Ok(DealCard {
            deal: deal_view(&lead, &core, &[], &defs),
            fields,
            feed,
            account: core.account.clone(),
        })
    }

    /// Posts a comment on a deal as an amoCRM `common` note.
    pub async fn post_comment(
        &self,
        ctx: &ActionContext,
        lead_id: i64,
        text: &str,
    ) -> Result<(), Error> {
        let text = text.trim();
        if text.is_empty() {
            return Err(Error::Validation(vec![crate::error::FieldError {
                field: FieldKey::Comment,
                label: None,
                code: crate::error::FieldErrorCode::Required,
            }]));
        }
        if text.chars().count() > COMMENT_MAX {
            return Err(Error::Validation(vec![crate::error::FieldError {
                field: FieldKey::Comment,
                label: None,
                code: crate::error::FieldErrorCode::TooLong { max: COMMENT_MAX },
            }]));
        }
        let (_, client) = self.session(ctx.connection_id).await?;
        let result = client
            .notes()
            .create_for_lead(lead_id, &[NewNote::common(text)])
            .await;
        let outcome = AuditResult::of(&result);
        self.audit(
            ctx,
            AuditAction::NoteCreate,
            format!("lead:{lead_id}"),
            outcome,
        )
        .await;
        result?;
        Ok(())
    }
}

/// Events and notes, newest first. A note's own `…note_added` event is dropped: the note is shown instead.
pub fn merge_feed(
    events: &[Event],
    notes: &[Note],
    core: &CoreMeta,
    defs: &[FieldDef],
) -> Vec<FeedItem> {
    let mut feed: Vec<FeedItem> = notes
        .iter()
        .map(|n| FeedItem {
            at: n.created_at,
            author: core.user(n.created_by),
            kind: FeedKind::Note {
                note_type: n.note_type.as_str().to_owned(),
                text: n.text().map(str::to_owned),
            },
        })
        .collect();
    feed.extend(
        events
            .iter()
            .filter(|e| !e.event_type.ends_with("note_added"))
            .map(|e| FeedItem {
                at: e.created_at,
                author: core.user(e.created_by),
                kind: event_kind(e, core, defs),
            }),
    );
    feed.sort_by_key(|item| std::cmp::Reverse(item.at));
    feed
}

fn first<'a>(values: &'a Value, key: &str) -> Option<&'a Value> {
    values.as_array()?.iter().find_map(|v| v.get(key))
}

fn stage_of(values: &Value, core: &CoreMeta) -> Option<StageView> {
    let status = first(values, "lead_status")?;
    let status_id = status.get("id")?.as_i64()?;
    let pipeline_id = status
        .get("pipeline_id")
        .and_then(Value::as_i64)
        .unwrap_or_default();
    Some(core.stage(pipeline_id, status_id).1)
}

fn user_of(values: &Value, core: &CoreMeta) -> Option<UserRef> {
    core.user(first(values, "responsible_user")?.get("id")?.as_i64()?)
}

fn price_of(values: &Value) -> Option<i64> {
    let sale = first(values, "sale_field_value")?.get("sale")?;
    sale.as_i64().or_else(|| sale.as_str()?.parse().ok())
}

fn event_kind(event: &Event, core: &CoreMeta, defs: &[FieldDef]) -> FeedKind {
    let t = event.event_type.as_str();
    match t {
        "lead_added" => FeedKind::LeadAdded,
        "lead_status_changed" => FeedKind::StatusChanged {
            from: stage_of(&event.value_before, core),
            to: stage_of(&event.value_after, core),
        },
        "entity_responsible_changed" => FeedKind::ResponsibleChanged {
            from: user_of(&event.value_before, core),
            to: user_of(&event.value_after, core),
        },
        "sale_field_changed" => FeedKind::PriceChanged {
            from: price_of(&event.value_before),
            to: price_of(&event.value_after),
        },
        "name_field_changed" => FeedKind::NameChanged,
        "entity_tag_added" => FeedKind::TagAdded,
        "incoming_chat_message" => FeedKind::ChatIn,
        "outgoing_chat_message" => FeedKind::ChatOut,
        "incoming_call" => FeedKind::CallIn,
        "outgoing_call" => FeedKind::CallOut,
        _ => match t
            .strip_prefix("custom_field_")
            .and_then(|rest| rest.strip_suffix("_value_changed"))
            .and_then(|id| id.parse::<i64>().ok())
        {
            Some(id) => FeedKind::FieldChanged {
                field: defs
                    .iter()
                    .find(|d| d.id == id)
                    .map_or_else(|| id.to_string(), |d| d.name.clone()),
            },
            None => FeedKind::Other {
                event_type: t.to_owned(),
            },
        },
    }
}
