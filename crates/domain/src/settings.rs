//! The gear: which fields the deals list and the deal card show.

use crate::Error;
use crate::model::FieldLabel;
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
}

impl Domain {
    /// The gear's choices and the fields available.
    pub async fn field_settings(&self, id: ConnectionId) -> Result<FieldSettings, Error> {
        let (_, client) = self.session(id).await?;
        let (defs, choices) = tokio::join!(
            self.deal_fields(id, &client),
            self.store().get_field_choices(id)
        );
        let available = defs?
            .iter()
            .map(|d| (d.key(), FieldLabel::Custom(d.name.clone())))
            .collect();
        Ok(FieldSettings {
            connection_id: id,
            available,
            choices: choices?.unwrap_or_default(),
        })
    }

    /// Saves the gear's choices (unknown keys are dropped).
    pub async fn save_field_choices(
        &self,
        ctx: &ActionContext,
        choices: FieldChoices,
    ) -> Result<(), Error> {
        let settings = self.field_settings(ctx.connection_id).await?;
        let known = |k: &crate::FieldKey| settings.available.iter().any(|(key, _)| key == k);
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
