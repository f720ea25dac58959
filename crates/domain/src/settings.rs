//! The gear: which fields the deals list and the deal card show, and the account's pipelines, users and deal
//! fields with their ids (what an admin writes into a trigger).

use std::sync::Arc;

use crate::Error;
use crate::fields::FieldDef;
use crate::metadata::{CoreMeta, PipelineInfo};
use crate::model::{FieldLabel, UserRef};
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult, ConnectionId, FieldChoices};

/// The gear: the fields that can be chosen and the current choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSettings {
    /// The connection (its id is the Integration ID shown for triggers).
    pub connection_id: ConnectionId,
    /// Every field that can be shown: key and label.
    pub available: Vec<(crate::FieldKey, FieldLabel)>,
    /// The current choice; the card shows every filled field while its list is empty.
    pub choices: FieldChoices,
    /// The account's pipelines (archived ones included) with their stages, for the ids a trigger names.
    pub pipelines: Vec<PipelineInfo>,
    /// The account's users (empty when the users list is not readable), by name.
    pub users: Vec<UserRef>,
    /// The account's deal custom fields, in its order.
    pub fields: Vec<FieldDef>,
}

impl Domain {
    /// A connection's account metadata and deal fields, with the gear's field choices, read together.
    pub(crate) async fn fields_with_choices(
        &self,
        id: ConnectionId,
    ) -> Result<(Arc<CoreMeta>, Arc<Vec<FieldDef>>, Option<FieldChoices>), Error> {
        let (_, client) = self.session(id).await?;
        let (core, defs, choices) = tokio::join!(
            self.core_meta(id, &client),
            self.deal_fields(id, &client),
            self.store().get_field_choices(id)
        );
        Ok((core?.value, defs?, choices?))
    }

    /// The gear's choices and the fields available.
    pub async fn field_settings(&self, id: ConnectionId) -> Result<FieldSettings, Error> {
        let (core, defs, choices) = self.fields_with_choices(id).await?;
        let available = defs
            .iter()
            .map(|d| (d.key(), FieldLabel::Custom(d.name.clone())))
            .collect();
        let users = core.users_by_name();
        Ok(FieldSettings {
            connection_id: id,
            available,
            choices: choices.unwrap_or_default(),
            pipelines: core.pipelines.clone(),
            users,
            fields: defs.to_vec(),
        })
    }

    /// Saves the gear's choices (unknown keys are dropped).
    pub async fn save_field_choices(
        &self,
        ctx: &ActionContext,
        choices: FieldChoices,
    ) -> Result<(), Error> {
        let (_, client) = self.session(ctx.connection_id).await?;
        let defs = self.deal_fields(ctx.connection_id, &client).await?;
        let known = |k: &crate::FieldKey| defs.iter().any(|d| d.key() == *k);
        let mut clean = FieldChoices {
            list: choices.list.into_iter().filter(known).collect(),
            card: choices.card.into_iter().filter(known).collect(),
        };
        clean.list.dedup();
        clean.card.dedup();
        self.store()
            .set_field_choices(ctx.connection_id, &clean)
            .await?;
        self.audit(
            ctx,
            AuditAction::FieldsChoose,
            "fields".into(),
            AuditResult::Ok,
        )
        .await;
        self.after_write(ctx.connection_id);
        Ok(())
    }
}
