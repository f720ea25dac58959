//! The `connection_notices` table: what a connection's block must say once.

use domain::store::{ConnectionId, ConnectionNotice, StoreError};

use super::{Backend, SqlStore, db};

/// How long a notice a block has shown is kept, in seconds.
const NOTICE_KEEP_SECS: i64 = 90 * 86_400;

row! {
    /// A `connection_notices` row as a block takes it.
    struct NoticeRow {
        kind: String,
        detail: String,
        created_at: i64,
    }
}

impl SqlStore {
    pub(super) async fn insert_host_notice(
        &self,
        amo_host: &str,
        except: ConnectionId,
        kind: &str,
        detail: &str,
        at: i64,
    ) -> Result<u64, StoreError> {
        // One statement: the notice reaches exactly the connections that exist at that moment.
        let prefix = uuid::Uuid::new_v4().simple().to_string();
        Ok(exec!(&self.backend, pool => sqlx::query(
            "INSERT INTO connection_notices (id, connection_id, kind, detail, created_at) \
             SELECT $1 || ':' || id, id, $2, $3, $4 FROM connections WHERE amo_host = $5 AND id <> $6")
            .bind(prefix)
            .bind(kind)
            .bind(detail)
            .bind(at)
            .bind(amo_host)
            .bind(except.to_string())
            .execute(pool)
            .await
            .map_err(db)?))
    }

    pub(super) async fn any_unseen_notice(
        &self,
        connection: ConnectionId,
    ) -> Result<bool, StoreError> {
        let found: Option<i64> = on_pool!(&self.backend, pool => sqlx::query_scalar(
            "SELECT created_at FROM connection_notices WHERE connection_id = $1 AND seen_at IS NULL LIMIT 1")
            .bind(connection.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        Ok(found.is_some())
    }

    pub(super) async fn mark_and_take_notices(
        &self,
        connection: ConnectionId,
        at: i64,
    ) -> Result<Vec<ConnectionNotice>, StoreError> {
        // Seen notices are kept for a while (what the block said, and when), then forgotten.
        exec!(&self.backend, pool => sqlx::query(
            "DELETE FROM connection_notices WHERE seen_at IS NOT NULL AND seen_at < $1")
            .bind(at.saturating_sub(NOTICE_KEEP_SECS))
            .execute(pool)
            .await
            .map_err(db)?);
        // Marking and reading in one statement: a concurrent caller finds nothing left to mark.
        let mut rows: Vec<NoticeRow> = on_pool!(&self.backend, pool => sqlx::query_as(
            "UPDATE connection_notices SET seen_at = $2 WHERE connection_id = $1 AND seen_at IS NULL \
             RETURNING kind, detail, created_at")
            .bind(connection.to_string())
            .bind(at)
            .fetch_all(pool)
            .await
            .map_err(db)?);
        rows.sort_by_key(|row| row.created_at);
        Ok(rows
            .into_iter()
            .map(|row| ConnectionNotice {
                connection_id: connection,
                kind: row.kind,
                detail: row.detail,
                created_at: row.created_at,
                seen_at: Some(at),
            })
            .collect())
    }
}
