//! The trigger secret columns of `connections`: only the hash of the secret, and when it was made.

use domain::store::{ConnectionId, StoreError, TriggerSecretRecord};

use super::{Backend, SqlStore, db};

row! {
    /// The trigger secret columns of a `connections` row.
    struct TriggerSecretRow {
        trigger_secret_hash: Option<String>,
        trigger_secret_at: Option<i64>,
    }
}

impl SqlStore {
    pub(super) async fn trigger_secret_of(
        &self,
        id: ConnectionId,
    ) -> Result<Option<TriggerSecretRecord>, StoreError> {
        let sql = "SELECT trigger_secret_hash, trigger_secret_at FROM connections WHERE id = $1";
        let row: Option<TriggerSecretRow> = on_pool!(&self.backend, pool => sqlx::query_as(sql)
            .bind(id.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        Ok(row.map(|r| TriggerSecretRecord {
            hash: r.trigger_secret_hash,
            created_at: r.trigger_secret_at,
        }))
    }

    pub(super) async fn store_trigger_secret_hash(
        &self,
        id: ConnectionId,
        hash: &str,
        at: i64,
    ) -> Result<(), StoreError> {
        let sql = "UPDATE connections SET trigger_secret_hash = $1, trigger_secret_at = $2, updated_at = $2 WHERE id = $3";
        let changed = exec!(&self.backend, pool => sqlx::query(sql)
            .bind(hash)
            .bind(at)
            .bind(id.to_string())
            .execute(pool)
            .await
            .map_err(db)?);
        if changed == 0 {
            return Err(StoreError::NotFound(format!("connection {id}")));
        }
        Ok(())
    }
}
