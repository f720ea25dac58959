//! Disconnecting: from the gear (tokens deleted, webhook unsubscribed, settings kept only when asked) and by
//! amoCRM's signed "disconnect" hook (the integration was uninstalled or its access revoked in the account).

use amocrm::DisconnectHook;

use crate::Error;
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult, ConnectionId};

impl Domain {
    /// Disconnects a connection: unsubscribes its webhook (while the tokens still work), then deletes the stored
    /// amoCRM and Usedesk tokens, its login details and — unless `keep_settings` — its links and field choices,
    /// in one transaction. The block asks to log in again afterwards; the Integration ID stays.
    pub async fn disconnect(&self, ctx: &ActionContext, keep_settings: bool) -> Result<(), Error> {
        let id = ctx.connection_id;
        let connection = self.connection_by_id(id).await?;
        let meta = self.store().get_connection_meta(id).await?;
        if let Some(destination) = meta.and_then(|m| m.webhook_destination) {
            match self.client(&connection).await {
                Ok(client) => {
                    if let Err(e) = client.webhooks().unsubscribe(&destination).await {
                        // Its secret is deleted below, so a delivery that still comes is refused.
                        tracing::warn!(error = %crate::Report(&e), "could not remove the webhook from amoCRM");
                    }
                }
                Err(e) => {
                    tracing::info!(error = %crate::Report(&e), "no usable tokens to remove the webhook with");
                }
            }
        }
        self.store()
            .disconnect(id, keep_settings, crate::now())
            .await?;
        self.forget_connection(id);
        self.audit(
            ctx,
            AuditAction::Disconnect,
            format!("connection:{id}"),
            AuditResult::Ok,
        )
        .await;
        Ok(())
    }

    /// amoCRM's "disconnect" hook (`GET` with `client_uuid`, `account_id`, `signature`): when it is signed with
    /// our client secret, every connection of that amoCRM account loses its tokens and needs a login (links and
    /// field choices stay, for the next login). Returns the connections marked; `Ok(None)` for a hook that is
    /// not ours or not genuine, which changes nothing.
    pub async fn disconnect_hook(&self, query: &str) -> Result<Option<Vec<ConnectionId>>, Error> {
        let oauth = self
            .inner
            .config
            .oauth
            .as_ref()
            .ok_or(Error::OAuthNotConfigured)?;
        let Ok(hook) = DisconnectHook::from_query(query) else {
            return Ok(None);
        };
        if !hook.verify(&oauth.client_id, &oauth.client_secret) {
            return Ok(None);
        }
        let ids = self
            .store()
            .connections_of_amo_account(hook.account_id)
            .await?;
        for id in &ids {
            self.store().disconnect(*id, true, crate::now()).await?;
            self.forget_connection(*id);
            let ctx = ActionContext {
                connection_id: *id,
                ticket_id: None,
                client_id: None,
                actor: "amocrm".to_owned(),
                lang: i18n::Lang::En,
                time_zone: None,
                agent: None,
            };
            self.audit(
                &ctx,
                AuditAction::Disconnect,
                format!("account:{}", hook.account_id),
                AuditResult::Ok,
            )
            .await;
        }
        Ok(Some(ids))
    }
}
