//! The in-process rate limiter across a graceful restart.
//!
//! amoCRM counts an account's requests whoever sends them, so a server that replaces another must not add a
//! burst to what its predecessor sent in its last second. A server stopped by SIGTERM or Ctrl-C closes its
//! limiter once it has finished the requests in flight (nothing starts any more) and records in the store the
//! start times of its last window; the next server takes (reads and deletes) that record and starts with every
//! window exactly as full as it is. Without a record (a crash, a first start, a restored backup) it counts every
//! window as full for its first second (`rate_limit_cold_start`), as before.
//!
//! The Redis-shared limiter needs none of this: its windows live in Redis and outlive any process.

use std::sync::Arc;
use std::time::Duration;

use amocrm::{LocalRateLimiter, RecentStarts};
use store::SqlStore;

/// A serving process's in-process limiter and the store to record its last window in when it stops.
pub struct LimiterHandoff {
    limiter: LocalRateLimiter,
    store: Arc<SqlStore>,
}

impl std::fmt::Debug for LimiterHandoff {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LimiterHandoff")
            .field("limiter", &self.limiter)
            .finish_non_exhaustive()
    }
}

impl LimiterHandoff {
    /// For the process serving with `limiter`, to call [`LimiterHandoff::save`] when it stops.
    pub fn new(limiter: LocalRateLimiter, store: Arc<SqlStore>) -> LimiterHandoff {
        LimiterHandoff { limiter, store }
    }

    /// Closes the limiter (no amoCRM request starts any more, even from work still running in the background)
    /// and records its last window for the next process. Call it after the server stopped taking requests and
    /// finished those in flight. A failure is logged: the next process then counts its first second as full.
    pub async fn save(self) {
        self.limiter.close();
        let starts = self.limiter.recent_starts();
        let requests: usize = starts.values().map(Vec::len).sum();
        match self.store.save_limiter_handoff(&starts).await {
            Ok(()) => tracing::info!(
                accounts = starts.len(),
                requests,
                "recorded the rate limiter's last window for the next start"
            ),
            Err(e) => tracing::warn!(
                error = %domain::Report(&e),
                "could not record the rate limiter's last window: the next start counts its first second as full"
            ),
        }
    }
}

/// Takes (reads and deletes) the handoff a gracefully stopped predecessor left in `store`. A serving process
/// always takes it, even when it does not use it, so that no later start can find an old record.
pub async fn take(store: &SqlStore) -> Option<RecentStarts> {
    match store.take_limiter_handoff().await {
        Ok(Some(starts)) => {
            tracing::info!(
                accounts = starts.len(),
                "found the last window of the rate limiter of the server that stopped"
            );
            Some(starts)
        }
        Ok(None) => {
            tracing::info!(
                "no record of the last server's rate limiter window (a crash or a first start)"
            );
            None
        }
        Err(e) => {
            tracing::warn!(error = %domain::Report(&e), "could not read the rate limiter's handoff: ignoring it");
            None
        }
    }
}

/// The in-process limiter: seeded with the predecessor's last window when there is a record of it (`taken`),
/// else full for its first `per` when `cold_start`, else empty.
pub fn local_limiter(
    taken: Option<RecentStarts>,
    max_requests: u32,
    per: Duration,
    cold_start: bool,
) -> LocalRateLimiter {
    match taken {
        Some(starts) if cold_start => {
            LocalRateLimiter::with_recent_starts(max_requests, per, &starts)
        }
        _ if cold_start => LocalRateLimiter::starting_full(max_requests, per),
        _ => LocalRateLimiter::new(max_requests, per),
    }
}
