//! `limiter_handoffs`: what a stopping server's in-process rate limiter knew, for the server that starts next.

use std::time::{Duration, SystemTime};

use amocrm::RecentStarts;
use domain::store::StoreError;

use super::{Backend, SqlStore, db};

impl SqlStore {
    /// Records the start times of the requests of a stopping server's last limiter window (see
    /// [`amocrm::LocalRateLimiter::recent_starts`]), for its successor to take with
    /// [`SqlStore::take_limiter_handoff`]. An empty `starts` is a record too: it says nothing was sent lately.
    pub async fn save_limiter_handoff(&self, starts: &RecentStarts) -> Result<(), StoreError> {
        let body: std::collections::BTreeMap<&str, Vec<i64>> = starts
            .iter()
            .map(|(account, walls)| {
                (
                    account.as_str(),
                    walls.iter().map(|w| millis_up(*w)).collect(),
                )
            })
            .collect();
        let body = serde_json::to_string(&body)
            .map_err(|e| StoreError::Corrupt(format!("limiter handoff: {e}")))?;
        exec!(&self.backend, pool => sqlx::query(
            "INSERT INTO limiter_handoffs (written_at, body) VALUES ($1, $2)")
            .bind(domain::now())
            .bind(body)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    /// Reads and deletes, in one statement, every recorded limiter handoff; `None` when there is none (the
    /// last server crashed, or this is the first start). Several records (replicas that stopped together) are
    /// merged (their starts added together), which can only make windows fuller. Called once at start, so that a crash after it never leaves
    /// an old record for the next start.
    pub async fn take_limiter_handoff(&self) -> Result<Option<RecentStarts>, StoreError> {
        let bodies: Vec<String> = on_pool!(&self.backend, pool => sqlx::query_scalar(
            "DELETE FROM limiter_handoffs RETURNING body")
            .fetch_all(pool)
            .await
            .map_err(db)?);
        if bodies.is_empty() {
            return Ok(None);
        }
        let mut merged = RecentStarts::new();
        for body in bodies {
            let record: std::collections::BTreeMap<String, Vec<i64>> = serde_json::from_str(&body)
                .map_err(|e| StoreError::Corrupt(format!("limiter handoff: {e}")))?;
            for (account, millis) in record {
                let walls = merged.entry(account).or_default();
                walls.extend(millis.into_iter().map(|ms| {
                    SystemTime::UNIX_EPOCH + Duration::from_millis(u64::try_from(ms).unwrap_or(0))
                }));
                // Two requests may start in the same millisecond: equal times are kept, each one a request.
                walls.sort();
            }
        }
        Ok(Some(merged))
    }
}

/// Unix milliseconds, rounded up: a start recorded a little later than it happened keeps the window at least as
/// full as it is.
fn millis_up(wall: SystemTime) -> i64 {
    let since = wall
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since.as_nanos().div_ceil(1_000_000)).unwrap_or(i64::MAX)
}
