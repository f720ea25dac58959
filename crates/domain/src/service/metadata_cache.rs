//! A connection's account metadata as the domain keeps it: cached per process, seeded on a process's first look
//! from the store's snapshot (revalidated in the background when old), and written back to the store on each
//! fetch; and its deal fields, cached.

use std::sync::{Arc, PoisonError};
use std::time::Duration;

use amocrm::{AmoClient, Priority};

use super::Domain;
use crate::Error;
use crate::fields::FieldDef;
use crate::metadata::CoreMeta;
use crate::store::ConnectionId;

impl Domain {
    /// Account, pipelines and users of a connection (cached; concurrent misses make one load). The first look in
    /// this process takes the store's snapshot: fresh within `metadata_ttl` of its fetch, otherwise shown while
    /// it is revalidated in the background.
    pub(crate) async fn core_meta(
        &self,
        id: ConnectionId,
        client: &AmoClient,
    ) -> Result<crate::cache::Cached<CoreMeta>, Error> {
        if let Some(cached) = self.core_from_snapshot(id, client).await {
            return Ok(cached);
        }
        self.inner
            .core
            .get_or_load(&id, || self.fetch_core(id, client), Error::is_degradation)
            .await
    }

    /// The stored snapshot, on the first look at a connection's metadata in this process.
    async fn core_from_snapshot(
        &self,
        id: ConnectionId,
        client: &AmoClient,
    ) -> Option<crate::cache::Cached<CoreMeta>> {
        let first = self
            .inner
            .snapshots_read
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id);
        if !first {
            return None;
        }
        let snapshot = self.stored_snapshot(id).await?;
        let (body, fetched_at) = snapshot;
        // Stored before the task types were kept with the metadata: loaded again rather than shown without them.
        if body.core.task_types.is_empty() {
            return None;
        }
        let age = Duration::from_secs(u64::try_from(crate::now() - fetched_at).unwrap_or(0));
        let fresh_for = self.inner.config.metadata_ttl.saturating_sub(age);
        let value = Arc::new(body.core);
        let epoch = self.inner.core.epoch(&id);
        self.inner
            .core
            .put_loaded(&id, value.clone(), fresh_for, epoch)
            .await;
        if fresh_for.is_zero() {
            // Shown now; fetched again behind the renders and actions.
            let (domain, client) = (self.clone(), client.with_priority(Priority::Background));
            tokio::spawn(async move {
                let reload = domain
                    .inner
                    .core
                    .get_or_load(&id, || domain.fetch_core(id, &client), |_| false)
                    .await;
                if let Err(error) = reload {
                    tracing::info!(error = %crate::Report(&error), "could not revalidate the account metadata");
                }
            });
        }
        Some(crate::cache::Cached {
            value,
            fetched_at,
            stale: false,
        })
    }

    async fn stored_snapshot(&self, id: ConnectionId) -> Option<(crate::metadata::Snapshot, i64)> {
        match self.store().get_metadata_snapshot(id).await {
            Ok(Some((body, fetched_at))) => match serde_json::from_str(&body) {
                Ok(snapshot) => Some((snapshot, fetched_at)),
                Err(error) => {
                    tracing::warn!(%error, "ignoring an unreadable metadata snapshot");
                    None
                }
            },
            Ok(None) => None,
            Err(error) => {
                tracing::warn!(error = %crate::Report(&Error::from(error)), "could not read the metadata snapshot");
                None
            }
        }
    }

    /// Fetches the metadata — reusing the stored account record while it is younger than a day — and stores the
    /// snapshot.
    async fn fetch_core(&self, id: ConnectionId, client: &AmoClient) -> Result<CoreMeta, Error> {
        let now = crate::now();
        let known = self
            .stored_snapshot(id)
            .await
            .map(|(s, _)| s)
            // A snapshot stored before task types were read with the account reads the account again.
            .filter(|s| {
                now - s.account_fetched_at < crate::metadata::ACCOUNT_TTL_SECS
                    && !s.core.task_types.is_empty()
            });
        let account_fetched_at = known.as_ref().map_or(now, |s| s.account_fetched_at);
        let core =
            crate::metadata::load_core(client, known.map(|s| (s.core.account, s.core.task_types)))
                .await?;
        let snapshot = crate::metadata::Snapshot {
            core,
            account_fetched_at,
        };
        match serde_json::to_string(&snapshot) {
            Ok(body) => {
                if let Err(error) = self.store().put_metadata_snapshot(id, &body, now).await {
                    tracing::warn!(error = %crate::Report(&Error::from(error)), "could not store the metadata snapshot");
                }
            }
            Err(error) => tracing::warn!(%error, "could not encode the metadata snapshot"),
        }
        Ok(snapshot.core)
    }

    /// The lead custom fields of a connection (cached).
    pub(crate) async fn deal_fields(
        &self,
        id: ConnectionId,
        client: &AmoClient,
    ) -> Result<Arc<Vec<FieldDef>>, Error> {
        Ok(self
            .inner
            .deal_fields
            .get_or_load(
                &id,
                || crate::metadata::load_deal_fields(client),
                Error::is_degradation,
            )
            .await?
            .value)
    }
}
