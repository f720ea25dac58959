//! The `connections` table: one row per (Usedesk account, amoCRM host), its tokens sealed per column.

use domain::now;
use domain::store::{Connection, ConnectionId, ConnectionStatus, StoreError, StoredTokens};
use secrecy::SecretString;

use super::{Backend, SqlStore, db};
use crate::Error;

pub(super) const CONNECTION_COLUMNS: &str = "id, usedesk_account, amo_host, status, access_token, refresh_token, expires_at, token_version, created_at, updated_at, usedesk_token";

row! {
    /// A `connections` row as read ([`CONNECTION_COLUMNS`]); tokens still sealed.
    struct ConnectionRow {
        id: String,
        usedesk_account: String,
        amo_host: String,
        status: String,
        access_token: Option<String>,
        refresh_token: Option<String>,
        expires_at: Option<i64>,
        token_version: i64,
        created_at: i64,
        updated_at: i64,
        usedesk_token: Option<String>,
    }
}

/// The associated data that binds a ciphertext to its connection and column.
fn context(id: ConnectionId, column: &str) -> String {
    format!("connection:{id}:{column}")
}

impl SqlStore {
    pub(super) fn decode_connection(&self, row: ConnectionRow) -> Result<Connection, StoreError> {
        let id = ConnectionId::parse(&row.id)
            .ok_or_else(|| StoreError::Corrupt(format!("connection id {:?}", row.id)))?;
        let tokens = match row.access_token {
            Some(access) => Some(StoredTokens {
                access_token: self.cipher.open(&access, &context(id, "access"))?,
                refresh_token: row
                    .refresh_token
                    .map(|r| self.cipher.open(&r, &context(id, "refresh")))
                    .transpose()?,
                expires_at: row.expires_at,
            }),
            None => None,
        };
        let usedesk_token = row
            .usedesk_token
            .map(|t| self.cipher.open(&t, &context(id, "usedesk")))
            .transpose()?;
        Ok(Connection {
            id,
            usedesk_token,
            usedesk_account: row.usedesk_account,
            amo_host: row.amo_host,
            status: ConnectionStatus::from_stored(&row.status),
            tokens,
            token_version: row.token_version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }

    pub(super) fn seal_tokens(
        &self,
        id: ConnectionId,
        tokens: &StoredTokens,
    ) -> Result<(String, Option<String>), StoreError> {
        let crypto = |e: Error| StoreError::Crypto(e.to_string());
        let access = self
            .cipher
            .seal(&tokens.access_token, &context(id, "access"))
            .map_err(crypto)?;
        let refresh = tokens
            .refresh_token
            .as_ref()
            .map(|r| self.cipher.seal(r, &context(id, "refresh")))
            .transpose()
            .map_err(crypto)?;
        Ok((access, refresh))
    }

    pub(super) async fn fetch_connection(
        &self,
        id: ConnectionId,
    ) -> Result<Option<Connection>, StoreError> {
        let sql = format!("SELECT {CONNECTION_COLUMNS} FROM connections WHERE id = $1");
        let row: Option<ConnectionRow> = on_pool!(&self.backend, pool => sqlx::query_as(&sql)
            .bind(id.to_string())
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        row.map(|r| self.decode_connection(r)).transpose()
    }

    pub(super) async fn connection_by_account(
        &self,
        usedesk_account: &str,
        amo_host: &str,
    ) -> Result<Option<Connection>, StoreError> {
        let sql = format!(
            "SELECT {CONNECTION_COLUMNS} FROM connections WHERE usedesk_account = $1 AND amo_host = $2"
        );
        let row: Option<ConnectionRow> = on_pool!(&self.backend, pool => sqlx::query_as(&sql)
            .bind(usedesk_account)
            .bind(amo_host)
            .fetch_optional(pool)
            .await
            .map_err(db)?);
        row.map(|r| self.decode_connection(r)).transpose()
    }

    /// The id a login for (account, host) is saved under: the existing row's, or a new one.
    async fn login_id(
        &self,
        usedesk_account: &str,
        amo_host: &str,
    ) -> Result<ConnectionId, StoreError> {
        match self.connection_by_account(usedesk_account, amo_host).await {
            Ok(Some(c)) => Ok(c.id),
            // A row whose tokens no longer decrypt is replaced, keeping its id.
            Err(StoreError::Crypto(_)) => {
                let id: Option<String> = on_pool!(&self.backend, pool => sqlx::query_scalar(
                    "SELECT id FROM connections WHERE usedesk_account = $1 AND amo_host = $2")
                    .bind(usedesk_account)
                    .bind(amo_host)
                    .fetch_optional(pool)
                    .await
                    .map_err(db)?);
                Ok(id
                    .and_then(|i| ConnectionId::parse(&i))
                    .unwrap_or_else(ConnectionId::new_random))
            }
            Err(e) => Err(e),
            Ok(None) => Ok(ConnectionId::new_random()),
        }
    }

    pub(super) async fn upsert_login(
        &self,
        usedesk_account: &str,
        amo_host: &str,
        tokens: &StoredTokens,
        usedesk_token: Option<&SecretString>,
    ) -> Result<Connection, StoreError> {
        // The id is part of the ciphertexts' associated data, so learn it (or mint it) first.
        let id = self.login_id(usedesk_account, amo_host).await?;
        let (access, refresh) = self.seal_tokens(id, tokens)?;
        let usedesk = usedesk_token
            .map(|t| self.cipher.seal(t, &context(id, "usedesk")))
            .transpose()
            .map_err(|e| StoreError::Crypto(e.to_string()))?;
        let at = now();
        let sql = "INSERT INTO connections (id, usedesk_account, amo_host, status, access_token, refresh_token, expires_at, token_version, created_at, updated_at, usedesk_token) \
                   VALUES ($1, $2, $3, 'active', $4, $5, $6, 1, $7, $7, $8) \
                   ON CONFLICT (usedesk_account, amo_host) DO UPDATE SET status = 'active', access_token = excluded.access_token, \
                   refresh_token = excluded.refresh_token, expires_at = excluded.expires_at, \
                   usedesk_token = COALESCE(excluded.usedesk_token, connections.usedesk_token), \
                   token_version = connections.token_version + 1, updated_at = excluded.updated_at";
        exec!(&self.backend, pool => sqlx::query(sql)
            .bind(id.to_string())
            .bind(usedesk_account)
            .bind(amo_host)
            .bind(access)
            .bind(refresh)
            .bind(tokens.expires_at)
            .bind(at)
            .bind(usedesk.clone())
            .execute(pool)
            .await
            .map_err(db)?);
        self.connection_by_account(usedesk_account, amo_host)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("connection for {amo_host}")))
    }
}
