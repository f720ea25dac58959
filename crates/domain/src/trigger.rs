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
use usedesk::FreeCreateLead;

use crate::Error;
use crate::service::Domain;
use crate::store::{ConnectionId, IdempotencyClaim};

mod steps;

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
    /// Whether the ticket's conversation was logged to the deal; `None` when the trigger did not ask
    /// (`log_ticket`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_logged: Option<bool>,
    /// Why the ticket could not be logged, when it was asked for and failed (the deal was created all the same).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_log_problem: Option<String>,
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
                    tracing::warn!(error = %crate::Report(&release), "could not release the idempotency claim");
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
}
