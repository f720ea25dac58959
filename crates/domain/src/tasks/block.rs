//! The open tasks a block shows, read in its second round trip beside the deals (never in a round trip of their
//! own): one page of the shown contacts' open tasks and one of their shown deals', the soonest due first. amoCRM
//! honours `filter[entity_id]` only together with one `filter[entity_type]`, so these are two calls, in parallel.
//! Blocks asking for the same ids at the same time share one call. They go after every block's contacts and deals
//! (background priority) and wait at most one rate-limit window for their turn ([`TASKS_MAX_WAIT`]): right after
//! the agent's own actions the window is often full, and the tasks are worth that wait; with the account's queue
//! longer than that (a burst) the block comes without its tasks and says so. A failure leaves the tasks out the same
//! way (logged), never the block.

use amocrm::{AmoClient, Contact, Lead, Task, TaskEntityType, TasksQuery};

use std::sync::Arc;

use super::{OpenTasks, TaskTarget, deal_target, open_tasks};
use crate::Error;
use crate::metadata::CoreMeta;
use crate::model::{ContactView, DealKind};
use crate::service::Domain;
use crate::store::ConnectionId;

/// How many open tasks one call reads: one page, the soonest due; the tasks page reads them all.
const PAGE: u32 = 250;

/// The longest a block's task read waits for its turn at the account's limiter before it is left out: one window
/// of the limiter (7 requests per 1.1 s) and a little.
pub(crate) const TASKS_MAX_WAIT: std::time::Duration = std::time::Duration::from_millis(1_200);

/// The same for a block that had to load the account's metadata itself (a new connection's first blocks): those
/// loads took the window, and the block does not wait another one for its tasks.
pub(crate) const TASKS_MAX_WAIT_COLD: std::time::Duration = std::time::Duration::from_millis(150);

/// Reads of open tasks in flight, by connection, entity type and ids, with what they read: a page and whether
/// there are more.
pub(crate) type TaskReads =
    crate::cache::InFlight<(ConnectionId, &'static str, Vec<i64>), (Vec<Task>, bool)>;

/// The open tasks read for a block.
#[derive(Debug, Default)]
pub(crate) struct BlockTasks {
    of_contacts: Vec<Task>,
    contacts_more: bool,
    of_deals: Vec<Task>,
    deals_more: bool,
    /// A read was left out (busy or failed).
    not_read: bool,
}

impl Domain {
    /// The open tasks of the shown contacts and of the deals `lead_ids` (the ones the deals call reads), one page
    /// each, in parallel; what failed is left out.
    pub(crate) async fn block_tasks(
        &self,
        connection_id: ConnectionId,
        client: &AmoClient,
        max_wait: std::time::Duration,
        contacts: &[(Contact, Vec<String>)],
        lead_ids: impl IntoIterator<Item = i64>,
    ) -> BlockTasks {
        // Never before another block's contacts or deals, and never waiting for a window of its own.
        let client = &client
            .with_priority(amocrm::Priority::Background)
            .with_max_limiter_wait(max_wait);
        let contact_ids: Vec<i64> = contacts
            .iter()
            .map(|(c, _)| c.id)
            .take(crate::batch::MAX_BATCH_IDS)
            .collect();
        let (of_contacts, of_deals) = tokio::join!(
            self.open_tasks_page(connection_id, client, TaskEntityType::Contacts, contact_ids),
            self.open_tasks_page(
                connection_id,
                client,
                TaskEntityType::Leads,
                lead_ids.into_iter().collect()
            )
        );
        BlockTasks {
            not_read: of_contacts.is_none() || of_deals.is_none(),
            contacts_more: of_contacts.as_ref().is_some_and(|r| r.1),
            of_contacts: of_contacts.map(|r| r.0).unwrap_or_default(),
            deals_more: of_deals.as_ref().is_some_and(|r| r.1),
            of_deals: of_deals.map(|r| r.0).unwrap_or_default(),
        }
    }

    /// The first page of the open tasks of `ids` (none asked for when there are no ids), and whether there are
    /// more; `None` when they could not be read. Blocks asking for the same ids at the same time share one call.
    async fn open_tasks_page(
        &self,
        connection_id: ConnectionId,
        client: &AmoClient,
        kind: TaskEntityType,
        mut ids: Vec<i64>,
    ) -> Option<(Vec<Task>, bool)> {
        if ids.is_empty() {
            return Some((Vec::new(), false));
        }
        ids.sort_unstable();
        ids.dedup();
        let label = match kind {
            TaskEntityType::Contacts => "contacts",
            _ => "leads",
        };
        let query = TasksQuery {
            limit: Some(PAGE),
            ..TasksQuery::open_of(kind, ids.clone())
        };
        let client = client.clone();
        let work =
            self.inner
                .task_reads
                .join_or_spawn(&(connection_id, label, ids), move || async move {
                    let page =
                        crate::retry::read(|| async { client.tasks().list(&query).await }).await?;
                    Ok(Arc::new((page.items, page.next.is_some())))
                });
        match work.await {
            Ok(read) => Some((read.0.clone(), read.1)),
            Err(Error::Queued { .. }) => {
                tracing::debug!(
                    entity_type = label,
                    "the account is busy: the open tasks are left out of the block"
                );
                None
            }
            Err(e) => {
                tracing::warn!(
                    error = %crate::Report(&e),
                    entity_type = label,
                    "the open tasks could not be read; they are left out of the block"
                );
                None
            }
        }
    }
}

impl BlockTasks {
    /// Puts the contact's own open tasks on it, and each open deal's on the deal (`leads` are the deals read).
    pub(crate) fn attach(&self, core: &CoreMeta, contact: &mut ContactView, leads: &[Lead]) {
        let id = contact.id;
        contact.tasks = OpenTasks {
            list: open_tasks(
                core,
                self.of_contacts.iter().filter(|t| t.entity_id == Some(id)),
                |_| Some(TaskTarget::Contact),
            ),
            more_unread: self.contacts_more,
            not_read: self.not_read,
        };
        for deal in contact
            .deals
            .iter_mut()
            .filter(|d| d.kind == DealKind::Open)
        {
            let id = deal.id;
            deal.tasks = OpenTasks {
                list: open_tasks(
                    core,
                    self.of_deals.iter().filter(|t| t.entity_id == Some(id)),
                    deal_target(leads),
                ),
                more_unread: self.deals_more,
                not_read: self.not_read,
            };
        }
    }
}
