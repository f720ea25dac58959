//! The `idempotency` table: claims on a request key, their recorded progress and their stored result.

use domain::now;
use domain::store::{ConnectionId, IdempotencyClaim, StoreError};

use super::{Backend, SqlStore, db};

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
            "UPDATE idempotency SET state = 'released' WHERE state = 'pending'")
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
             VALUES ($1, $2, $3, 'pending', $4, $4) ON CONFLICT (connection_id, idem_key) DO NOTHING")
            .bind(&conn)
            .bind(key)
            .bind(fingerprint)
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
        if state == "done" {
            return Ok(IdempotencyClaim::Done {
                result: result.unwrap_or_default(),
            });
        }
        if state == "pending" && updated_at >= at - stale_after_secs {
            return Ok(IdempotencyClaim::InProgress);
        }
        // Released by a failed owner, or its owner went silent: take the key over, unless someone else just did.
        let taken = exec!(&self.backend, pool => sqlx::query(
            "UPDATE idempotency SET state = 'pending', updated_at = $1 WHERE connection_id = $2 AND idem_key = $3 AND state = $4 AND updated_at = $5")
            .bind(at)
            .bind(&conn)
            .bind(key)
            .bind(&state)
            .bind(updated_at)
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
            "UPDATE idempotency SET state = 'done', result = $1, updated_at = $2 WHERE connection_id = $3 AND idem_key = $4")
            .bind(result)
            .bind(now())
            .bind(connection.to_string())
            .bind(key)
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
            "UPDATE idempotency SET state = 'released' WHERE connection_id = $1 AND idem_key = $2 AND state = 'pending'")
            .bind(connection.to_string())
            .bind(key)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }
}
