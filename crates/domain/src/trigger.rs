//! `freeCreateLead`: a Usedesk trigger creates a deal for the ticket's client.
//!
//! Idempotent: the same request (same connection, ticket, fields and comment) within the idempotency window,
//! or the same `Idempotency-Key`, returns the first result. Concurrent duplicates in one process share one run;
//! across processes the store's claim lets one through. Each step's result is recorded as progress, so a retry
//! after a crash resumes instead of creating a second contact or deal.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use futures_util::FutureExt as _;
use futures_util::future::{BoxFuture, Shared};
use secrecy::SecretString;
use serde::{Deserialize, Serialize};
use usedesk::{FreeCreateLead, TriggerValue};

use crate::Error;
use crate::contacts::NewContactInput;
use crate::deals::LeadDraft;
use crate::identity::identifiers;
use crate::render::{contact_url, lead_url};
use crate::service::{ActionContext, Domain};
use crate::store::{AuditAction, AuditResult, ConnectionId, IdempotencyClaim};

/// The trigger's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TriggerOutcome {
    /// The deal created.
    pub lead_id: i64,
    /// Its page in amoCRM.
    pub lead_url: String,
    /// The contact it is linked to.
    pub contact_id: i64,
    /// The contact's page in amoCRM.
    pub contact_url: String,
    /// Whether the contact was created for this deal.
    pub contact_created: bool,
    /// Whether this answer repeats an earlier identical request's.
    #[serde(default)]
    pub replayed: bool,
}

/// How far a run got, stored so a retry after a crash resumes.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Progress {
    contact_id: Option<i64>,
    contact_created: bool,
    lead_started_at: Option<i64>,
    lead_id: Option<i64>,
}

type Run = Shared<BoxFuture<'static, Result<TriggerOutcome, Error>>>;

/// Runs in flight in this process, by (connection, idempotency key).
#[derive(Default)]
pub(crate) struct InFlight {
    runs: Mutex<HashMap<(ConnectionId, String), Run>>,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn trigger_value_text(value: &TriggerValue) -> String {
    match value {
        TriggerValue::Value(serde_json::Value::String(s)) => s.clone(),
        TriggerValue::Value(other) => other.to_string(),
        TriggerValue::EnumId(id) => id.to_string(),
        TriggerValue::EnumCode(code) => code.clone(),
    }
}

impl Domain {
    /// Creates the deal a trigger asks for. `secret` is the trigger secret the request presented (see
    /// [`crate::trigger_secret`]): it is checked before anything else, and without a valid one nothing is read
    /// from Usedesk or amoCRM and nothing is stored. `idempotency_key` is the request's `Idempotency-Key` header.
    pub async fn free_create_lead(
        &self,
        payload: &FreeCreateLead,
        secret: Option<&SecretString>,
        idempotency_key: Option<&str>,
    ) -> Result<TriggerOutcome, Error> {
        let connection_id = match ConnectionId::parse(&payload.amo_client_id) {
            Some(id) => id,
            // Not a UUID (the payload reader refuses those first): refused like an unknown ID.
            None if secret.is_some() => return Err(Error::TriggerSecretInvalid),
            None if self.config().require_trigger_secret => {
                return Err(Error::TriggerSecretRequired);
            }
            None => return Err(Error::NotConnected),
        };
        self.authorize_trigger(connection_id, secret).await?;
        let fingerprint = hex(&payload.fingerprint());
        let key = match idempotency_key.map(str::trim).filter(|k| !k.is_empty()) {
            Some(k) => format!("key:{}", k.chars().take(200).collect::<String>()),
            None => format!("fp:{fingerprint}"),
        };
        let run = {
            let mut runs = self
                .inner
                .triggers
                .runs
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            runs.entry((connection_id, key.clone()))
                .or_insert_with(|| {
                    let this = self.clone();
                    let payload = payload.clone();
                    let key = key.clone();
                    async move {
                        this.claimed_run(connection_id, &key, &fingerprint, &payload)
                            .await
                    }
                    .boxed()
                    .shared()
                })
                .clone()
        };
        let outcome = run.await;
        self.inner
            .triggers
            .runs
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(&(connection_id, key));
        outcome
    }

    async fn claimed_run(
        &self,
        connection_id: ConnectionId,
        key: &str,
        fingerprint: &str,
        payload: &FreeCreateLead,
    ) -> Result<TriggerOutcome, Error> {
        // An unknown Integration ID is an error before any claim is made.
        self.connection_by_id(connection_id).await?;
        let ttl = i64::try_from(self.config().idempotency_ttl.as_secs()).unwrap_or(i64::MAX);
        let stale = i64::try_from(self.config().claim_stale_after.as_secs()).unwrap_or(i64::MAX);
        let store = self.store();
        let progress = match store
            .claim_idempotency(connection_id, key, fingerprint, ttl, stale)
            .await?
        {
            IdempotencyClaim::Done { result } => {
                let mut outcome: TriggerOutcome = serde_json::from_str(&result)
                    .map_err(|e| Error::Internal(format!("stored trigger result: {e}")))?;
                outcome.replayed = true;
                return Ok(outcome);
            }
            IdempotencyClaim::Conflict => return Err(Error::Conflict),
            IdempotencyClaim::InProgress => return Err(Error::InProgress),
            IdempotencyClaim::Claimed { progress } => progress
                .and_then(|p| serde_json::from_str::<Progress>(&p).ok())
                .unwrap_or_default(),
        };
        match self
            .run_trigger(connection_id, key, payload, progress)
            .await
        {
            Ok(outcome) => {
                let stored =
                    serde_json::to_string(&outcome).map_err(|e| Error::Internal(e.to_string()))?;
                store
                    .finish_idempotency(connection_id, key, &stored)
                    .await?;
                Ok(outcome)
            }
            Err(e) => {
                // Progress stays recorded; releasing lets a retry resume from it at once.
                if let Err(release) = store.release_idempotency(connection_id, key).await {
                    tracing::warn!(error = %release, "could not release the idempotency claim");
                }
                Err(e)
            }
        }
    }

    async fn record(&self, id: ConnectionId, key: &str, progress: &Progress) -> Result<(), Error> {
        let text = serde_json::to_string(progress).map_err(|e| Error::Internal(e.to_string()))?;
        Ok(self
            .store()
            .record_idempotency_progress(id, key, &text)
            .await?)
    }

    async fn run_trigger(
        &self,
        connection_id: ConnectionId,
        key: &str,
        payload: &FreeCreateLead,
        mut progress: Progress,
    ) -> Result<TriggerOutcome, Error> {
        let (connection, client) = self.session(connection_id).await?;
        let usedesk_token = connection.usedesk_token.clone().ok_or_else(|| Error::Usedesk {
            message: "no Usedesk API token is stored for this connection: open the block in a ticket once".into(),
            retryable: false,
        })?;
        let usedesk = self.usedesk_client(&usedesk_token);
        let base = connection.amo_host.trim_end_matches('/').to_owned();
        let mut ctx = ActionContext {
            connection_id,
            ticket_id: Some(payload.ticket_id),
            client_id: None,
            actor: "trigger".into(),
        };

        // The ticket's client, through the Usedesk API (read before anything is written).
        let ticket = usedesk.ticket(payload.ticket_id).await?;
        let client_id = ticket
            .ticket
            .client_id
            .ok_or_else(|| Error::NotFound(format!("client of ticket {}", payload.ticket_id)))?;
        ctx.client_id = Some(client_id);

        // The contact: resumed, linked, matched, or created.
        let contact_id = match progress.contact_id {
            Some(id) => id,
            None => {
                let found = match self.store().get_link(connection_id, client_id).await? {
                    Some(linked) => client.contacts().get(linked, false).await?.map(|c| c.id),
                    None => None,
                };
                let found = match found {
                    Some(id) => Some(id),
                    None => {
                        let person = usedesk.client(client_id).await?;
                        let ids = identifiers(
                            person.phones.iter().map(|p| p.phone.as_str()),
                            person.emails.iter().map(|e| e.email.as_str()),
                            self.config().default_country.as_deref(),
                        );
                        let matches = self.search_contacts(&client, &ids).await?;
                        match matches.first() {
                            Some((contact, _)) => Some(contact.id),
                            None => {
                                let input = NewContactInput {
                                    name: person
                                        .name
                                        .clone()
                                        .filter(|n| !n.trim().is_empty())
                                        .unwrap_or_else(|| format!("Usedesk #{client_id}")),
                                    phones: person.phones.iter().map(|p| p.phone.clone()).collect(),
                                    emails: person.emails.iter().map(|e| e.email.clone()).collect(),
                                    responsible_user_id: payload.fields.responsible_user_id,
                                };
                                let created = self.create_contact(&ctx, input).await?;
                                progress.contact_created = true;
                                Some(created.id)
                            }
                        }
                    }
                };
                let id = found.ok_or_else(|| Error::Internal("no contact".into()))?;
                progress.contact_id = Some(id);
                self.record(connection_id, key, &progress).await?;
                id
            }
        };

        // The deal: validated, then created once.
        let draft = LeadDraft {
            name: payload
                .fields
                .name
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| format!("Usedesk #{}", payload.ticket_id)),
            price: payload.fields.price.map(|p| p.to_string()),
            pipeline_id: payload.fields.pipeline_id,
            status_id: payload.fields.status_id,
            responsible_user_id: payload.fields.responsible_user_id,
            fields: payload
                .fields
                .custom_fields_values
                .iter()
                .map(|f| {
                    (
                        f.field_id,
                        f.values.iter().map(trigger_value_text).collect(),
                    )
                })
                .collect(),
            contact_id: Some(contact_id),
            note: None,
        };
        let (core, defs) = tokio::join!(
            self.core_meta(connection_id, &client),
            self.lead_fields(connection_id, &client)
        );
        let (lead, _) = crate::deals::check_draft(
            &draft,
            &core?.value.pipelines,
            &defs?,
            self.config().utc_offset_minutes,
        )
        .map_err(Error::Validation)?;
        let lead_name = lead.name.clone().unwrap_or_default();

        let lead_id = match progress.lead_id {
            Some(id) => id,
            None => {
                let adopted = match progress.lead_started_at {
                    // A run crashed while creating the deal: adopt it if amoCRM has it.
                    Some(started) => {
                        self.find_created_lead(&client, contact_id, &lead_name, started)
                            .await?
                    }
                    None => None,
                };
                let id = match adopted {
                    Some(id) => id,
                    None => {
                        progress.lead_started_at = Some(crate::now());
                        self.record(connection_id, key, &progress).await?;
                        let created = client.leads().create(&[lead]).await;
                        let created = match created {
                            Ok(ids) => ids
                                .first()
                                .map(|c| c.id)
                                .ok_or_else(|| Error::Internal("amoCRM created no deal".into()))?,
                            Err(e) => {
                                self.audit(
                                    &ctx,
                                    AuditAction::LeadCreate,
                                    format!("lead:{lead_name}"),
                                    AuditResult::Error,
                                )
                                .await;
                                return Err(e.into());
                            }
                        };
                        self.audit(
                            &ctx,
                            AuditAction::LeadCreate,
                            format!("lead:{created}"),
                            AuditResult::Ok,
                        )
                        .await;
                        created
                    }
                };
                progress.lead_id = Some(id);
                self.record(connection_id, key, &progress).await?;
                self.after_write(connection_id);
                id
            }
        };

        let url = lead_url(&base, lead_id);
        if let Some(comment) = payload
            .comment
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
            && let Err(e) = client
                .notes()
                .create_for_lead(lead_id, &[amocrm::NewNote::common(comment)])
                .await
        {
            tracing::warn!(error = %e, lead_id, "could not add the trigger's comment to the deal");
            self.audit(
                &ctx,
                AuditAction::NoteCreate,
                format!("lead:{lead_id}"),
                AuditResult::Error,
            )
            .await;
        }
        self.comment_in_ticket(&connection, &ctx, "deal", &lead_name, &url)
            .await;
        Ok(TriggerOutcome {
            lead_id,
            lead_url: url,
            contact_id,
            contact_url: contact_url(&base, contact_id),
            contact_created: progress.contact_created,
            replayed: false,
        })
    }

    /// A deal of the contact with this name created since `since` (a crashed run's deal), if amoCRM has one.
    async fn find_created_lead(
        &self,
        client: &amocrm::AmoClient,
        contact_id: i64,
        name: &str,
        since: i64,
    ) -> Result<Option<i64>, Error> {
        let Some(contact) = client.contacts().get(contact_id, true).await? else {
            return Ok(None);
        };
        if contact.leads.is_empty() {
            return Ok(None);
        }
        let query = amocrm::LeadsQuery {
            ids: contact.leads.clone(),
            ..amocrm::LeadsQuery::default()
        };
        let leads = client.leads().list_all(&query).await?;
        Ok(leads
            .iter()
            .filter(|l| l.name == name && l.created_at >= since - 5)
            .map(|l| l.id)
            .max())
    }
}
