//! The traces a write leaves, both ways: a private comment in the Usedesk ticket it came from, and a note on the
//! amoCRM contact or deal it created with the ticket's number, subject and link, and who created it.
//!
//! These two texts are the only ones the domain writes itself: they go to Usedesk and amoCRM, not to the
//! block, in the language of the action (the agent's, or the configured one for a trigger), from the same
//! Fluent catalogues as everything the agent reads.

use amocrm::AmoClient;
use i18n::{Arg, Translator};
use secrecy::SecretString;
use url::Url;

use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult, Connection};

/// What was created from a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Created {
    /// An amoCRM contact.
    Contact,
    /// An amoCRM deal.
    Deal,
}

/// The longest ticket subject quoted in a note.
const SUBJECT_MAX: usize = 200;

impl Domain {
    /// Leaves both traces of `what` (`id`, named `name`, at `url`) created from the action's ticket; neither can
    /// fail the write. `subject` is the ticket's subject when the caller has it; otherwise it is read from
    /// Usedesk.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn trace_created(
        &self,
        connection: &Connection,
        client: &AmoClient,
        ctx: &ActionContext,
        what: Created,
        id: i64,
        name: &str,
        url: &str,
        subject: Option<String>,
    ) {
        tokio::join!(
            self.comment_in_ticket(connection, ctx, what, name, url),
            self.note_in_amocrm(connection, client, ctx, what, id, subject),
        );
    }

    /// A private comment in the ticket, in the action's language (when configured and possible).
    async fn comment_in_ticket(
        &self,
        connection: &Connection,
        ctx: &ActionContext,
        what: Created,
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
        let message = comment_text(ctx.lang, what, name, url);
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

    /// A note on the new contact or deal: the ticket's number, subject and link, and who created it.
    async fn note_in_amocrm(
        &self,
        connection: &Connection,
        client: &AmoClient,
        ctx: &ActionContext,
        what: Created,
        id: i64,
        subject: Option<String>,
    ) {
        let Some(ticket_id) = ctx.ticket_id else {
            return;
        };
        let subject = match (subject, connection.usedesk_token.as_ref()) {
            (Some(subject), _) => Some(subject),
            (None, Some(token)) => self.ticket_subject(token, ticket_id).await,
            (None, None) => None,
        };
        let link = ticket_url(&self.config().usedesk_base, ticket_id);
        let text = note_text(ctx, ticket_id, subject.as_deref(), &link);
        let note = [amocrm::NewNote::common(text)];
        let (written, target) = match what {
            Created::Deal => (
                client.notes().create_for_lead(id, &note).await,
                format!("lead:{id}"),
            ),
            Created::Contact => (
                client.notes().create_for_contact(id, &note).await,
                format!("contact:{id}"),
            ),
        };
        if let Err(e) = written {
            tracing::warn!(error = %crate::Report(&e), %target, "could not add the ticket's note in amoCRM");
            self.audit(ctx, AuditAction::NoteCreate, target, AuditResult::Error)
                .await;
        }
    }

    /// The ticket's subject as Usedesk has it; `None` when it has none or cannot be read (the note goes without).
    async fn ticket_subject(&self, token: &SecretString, ticket_id: i64) -> Option<String> {
        match self.usedesk_client(token).ticket(ticket_id).await {
            Ok(details) => details.ticket.subject,
            Err(e) => {
                tracing::info!(error = %crate::Report(&e), ticket_id, "the ticket's subject could not be read for the amoCRM note");
                None
            }
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

/// The private comment: "The deal “…” was created in amoCRM from this ticket: URL", in `lang`.
fn comment_text(lang: i18n::Lang, what: Created, name: &str, url: &str) -> String {
    let id = match what {
        Created::Contact => "usedesk-comment-contact-created",
        Created::Deal => "usedesk-comment-deal-created",
    };
    // Usedesk takes HTML in comments: a name cannot open a tag.
    let name = name.replace(['<', '>'], "");
    Translator::global().t_args(
        lang,
        id,
        &[("name", Arg::from(name.as_str())), ("url", Arg::from(url))],
    )
}

/// The amoCRM note: where it came from, then who created it.
fn note_text(ctx: &ActionContext, ticket_id: i64, subject: Option<&str>, link: &str) -> String {
    let translator = Translator::global();
    let ticket = ticket_id.to_string();
    let subject: Option<String> = subject
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(SUBJECT_MAX).collect());
    let mut lines = vec![match &subject {
        Some(subject) => translator.t_args(
            ctx.lang,
            "amocrm-note-from-ticket",
            &[
                ("ticket", Arg::from(ticket.as_str())),
                ("subject", Arg::from(subject.as_str())),
                ("url", Arg::from(link)),
            ],
        ),
        None => translator.t_args(
            ctx.lang,
            "amocrm-note-from-ticket-no-subject",
            &[
                ("ticket", Arg::from(ticket.as_str())),
                ("url", Arg::from(link)),
            ],
        ),
    }];
    if let Some(agent) = ctx.agent.as_deref().filter(|a| !a.trim().is_empty()) {
        lines.push(translator.t_args(
            ctx.lang,
            "amocrm-note-by-agent",
            &[("agent", Arg::from(agent))],
        ));
    } else if ctx.actor == "trigger" {
        lines.push(translator.t(ctx.lang, "amocrm-note-by-trigger"));
    }
    lines.join("\n")
}

/// The ticket's page for agents: Usedesk's cloud API `api.usedesk.ru` has its pages on `secure.usedesk.ru`;
/// an on-premise or `…/uapi` base has them on the same origin.
pub(crate) fn ticket_url(usedesk_base: &Url, ticket_id: i64) -> String {
    let host = usedesk_base.host_str().unwrap_or_default();
    let origin = match host.strip_prefix("api.") {
        Some(rest) if rest.starts_with("usedesk.") => format!("https://secure.{rest}"),
        _ => usedesk_base.origin().ascii_serialization(),
    };
    format!("{origin}/tickets/{ticket_id}")
}

#[cfg(test)]
mod tests {
    use super::ticket_url;

    #[test]
    fn the_ticket_page_is_on_usedesks_agent_site_for_the_cloud_api_and_on_the_same_origin_otherwise()
     {
        let url = |base: &str| ticket_url(&base.parse().expect("a URL"), 1002);

        assert_eq!(
            url("https://api.usedesk.ru"),
            "https://secure.usedesk.ru/tickets/1002"
        );
        assert_eq!(
            url("https://secure.usedesk.com/uapi/"),
            "https://secure.usedesk.com/tickets/1002"
        );
        assert_eq!(
            url("https://help.example.org/uapi"),
            "https://help.example.org/tickets/1002"
        );
    }
}
