//! What a verified delivery drops from the caches, here and (through the cache bus) on the other replicas: the
//! rendered blocks that show the deal (a contact's, or its company's own) or contact it touches, every block of the
//! connection for a new deal or contact, and the metadata when it names a stage or field the cache does not know.

use std::collections::HashSet;

use amocrm::{WebhookAction, WebhookEntity, WebhookEvent};

use super::stage_comments::{LOST, WON};
use crate::replicas::CacheDrop;
use crate::service::Domain;
use crate::store::ConnectionId;

impl Domain {
    /// Drops the cached data the events touch.
    pub(super) async fn invalidate_for(&self, id: ConnectionId, events: &[WebhookEvent]) {
        let mut deals = HashSet::new();
        let mut contacts = HashSet::new();
        let mut everything = false;
        let mut metadata = false;
        let core = self.inner.core.peek(&id).await;
        let fields = self.inner.deal_fields.peek(&id).await;
        for event in events {
            let entity_id = event.entity_id();
            match (&event.entity, &event.action) {
                // A new deal or contact may belong to (or match) any ticket's client.
                (WebhookEntity::Lead | WebhookEntity::Contact, WebhookAction::Add)
                | (WebhookEntity::Lead | WebhookEntity::Contact, WebhookAction::Restore) => {
                    everything = true;
                }
                (WebhookEntity::Lead, _) => deals.extend(entity_id),
                (WebhookEntity::Contact, _) => contacts.extend(entity_id),
                (WebhookEntity::Task, _) => match event.task_target() {
                    Some((1, contact)) => {
                        contacts.insert(contact);
                    }
                    Some((2, deal)) => {
                        deals.insert(deal);
                    }
                    _ => {}
                },
                _ => {}
            }
            if event.entity == WebhookEntity::Lead {
                if let (Some(core), Some((pipeline, status))) = (&core, event.stage())
                    && !knows_stage(&core.value, pipeline, status)
                {
                    metadata = true;
                }
                if let Some(fields) = &fields
                    && names_unknown_field(event, &fields.value)
                {
                    metadata = true;
                }
            }
        }
        let drop = if metadata {
            CacheDrop::Metadata { connection: id }
        } else if everything {
            CacheDrop::Blocks { connection: id }
        } else if deals.is_empty() && contacts.is_empty() {
            return;
        } else {
            CacheDrop::Touching {
                connection: id,
                deals: deals.into_iter().collect(),
                contacts: contacts.into_iter().collect(),
            }
        };
        self.drop_caches(drop);
    }
}

/// Whether the cached metadata knows this stage.
fn knows_stage(core: &crate::metadata::CoreMeta, pipeline: i64, status: i64) -> bool {
    status == WON
        || status == LOST
        || core
            .pipelines
            .iter()
            .any(|p| p.id == pipeline && p.stages.iter().any(|s| s.view.id == status))
}

/// Whether a lead event names a custom field the cached definitions do not know.
fn names_unknown_field(
    event: &WebhookEvent,
    fields: &std::sync::Arc<Vec<crate::fields::FieldDef>>,
) -> bool {
    event
        .fields
        .iter()
        .filter(|(key, _)| key.starts_with("custom_fields[") && key.ends_with("][id]"))
        .filter_map(|(_, value)| value.trim().parse::<i64>().ok())
        .any(|field| !fields.iter().any(|f| f.id == field))
}
