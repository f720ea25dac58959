//! The `idempotency` table: claims on a request key, their recorded progress and their stored result.

use domain::now;
use domain::store::{ConnectionId, IdempotencyClaim, StoreError};

use super::{Backend, SqlStore, db};

/// A claim's state, stored as text in `idempotency.state`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClaimState {
    /// An owner is working on it (or crashed; see `stale_after_secs`).
    Pending,
    /// Finished: the result is stored.
    Done,
    /// Given up by a failed owner, progress kept: the next claim takes it at once.
    Released,
}

impl ClaimState {
    /// The stored spelling.
    fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Done => "done",
            Self::Released => "released",
        }
    }

    /// Parses the stored spelling; `None` for one this build does not know (such a claim is taken over, like a
    /// released one).
    fn from_stored(text: &str) -> Option<Self> {
        [Self::Pending, Self::Done, Self::Released]
            .into_iter()
            .find(|state| state.as_str() == text)
    }
}

row! {
    /// An `idempotency` row as a claim reads it.
    struct ClaimRow {
        fingerprint: String,
        state: String,
        progress: Option<String>,
        result: Option<String>,
        updated_at: i64,
    }
}

impl SqlStore {
    /// Releases every pending idempotency claim (keeping its progress). Only for a process that knows it is the
    /// database's sole user — SQLite, the single-machine default — at start: claims still pending were left by a
    /// crashed run, and releasing them lets retries resume at once instead of waiting for them to go stale.
    pub async fn release_pending_claims(&self) -> Result<u64, StoreError> {
        Ok(exec!(&self.backend, pool => sqlx::query(
            "UPDATE idempotency SET state = $1 WHERE state = $2")
            .bind(ClaimState::Released.as_str())
            .bind(ClaimState::Pending.as_str())
            .execute(pool)
            .await
            .map_err(db)?))
    }

    pub(super) async fn claim_key(
        &self,
        connection: ConnectionId,
        key: &str,
        fingerprint: &str,
        ttl_secs: i64,
        stale_after_secs: i64,
    ) -> Result<IdempotencyClaim, StoreError> {
        let at = now();
        let conn = connection.to_string();
        exec!(&self.backend, pool => sqlx::query(
            "DELETE FROM idempotency WHERE connection_id = $1 AND idem_key = $2 AND created_at < $3")
            .bind(&conn)
            .bind(key)
            .bind(at - ttl_secs)
            .execute(pool)
            .await
            .map_err(db)?);
        let inserted = exec!(&self.backend, pool => sqlx::query(
            "INSERT INTO idempotency (connection_id, idem_key, fingerprint, state, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (connection_id, idem_key) DO NOTHING")
            .bind(&conn)
            .bind(key)
            .bind(fingerprint)
            .bind(ClaimState::Pending.as_str())
            .bind(at)
            .execute(pool)
            .await
            .map_err(db)?);
        if inserted == 1 {
            return Ok(IdempotencyClaim::Claimed { progress: None });
        }
        let row: Option<ClaimRow> = on_pool!(&self.backend, pool => sqlx::query_as(
            "SELECT fingerprint, state, progress, result, updated_at FROM idempotency WHERE connection_id = $1 AND idem_key = $2")
            .bind(&conn)
            .bind(key)
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        let Some(ClaimRow {
            fingerprint: stored_fingerprint,
            state,
            progress,
            result,
            updated_at,
        }) = row
        else {
            // The record expired between our insert and our read: the caller may simply try again.
            return Ok(IdempotencyClaim::InProgress);
        };
        if stored_fingerprint != fingerprint {
            return Ok(IdempotencyClaim::Conflict);
        }
        let known = ClaimState::from_stored(&state);
        if known == Some(ClaimState::Done) {
            return Ok(IdempotencyClaim::Done {
                result: result.unwrap_or_default(),
            });
        }
        if known == Some(ClaimState::Pending) && updated_at >= at - stale_after_secs {
            return Ok(IdempotencyClaim::InProgress);
        }
        // Released by a failed owner, or its owner went silent: take the key over, unless someone else just did.
        let taken = exec!(&self.backend, pool => sqlx::query(
            "UPDATE idempotency SET state = $6, updated_at = $1 WHERE connection_id = $2 AND idem_key = $3 AND state = $4 AND updated_at = $5")
            .bind(at)
            .bind(&conn)
            .bind(key)
            .bind(&state)
            .bind(updated_at)
            .bind(ClaimState::Pending.as_str())
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(if taken == 1 {
            IdempotencyClaim::Claimed { progress }
        } else {
            IdempotencyClaim::InProgress
        })
    }

    pub(super) async fn record_key_progress(
        &self,
        connection: ConnectionId,
        key: &str,
        progress: &str,
    ) -> Result<(), StoreError> {
        exec!(&self.backend, pool => sqlx::query(
            "UPDATE idempotency SET progress = $1, updated_at = $2 WHERE connection_id = $3 AND idem_key = $4")
            .bind(progress)
            .bind(now())
            .bind(connection.to_string())
            .bind(key)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    pub(super) async fn finish_key(
        &self,
        connection: ConnectionId,
        key: &str,
        result: &str,
    ) -> Result<(), StoreError> {
        exec!(&self.backend, pool => sqlx::query(
            "UPDATE idempotency SET state = $5, result = $1, updated_at = $2 WHERE connection_id = $3 AND idem_key = $4")
            .bind(result)
            .bind(now())
            .bind(connection.to_string())
            .bind(key)
            .bind(ClaimState::Done.as_str())
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    pub(super) async fn release_key(
        &self,
        connection: ConnectionId,
        key: &str,
    ) -> Result<(), StoreError> {
        exec!(&self.backend, pool => sqlx::query(
            "UPDATE idempotency SET state = $3 WHERE connection_id = $1 AND idem_key = $2 AND state = $4")
            .bind(connection.to_string())
            .bind(key)
            .bind(ClaimState::Released.as_str())
            .bind(ClaimState::Pending.as_str())
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }
}
