//! What the block shows for a ticket: the connection's state, the client's contacts (linked, or found by every
//! phone and e-mail and confirmed exactly), and their deals — in two upstream round trips, within a deadline,
//! falling back to the last known data when amoCRM is slow, busy or down.

use std::collections::{BTreeMap, BTreeSet};

use std::sync::Arc;

use amocrm::{AmoClient, Contact, ContactsQuery, Lead, Priority};
use futures_util::future::join_all;
use secrecy::SecretString;

use crate::cache::SharedWork;
use crate::identity::{Identifier, identifiers, normalize_email, normalize_phone, searched};
use crate::metadata::CoreMeta;
use crate::model::{
    BlockData, ContactView, DealKind, DealView, TicketClient, contact_url, deal_url,
};
use crate::service::{Domain, RenderKey};
use crate::store::{Connection, ConnectionId, ConnectionStatus, FieldChoices};
use crate::{Error, fields};

/// A block request, as the domain needs it.
#[derive(Debug, Clone)]
pub struct BlockInput {
    /// The Usedesk API token from the block's POST parameters (identifies the Usedesk account).
    pub usedesk_token: SecretString,
    /// The amoCRM account, already checked against the host policy.
    pub host: amocrm::AccountHost,
    /// The ticket's client.
    pub client: TicketClient,
}

/// Why the block cannot show fresh data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Degradation {
    /// amoCRM rate-limited the account.
    Busy {
        /// When requests resume (unix seconds), when known.
        until: Option<i64>,
    },
    /// Our own limiter has too many requests for the account queued; amoCRM has not pushed back.
    Queued {
        /// In how many seconds (at least 1) the data can be fetched.
        seconds: u64,
    },
    /// The data is being fetched in the background (the block's amoCRM work goes on past the render deadline);
    /// it will be in the cache in about `seconds`, and the block can be reloaded then.
    Preparing {
        /// In how many seconds (at least 1) the data should be ready.
        seconds: u64,
    },
    /// amoCRM blocked access (403).
    Blocked {
        /// When the block tries again (unix seconds), when known.
        until: Option<i64>,
    },
    /// The subscription ended (402).
    PaymentRequired,
    /// amoCRM answered with errors or not at all.
    Unavailable,
    /// The render deadline passed.
    Timeout,
    /// Our own failure (storage, a bug); the reference is in the log.
    Internal,
}

/// What the block should show.
#[derive(Debug, Clone)]
pub enum BlockOutcome {
    /// No connection for this Usedesk account and amoCRM account yet: offer "Login to amoCRM".
    NotConnected,
    /// The connection lost its access: offer "Login to amoCRM" again.
    NeedsLogin {
        /// The connection.
        connection_id: ConnectionId,
    },
    /// Fresh data.
    Ready(Box<BlockData>),
    /// No fresh data: why, and the last known data when there is some (`stale_as_of` is set on it).
    Degraded {
        /// Why.
        reason: Degradation,
        /// The last known data, if any.
        last_known: Option<Box<BlockData>>,
        /// The error, for the log.
        cause: String,
    },
}

/// A moment as unix seconds (rounded up: "until" never reads earlier than it is).
fn unix(at: std::time::SystemTime) -> i64 {
    at.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| {
        i64::try_from(d.as_secs() + u64::from(d.subsec_nanos() > 0)).unwrap_or(i64::MAX)
    })
}

fn degradation(e: &Error) -> Degradation {
    match e {
        Error::Busy { until } => Degradation::Busy {
            until: until.map(unix),
        },
        Error::Queued { until } => Degradation::Queued {
            seconds: until
                .duration_since(std::time::SystemTime::now())
                .map_or(1, |d| d.as_secs_f64().ceil() as u64)
                .max(1),
        },
        Error::Blocked { until } => Degradation::Blocked {
            until: until.map(unix),
        },
        Error::PaymentRequired => Degradation::PaymentRequired,
        Error::Timeout => Degradation::Timeout,
        Error::Unavailable(_) | Error::Usedesk { .. } | Error::Rejected(_) | Error::NotFound(_) => {
            Degradation::Unavailable
        }
        _ => Degradation::Internal,
    }
}

impl Domain {
    /// Everything the block shows for a ticket. Never fails: every failure is a state the agent can read.
    pub async fn block(&self, input: BlockInput) -> BlockOutcome {
        let account = input.host.as_str().to_owned();
        let connection = match self
            .cached_connection(&input.usedesk_token, &input.host)
            .await
        {
            Ok(Some(c)) => c,
            Ok(None) => return BlockOutcome::NotConnected,
            Err(e) => return degraded(&e, None),
        };
        if connection.status == ConnectionStatus::NeedsLogin || connection.tokens.is_none() {
            return BlockOutcome::NeedsLogin {
                connection_id: connection.id,
            };
        }
        let default_country = self.config().default_country.as_deref();
        let ids = identifiers(
            input.client.phones.iter().map(String::as_str),
            input.client.emails.iter().map(String::as_str),
            default_country,
        );
        // One search per identifier: a client with many of them must not take the account's whole budget.
        let (ids, not_searched) = searched(ids);
        let key: RenderKey = (
            connection.id,
            input.client.client_id,
            ids.iter().map(|i| i.value().to_owned()).collect(),
        );
        let deadline = self.config().render_deadline;
        let fresh = self
            .inner
            .renders
            .peek(&key)
            .await
            .filter(|cached| !cached.stale);
        let outcome = match fresh {
            Some(cached) => Ok(cached.value),
            None => match self.continuation(&connection, &key, &ids, &input.client) {
                Err(e) => Err(e),
                Ok(work) => {
                    let account = connection.amo_host.as_str();
                    let queued = self.queue_ahead(account).await;
                    let finished = if queued >= deadline {
                        // It cannot finish in time: no need to wait for the deadline to say so.
                        None
                    } else {
                        tokio::time::timeout(deadline, work).await.ok()
                    };
                    match finished {
                        Some(result) => result,
                        None => {
                            // The work goes on in the background; say when its data will be ready.
                            let ready_in =
                                self.queue_ahead(account).await + std::time::Duration::from_secs(1);
                            let last = self.last_known(&key, &connection, not_searched).await;
                            return BlockOutcome::Degraded {
                                reason: Degradation::Preparing {
                                    seconds: ready_in.as_secs_f64().ceil().max(1.0) as u64,
                                },
                                last_known: last,
                                cause: "the block's amoCRM work goes on in the background".into(),
                            };
                        }
                    }
                }
            },
        };
        match outcome {
            Ok(value) => {
                let mut data = (*value).clone();
                data.not_searched = not_searched;
                // Taken after the cache: a cached render neither repeats a notice nor hides a new one.
                data.notices = self.take_notices(connection.id).await;
                BlockOutcome::Ready(Box::new(data))
            }
            Err(Error::NeedsLogin) => {
                self.forget_connection(connection.id);
                BlockOutcome::NeedsLogin {
                    connection_id: connection.id,
                }
            }
            Err(e) => {
                let last = if e.is_degradation() || matches!(e, Error::PaymentRequired) {
                    self.last_known(&key, &connection, not_searched).await
                } else {
                    None
                };
                degraded(&self.with_pause_end(e, &account).await, last)
            }
        }
    }

    /// A block (403) or a 429 whose end amoCRM did not say: the account's pause in the rate limiter, set by that
    /// very answer, says until when nothing is sent.
    async fn with_pause_end(&self, e: Error, account: &str) -> Error {
        let pause_end = async || {
            self.inner
                .deps
                .limiter
                .paused(account)
                .await
                .ok()
                .flatten()
                .map(|(until, _)| until)
        };
        match e {
            Error::Blocked { until: None } => Error::Blocked {
                until: pause_end().await,
            },
            Error::Busy { until: None } => Error::Busy {
                until: pause_end().await,
            },
            other => other,
        }
    }

    /// The last data stored for a block, marked with when it was fetched.
    async fn last_known(
        &self,
        key: &RenderKey,
        connection: &Connection,
        not_searched: usize,
    ) -> Option<Box<BlockData>> {
        let c = self.inner.renders.peek(key).await?;
        let mut data = (*c.value).clone();
        data.stale_as_of = Some(c.fetched_at);
        data.not_searched = not_searched;
        data.notices = self.take_notices(connection.id).await;
        Some(Box::new(data))
    }

    /// The load of a block's data, shared by every block with the same key and spawned, so that it goes on past
    /// the render deadline (at most `continuation_horizon`) and fills the render cache for the agent's next look.
    /// At most [`max_continuations`](Self::max_continuations) per connection; beyond, the block is told the
    /// account is queued and nothing starts.
    fn continuation(
        &self,
        connection: &Connection,
        key: &RenderKey,
        ids: &[Identifier],
        ticket: &TicketClient,
    ) -> Result<SharedWork<BlockData>, Error> {
        let continuations = &self.inner.continuations;
        // A load that began before our own write (which moved the key's epoch on) is not joined.
        let epoch = self.inner.renders.epoch(key);
        let work_key = (key.clone(), epoch);
        if !continuations.contains(&work_key)
            && continuations.count(|k| k.0.0 == connection.id) >= self.max_continuations()
        {
            let wait = self
                .inner
                .gate
                .estimate(&connection.amo_host, Priority::Interactive);
            return Err(Error::Queued {
                until: std::time::SystemTime::now() + wait,
            });
        }
        let domain = self.clone();
        let (connection, key_owned, ids, ticket) = (
            connection.clone(),
            key.clone(),
            ids.to_vec(),
            ticket.clone(),
        );
        Ok(continuations.join_or_spawn(&work_key, move || async move {
            let config = domain.config();
            let (horizon, deadline) = (config.continuation_horizon, config.render_deadline);
            let renders = &domain.inner.renders;
            let started = tokio::time::Instant::now();
            let load = async {
                let client = domain
                    .client_with(&connection, Priority::Interactive, horizon)
                    .await?;
                domain
                    .load_block(connection.id, &client, &ticket, &ids)
                    .await
            };
            let data = Arc::new(
                tokio::time::timeout(horizon, load)
                    .await
                    .unwrap_or(Err(Error::Timeout))?,
            );
            // Data nobody has seen yet (its block was answered "preparing"), or loaded while the account's queue
            // is long, stays fresh for the horizon: the agent's next look shows it without asking amoCRM again,
            // and fetching it anew would only lengthen the queue.
            let congested = domain.inner.gate.waiting(&connection.amo_host) > 0;
            let ttl = if congested || started.elapsed() >= deadline {
                horizon.max(config.render_cache_ttl)
            } else {
                config.render_cache_ttl
            };
            renders
                .put_loaded(&key_owned, data.clone(), ttl, epoch)
                .await;
            Ok(data)
        }))
    }

    /// How long a new render's first request to the account would wait: the requests queued at the gate at or
    /// above a render's priority, and the limiter's own queue behind them.
    async fn queue_ahead(&self, account: &str) -> std::time::Duration {
        let gate = self.inner.gate.estimate(account, Priority::Interactive);
        let limiter = self.inner.deps.limiter.backlog(account).await;
        gate.max(limiter)
    }

    /// Block loads in flight, including those going on in the background past their render deadline.
    pub fn loads_in_flight(&self) -> usize {
        self.inner.continuations.count(|_| true)
    }

    /// How many block loads of one connection may be in flight: what the account's budget can serve within the
    /// horizon (every load needs at least one request).
    pub(crate) fn max_continuations(&self) -> usize {
        let config = self.config();
        let windows = config.continuation_horizon.as_secs_f64()
            / config.rate_limit_window.as_secs_f64().max(0.001);
        ((windows * f64::from(config.rate_limit_requests)) as usize).max(1)
    }

    async fn load_block(
        &self,
        connection_id: ConnectionId,
        client: &AmoClient,
        ticket: &TicketClient,
        ids: &[Identifier],
    ) -> Result<BlockData, Error> {
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
        let (contacts, linked) = found?;
        let defs = defs?;

        // Second round trip: every deal of every shown contact, in one batched call (beside the company of a lone
        // contact).
        let (leads, companies) = tokio::join!(
            self.deals_of(connection_id, client, &contacts),
            crate::companies::companies_of(client, &contacts)
        );
        let leads = leads?;

        let core = &core.value;
        let views = contacts
            .into_iter()
            .map(|(contact, matched_by)| {
                let deals = deal_views(
                    &contact,
                    &leads,
                    core,
                    &choices,
                    defs.as_deref().map(Vec::as_slice),
                );
                let company = crate::companies::company_ref(&contact, &companies, core);
                let mut view = contact_view(contact, matched_by, linked, core, deals);
                view.company = company;
                view
            })
            .collect();
        Ok(BlockData {
            connection_id,
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
        let per_contact = self.config().max_deals_per_contact;
        let lead_ids: BTreeSet<i64> = contacts
            .iter()
            .flat_map(|(c, _)| {
                let mut ids = c.leads.clone();
                ids.sort_unstable_by(|a, b| b.cmp(a));
                ids.truncate(per_contact);
                ids
            })
            .take(crate::batch::MAX_BATCH_IDS)
            .collect();
        // Merged with other blocks' leads calls waiting at the same time.
        self.inner
            .lead_batches
            .leads(connection_id, client, lead_ids)
            .await
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

fn degraded(e: &Error, last_known: Option<Box<BlockData>>) -> BlockOutcome {
    BlockOutcome::Degraded {
        reason: degradation(e),
        last_known,
        cause: crate::Report(e).to_string(),
    }
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
    }
}

fn display_name(contact: &Contact) -> String {
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

pub(crate) fn deal_view(
    lead: &Lead,
    core: &CoreMeta,
    keys: &[crate::FieldKey],
    defs: &[fields::FieldDef],
) -> DealView {
    let (pipeline_name, stage) = core.stage(lead.pipeline_id, lead.status_id);
    DealView {
        id: lead.id,
        name: if lead.name.trim().is_empty() {
            format!("#{}", lead.id)
        } else {
            lead.name.clone()
        },
        price: Some(lead.price),
        pipeline: (lead.pipeline_id, pipeline_name),
        stage,
        kind: DealKind::of_status(lead.status_id),
        responsible: core.user(lead.responsible_user_id),
        created_at: lead.created_at,
        updated_at: lead.updated_at,
        fields: fields::shown_fields(keys, &lead.custom_fields_values, defs),
        url: deal_url(&core.base_url, lead.id),
    }
}
