//! The `links` table (a Usedesk client bound to one amoCRM contact), `field_choices` (what the block shows) and
//! `metadata_snapshots` (the last account metadata, for a warm start).

use domain::now;
use domain::store::{ConnectionId, FieldChoices, StoreError};

use super::{Backend, SqlStore, db};

impl SqlStore {
    pub(super) async fn link_of(
        &self,
        connection: ConnectionId,
        usedesk_client_id: i64,
    ) -> Result<Option<i64>, StoreError> {
        let sql =
            "SELECT contact_id FROM links WHERE connection_id = $1 AND usedesk_client_id = $2";
        Ok(on_pool!(&self.backend, pool => sqlx::query_scalar(sql)
            .bind(connection.to_string())
            .bind(usedesk_client_id)
            .fetch_optional(pool)
            .await
            .map_err(db)?))
    }

    pub(super) async fn upsert_link(
        &self,
        connection: ConnectionId,
        usedesk_client_id: i64,
        contact_id: i64,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO links (connection_id, usedesk_client_id, contact_id, created_at) VALUES ($1, $2, $3, $4) \
                   ON CONFLICT (connection_id, usedesk_client_id) DO UPDATE SET contact_id = excluded.contact_id, created_at = excluded.created_at";
        exec!(&self.backend, pool => sqlx::query(sql)
            .bind(connection.to_string())
            .bind(usedesk_client_id)
            .bind(contact_id)
            .bind(now())
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    pub(super) async fn delete_link(
        &self,
        connection: ConnectionId,
        usedesk_client_id: i64,
    ) -> Result<(), StoreError> {
        let sql = "DELETE FROM links WHERE connection_id = $1 AND usedesk_client_id = $2";
        exec!(&self.backend, pool => sqlx::query(sql)
            .bind(connection.to_string())
            .bind(usedesk_client_id)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    pub(super) async fn field_choices_of(
        &self,
        connection: ConnectionId,
    ) -> Result<Option<FieldChoices>, StoreError> {
        let sql = "SELECT choices FROM field_choices WHERE connection_id = $1";
        let text: Option<String> = on_pool!(&self.backend, pool => sqlx::query_scalar(sql)
            .bind(connection.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        text.map(|t| {
            serde_json::from_str(&t).map_err(|e| StoreError::Corrupt(format!("field choices: {e}")))
        })
        .transpose()
    }

    pub(super) async fn upsert_field_choices(
        &self,
        connection: ConnectionId,
        choices: &FieldChoices,
    ) -> Result<(), StoreError> {
        let text = serde_json::to_string(choices)
            .map_err(|e| StoreError::Corrupt(format!("field choices: {e}")))?;
        let sql = "INSERT INTO field_choices (connection_id, choices, updated_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (connection_id) DO UPDATE SET choices = excluded.choices, updated_at = excluded.updated_at";
        exec!(&self.backend, pool => sqlx::query(sql)
            .bind(connection.to_string())
            .bind(text)
            .bind(now())
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    pub(super) async fn metadata_snapshot_of(
        &self,
        connection: ConnectionId,
    ) -> Result<Option<(String, i64)>, StoreError> {
        let sql = "SELECT body, fetched_at FROM metadata_snapshots WHERE connection_id = $1";
        let row: Option<(String, i64)> = on_pool!(&self.backend, pool => sqlx::query_as(sql)
            .bind(connection.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        Ok(row)
    }

    pub(super) async fn upsert_metadata_snapshot(
        &self,
        connection: ConnectionId,
        body: &str,
        fetched_at: i64,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO metadata_snapshots (connection_id, body, fetched_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (connection_id) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at";
        exec!(&self.backend, pool => sqlx::query(sql)
            .bind(connection.to_string())
            .bind(body)
            .bind(fetched_at)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }
}
