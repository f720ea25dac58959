//! The deal card: the deal with its chosen fields, and its news feed — events and notes merged by time,
//! with authors and stage names resolved, its tags and its contacts (`people.rs`) — plus posting a comment (an
//! amoCRM `common` note).

mod people;

pub use people::{CARD_CONTACTS_MAX, CardContact};

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
    /// A call note: its direction, the other party's number, how long it took and where its recording is,
    /// each when amoCRM has it (telephony integrations fill `params` as they can).
    Call {
        /// Whether the client called in (`call_in`), rather than the agent out (`call_out`).
        incoming: bool,
        /// The other party's number, as amoCRM stores it.
        phone: Option<String>,
        /// The conversation's length in seconds.
        duration_secs: Option<i64>,
        /// The recording's address.
        recording: Option<String>,
    },
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
    /// The deal's contacts, the main one first, at most [`CARD_CONTACTS_MAX`].
    #[serde(default)]
    pub contacts: Vec<CardContact>,
    /// The deal's tags' names.
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Domain {
    /// The deal card: deal (with its contacts named) ∥ events ∥ notes ∥ metadata ∥ `contact` — the contact the
    /// card was opened from, when known — in one round trip; the deal's other contacts, when it has any, in a
    /// second.
    pub async fn deal_card(
        &self,
        id: ConnectionId,
        lead_id: i64,
        contact: Option<i64>,
    ) -> Result<DealCard, Error> {
        let (_, client) = self.session(id).await?;
        let events_query = EventsQuery {
            limit: Some(100),
            ..EventsQuery::for_leads([lead_id])
        };
        let (leads_api, events_api, notes_api) = (client.leads(), client.events(), client.notes());
        let contacts_api = client.contacts();
        let (lead, events, notes, core, defs, choices, hinted) = tokio::join!(
            crate::retry::read(|| leads_api.get(lead_id, true)),
            crate::retry::read(|| events_api.list(&events_query)),
            crate::retry::read(|| notes_api.list_for_lead(lead_id)),
            self.core_meta(id, &client),
            self.deal_fields(id, &client),
            self.store().get_field_choices(id),
            async {
                let Some(contact_id) = contact else {
                    return Vec::new();
                };
                // The card is whole without it: a failure leaves it to the second wave.
                crate::retry::read(|| contacts_api.get(contact_id, false))
                    .await
                    .unwrap_or_else(|e| {
                        tracing::warn!(error = %crate::Report(&e), "could not read the card's contact");
                        None
                    })
                    .into_iter()
                    .collect()
            }
        );
        let lead = lead?.ok_or_else(|| Error::NotFound(format!("deal {lead_id}")))?;
        let (core, defs, choices) = (core?.value, defs?, choices?.unwrap_or_default());
        let wanted = people::wanted(&lead);
        let read = people::read_rest(&client, &wanted, hinted).await;
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
            contacts: people::card_contacts(&wanted, &read, &core),
            tags: people::tag_names(&lead.tags),
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
            kind: note_kind(n),
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

/// A note as the feed shows it: a call with its details, any other note with its type and text.
fn note_kind(note: &Note) -> FeedKind {
    let note_type = note.note_type.as_str();
    if !matches!(note_type, "call_in" | "call_out") {
        return FeedKind::Note {
            note_type: note_type.to_owned(),
            text: note.text().map(str::to_owned),
        };
    }
    let text_of = |key: &str| {
        note.params
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    // Integrations send the duration as a number or as its digits.
    let duration_secs = note.params.get("duration").and_then(|d| {
        d.as_i64()
            .or_else(|| d.as_str().and_then(|s| s.trim().parse().ok()))
    });
    FeedKind::Call {
        incoming: note_type == "call_in",
        phone: text_of("phone"),
        duration_secs: duration_secs.filter(|d| *d >= 0),
        recording: text_of("link"),
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn call(note_type: &str, params: Value) -> Note {
        serde_json::from_value(serde_json::json!({
            "id": 1, "entity_id": 7001, "created_by": 0, "created_at": 1_754_000_000,
            "note_type": note_type, "params": params
        }))
        .expect("a note")
    }

    #[test]
    fn a_call_note_reads_its_direction_number_length_and_recording() {
        let note = call(
            "call_in",
            serde_json::json!({"uniq": "a1", "duration": 192, "source": "Zadarma",
                "link": "https://records.example/a1.mp3", "phone": "+79035550101"}),
        );

        assert_eq!(
            note_kind(&note),
            FeedKind::Call {
                incoming: true,
                phone: Some("+79035550101".into()),
                duration_secs: Some(192),
                recording: Some("https://records.example/a1.mp3".into()),
            }
        );
    }

    #[test]
    fn a_call_note_takes_its_length_as_digits_and_leaves_out_what_it_lacks() {
        let note = call(
            "call_out",
            serde_json::json!({"duration": "45", "link": " "}),
        );

        assert_eq!(
            note_kind(&note),
            FeedKind::Call {
                incoming: false,
                phone: None,
                duration_secs: Some(45),
                recording: None,
            }
        );
    }

    #[test]
    fn a_comment_stays_a_note_with_its_text() {
        let note = call("common", serde_json::json!({"text": "Called back"}));

        assert_eq!(
            note_kind(&note),
            FeedKind::Note {
                note_type: "common".into(),
                text: Some("Called back".into()),
            }
        );
    }
}
