//! The `nonces` table: single-use tokens, remembered until they expire.

use domain::now;
use domain::store::StoreError;

use super::{Backend, SqlStore, db};

impl SqlStore {
    pub(super) async fn insert_nonce(
        &self,
        nonce: &str,
        expires_at: i64,
    ) -> Result<bool, StoreError> {
        let at = now();
        exec!(&self.backend, pool => sqlx::query("DELETE FROM nonces WHERE expires_at < $1")
            .bind(at)
            .execute(pool)
            .await
            .map_err(db)?);
        let inserted = exec!(&self.backend, pool => sqlx::query(
            "INSERT INTO nonces (nonce, expires_at) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING")
            .bind(nonce)
            .bind(expires_at)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(inserted == 1)
    }

    pub(super) async fn nonce_remembered(&self, nonce: &str) -> Result<bool, StoreError> {
        let found: Option<i64> = on_pool!(&self.backend, pool => sqlx::query_scalar(
            "SELECT expires_at FROM nonces WHERE nonce = $1 AND expires_at >= $2")
            .bind(nonce)
            .bind(now())
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        Ok(found.is_some())
    }

    pub(super) async fn delete_nonce(&self, nonce: &str) -> Result<(), StoreError> {
        exec!(&self.backend, pool => sqlx::query("DELETE FROM nonces WHERE nonce = $1")
            .bind(nonce)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }
}
