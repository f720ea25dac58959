//! A block's load spawned so that it outlives the render deadline, and how many of them one connection may have.

use std::sync::Arc;

use amocrm::Priority;

use crate::Error;
use crate::cache::SharedWork;
use crate::identity::Identifier;
use crate::model::{BlockData, TicketClient};
use crate::service::{Domain, RenderKey};
use crate::store::Connection;

impl Domain {
    /// The load of a block's data, shared by every block with the same key and spawned, so that it goes on past
    /// the render deadline (at most `continuation_horizon`) and fills the render cache for the agent's next look.
    /// At most [`max_continuations`](Self::max_continuations) per connection; beyond, the block is told the
    /// account is queued and nothing starts.
    pub(super) fn continuation(
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
    pub(super) async fn queue_ahead(&self, account: &str) -> std::time::Duration {
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
}
