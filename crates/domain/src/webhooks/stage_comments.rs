//! The once-per-change stage comments in tickets: a lead's stage change claimed from a delivery (when the deal was
//! created from a ticket), the names it needs, and the comment posted privately in the ticket.

use amocrm::{WebhookAction, WebhookEntity, WebhookEvent};

use crate::Error;
use crate::service::Domain;
use crate::store::{ConnectionId, ConnectionMeta, StageChange};

/// amoCRM's shared stage ids: won and lost.
pub(super) const WON: i64 = 142;
pub(super) const LOST: i64 = 143;

/// How a stage change ended up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageOutcome {
    /// Moved to an ordinary stage.
    Moved,
    /// Won (stage 142).
    Won,
    /// Lost (stage 143).
    Lost,
}

/// A stage change to say in a ticket, claimed: the caller posts it (once).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageComment {
    /// The connection.
    pub connection_id: ConnectionId,
    /// The Usedesk ticket the deal was created from.
    pub ticket_id: i64,
    /// The deal.
    pub deal_id: i64,
    /// Its name, when the delivery carried it.
    pub deal_name: Option<String>,
    /// The stage it moved to (pipeline, status).
    pub stage: (i64, i64),
    /// Who moved it, when amoCRM says.
    pub by: Option<i64>,
    /// The language of the connection's login (`ru`, `en`, …), when known.
    pub lang: Option<String>,
}

/// What a stage comment says, with names resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StageCommentFacts {
    /// The deal's name.
    pub deal_name: String,
    /// The stage's name.
    pub stage_name: String,
    /// The pipeline's name.
    pub pipeline_name: String,
    /// Moved, won or lost.
    pub outcome: StageOutcome,
    /// Who did it, when known.
    pub by: Option<String>,
    /// The deal's page in amoCRM.
    pub url: String,
}

impl Domain {
    /// Claims the ticket comment of a lead's stage change, when the event is one and the deal came from a ticket.
    pub(super) async fn claim_comment(
        &self,
        id: ConnectionId,
        meta: &ConnectionMeta,
        event: &WebhookEvent,
    ) -> Result<Option<StageComment>, Error> {
        if event.entity != WebhookEntity::Lead {
            return Ok(None);
        }
        let (Some(deal_id), Some(stage)) = (event.int("id"), event.stage()) else {
            return Ok(None);
        };
        let old = event.old_stage();
        let moved = match event.action {
            WebhookAction::Status => true,
            // An update carries the old stage only when the stage changed.
            WebhookAction::Update => old.is_some_and(|o| o != stage),
            _ => false,
        };
        if !moved {
            return Ok(None);
        }
        let change = StageChange {
            deal_id,
            status_id: stage.1,
            old_status_id: old.map(|o| o.1),
            changed_at: event.changed_at(),
        };
        let Some(ticket_id) = self.store().claim_stage_change(id, &change).await? else {
            return Ok(None);
        };
        Ok(Some(StageComment {
            connection_id: id,
            ticket_id,
            deal_id,
            deal_name: event.name().map(str::to_owned),
            stage,
            by: event.modified_by(),
            lang: meta.lang.clone(),
        }))
    }

    /// The names a stage comment needs: the deal's (from the delivery, else amoCRM), the stage's and the user's.
    pub async fn stage_comment_facts(
        &self,
        comment: &StageComment,
    ) -> Result<StageCommentFacts, Error> {
        let (_, client) = self.session(comment.connection_id).await?;
        let core = self.core_meta(comment.connection_id, &client).await?;
        let deal_name = match comment.deal_name.clone().filter(|n| !n.trim().is_empty()) {
            Some(name) => name,
            None => client
                .leads()
                .get(comment.deal_id, false)
                .await?
                .map(|l| l.name)
                .unwrap_or_else(|| format!("#{}", comment.deal_id)),
        };
        let (pipeline_name, stage) = core.value.stage(comment.stage.0, comment.stage.1);
        let outcome = match comment.stage.1 {
            WON => StageOutcome::Won,
            LOST => StageOutcome::Lost,
            _ => StageOutcome::Moved,
        };
        let by = comment
            .by
            .and_then(|u| core.value.user(u))
            .and_then(|u| u.name);
        Ok(StageCommentFacts {
            deal_name,
            stage_name: stage.name,
            pipeline_name,
            outcome,
            by,
            url: crate::model::deal_url(&core.value.base_url, comment.deal_id),
        })
    }

    /// Posts a stage comment's text, privately, in its ticket.
    pub async fn post_stage_comment(
        &self,
        comment: &StageComment,
        text: String,
    ) -> Result<(), Error> {
        let connection = self.connection_by_id(comment.connection_id).await?;
        let Some(token) = connection.usedesk_token.as_ref() else {
            return Err(Error::NeedsLogin);
        };
        let client = self.usedesk_client(token);
        client
            .create_comment(&usedesk::NewComment::private(comment.ticket_id, text))
            .await?;
        Ok(())
    }
}
