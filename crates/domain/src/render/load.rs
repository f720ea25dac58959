//! Loading a block's data from amoCRM: the linked or matching contacts, their deals and the names of what they
//! refer to, in two round trips (three when the one contact shown has a company with deals of its own).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use amocrm::{AmoClient, Contact, ContactsQuery, Lead};
use futures_util::future::join_all;

use crate::identity::{Identifier, normalize_email, normalize_phone};
use crate::metadata::CoreMeta;
use crate::model::{
    BlockData, ContactView, DealKind, DealView, TicketClient, contact_url, deal_url,
};
use crate::service::Domain;
use crate::store::{ConnectionId, FieldChoices};
use crate::{Error, fields};

impl Domain {
    /// Everything a block shows, from amoCRM: metadata, contacts and field names, then every deal of those contacts.
    pub(super) async fn load_block(
        &self,
        connection_id: ConnectionId,
        client: &AmoClient,
        ticket: &TicketClient,
        ids: &[Identifier],
    ) -> Result<BlockData, Error> {
        let started = crate::now();
        let store = self.store();
        let (link, choices) = tokio::join!(
            async {
                match ticket.client_id {
                    Some(client_id) => store.get_link(connection_id, client_id).await,
                    None => Ok(None),
                }
            },
            store.get_field_choices(connection_id)
        );
        let (link, choices) = (link?, choices?.unwrap_or_default());
        let wants_fields = choices.list.iter().any(|k| k.custom_id().is_some());

        // First round trip: metadata ∥ (the linked contact | one search per identifier) ∥ field names.
        let (core, found, defs) = tokio::join!(
            self.core_meta(connection_id, client),
            self.find_contacts(connection_id, client, ticket, ids, link),
            async {
                if wants_fields {
                    self.deal_fields(connection_id, client).await.map(Some)
                } else {
                    Ok(None)
                }
            }
        );
        let core = core?;
        // Metadata this very block had to load (a new connection) filled the limiter's window: its tasks do not
        // wait for the next one.
        let tasks_wait = if core.fetched_at >= started {
            crate::tasks::block::TASKS_MAX_WAIT_COLD
        } else {
            crate::tasks::block::TASKS_MAX_WAIT
        };
        let (contacts, linked) = found?;
        let defs = defs?;

        // Second round trip: every deal of every shown contact, in one batched call (beside the company of a lone
        // contact, and after it its own deals the contact doesn't share — a third call only when it has such — and the
        // open tasks of the contacts and of their deals).
        let (leads, company, tasks) = tokio::join!(
            self.deals_of(connection_id, client, &contacts),
            self.company_of(connection_id, client, &contacts),
            self.block_tasks(
                connection_id,
                client,
                tasks_wait,
                &contacts,
                self.shown_lead_ids(&contacts)
            )
        );
        let leads = leads?;

        let core = &core.value;
        let views: Vec<ContactView> = contacts
            .into_iter()
            .map(|(contact, matched_by)| {
                let deals = deal_views(
                    &contact,
                    &leads,
                    core,
                    &choices,
                    defs.as_deref().map(Vec::as_slice),
                );
                let company = crate::companies::company_ref(&contact, company.as_ref(), core);
                let mut view = contact_view(contact, matched_by, linked, core, deals);
                view.company = company;
                tasks.attach(core, &mut view, &leads);
                view
            })
            .collect();
        Ok(BlockData {
            connection_id,
            pipelines: crate::deal_change::move_targets(core, &views),
            account: core.account.clone(),
            client: ticket.clone(),
            identifiers: ids.iter().map(|i| i.value().to_owned()).collect(),
            contacts: views,
            linked,
            stale_as_of: None,
            not_searched: 0,
            render_id: next_render_id(),
            notices: Vec::new(),
        })
    }

    /// The newest deals of each contact (at most `max_deals_per_contact` each, 250 in all), in one batched call.
    pub(crate) async fn deals_of(
        &self,
        connection_id: ConnectionId,
        client: &AmoClient,
        contacts: &[(Contact, Vec<String>)],
    ) -> Result<Vec<Lead>, Error> {
        let lead_ids = self.shown_lead_ids(contacts);
        // Merged with other blocks' leads calls waiting at the same time.
        self.inner
            .lead_batches
            .leads(connection_id, client, lead_ids)
            .await
    }

    /// The deals a block reads: the newest `max_deals_per_contact` of each contact, 250 in all.
    fn shown_lead_ids(&self, contacts: &[(Contact, Vec<String>)]) -> BTreeSet<i64> {
        let per_contact = self.config().max_deals_per_contact;
        contacts
            .iter()
            .flat_map(|(c, _)| {
                let mut ids = c.leads.clone();
                ids.sort_unstable_by(|a, b| b.cmp(a));
                ids.truncate(per_contact);
                ids
            })
            .take(crate::batch::MAX_BATCH_IDS)
            .collect()
    }

    /// The linked contact alone (dropping a link to a deleted contact), or every contact confirmed by an
    /// identifier, most recently updated first.
    async fn find_contacts(
        &self,
        connection_id: ConnectionId,
        client: &AmoClient,
        ticket: &TicketClient,
        ids: &[Identifier],
        link: Option<i64>,
    ) -> Result<(Vec<(Contact, Vec<String>)>, bool), Error> {
        if let Some(contact_id) = link {
            match crate::retry::read(|| async { client.contacts().get(contact_id, true).await })
                .await?
            {
                Some(contact) if !contact.is_deleted => {
                    return Ok((vec![(contact, Vec::new())], true));
                }
                _ => {
                    if let Some(client_id) = ticket.client_id {
                        self.store().remove_link(connection_id, client_id).await?;
                    }
                }
            }
        }
        Ok((
            self.search_contacts(connection_id, client, ids).await?,
            false,
        ))
    }

    /// One amoCRM search per identifier, in parallel (an identifier another block is searching at the same time
    /// is searched once); hits confirmed by exact comparison after normalising.
    pub(crate) async fn search_contacts(
        &self,
        connection_id: ConnectionId,
        client: &AmoClient,
        ids: &[Identifier],
    ) -> Result<Vec<(Contact, Vec<String>)>, Error> {
        let default_country = self.config().default_country.as_deref();
        let searches = ids.iter().map(|id| {
            let search = id.search_query();
            let client = client.clone();
            let work = self.inner.searches.join_or_spawn(
                &(connection_id, search.clone()),
                move || async move {
                    let query = ContactsQuery {
                        query: Some(search),
                        with_leads: true,
                        limit: Some(50),
                        ..ContactsQuery::default()
                    };
                    let page =
                        crate::retry::read(|| async { client.contacts().list(&query).await })
                            .await?;
                    Ok(Arc::new(page.items))
                },
            );
            async move { work.await.map(|items| (id, items)) }
        });
        let mut merged: BTreeMap<i64, (Contact, Vec<String>)> = BTreeMap::new();
        for result in join_all(searches).await {
            let (id, contacts) = result?;
            for contact in contacts.iter().cloned() {
                if contact.is_deleted || !confirms(&contact, id, default_country) {
                    continue;
                }
                let entry = merged
                    .entry(contact.id)
                    .or_insert_with(|| (contact, Vec::new()));
                if !entry.1.iter().any(|v| v == id.value()) {
                    entry.1.push(id.value().to_owned());
                }
            }
        }
        let mut found: Vec<_> = merged.into_values().collect();
        found.sort_by(|a, b| {
            b.0.updated_at
                .cmp(&a.0.updated_at)
                .then(b.0.id.cmp(&a.0.id))
        });
        Ok(found)
    }
}

/// A process-wide sequence number for loads of block data.
fn next_render_id() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

/// Whether a contact really has the identifier (amoCRM's `query` is full-text, so hits can be near misses).
pub(crate) fn confirms(contact: &Contact, id: &Identifier, default_country: Option<&str>) -> bool {
    match id {
        Identifier::Phone(p) => contact
            .phones()
            .into_iter()
            .any(|raw| normalize_phone(raw, default_country).as_deref() == Some(p.as_str())),
        Identifier::Email(e) => contact
            .emails()
            .into_iter()
            .any(|raw| normalize_email(raw).as_deref() == Some(e.as_str())),
    }
}

pub(crate) fn contact_view(
    contact: Contact,
    matched_by: Vec<String>,
    linked: bool,
    core: &CoreMeta,
    deals: Vec<DealView>,
) -> ContactView {
    ContactView {
        id: contact.id,
        name: display_name(&contact),
        phones: contact.phones().into_iter().map(str::to_owned).collect(),
        emails: contact.emails().into_iter().map(str::to_owned).collect(),
        responsible: core.user(contact.responsible_user_id),
        updated_at: contact.updated_at,
        url: contact_url(&core.base_url, contact.id),
        linked,
        matched_by,
        deals,
        company: None,
        tasks: Default::default(),
    }
}

pub(crate) fn display_name(contact: &Contact) -> String {
    let name = contact.name.trim();
    if !name.is_empty() {
        return name.to_owned();
    }
    let joined = format!("{} {}", contact.first_name.trim(), contact.last_name.trim());
    let joined = joined.trim();
    if joined.is_empty() {
        format!("#{}", contact.id)
    } else {
        joined.to_owned()
    }
}

/// The contact's deals, newest first, with names from the metadata.
pub(crate) fn deal_views(
    contact: &Contact,
    leads: &[Lead],
    core: &CoreMeta,
    choices: &FieldChoices,
    defs: Option<&[fields::FieldDef]>,
) -> Vec<DealView> {
    let mut deals: Vec<DealView> = leads
        .iter()
        .filter(|l| !l.is_deleted && contact.leads.contains(&l.id))
        .map(|lead| deal_view(lead, core, &choices.list, defs.unwrap_or(&[])))
        .collect();
    deals.sort_by(|a, b| b.created_at.cmp(&a.created_at).then(b.id.cmp(&a.id)));
    deals
}

/// A deal's name, or `#id` when it has none.
pub(crate) fn deal_name(lead: &Lead) -> String {
    if lead.name.trim().is_empty() {
        format!("#{}", lead.id)
    } else {
        lead.name.clone()
    }
}

pub(crate) fn deal_view(
    lead: &Lead,
    core: &CoreMeta,
    keys: &[crate::FieldKey],
    defs: &[fields::FieldDef],
) -> DealView {
    let (pipeline_name, stage) = core.stage(lead.pipeline_id, lead.status_id);
    DealView {
        id: lead.id,
        name: deal_name(lead),
        price: Some(lead.price),
        pipeline: (lead.pipeline_id, pipeline_name),
        stage,
        kind: DealKind::of_status(lead.status_id),
        responsible: core.user(lead.responsible_user_id),
        created_at: lead.created_at,
        updated_at: lead.updated_at,
        fields: fields::shown_fields(keys, &lead.custom_fields_values, defs),
        url: deal_url(&core.base_url, lead.id),
        tasks: Default::default(),
    }
}
