//! The `connection_meta` and `deal_tickets` tables, and disconnecting (which clears them with the tokens).

use domain::store::{ConnectionId, ConnectionMeta, StageChange, StoreError};

use super::{Backend, SqlStore, db};

row! {
    /// A `connection_meta` row.
    struct MetaRow {
        amo_account_id: Option<i64>,
        amo_user_id: Option<i64>,
        amo_user_name: Option<String>,
        connected_at: Option<i64>,
        lang: Option<String>,
        webhook_secret_hash: Option<String>,
        webhook_destination: Option<String>,
        webhook_at: Option<i64>,
        stage_comments: i64,
    }
}

/// What disconnecting runs, in order, in one transaction; the second list only when the settings go too.
const DISCONNECT: &[&str] = &[
    "UPDATE connections SET status = 'needs_login', access_token = NULL, refresh_token = NULL, expires_at = NULL, \
     usedesk_token = NULL, token_version = token_version + 1, updated_at = $2 WHERE id = $1",
    "DELETE FROM connection_meta WHERE connection_id = $1",
];
const FORGET_SETTINGS: &[&str] = &[
    "DELETE FROM links WHERE connection_id = $1",
    "DELETE FROM field_choices WHERE connection_id = $1",
    "DELETE FROM deal_tickets WHERE connection_id = $1",
];

impl SqlStore {
    pub(super) async fn meta_of(
        &self,
        connection: ConnectionId,
    ) -> Result<Option<ConnectionMeta>, StoreError> {
        let sql = "SELECT amo_account_id, amo_user_id, amo_user_name, connected_at, lang, webhook_secret_hash, \
                   webhook_destination, webhook_at, stage_comments FROM connection_meta WHERE connection_id = $1";
        let row: Option<MetaRow> = on_pool!(&self.backend, pool => sqlx::query_as(sql)
            .bind(connection.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        Ok(row.map(|r| ConnectionMeta {
            amo_account_id: r.amo_account_id,
            amo_user_id: r.amo_user_id,
            amo_user_name: r.amo_user_name,
            connected_at: r.connected_at,
            lang: r.lang,
            webhook_secret_hash: r.webhook_secret_hash,
            webhook_destination: r.webhook_destination,
            webhook_at: r.webhook_at,
            stage_comments: r.stage_comments != 0,
        }))
    }

    pub(super) async fn upsert_meta(
        &self,
        connection: ConnectionId,
        meta: &ConnectionMeta,
    ) -> Result<(), StoreError> {
        let sql = "INSERT INTO connection_meta (connection_id, amo_account_id, amo_user_id, amo_user_name, connected_at, \
                   lang, webhook_secret_hash, webhook_destination, webhook_at, stage_comments) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                   ON CONFLICT (connection_id) DO UPDATE SET amo_account_id = excluded.amo_account_id, \
                   amo_user_id = excluded.amo_user_id, amo_user_name = excluded.amo_user_name, \
                   connected_at = excluded.connected_at, lang = excluded.lang, \
                   webhook_secret_hash = excluded.webhook_secret_hash, \
                   webhook_destination = excluded.webhook_destination, webhook_at = excluded.webhook_at, \
                   stage_comments = excluded.stage_comments";
        exec!(&self.backend, pool => sqlx::query(sql)
            .bind(connection.to_string())
            .bind(meta.amo_account_id)
            .bind(meta.amo_user_id)
            .bind(meta.amo_user_name.clone())
            .bind(meta.connected_at)
            .bind(meta.lang.clone())
            .bind(meta.webhook_secret_hash.clone())
            .bind(meta.webhook_destination.clone())
            .bind(meta.webhook_at)
            .bind(i64::from(meta.stage_comments))
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    pub(super) async fn connections_with_account(
        &self,
        amo_account_id: i64,
    ) -> Result<Vec<ConnectionId>, StoreError> {
        let ids: Vec<String> = on_pool!(&self.backend, pool => sqlx::query_scalar(
            "SELECT connection_id FROM connection_meta WHERE amo_account_id = $1")
            .bind(amo_account_id)
            .fetch_all(pool)
            .await
            .map_err(db)?);
        Ok(ids
            .iter()
            .filter_map(|id| ConnectionId::parse(id))
            .collect())
    }

    pub(super) async fn insert_deal_ticket(
        &self,
        connection: ConnectionId,
        deal_id: i64,
        ticket_id: i64,
        at: i64,
    ) -> Result<(), StoreError> {
        exec!(&self.backend, pool => sqlx::query(
            "INSERT INTO deal_tickets (connection_id, deal_id, ticket_id, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (connection_id, deal_id) DO NOTHING")
            .bind(connection.to_string())
            .bind(deal_id)
            .bind(ticket_id)
            .bind(at)
            .execute(pool)
            .await
            .map_err(db)?);
        Ok(())
    }

    pub(super) async fn claim_change(
        &self,
        connection: ConnectionId,
        change: &StageChange,
    ) -> Result<Option<i64>, StoreError> {
        // One conditional UPDATE: of concurrent or repeated claims of one change, exactly one changes the row.
        let ticket: Option<i64> = match change.changed_at {
            Some(at) => on_pool!(&self.backend, pool => sqlx::query_scalar(
                "UPDATE deal_tickets SET last_status_id = $3, last_change_at = $4 \
                 WHERE connection_id = $1 AND deal_id = $2 AND (last_change_at IS NULL OR last_change_at < $4 \
                 OR (last_change_at = $4 AND last_status_id = $5 AND last_status_id <> $3)) RETURNING ticket_id")
                .bind(connection.to_string())
                .bind(change.deal_id)
                .bind(change.status_id)
                .bind(at)
                .bind(change.old_status_id)
                .fetch_optional(pool)
                .await
                .map_err(db)?),
            None => on_pool!(&self.backend, pool => sqlx::query_scalar(
                "UPDATE deal_tickets SET last_status_id = $3 \
                 WHERE connection_id = $1 AND deal_id = $2 AND (last_status_id IS NULL OR last_status_id <> $3) \
                 RETURNING ticket_id")
                .bind(connection.to_string())
                .bind(change.deal_id)
                .bind(change.status_id)
                .fetch_optional(pool)
                .await
                .map_err(db)?),
        };
        Ok(ticket)
    }

    pub(super) async fn drop_connection_access(
        &self,
        connection: ConnectionId,
        keep_settings: bool,
        at: i64,
    ) -> Result<bool, StoreError> {
        let id = connection.to_string();
        let statements = DISCONNECT.iter().chain(if keep_settings {
            &[][..]
        } else {
            FORGET_SETTINGS
        });
        let found = on_pool!(&self.backend, pool => {
            let mut tx = pool.begin().await.map_err(db)?;
            let mut found = false;
            for (n, sql) in statements.enumerate() {
                let query = sqlx::query(sql).bind(id.clone());
                // Only the first statement has a time to set.
                let query = if n == 0 { query.bind(at) } else { query };
                let done = query
                    .execute(&mut *tx)
                    .await
                    .map_err(db)?;
                if n == 0 {
                    found = done.rows_affected() > 0;
                }
            }
            tx.commit().await.map_err(db)?;
            found
        });
        Ok(found)
    }
}
