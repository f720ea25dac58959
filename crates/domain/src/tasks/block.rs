//! The open tasks a block shows, read in its second round trip beside the deals (never in a round trip of their
//! own): one page of the shown contacts' open tasks and one of their shown deals', the soonest due first. amoCRM
//! honours `filter[entity_id]` only together with one `filter[entity_type]`, so these are two calls, in parallel.
//! Blocks asking for the same ids at the same time share one call. A failure leaves the tasks out (logged), never
//! the block.

use amocrm::{AmoClient, Contact, Lead, Task, TaskEntityType, TasksQuery};

use std::sync::Arc;

use super::{OpenTasks, TaskTarget, deal_target, open_tasks};
use crate::metadata::CoreMeta;
use crate::model::{ContactView, DealKind};
use crate::service::Domain;
use crate::store::ConnectionId;

/// How many open tasks one call reads: one page, the soonest due; the tasks page reads them all.
const PAGE: u32 = 250;

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
}

impl Domain {
    /// The open tasks of the shown contacts and of the deals `lead_ids` (the ones the deals call reads), one page
    /// each, in parallel; what failed is left out.
    pub(crate) async fn block_tasks(
        &self,
        connection_id: ConnectionId,
        client: &AmoClient,
        contacts: &[(Contact, Vec<String>)],
        lead_ids: impl IntoIterator<Item = i64>,
    ) -> BlockTasks {
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
            of_contacts: of_contacts.0,
            contacts_more: of_contacts.1,
            of_deals: of_deals.0,
            deals_more: of_deals.1,
        }
    }

    /// The first page of the open tasks of `ids` (none asked for when there are no ids), and whether there are
    /// more; blocks asking for the same ids at the same time share one call.
    async fn open_tasks_page(
        &self,
        connection_id: ConnectionId,
        client: &AmoClient,
        kind: TaskEntityType,
        mut ids: Vec<i64>,
    ) -> (Vec<Task>, bool) {
        if ids.is_empty() {
            return (Vec::new(), false);
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
            Ok(read) => (read.0.clone(), read.1),
            Err(e) => {
                tracing::warn!(
                    error = %crate::Report(&e),
                    entity_type = label,
                    "the open tasks could not be read; they are left out of the block"
                );
                (Vec::new(), false)
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
            };
        }
    }
}
