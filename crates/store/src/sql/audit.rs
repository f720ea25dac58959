//! The `audit_log` table: who wrote what through which connection, newest first.

use domain::store::{AuditAction, AuditEntry, AuditResult, ConnectionId, StoreError};

use super::{Backend, SqlStore, db};

row! {
    /// An `audit_log` row as read.
    struct AuditRow {
        connection_id: String,
        at: i64,
        actor: String,
        ticket_id: Option<i64>,
        action: String,
        target: String,
        result: String,
    }
}

impl SqlStore {
    pub(super) async fn insert_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        exec!(&self.backend, pool => sqlx::query(
            "INSERT INTO audit_log (id, connection_id, at, actor, ticket_id, action, target, result) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(uuid::Uuid::new_v4().to_string())
            .bind(entry.connection_id.to_string())
            .bind(entry.at)
            .bind(&entry.actor)
            .bind(entry.ticket_id)
            .bind(entry.action.as_str())
            .bind(&entry.target)
            .bind(entry.result.as_str())
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    pub(super) async fn audit_page(
        &self,
        connection: ConnectionId,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let rows: Vec<AuditRow> = on_pool!(&self.backend, pool => sqlx::query_as(
            "SELECT connection_id, at, actor, ticket_id, action, target, result FROM audit_log \
             WHERE connection_id = $1 ORDER BY at DESC, id DESC LIMIT $2")
            .bind(connection.to_string())
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await
            .map_err(db)?);
        rows.into_iter()
            .map(|row| {
                Ok(AuditEntry {
                    connection_id: ConnectionId::parse(&row.connection_id).ok_or_else(|| {
                        StoreError::Corrupt(format!("audit connection {:?}", row.connection_id))
                    })?,
                    at: row.at,
                    actor: row.actor,
                    ticket_id: row.ticket_id,
                    action: AuditAction::from_stored(&row.action),
                    target: row.target,
                    result: AuditResult::from_stored(&row.result),
                })
            })
            .collect()
    }
}
