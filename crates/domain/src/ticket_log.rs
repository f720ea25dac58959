//! Logging a ticket's conversation to a deal: the ticket's messages, read from the Usedesk API, as one amoCRM
//! `common` note — who said what and when, oldest first, cut to [`NOTE_MAX`] with a link to the full ticket.
//!
//! Once per (connection, ticket, deal): the run claims the key `log:<ticket>:<deal>` in the store's idempotency
//! records (the table `freeCreateLead` uses, in a namespace of its own, kept without expiry) before it reads
//! anything, so of two concurrent presses — in one process or on two replicas — one writes and the other is told
//! the log is in progress; a later press is answered with when the ticket was logged and writes nothing. A run
//! that fails (Usedesk or amoCRM unreachable, amoCRM refusing the note) gives its claim back, so a retry works.
//!
//! The note is one of the texts the domain writes itself (see the `ticket` module): in the action's language, from
//! the Fluent catalogues.

use i18n::{Arg, Translator};
use serde::{Deserialize, Serialize};
use usedesk::{Comment, TicketDetails, UsedeskClient};

use crate::Error;
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult, IdempotencyClaim};
use crate::ticket::ticket_url;
use crate::zone::Zone;

/// The longest note written, in characters. amoCRM documents no limit for a `common` note's text; this is the
/// bound the block already holds agents' comments to (`COMMENT_MAX`), so a logged ticket is never longer than a
/// note amoCRM already takes from the block, and stays readable in the deal's feed.
pub const NOTE_MAX: usize = crate::card::COMMENT_MAX;

/// A message cut to fit keeps at least this many characters; less is left out whole.
const PARTIAL_MIN: usize = 200;

/// The zone of Usedesk's `YYYY-MM-DD hh:mm:ss` times. Usedesk's API documents none; its answers are read as UTC
/// and shown in the account's zone.
const USEDESK_TIMES_ZONE: &str = "UTC";

/// What pressing "Log this ticket to the deal" did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TicketLog {
    /// The note was added now.
    Logged {
        /// When, unix seconds.
        at: i64,
        /// How many messages the note holds.
        messages: usize,
        /// Whether messages were left out (the note ends with the link to the full ticket).
        trimmed: bool,
    },
    /// The ticket was logged to this deal before; nothing was added.
    AlreadyLogged {
        /// When it was logged, unix seconds.
        at: i64,
    },
}

/// What the store keeps for a logged (ticket, deal).
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    at: i64,
    note_id: Option<i64>,
}

/// One message of the conversation, ready for the note.
struct Entry {
    /// `2017-03-01 14:30 — Ann (client):`
    head: String,
    text: String,
}

impl Entry {
    fn len(&self) -> usize {
        self.head.chars().count() + 1 + self.text.chars().count()
    }

    fn write(&self, out: &mut String) {
        out.push_str(&self.head);
        out.push('\n');
        out.push_str(&self.text);
    }
}

/// The note and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogNote {
    /// The note's text.
    pub text: String,
    /// How many messages it holds (a cut one included).
    pub messages: usize,
    /// Whether messages were left out or cut.
    pub trimmed: bool,
}

impl Domain {
    /// Logs the action's ticket to the deal `deal_id`: once per (connection, ticket, deal). See the module's
    /// documentation for what concurrent and repeated calls get.
    pub async fn log_ticket_to_deal(
        &self,
        ctx: &ActionContext,
        deal_id: i64,
    ) -> Result<TicketLog, Error> {
        // A task of its own: a caller that goes away (an agent closing the tab) does not leave the claim pending
        // until it goes stale, and the reads and the write run on a fresh stack rather than under the caller's.
        let (this, ctx) = (self.clone(), ctx.clone());
        tokio::spawn(async move { this.log_once(&ctx, deal_id).await })
            .await
            .map_err(|e| Error::Internal(format!("the ticket log's task: {e}")))?
    }

    /// [`Domain::log_ticket_to_deal`], in its own task.
    async fn log_once(&self, ctx: &ActionContext, deal_id: i64) -> Result<TicketLog, Error> {
        let ticket_id = ctx
            .ticket_id
            .ok_or_else(|| Error::NotFound("the ticket to log".to_owned()))?;
        let connection_id = ctx.connection_id;
        // An unknown connection is an error before any claim is made.
        self.connection_by_id(connection_id).await?;
        let key = format!("log:{ticket_id}:{deal_id}");
        let stale = i64::try_from(self.config().claim_stale_after.as_secs()).unwrap_or(i64::MAX);
        let store = self.store();
        match store
            .claim_idempotency(connection_id, &key, "log-ticket", i64::MAX, stale)
            .await?
        {
            IdempotencyClaim::Done { result } => {
                let stored: Stored = serde_json::from_str(&result)
                    .map_err(|e| Error::Internal(format!("stored ticket log: {e}")))?;
                return Ok(TicketLog::AlreadyLogged { at: stored.at });
            }
            IdempotencyClaim::InProgress => return Err(Error::InProgress),
            IdempotencyClaim::Conflict => return Err(Error::Conflict),
            IdempotencyClaim::Claimed { .. } => {}
        }
        let target = format!("lead:{deal_id}");
        match self.write_log_note(ctx, ticket_id, deal_id).await {
            Ok((note, note_id)) => {
                let at = crate::now();
                let stored = serde_json::to_string(&Stored { at, note_id })
                    .map_err(|e| Error::Internal(e.to_string()))?;
                if let Err(e) = store.finish_idempotency(connection_id, &key, &stored).await {
                    // The note is there; a later press may find the claim stale and log again, which beats
                    // telling the agent the log failed when it did not.
                    tracing::warn!(error = %crate::Report(&e), "could not record the ticket's log");
                }
                self.audit(ctx, AuditAction::TicketLog, target, AuditResult::Ok)
                    .await;
                Ok(TicketLog::Logged {
                    at,
                    messages: note.messages,
                    trimmed: note.trimmed,
                })
            }
            Err(e) => {
                if let Err(release) = store.release_idempotency(connection_id, &key).await {
                    tracing::warn!(error = %crate::Report(&release), "could not release the ticket log's claim");
                }
                self.audit(ctx, AuditAction::TicketLog, target, AuditResult::Error)
                    .await;
                Err(e)
            }
        }
    }

    /// The ticket logged to the deal a trigger just created: whether it is logged (now or before), and why not
    /// when it is not. Never fails the trigger.
    pub(crate) async fn log_for_trigger(
        &self,
        ctx: &ActionContext,
        deal_id: i64,
    ) -> (bool, Option<String>) {
        match self.log_ticket_to_deal(ctx, deal_id).await {
            Ok(_) => (true, None),
            Err(e) => {
                tracing::warn!(error = %crate::Report(&e), deal_id, "could not log the ticket to the trigger's deal");
                (false, Some(e.to_string()))
            }
        }
    }

    /// Reads the conversation, builds the note and adds it to the deal; the note's id when amoCRM gave one.
    async fn write_log_note(
        &self,
        ctx: &ActionContext,
        ticket_id: i64,
        deal_id: i64,
    ) -> Result<(LogNote, Option<i64>), Error> {
        let (connection, client) = self.session(ctx.connection_id).await?;
        let token = connection.usedesk_token.as_ref().ok_or_else(|| Error::Usedesk {
            cause: crate::error::Cause::message(
                "no Usedesk API token is stored for this connection: open the block in a ticket once",
            ),
            retryable: false,
        })?;
        let usedesk = self.usedesk_client(token);
        let (details, names, core) = tokio::join!(
            usedesk.ticket(ticket_id),
            names(&usedesk, ctx.client_id),
            self.core_meta(ctx.connection_id, &client),
        );
        let details = details?;
        // Without the account's zone the note still goes, in the operator's zone or UTC.
        let account = core.ok().map(|c| c.value.account.clone());
        let zone = self.zone(ctx.time_zone.as_deref(), account.as_ref());
        let link = ticket_url(&self.config().usedesk_base, ticket_id);
        let note = log_note(
            ctx.lang,
            &details,
            &names,
            &zone,
            &link,
            ctx.agent.as_deref(),
        );
        let created = client
            .notes()
            .create_for_lead(deal_id, &[amocrm::NewNote::common(note.text.clone())])
            .await?;
        Ok((note, created.first().map(|c| c.id)))
    }
}

/// The names the note gives: the ticket's client and the account's agents.
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// The client's name, when Usedesk gave one.
    pub client: Option<String>,
    /// The agents, by id.
    pub agents: Vec<(i64, String)>,
}

/// The client's and agents' names; a read that fails leaves names out (the note says "client", "#id").
async fn names(usedesk: &UsedeskClient, client_id: Option<i64>) -> Names {
    let client = async {
        let id = client_id?;
        match usedesk.client(id).await {
            Ok(client) => client.name.filter(|n| !n.trim().is_empty()),
            Err(e) => {
                tracing::info!(error = %crate::Report(&e), "the client's name could not be read for the ticket log");
                None
            }
        }
    };
    let (client, users) = tokio::join!(client, usedesk.users());
    let agents = users
        .unwrap_or_default()
        .into_iter()
        .filter_map(|u| Some((u.id, u.name.filter(|n| !n.trim().is_empty())?)))
        .collect();
    Names { client, agents }
}

/// The note for `details`: a header naming the ticket, then each message with who and when, oldest first; cut
/// to [`NOTE_MAX`] with the link to the full ticket at the end.
pub fn log_note(
    lang: i18n::Lang,
    details: &TicketDetails,
    names: &Names,
    zone: &Zone,
    link: &str,
    agent: Option<&str>,
) -> LogNote {
    let tr = Translator::global();
    let ticket = details.ticket.id.to_string();
    let subject = details
        .ticket
        .subject
        .as_deref()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(200).collect::<String>());
    let mut args = vec![
        ("ticket", Arg::from(ticket.as_str())),
        ("url", Arg::from(link)),
    ];
    let header_id = match &subject {
        Some(subject) => {
            args.push(("subject", Arg::from(subject.as_str())));
            "amocrm-log-header"
        }
        None => "amocrm-log-header-no-subject",
    };
    let mut header = tr.t_args(lang, header_id, &args);
    if let Some(agent) = agent.map(str::trim).filter(|a| !a.is_empty()) {
        header.push('\n');
        header.push_str(&tr.t_args(lang, "amocrm-log-by-agent", &[("agent", Arg::from(agent))]));
    }
    let entries = entries(lang, &details.comments, names, zone);
    if entries.is_empty() {
        let text = format!("{header}\n\n{}", tr.t(lang, "amocrm-log-empty"));
        return LogNote {
            text,
            messages: 0,
            trimmed: false,
        };
    }
    let footer = tr.t_args(lang, "amocrm-log-trimmed", &[("url", Arg::from(link))]);
    fit(header, &entries, &footer)
}

/// The header and as many entries as fit, in order, separated by empty lines; when not all fit, a cut one (if
/// enough of it fits) and the footer.
fn fit(header: String, entries: &[Entry], footer: &str) -> LogNote {
    const GAP: usize = 2;
    let whole: usize =
        header.chars().count() + entries.iter().map(|e| GAP + e.len()).sum::<usize>();
    let mut text = header;
    if whole <= NOTE_MAX {
        for entry in entries {
            text.push_str("\n\n");
            entry.write(&mut text);
        }
        return LogNote {
            text,
            messages: entries.len(),
            trimmed: false,
        };
    }
    let budget = NOTE_MAX.saturating_sub(GAP + footer.chars().count());
    let mut used = text.chars().count();
    let mut messages = 0;
    for entry in entries {
        let room = budget.saturating_sub(used + GAP);
        if entry.len() <= room {
            text.push_str("\n\n");
            entry.write(&mut text);
            used += GAP + entry.len();
            messages += 1;
            continue;
        }
        // The first message that does not fit: its beginning, when enough of it does.
        let head = entry.head.chars().count() + 1;
        if room >= head + PARTIAL_MIN {
            let keep = room - head - 1;
            let cut: String = entry.text.chars().take(keep).collect();
            text.push_str("\n\n");
            text.push_str(&entry.head);
            text.push('\n');
            text.push_str(cut.trim_end());
            text.push('…');
            messages += 1;
        }
        break;
    }
    text.push_str("\n\n");
    text.push_str(footer);
    LogNote {
        text,
        messages,
        trimmed: true,
    }
}

/// The messages with text, oldest first, each with who and when.
fn entries(lang: i18n::Lang, comments: &[Comment], names: &Names, zone: &Zone) -> Vec<Entry> {
    let source = Zone::parse(USEDESK_TIMES_ZONE).unwrap_or_else(Zone::utc);
    let mut dated: Vec<(Option<i64>, &Comment)> = comments
        .iter()
        .map(|c| {
            (
                c.published_at
                    .as_deref()
                    .and_then(|t| source.read_wall_clock(t)),
                c,
            )
        })
        .collect();
    dated.sort_by_key(|(at, c)| (*at, c.id));
    dated
        .into_iter()
        .filter_map(|(at, comment)| {
            let text = comment.text();
            if text.is_empty() {
                return None;
            }
            let who = who(lang, comment, names);
            let head = match at {
                Some(at) => format!("{} — {who}:", zone.wall_clock(at)),
                None => format!("{who}:"),
            };
            Some(Entry { head, text })
        })
        .collect()
}

/// Who wrote `comment`: the client by name, an agent by name (or number), a trigger.
fn who(lang: i18n::Lang, comment: &Comment, names: &Names) -> String {
    let tr = Translator::global();
    match comment.from.as_deref() {
        Some("client") => match &names.client {
            Some(name) => tr.t_args(
                lang,
                "amocrm-log-client",
                &[("name", Arg::from(name.as_str()))],
            ),
            None => tr.t(lang, "amocrm-log-client-unnamed"),
        },
        Some("user") => {
            let name = comment
                .user_id
                .and_then(|id| names.agents.iter().find(|(a, _)| *a == id))
                .map(|(_, name)| name.clone())
                .or_else(|| comment.user_id.map(|id| format!("#{id}")));
            match name {
                Some(name) => tr.t_args(
                    lang,
                    "amocrm-log-agent",
                    &[("name", Arg::from(name.as_str()))],
                ),
                None => tr.t(lang, "amocrm-log-agent-unnamed"),
            }
        }
        Some("trigger") => tr.t(lang, "amocrm-log-trigger"),
        _ => tr.t(lang, "amocrm-log-other"),
    }
}
