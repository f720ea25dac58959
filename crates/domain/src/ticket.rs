//! What the domain says in the Usedesk ticket a write came from.

use secrecy::SecretString;

use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult};

impl Domain {
    /// Leaves a private comment in the ticket about something created from it (when configured and possible).
    pub(crate) async fn comment_in_ticket(
        &self,
        connection: &crate::store::Connection,
        ctx: &ActionContext,
        what: &str,
        name: &str,
        url: &str,
    ) {
        let (Some(ticket_id), Some(token), true) = (
            ctx.ticket_id,
            connection.usedesk_token.as_ref(),
            self.config().usedesk_comment_on_create,
        ) else {
            return;
        };
        let message = format!(
            "amoCRM: {what} \u{ab}{}\u{bb} — {url}",
            name.replace(['<', '>'], "")
        );
        let client = self.usedesk_client(token);
        let comment = usedesk::NewComment::private(ticket_id, message);
        if let Err(e) = client.create_comment(&comment).await {
            tracing::warn!(error = %crate::Report(&e), ticket_id, "could not add the private comment to the Usedesk ticket");
            self.audit(
                ctx,
                AuditAction::UsedeskComment,
                format!("ticket:{ticket_id}"),
                AuditResult::Error,
            )
            .await;
        }
    }

    pub(crate) fn usedesk_client(&self, token: &SecretString) -> usedesk::UsedeskClient {
        usedesk::UsedeskClient::new(
            self.config().usedesk_base.clone(),
            token.clone(),
            self.inner.deps.http.clone(),
        )
    }
}
